/**
 * `src/queue/shared-wait.ts`, the BullMQ batch's shared poller: however many workers a batch has, its runs
 * are read once a round for all of them (one worker holds each round's lease), not once a round per
 * worker; a state another job collected first, a run that cannot be read and two waits for one run are
 * handled. Against a real redis-server (started on a free loopback port) and the simulator, in this process.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flora } from '../src/client.js';
import { FloraError, InputValidationError } from '../src/core/errors.js';
import { startSharedWait, type SharedWait } from '../src/queue/shared-wait.js';
import { collectResults, enqueueItems, redisOptions, startBatchWorker, type BatchWorker } from '../src/queue/index.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../src/testing/index.js';
import { hasRedis, startRedis, type RedisServer } from '../scripts/redis.js';

const WORKERS = 3;
const ITEMS = 30;
const POLL_MS = 200;
let sim: Simulator;
let redis: RedisServer | undefined;

beforeAll(async () => {
  // Runs of 2 s of wall time (20 simulated seconds at 10x): a wait of ten or more rounds.
  sim = await startSimulator({ seed: 5, timeScale: 10, runDurationSeconds: 20, pendingSeconds: 1, failureRate: 0.1 });
  if (hasRedis()) redis = await startRedis();
});
afterAll(async () => {
  await sim?.close();
  await redis?.stop();
});

const noRedis = hasRedis() ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)';
const withRedis = hasRedis() ? describe : describe.skip;

withRedis(`one poller a round${noRedis}`, () => {
  it(`${WORKERS} workers read the batch's runs once a round between them, not once each`, async () => {
    const reads = { list: 0, get: 0, unfiltered: 0 };
    const fetch = async (request: Request) => {
      const path = new URL(request.url).pathname;
      if (request.method === 'GET' && path.endsWith('/technique-runs')) {
        reads.list++;
        // The poller reads the batch's technique, not every run of the key.
        if (new URL(request.url).searchParams.get('technique_id') !== 'art-directors-critique') reads.unfiltered++;
      } else if (request.method === 'GET') reads.get++;
      return globalThis.fetch(request);
    };
    const target = { redis: redis!.url, batch: 'polling' };
    const items = Array.from({ length: ITEMS }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `shot ${i}` }] }));
    await enqueueItems(target, items, { techniqueId: 'art-directors-critique' });
    const workers: BatchWorker[] = [];
    const t = Date.now();
    for (let i = 0; i < WORKERS; i++) {
      const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, fetch, logLevel: 'off', maxRetries: 4 });
      workers.push(await startBatchWorker(client, { ...target, concurrency: ITEMS / WORKERS, pollInterval: POLL_MS }));
    }
    let results;
    try {
      ({ results } = await collectResults(target, { pollInterval: 50 }));
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
    const elapsed = Date.now() - t;

    expect(results.map((r) => r.id)).toEqual(items.map((i) => i.id));
    for (const r of results) expect(['completed', 'failed'], JSON.stringify(r)).toContain(r.status);
    expect(new Set(results.map((r) => r.run_id)).size).toBe(ITEMS);
    // Each worker had runs to wait for all along; polling on its own, each would read once a round. Shared,
    // the batch reads about once a round in all (one list page covers its 30 runs), whatever the machine's speed.
    const rounds = elapsed / POLL_MS;
    console.log(`${WORKERS} workers, ${ITEMS} runs, ${(elapsed / 1000).toFixed(1)} s: ${reads.list} list requests in ${rounds.toFixed(1)} poll intervals`);
    expect(reads.get).toBe(0);
    expect(reads.unfiltered).toBe(0);
    expect(reads.list).toBeGreaterThan(0);
    expect(reads.list).toBeLessThanOrEqual(rounds * 1.5 + 3);
    // What the poller kept for the workers is gone once every job is done.
    const r = new Redis(redisOptions(target.redis));
    try {
      expect(await r.hlen(`flora-batch:{${target.batch}}:open`)).toBe(0);
      expect(await r.hlen(`flora-batch:{${target.batch}}:ended`)).toBe(0);
    } finally {
      r.disconnect();
    }
  });
});

const TECH = 'art-directors-critique';
const keysOf = (name: string) => ({ open: `t:{${name}}:open`, ended: `t:{${name}}:ended`, poll: `t:{${name}}:poll` });
const entry = () => ({ technique_id: TECH, created_at: Math.floor(Date.now() / 1000) - 5 });
const client = () => new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', maxRetries: 2 });
const startRun = () => client().techniques.runs.create(TECH, { inputs: [{ id: 'prompt', type: 'text', value: 'x' }], mode: 'async' });
type Keys = ReturnType<typeof keysOf>;
/** A shared wait on keys of its own and its own Redis connection (`before` runs first), closed after `fn`. */
async function withWait(name: string, o: { flora?: Flora; pollInterval?: number; before?: (r: Redis, k: Keys) => Promise<unknown> }, fn: (wait: SharedWait, r: Redis, k: Keys) => Promise<void>) {
  const k = keysOf(name);
  const r = new Redis(redisOptions(redis!.url));
  try {
    await o.before?.(r, k);
    const wait = startSharedWait(o.flora ?? client(), r, k, o.pollInterval ?? 100);
    try {
      await fn(wait, r, k);
    } finally {
      await wait.close();
    }
  } finally {
    r.disconnect();
  }
}
/** Settles with the value or the error, or with 'hung' after `ms` (a wide "must not hang" margin). */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p.then((v) => ({ v }), (e: unknown) => ({ e })), new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms))]);

withRedis(`shared-wait${noRedis}`, () => {
  it('two waits for one run in one process both end with its state', () =>
    withWait('twice', {}, async (wait) => {
      const run = await startRun();
      const [a, b] = await Promise.all([wait.waitFor(run.run_id, entry()), wait.waitFor(run.run_id, entry())]);
      expect(a.run_id).toBe(run.run_id);
      expect(b).toEqual(a);
      expect(['completed', 'failed']).toContain(a.status);
    }));

  it('a run whose state another job collected (and cleared) first is read again, not waited for forever', () =>
    // Another worker holds the round's lease, so this one cannot poll yet.
    withWait('collected', { before: (r, k) => r.set(k.poll, 'another-worker', 'PX', 60_000) }, async (wait, r, k) => {
      const run = await startRun();
      const waited = wait.waitFor(run.run_id, entry());
      await new Promise((res) => setTimeout(res, 300));
      expect(await r.hexists(k.open, run.run_id)).toBe(1);
      // As if the other worker had read it, written its state, and its job had collected and cleared it.
      await r.multi().hdel(k.open, run.run_id).hdel(k.ended, run.run_id).del(k.poll).exec();
      const got = await within(waited, 20_000);
      expect(got).not.toBe('hung');
      expect((got as { v: { run_id: string } }).v.run_id).toBe(run.run_id);
    }));

  it('a run that cannot be read fails only its own waits, naming the error, and a new attempt reads it again', () =>
    withWait('unreadable', {}, async (wait, r, k) => {
      const run = await startRun();
      const [gone, fine] = await Promise.all([within(wait.waitFor('run_never_started', entry()), 20_000), within(wait.waitFor(run.run_id, entry()), 20_000)]);
      expect((fine as { v: { run_id: string } }).v.run_id).toBe(run.run_id);
      const err = (gone as { e: unknown }).e;
      expect(err).toBeInstanceOf(FloraError);
      expect(String(err)).toMatch(/not_found: run run_never_started could not be read/);
      expect(JSON.parse((await r.hget(k.ended, 'run_never_started'))!)).toHaveProperty('error.code', 'not_found');
      // The next attempt clears the mark and reads the run again.
      const again = await within(wait.waitFor('run_never_started', entry()), 20_000);
      expect(String((again as { e: unknown }).e)).toMatch(/not_found/);
    }));

  it('a run whose read keeps failing with 500 is marked once each run is read on its own; the others end as they are', () => {
    const fetch = async (request: Request) => (new URL(request.url).pathname.endsWith('/runs/run_always_500') ? new Response(JSON.stringify({ error: { code: 'internal_error', message: 'boom' } }), { status: 500, headers: { 'content-type': 'application/json' } }) : globalThis.fetch(request));
    const flaky = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', maxRetries: 0, fetch });
    return withWait('always500', { flora: flaky, pollInterval: 50 }, async (wait) => {
      const run = await startRun();
      const [bad, good] = await Promise.all([within(wait.waitFor('run_always_500', entry()), 30_000), within(wait.waitFor(run.run_id, entry()), 30_000)]);
      expect(String((bad as { e: unknown }).e)).toMatch(/run run_always_500 could not be read/);
      expect((good as { v: { run_id: string } }).v.run_id).toBe(run.run_id);
    });
  });

  it('a key the API refuses fails every wait at once, without a read per run', () => {
    const reads = { list: 0, get: 0 };
    const fetch = async (request: Request) => {
      if (new URL(request.url).pathname.endsWith('/technique-runs')) reads.list++;
      else reads.get++;
      return globalThis.fetch(request);
    };
    const refused = new Flora({ apiKey: 'flora_sim_revoked_key', baseUrl: sim.url, logLevel: 'off', maxRetries: 0, fetch });
    return withWait('refused', { flora: refused, pollInterval: 50 }, async (wait) => {
      const runs = await Promise.all(Array.from({ length: 20 }, startRun));
      const got = await Promise.all(runs.map((run) => within(wait.waitFor(run.run_id, entry()), 20_000)));
      for (const g of got) expect(String((g as { e: unknown }).e)).toMatch(/^FloraError: \w+: run run_\w+ could not be read/);
      expect(reads.list).toBe(1);
      expect(reads.get).toBeLessThanOrEqual(8);
    });
  });

  it('startBatchWorker refuses a poll interval under 50 ms before connecting', async () => {
    for (const pollInterval of [0, 10, Number.NaN]) {
      await expect(startBatchWorker(client(), { redis: 'redis://127.0.0.1:1', batch: 'b', pollInterval })).rejects.toBeInstanceOf(InputValidationError);
    }
  });
});
