/**
 * `client.runs` beyond starting: waiting for many runs through the run list, and finding the run an
 * accepted-but-lost call started. Against the simulator, counting the requests each costs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flora } from '../client.js';
import { IdempotencyDuplicateError, InputValidationError } from '../core/errors.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';
import { NESTED_BODY } from '../test-utils.js';

let sim: Simulator;
beforeAll(async () => {
  // Runs end within a second of wall time: 20 simulated seconds at 40x.
  sim = await startSimulator({ seed: 11, timeScale: 40, runDurationSeconds: 20, failureRate: 0.2, rateLimit: { requests: 10_000, perSeconds: 1 } });
});
afterAll(() => sim.close());

/** A client whose fetch counts requests by route: `list` (GET /technique-runs), `get` (GET /runs/{id}), other. */
function counting(fetchFirst?: (request: Request, n: number) => Promise<Response>) {
  const counts = { list: 0, get: 0, other: 0 };
  let n = 0;
  const fetch = async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (request.method === 'GET' && path.endsWith('/technique-runs')) counts.list++;
    else if (request.method === 'GET' && /\/runs\/[^/]+$/.test(path)) counts.get++;
    else counts.other++;
    return fetchFirst ? fetchFirst(request, ++n) : globalThis.fetch(request);
  };
  const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, fetch, logLevel: 'off', maxRetries: 3 });
  return { client, counts };
}

async function startMany(client: Flora, count: number, techniqueId = 'art-directors-critique') {
  const started = [];
  for (let i = 0; i < count; i += 25) {
    started.push(...(await Promise.all(Array.from({ length: Math.min(25, count - i) }, () => client.techniques.runs.create(techniqueId, NESTED_BODY)))));
  }
  return started.map((s) => ({ run_id: s.run_id, technique_id: techniqueId }));
}

describe('runs.retrieveMany', () => {
  it('reads many runs in one round, in the given order, through the list where it reaches them', async () => {
    const { client, counts } = counting();
    const runs = await startMany(client, 30);
    const before = { ...counts };
    // Given twice, and in another order than they were started: each answer is that run's own.
    const asked = [...runs].reverse().concat(runs[0]!);
    const read = await client.runs.retrieveMany(asked);
    expect(read.map((r) => r.run_id)).toEqual(asked.map((r) => r.run_id));
    for (const r of read) expect(['pending', 'running', 'completed', 'failed']).toContain(r.status);
    // One list page covers all 30; no GET per run.
    expect(counts.list - before.list).toBe(1);
    expect(counts.get - before.get).toBe(0);
    const direct = await client.generations.retrieve(read[3]!.run_id);
    expect(direct.run_id).toBe(read[3]!.run_id);
  });

  it('reads a run the list does not reach with GET /runs/{runId}, and refuses a bad id before any request', async () => {
    const { client, counts } = counting();
    const [run] = await startMany(client, 1, 'storyboard-to-video');
    const before = { ...counts };
    const [read] = await client.runs.retrieveMany([run!.run_id]);
    expect(read!.run_id).toBe(run!.run_id);
    expect(counts.list + counts.get).toBeGreaterThan(before.list + before.get);
    const now = { ...counts };
    await expect(client.runs.retrieveMany(['run_ok', '..'])).rejects.toThrow(/runs\[1\]\.run_id/);
    expect(counts).toEqual(now);
  });
});

describe('runs.waitAll', () => {
  it('waits for 150 runs of a technique with list requests alone, a couple a round, and answers in the given order', async () => {
    const { client, counts } = counting();
    const runs = await startMany(client, 150);
    const ended: string[] = [];
    let rounds = 0;
    let lastListCount = -1;
    const done = await client.runs.waitAll(runs, {
      minInterval: 100,
      maxInterval: 200,
      waitTimeout: 60_000,
      onProgress: () => {
        if (counts.list !== lastListCount) rounds++, (lastListCount = counts.list);
      },
      onEnded: (run) => ended.push(run.run_id),
    });
    expect(done.map((r) => r.run_id)).toEqual(runs.map((r) => r.run_id));
    expect(done.every((r) => r.status === 'completed' || r.status === 'failed')).toBe(true);
    expect(done.some((r) => r.status === 'failed')).toBe(true);
    expect(new Set(ended)).toEqual(new Set(runs.map((r) => r.run_id)));
    expect(ended).toHaveLength(150);
    // Every run was in the list: not one GET per run.
    expect(counts.get).toBe(0);
    // 150 runs are two pages of 100; a round reads at most one spare page.
    expect(counts.list).toBeLessThanOrEqual(Math.max(rounds, 1) * 3);
    // What the list said matches the run itself.
    const one = done[7]!;
    const direct = await client.generations.retrieve(one.run_id);
    expect(direct.status).toBe(one.status);
  });

  it('reads a run the list cannot select (no technique given) with GET /runs/{runId}', async () => {
    const { client, counts } = counting();
    const [run] = await startMany(client, 1, 'storyboard-to-video');
    const before = { ...counts };
    const done = await client.runs.waitAll([run!.run_id], { minInterval: 100, maxInterval: 200, waitTimeout: 60_000 });
    expect(done[0]!.run_id).toBe(run!.run_id);
    expect(['completed', 'failed']).toContain(done[0]!.status);
    // Unfiltered, the key's newest runs are listed first; a run they do not show is read on its own.
    expect(counts.list + counts.get).toBeGreaterThan(before.list + before.get);
  });

  it('falls back to GET /runs/{runId} for a run older than the pages a round reads', async () => {
    const { client, counts } = counting();
    const [old] = await startMany(client, 1, 'product-shot');
    // 250 newer runs of the same technique push the old one past the two pages a wait for it alone reads.
    await startMany(client, 250, 'product-shot');
    const done = await client.runs.waitAll([old!], { minInterval: 100, maxInterval: 200, waitTimeout: 60_000 });
    expect(done[0]!.run_id).toBe(old!.run_id);
    expect(counts.get).toBeGreaterThan(0);
  });

  it("reads the list down to a run whose creation time it is given, when that is cheaper than a GET", async () => {
    const { client, counts } = counting();
    const old = await client.techniques.runs.create('product-shot', NESTED_BODY);
    // 250 newer runs: the old one is on the third page, one beyond what a round reads for a single run.
    await startMany(client, 250, 'product-shot');
    const done = await client.runs.waitAll([{ run_id: old.run_id, technique_id: 'product-shot', created_at: old.created_at }], { minInterval: 100, maxInterval: 200, waitTimeout: 60_000 });
    expect(done[0]!.run_id).toBe(old.run_id);
    expect(counts.get).toBe(0);
  });

  it('waits for runs handed over by `more` in the same rounds, each once, and answers with the runs given', async () => {
    const { client, counts } = counting();
    const runs = await startMany(client, 160);
    const [first, second, ...rest] = runs;
    const handed: string[][] = [];
    const ended: string[] = [];
    // A batch hands over its runs as it starts them: 20 a round, one of them twice; and, once they ended,
    // one of the runs given and one of the added ones again.
    let again = false;
    const more = () => {
      const next = rest.splice(0, 20);
      if (next.length > 0) next.push(next[0]!);
      if (rest.length === 0 && !again && ended.includes(first!.run_id) && ended.includes(runs[2]!.run_id)) {
        again = true;
        next.push(first!, runs[2]!);
      }
      handed.push(next.map((r) => r.run_id));
      return next;
    };
    const before = { ...counts };
    const done = await client.runs.waitAll([first!, second!.run_id], { minInterval: 50, maxInterval: 50, waitTimeout: 60_000, more, onEnded: (r) => ended.push(r.run_id) });
    expect(done.map((r) => r.run_id)).toEqual([first!.run_id, second!.run_id]);
    expect(done.every((r) => r.status === 'completed' || r.status === 'failed')).toBe(true);
    // Every run's end reported once, those handed over twice (or again after their end) included.
    expect([...ended].sort()).toEqual(runs.map((r) => r.run_id).sort());
    expect(again).toBe(true);
    expect(handed.flat()).toHaveLength(158 + Math.ceil(158 / 20) + 2);
    // `more` is asked once a round; at most 160 runs open at once: two pages a round, plus one spare, and now and
    // then a page more where it costs less than a GET for each run the pages did not show (a loaded machine
    // makes rounds whose runs are spread wider): a bound on the rounds, never one per run.
    expect(counts.list - before.list).toBeLessThanOrEqual(handed.length * 4);
    expect(counts.get - before.get).toBe(0);
  });

  it('refuses bad options before any request', async () => {
    const { client, counts } = counting();
    await expect(client.runs.waitAll(['run_x'], { minInterval: 10 })).rejects.toThrow(/minInterval/);
    await expect(client.runs.waitAll(['..'])).rejects.toBeInstanceOf(InputValidationError);
    expect(counts).toEqual({ list: 0, get: 0, other: 0 });
  });

  it('stops at its timeout with a RunTimeoutError naming a run that had not ended', async () => {
    const { client } = counting();
    const slow = await startSimulator({ seed: 2, runDurationSeconds: 3600 });
    try {
      const c = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: slow.url, logLevel: 'off' });
      const started = await c.techniques.runs.create('art-directors-critique', NESTED_BODY);
      const error = await c.runs.waitAll([started.run_id], { waitTimeout: 300, minInterval: 50 }).catch((e: unknown) => e);
      expect((error as Error).name).toBe('RunTimeoutError');
      expect((error as { runId?: string }).runId ?? (error as Error).message).toContain(started.run_id);
    } finally {
      await slow.close();
    }
    void client;
  });
});

describe('runs.findAccepted', () => {
  /** Lets the first attempt reach the server, then loses its answer. */
  const losingFirst = (request: Request, n: number) =>
    globalThis.fetch(request).then((response) => {
      if (n === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return response;
    });

  it('after an accepted-but-lost start, finds the run it started, and the error says how', async () => {
    const { client } = counting(losingFirst);
    const error = await client.techniques.runs.create('brand-guidelines', NESTED_BODY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyDuplicateError);
    const duplicate = error as IdempotencyDuplicateError;
    expect(duplicate.acceptedEarlier).toBe(true);
    expect(duplicate.message).toContain('client.runs.findAccepted');
    expect(duplicate.callStartedAt).toBeGreaterThan(Date.now() - 60_000);

    const candidates = await client.runs.findAccepted(duplicate, { techniqueId: 'brand-guidelines' });
    const started = sim.listRuns().filter((r) => r.idempotencyKey === duplicate.idempotencyKey);
    expect(started).toHaveLength(1);
    expect(candidates.map((c) => c.run_id)).toContain(started[0]!.runId);
    // Only that technique's runs.
    expect(candidates.every((c) => c.technique.technique_id === started[0]!.technique.id)).toBe(true);
  });

  it('leaves out runs created before the window', async () => {
    const { client } = counting();
    await startMany(client, 2, 'brand-guidelines');
    const later = Date.now() + 3_600_000;
    expect(await client.runs.findAccepted(undefined, { techniqueId: 'brand-guidelines', since: later, slackSeconds: 0 })).toEqual([]);
  });

  it('needs a start time when the error carries none', async () => {
    const { client, counts } = counting();
    await expect(client.runs.findAccepted(undefined, { techniqueId: 'brand-guidelines' })).rejects.toThrow(/since/);
    await expect(client.runs.findAccepted(undefined, { techniqueId: 'x', since: Date.now(), maxPages: 0 })).rejects.toThrow(/maxPages/);
    expect(counts.list).toBe(0);
  });
});
