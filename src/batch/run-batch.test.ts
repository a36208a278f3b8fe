/** runBatch against the in-process simulator: resuming, lost answers, the two-hour window, money, rate limits. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Flora } from '../client.js';
import { InputValidationError } from '../core/errors.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator, type SimulatorOptions } from '../testing/index.js';
import { checkItems, parseItemsJsonl } from './items.js';
import { Journal } from './journal.js';
import { IDEMPOTENCY_WINDOW_MS, inputsDigest, itemKey } from './keys.js';
import { runBatch, type BatchProgress, type RunBatchOptions } from './run-batch.js';

const TECH = 'art-directors-critique';
const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup(options: SimulatorOptions = {}, apiKey = DEFAULT_API_KEY) {
  const sim = await startSimulator({ timeScale: 50, runDurationSeconds: 2, pendingSeconds: 0.5, seed: 5, ...options });
  sims.push(sim);
  const flora = new Flora({ apiKey, baseUrl: sim.url, logLevel: 'off' });
  const journal = join(mkdtempSync(join(tmpdir(), 'flora-batch-unit-')), 'batch.journal');
  return { sim, flora, journal };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `p${i}` }] }));
const fast = (journal: string, more: Partial<RunBatchOptions> = {}): RunBatchOptions => ({ techniqueId: TECH, journal, pollInterval: 50, ...more });
const thrown = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('items', () => {
  it('refuses unreadable lines, bad and repeated ids and bad inputs, naming each line', () => {
    const text = ['{"id": "a", "inputs": []}', 'not json', '', '{"id": "a", "inputs": []}', '{"id": "", "inputs": []}', '{"id": "b", "inputs": [{"id": "prompt", "type": "bogus", "value": 1}]}', '[1]'].join('\n');
    const e = (() => {
      try {
        parseItemsJsonl(text, 'items.jsonl');
      } catch (err) {
        return err;
      }
    })() as InputValidationError;
    expect(e).toBeInstanceOf(InputValidationError);
    expect(e.fields.map((f) => f.field)).toEqual(['line 2', 'line 7']);
    expect(e.message).toContain('items.jsonl');
    const parsed = parseItemsJsonl(text.split('\n').filter((_, i) => i !== 1 && i !== 6).join('\n'), 'items.jsonl');
    const e2 = (() => {
      try {
        checkItems(parsed, 'nested', { techniqueId: TECH });
      } catch (err) {
        return err;
      }
    })() as InputValidationError;
    expect(e2.fields.map((f) => f.field)).toEqual(['line 3.id', 'line 4.id', 'line 5.inputs[0].type', 'line 5.inputs[0].value']);
    expect(e2.fields[0]!.message).toContain('repeats the id "a" of line 1');
  });

  it('wants map inputs for the top-level route', () => {
    expect(() => checkItems([{ id: 'x', inputs: [] }], 'top', { techniqueId: 'tech_abcd1234', workspaceId: 'ws_abc123' })).toThrow(/line 1\.inputs/);
    expect(checkItems([{ id: 'x', inputs: { prompt: 'a' } }], 'top', { techniqueId: 'tech_abcd1234', workspaceId: 'ws_abc123' })).toHaveLength(1);
  });
});

describe('runBatch', () => {
  it('runs every item once with its derived key, through both routes', async () => {
    const { sim, flora, journal } = await setup({ faults: { dropAfterRecordRate: 0.1, serverErrorRate: 0.1, routes: ['create', 'startTechnique'] } });
    const seen: string[] = [];
    const { summary, results } = await runBatch(flora, items(30), fast(journal, { onResult: (r) => seen.push(r.id) }));
    expect(summary.completed).toBe(30);
    expect(results.map((r) => r.status)).toEqual(Array(30).fill('completed'));
    expect(seen.sort()).toEqual(results.map((r) => r.id).sort());
    const runs = sim.listRuns();
    expect(runs).toHaveLength(30);
    for (const r of results) expect(runs.find((run) => run.runId === r.run_id)!.idempotencyKey).toBe(itemKey(summary.batchId, r.id));
    expect(summary.spent).toBeCloseTo(30 * 0.04, 6);

    const top = await setup();
    const out = await runBatch(top.flora, [{ id: 'one', inputs: { prompt: 'a fox' } }], { techniqueId: 'tech_abcd1234', workspaceId: 'ws_abc123', journal: top.journal, pollInterval: 50 });
    expect(out.results[0]!.status).toBe('completed');
    expect(top.sim.listRuns()[0]!.startedVia).toBe('startTechnique');
  });

  it('a second run of a finished batch sends nothing and gives the same results', async () => {
    const { sim, flora, journal } = await setup();
    const first = await runBatch(flora, items(5), fast(journal));
    const before = JSON.stringify(sim.stats().requests);
    const second = await runBatch(flora, items(5), fast(journal));
    expect(second.results).toEqual(first.results);
    expect(JSON.stringify(sim.stats().requests)).toBe(before);
  });

  it('one process at a time runs a journal: a second is refused while the first runs, and finishes nothing twice', async () => {
    const { sim, flora, journal } = await setup();
    let second: unknown;
    let tried: Promise<void> | undefined;
    const first = await runBatch(flora, items(20), fast(journal, {
      onProgress: (p) => {
        if (p.done > 0) tried ??= thrown(runBatch(flora, items(20), fast(journal))).then((e) => void (second = e));
      },
    }));
    await tried;
    expect(second).toBeInstanceOf(InputValidationError);
    expect((second as InputValidationError).fields[0]!.field).toBe('journal');
    expect((second as Error).message).toMatch(new RegExp(`in use by process ${process.pid} on `));
    expect(first.summary.completed + first.summary.failed).toBe(20);
    expect(sim.stats().requests.create?.['201'] ?? 0).toBeLessThanOrEqual(20);
    expect(sim.listRuns()).toHaveLength(20);
  });

  it('two batches started at once on a new journal make one journal: one runs, the other is refused', async () => {
    const { sim, flora, journal } = await setup();
    const both = await Promise.all([thrown(runBatch(flora, items(10), fast(journal))), thrown(runBatch(flora, items(10), fast(journal)))]);
    expect(both.filter((e) => e === undefined)).toHaveLength(1);
    const refused = both.find((e) => e !== undefined);
    expect(refused).toBeInstanceOf(InputValidationError);
    expect(String(refused)).toMatch(/in use by process/);
    expect(sim.listRuns()).toHaveLength(10);
    expect(new Set(sim.listRuns().map((r) => r.idempotencyKey)).size).toBe(10);
  });

  it("takes over a journal whose runner died (its process is gone, or its claim from another host went stale), and refuses a live one's", async () => {
    const { sim, flora, journal } = await setup();
    const done = await runBatch(flora, items(3), fast(journal));
    const Database = (await import('better-sqlite3')).default;
    const runner = (r: { pid: number; host?: string; process?: string; started?: string; at: number }) => {
      const db = new Database(journal);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('runner', ?)").run(JSON.stringify({ host: hostname(), token: 'theirs', ...r }));
      db.close();
    };
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const live = process.ppid;
    const before = sim.listRuns().length;
    runner({ pid: gone, at: Date.now() });
    expect((await runBatch(flora, items(3), fast(journal))).results).toEqual(done.results);
    // This process's pid, recorded by an earlier process (a restarted container's runner is pid 1 again).
    runner({ pid: process.pid, process: 'an-earlier-one', at: Date.now() });
    expect((await runBatch(flora, items(3), fast(journal))).results).toEqual(done.results);
    runner({ pid: 1, host: 'another-machine', at: Date.now() - 60_000 });
    expect((await runBatch(flora, items(3), fast(journal))).results).toEqual(done.results);
    // A live pid that another process had when it claimed the journal (the system says it started later).
    runner({ pid: live, started: 'an-earlier-boot/1', at: Date.now() });
    expect((await runBatch(flora, items(3), fast(journal))).results).toEqual(done.results);
    // A live process on this host holds it however long ago it renewed (suspended with Ctrl-Z, say).
    runner({ pid: live, at: Date.now() - 60_000 });
    expect(await thrown(runBatch(flora, items(3), fast(journal)))).toBeInstanceOf(InputValidationError);
    runner({ pid: 1, host: 'another-machine', at: Date.now() });
    expect(String(await thrown(runBatch(flora, items(3), fast(journal))))).toMatch(/in use by process 1 on another-machine/);
    expect(sim.listRuns()).toHaveLength(before);
  });

  it('refuses a journal from another batch, naming the line', async () => {
    const { flora, journal } = await setup();
    await runBatch(flora, items(3), fast(journal));
    const other = items(3);
    other[1]!.inputs[0]!.value = 'changed';
    const e = (await thrown(runBatch(flora, other, fast(journal)))) as InputValidationError;
    expect(e).toBeInstanceOf(InputValidationError);
    expect(e.message).toMatch(/another batch: line 2: item "item-1" has other inputs/);
    expect(String(await thrown(runBatch(flora, items(3), fast(journal, { techniqueId: 'product-shot' }))))).toMatch(/ran technique art-directors-critique, not product-shot/);
    expect(String(await thrown(runBatch(flora, items(4), fast(journal))))).toMatch(/line 4: item "item-3" is not one of its 3 items/);
  });

  /** A journal whose item was being started (key recorded, maybe sent) when its process died. */
  async function interrupted(journal: string, keyAgeMs: number, ids: string[]) {
    const checked = checkItems(items(ids.length).map((it, i) => ({ ...it, id: ids[i]! })), 'nested', { techniqueId: TECH });
    const j = await Journal.create(journal, { batchId: 'btest', techniqueId: TECH, workspaceId: undefined, route: 'nested', createdAt: Date.now(), itemCount: ids.length }, checked);
    for (const id of ids) j.starting(id, itemKey('btest', id), 1, Date.now() - keyAgeMs, undefined);
    j.close();
  }

  it('a start sent before a crash, within the window: resent with the same key; a 409 is looked up, not run again', async () => {
    const { sim, flora, journal } = await setup();
    await interrupted(journal, 60_000, ['sent', 'lost']);
    // 'sent' reached FLORA before the crash; 'lost' never did.
    await flora.techniques.runs.create(TECH, { inputs: [{ id: 'prompt', type: 'text', value: 'p0' }], mode: 'async' }, { idempotencyKey: itemKey('btest', 'sent') });
    const { summary, results } = await runBatch(flora, items(2).map((it, i) => ({ ...it, id: ['sent', 'lost'][i]! })), fast(journal));
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(sim.runCount()).toBe(2);
    expect(sim.stats().requests.create).toMatchObject({ 200: 2, 409: 1 });
    expect(summary.lookups).toBe(1);
    expect(summary.resumed).toBe(2);
    expect(results[0]!.run_id).toBe(sim.listRuns().find((r) => r.idempotencyKey === itemKey('btest', 'sent'))!.runId);
  });

  it("the first start's lost answer is found though the account ran the technique just before: the lookup stops at the newest run there was", async () => {
    const { sim, flora } = await setup();
    // Other runs of the technique by the same key, minutes (here: moments) before the batch.
    for (let i = 0; i < 3; i++) await flora.techniques.runs.create(TECH, { inputs: [{ id: 'prompt', type: 'text', value: `other ${i}` }], mode: 'async' });
    // The batch's first start reaches FLORA, and its answer is lost on the way back; the retry is answered 409.
    let lost = 0;
    const losing = new Flora({
      apiKey: DEFAULT_API_KEY,
      baseUrl: sim.url,
      logLevel: 'off',
      fetch: async (request) => {
        const answer = await fetch(request);
        if (request.method === 'POST' && lost++ === 0) throw new TypeError('fetch failed: the answer was lost');
        return answer;
      },
    });
    const journal = join(mkdtempSync(join(tmpdir(), 'flora-batch-unit-')), 'batch.journal');
    const { summary, results } = await runBatch(losing, items(2), fast(journal));
    expect(lost).toBeGreaterThan(1);
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(summary.lookups).toBe(1);
    expect(sim.runCount()).toBe(5);
  });

  it('a start older than the two-hour window is never sent again: found in the run list, else marked for review', async () => {
    const { sim, flora, journal } = await setup();
    await interrupted(journal, IDEMPOTENCY_WINDOW_MS + 60_000, ['sent', 'lost']);
    await flora.techniques.runs.create(TECH, { inputs: [{ id: 'prompt', type: 'text', value: 'p0' }], mode: 'async' }, { idempotencyKey: itemKey('btest', 'sent') });
    const created = sim.stats().requests.create;
    const { results } = await runBatch(flora, items(2).map((it, i) => ({ ...it, id: ['sent', 'lost'][i]! })), fast(journal));
    expect(sim.stats().requests.create).toEqual(created); // no start sent
    expect(results[0]!.status).toBe('completed');
    expect(results[1]).toMatchObject({ id: 'lost', status: 'review', run_id: null, error: { code: 'unconfirmed_start' } });
    expect(results[1]!.error!.message).toContain('not sent again');
  });

  it('maxCost stops starting runs before the budget would be passed', async () => {
    const { sim, flora, journal } = await setup();
    const { summary, results } = await runBatch(flora, items(20), fast(journal, { maxCost: 0.2, concurrency: 3 }));
    expect(summary.stopped?.reason).toBe('max_cost');
    expect(summary.spent).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(summary.completed).toBe(5);
    expect(sim.runCount()).toBe(5);
    expect(results.filter((r) => r.status === 'not_started')).toHaveLength(15);
    expect(results.at(-1)!.error!.code).toBe('max_cost');
  });

  it('maxCost counts the final charge, not the quote, once a run shows the quote falls short', async () => {
    // The live profile charges 1.25x the quote once a run settles; runs last long enough to settle before the next check.
    const { sim, flora, journal } = await setup({ profile: 'live', timeScale: 100 });
    const { summary } = await runBatch(flora, items(20), fast(journal, { maxCost: 0.2, concurrency: 1, pollInterval: 200 }));
    expect(summary.spent).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(sim.runCount()).toBeLessThan(5);
  });

  it('insufficient_credits stops the batch at once, with the items left to start', async () => {
    const { sim, flora, journal } = await setup({ keys: { [DEFAULT_API_KEY]: { credits: false } } });
    const { summary, results } = await runBatch(flora, items(10), fast(journal));
    expect(summary.stopped?.reason).toBe('insufficient_credits');
    expect(summary.stopped?.message).toContain('insufficient_credits');
    expect(sim.stats().requests.create).toEqual({ 402: 1 });
    expect(results.every((r) => r.status === 'not_started' && r.error!.code === 'insufficient_credits')).toBe(true);
  });

  it('failed runs are reported with their code, and retried with a new key when asked', async () => {
    const { sim, flora, journal } = await setup({ failureRate: 1 });
    const { summary, results } = await runBatch(flora, items(4), fast(journal, { retryFailed: 2 }));
    expect(summary.failed).toBe(4);
    expect(results.every((r) => r.error?.code === 'provider_error')).toBe(true);
    expect(sim.runCount()).toBe(12);
    expect(new Set(sim.listRuns().map((r) => r.idempotencyKey)).size).toBe(12);
  });

  it('progress counts what has ended, through retries and a resume', async () => {
    const { flora, journal } = await setup({ failureRate: 0.4 });
    let ended = 0; // results reported, by both runs
    let last: BatchProgress | undefined;
    const watch = {
      onResult: () => void ended++,
      onProgress: (p: BatchProgress) => {
        expect(p.done).toBe(ended);
        expect(p.done + p.running + p.pending).toBe(p.total);
        last = p;
      },
    };
    // The budget stops the first run part-way (the runs it started end first); the second resumes the rest.
    const first = await runBatch(flora, items(24), fast(journal, { retryFailed: 1, maxCost: 0.3, ...watch }));
    expect(first.summary.notStarted).toBeGreaterThan(0);
    expect(last).toMatchObject({ done: ended, running: 0 });
    const { summary } = await runBatch(flora, items(24), fast(journal, { retryFailed: 1, ...watch }));
    expect(last).toMatchObject({ total: 24, done: 24, completed: summary.completed, failed: summary.failed, running: 0, pending: 0 });
    expect(summary.failed).toBeGreaterThan(0);
  });

  it('a resumed run that fails and is retried while the batch recovers starts once more, not twice', async () => {
    // Runs end only when the test moves the simulator's clock.
    const { sim, flora, journal } = await setup({ failureRate: 1, timeScale: 1, runDurationSeconds: 3600 });
    // Stopped once all 8 runs started: the journal has them `started` (or the last one `starting`).
    const abort = new AbortController();
    await thrown(runBatch(flora, items(8), fast(journal, { concurrency: 8, signal: abort.signal, onProgress: () => sim.runCount() === 8 && abort.abort() })));
    const reported: string[] = [];
    // In steps, so the recovered runs end over several rounds: the first are retried while the others are still awaited.
    const clock = setInterval(() => sim.advance(200), 20);
    const { summary, results } = await runBatch(flora, items(8), fast(journal, { concurrency: 8, retryFailed: 1, onResult: (r) => reported.push(r.id) })).finally(() => clearInterval(clock));
    // Each recovered run failed and was retried once, while the recovery waited: one new run, one result each.
    expect(summary.resumed).toBe(8);
    expect(new Set(reported).size).toBe(reported.length);
    expect(results.filter((r) => r.status === 'review')).toEqual([]);
    expect(summary.failed).toBe(8);
    const keys = sim.listRuns().map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a 429 pauses every start of the batch for its Retry-After, and all items still run once', async () => {
    const { sim, flora, journal } = await setup({ rateLimit: { requests: 4, perSeconds: 1 } });
    const { summary } = await runBatch(flora, items(8), fast(journal, { pollInterval: 1000, startConcurrency: 2 }));
    expect(summary.completed).toBe(8);
    expect(sim.runCount()).toBe(8);
    expect(sim.stats().requests.create?.['429'] ?? 0).toBeGreaterThan(0);
  });

  it('refuses bad options before anything is sent', async () => {
    const { sim, flora, journal } = await setup();
    for (const bad of [{ concurrency: 0 }, { pollInterval: 10 }, { maxCost: -1 }, { retryFailed: 1.5 }]) {
      expect(await thrown(runBatch(flora, items(1), fast(journal, bad)))).toBeInstanceOf(InputValidationError);
    }
    expect(sim.stats().requests).toEqual({});
  });
});

describe('keys', () => {
  it('are stable, differ by batch, item and attempt, and pass the client checks', () => {
    expect(itemKey('b1', 'x')).toBe(itemKey('b1', 'x'));
    expect(new Set([itemKey('b1', 'x'), itemKey('b2', 'x'), itemKey('b1', 'y'), itemKey('b1', 'x', 2)]).size).toBe(4);
    expect(itemKey('b1', 'x')).toMatch(/^fb1-[0-9a-f]{40}$/);
    expect(inputsDigest({ a: 1, b: [2] })).toBe(inputsDigest({ b: [2], a: 1 }));
  });
});
