/**
 * runBatch when its journal is lost: removed or damaged between runs, removed or truncated under the
 * running batch, and stopped by its caller. Against the in-process simulator; what the simulator recorded
 * says whether anything was paid twice.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Flora } from '../client.js';
import { APIUserAbortError, InputValidationError } from '../core/errors.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator, type SimulatorOptions } from '../testing/index.js';
import { parseItemsJsonl } from './items.js';
import { Journal } from './journal.js';
import { batchIdOf, itemKey } from './keys.js';
import { runBatch } from './run-batch.js';
import { BatchStoreError } from './store-error.js';

const TECH = 'art-directors-critique';
const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup(options: SimulatorOptions = {}) {
  const sim = await startSimulator({ timeScale: 50, runDurationSeconds: 2, pendingSeconds: 0.5, seed: 7, ...options });
  sims.push(sim);
  const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
  const dir = mkdtempSync(join(tmpdir(), 'flora-batch-loss-'));
  return { sim, flora, dir, journal: join(dir, 'shots.journal'), out: join(dir, 'results.jsonl') };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `p${i}` }] }));
const thrown = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
const rmJournal = (path: string) => ['', '-wal', '-shm'].forEach((s) => rmSync(`${path}${s}`, { force: true }));
/** Runs per idempotency key at the simulator: 1 each, or something was paid twice. */
const runsPerKey = (sim: Simulator) => {
  const n = new Map<string | undefined, number>();
  for (const r of sim.listRuns()) n.set(r.idempotencyKey, (n.get(r.idempotencyKey) ?? 0) + 1);
  return [...n.values()];
};

describe('a journal lost between runs', () => {
  it('keys come from the batch name: the same name gives the same keys, another name others', async () => {
    const { sim, flora, journal } = await setup();
    const { summary } = await runBatch(flora, items(2), { techniqueId: TECH, journal, batch: 'shots', pollInterval: 50 });
    expect(summary.batchId).toBe(batchIdOf({ name: 'shots', techniqueId: TECH }));
    expect(summary.name).toBe('shots');
    expect(sim.listRuns().map((r) => r.idempotencyKey).sort()).toEqual(['item-0', 'item-1'].map((id) => itemKey(summary.batchId, id)).sort());
    expect(batchIdOf({ name: 'shots', techniqueId: TECH })).not.toBe(batchIdOf({ name: 'shots2', techniqueId: TECH }));
    expect(batchIdOf({ name: 'shots', techniqueId: TECH })).not.toBe(batchIdOf({ name: 'shots', techniqueId: TECH, workspaceId: 'ws_1' }));
    // A journal keeps its name: another one given is another batch.
    expect(String(await thrown(runBatch(flora, items(2), { techniqueId: TECH, journal, batch: 'other', pollInterval: 50 })))).toMatch(/another batch: it is batch "shots"/);
  });

  it('with its results beside it: refused, naming the journal and --recover; recovery pays nothing twice and keeps every result', async () => {
    const { sim, flora, journal, out } = await setup();
    const first = await runBatch(flora, items(6), { techniqueId: TECH, journal, results: out, pollInterval: 50 });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(6);
    rmJournal(journal);
    const e = await thrown(runBatch(flora, items(6), { techniqueId: TECH, journal, results: out, pollInterval: 50 }));
    expect(e).toBeInstanceOf(InputValidationError);
    expect((e as Error).message).toContain(`${journal} is missing, but ${out} holds results of 6 of its items`);
    expect((e as Error).message).toContain('--recover');
    expect(sim.runCount()).toBe(6);
    const again = await runBatch(flora, items(6), { techniqueId: TECH, journal, results: out, pollInterval: 50, recover: true });
    expect(again.results).toEqual(first.results);
    expect(sim.runCount()).toBe(6);
    expect(sim.stats().requests.create).toEqual({ 200: 6 });
  });

  it('with nothing beside it: the first start FLORA already had stops the batch (nothing paid twice); recovery finds what it can tell apart', async () => {
    const { sim, flora, journal } = await setup();
    // A batch stopped after one item: its journal then lost.
    await runBatch(flora, items(1), { techniqueId: TECH, journal, batch: 'b', pollInterval: 50 });
    rmJournal(journal);
    const e = await thrown(runBatch(flora, items(3), { techniqueId: TECH, journal, batch: 'b', pollInterval: 50 }));
    expect(e).toBeInstanceOf(BatchStoreError);
    expect((e as BatchStoreError).fault).toBe('lost');
    expect((e as Error).message).toMatch(/FLORA already had the idempotency key of item item-0, which the journal .* never sent.*--recover/);
    expect(sim.runCount()).toBe(1);
    const { results } = await runBatch(flora, items(3), { techniqueId: TECH, journal, batch: 'b', pollInterval: 50, recover: true });
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(results[0]!.run_id).toBe(sim.listRuns().find((r) => r.idempotencyKey === itemKey(batchIdOf({ name: 'b', techniqueId: TECH }), 'item-0'))!.runId);
    expect(runsPerKey(sim)).toEqual([1, 1, 1]);
  });

  it('its -wal left behind is refused; a damaged journal is refused, and kept aside by --recover', async () => {
    const { sim, flora, journal, dir, out } = await setup();
    writeFileSync(`${journal}-wal`, 'left over');
    expect(String(await thrown(runBatch(flora, items(1), { techniqueId: TECH, journal, pollInterval: 50 })))).toMatch(/is missing, but .*-wal is there/);
    rmJournal(journal);
    const first = await runBatch(flora, items(3), { techniqueId: TECH, journal, pollInterval: 50, results: out });
    truncateSync(journal, 1000);
    const e = await thrown(runBatch(flora, items(3), { techniqueId: TECH, journal, pollInterval: 50, results: out }));
    expect(e).toBeInstanceOf(InputValidationError);
    expect((e as Error).message).toMatch(/damaged.*--recover/);
    // Recovery keeps the damaged file aside and takes the ended items from the results file.
    const { results } = await runBatch(flora, items(3), { techniqueId: TECH, journal, pollInterval: 50, results: out, recover: true });
    expect(results).toEqual(first.results);
    expect(readdirSync(dir).some((f) => f.startsWith('shots.journal.damaged-'))).toBe(true);
    // Without results to go by, the runs FLORA already had cannot be told apart: for review, never run twice.
    rmJournal(journal);
    rmSync(out);
    const blind = await runBatch(flora, items(3), { techniqueId: TECH, journal, pollInterval: 50, recover: true });
    expect(blind.results.map((r) => r.status)).toEqual(['review', 'review', 'review']);
    expect(blind.results[0]!.error!.message).toMatch(/3 runs are unaccounted for \(run_/);
    expect(runsPerKey(sim)).toEqual([1, 1, 1]);
  });
});

describe('a journal lost under the running batch', () => {
  /** Runs a batch of long runs, does `harm` to its journal once `n` runs started, and returns what it threw. */
  async function harmed(harm: (journal: string) => void, n = 3) {
    const s = await setup({ runDurationSeconds: 30 });
    let done = false;
    const e = await thrown(
      runBatch(s.flora, items(8), {
        techniqueId: TECH,
        journal: s.journal,
        results: s.out,
        pollInterval: 50,
        concurrency: 8,
        onProgress: (p) => {
          if (!done && p.running >= n && s.sim.runCount() >= n) {
            done = true;
            harm(s.journal);
          }
        },
      }),
    );
    return { ...s, e };
  }

  it.each([
    ['removed with its -wal and -shm', (j: string) => rmJournal(j), 'missing'],
    ['its -wal removed', (j: string) => rmSync(`${j}-wal`), 'missing'],
    ['its -wal truncated', (j: string) => truncateSync(`${j}-wal`, 100), 'damaged'],
  ] as const)('%s: stopped at once, written again from memory; the same call resumes and pays nothing twice', async (_name, harm, fault) => {
    const { sim, flora, journal, out, dir, e } = await harmed(harm);
    expect(e).toBeInstanceOf(BatchStoreError);
    expect((e as BatchStoreError).fault).toBe(fault);
    expect((e as Error).message).toContain(journal);
    expect((e as Error).message).toContain('wrote them to a new journal');
    const started = sim.runCount();
    expect(started).toBeLessThan(8);
    expect(existsSync(journal)).toBe(true);
    const { results } = await runBatch(flora, items(8), { techniqueId: TECH, journal, results: out, pollInterval: 50, concurrency: 8 });
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    expect(sim.runCount()).toBe(8);
    expect(runsPerKey(sim)).toEqual(Array(8).fill(1));
    // Nothing of the old journal is deleted: what was left of it is kept aside.
    if (fault === 'damaged') expect(readdirSync(dir).some((f) => f.includes('.lost-'))).toBe(true);
  }, 30_000);

  it('an abort stops it at once with APIUserAbortError; the same call resumes', async () => {
    const { sim, flora, journal } = await setup({ runDurationSeconds: 30 });
    const stop = new AbortController();
    const e = await thrown(runBatch(flora, items(4), { techniqueId: TECH, journal, pollInterval: 50, signal: stop.signal, onProgress: () => sim.runCount() >= 2 && stop.abort() }));
    expect(e).toBeInstanceOf(APIUserAbortError);
    expect((e as Error).message).toMatch(/Batch stopped: aborted\. Run it again with the same journal to resume/);
    const j = await Journal.open(journal);
    expect(j.items().some((r) => r.state === 'started')).toBe(true);
    j.close();
    const { results } = await runBatch(flora, items(4), { techniqueId: TECH, journal, pollInterval: 50 });
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    expect(runsPerKey(sim)).toEqual([1, 1, 1, 1]);
  });
});

describe('items read as bytes', () => {
  it('a line that is not UTF-8 is refused, naming it, and nothing is replaced', () => {
    const bytes = Buffer.concat([Buffer.from('{"id": "a", "inputs": []}\n{"id": "b", "inputs": [{"id": "prompt", "type": "text", "value": "caf'), Buffer.from([0xe9]), Buffer.from('"}]}\n')]);
    const e = (() => {
      try {
        parseItemsJsonl(bytes, 'items.jsonl');
      } catch (err) {
        return err as InputValidationError;
      }
    })();
    expect(e).toBeInstanceOf(InputValidationError);
    expect(e!.fields).toEqual([{ field: 'line 2', message: expect.stringContaining('not valid UTF-8') }]);
    expect(parseItemsJsonl(Buffer.from('{"id": "a", "inputs": [{"id": "p", "type": "text", "value": "café"}]}\n'), 'x')[0]!.inputs).toEqual([{ id: 'p', type: 'text', value: 'café' }]);
  });
});
