/**
 * Crash tests of the BullMQ batch: the items enqueued with `flora batch enqueue`, 4 `flora batch worker`
 * processes against a real redis-server (started on a free loopback port) and the faulty simulator (in
 * its own process), 2 of the workers SIGKILLed mid-batch at seeded random moments and replaced, and
 * `flora batch collect` waiting for the end; failed runs are retried once (`--retry-failed 1`). Then, from
 * the simulator's record: exactly one run per key, a first run per item started with the key the job carried
 * from the start and a second exactly where the first failed; one result line per item, naming its last run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemKey } from '../src/batch/keys.js';
import type { IdempotencyChannel } from '../src/testing/index.js';
import type { RemoteSimulator } from '../reliability/remote-simulator.js';
import { hasRedis, startRedis, type RedisServer } from '../scripts/redis.js';
import { bundleCli, crashSimulator, flora, FULL, readResults, seeded, sleep, table, workDir, writeItems, type Spawned } from './harness.js';

const ITEMS = FULL ? 1000 : 50;
const WORKERS = 4;
const KILLED = 2;
const rows: (string | number)[][] = [];
let bundle: string;
let redis: RedisServer;

// .ci/run installs Debian's redis-server; without it the suite says why it did not run.
const withRedis = hasRedis() ? describe : describe.skip;

beforeAll(async () => {
  if (!hasRedis()) return;
  [bundle, redis] = await Promise.all([bundleCli(), startRedis()]);
});
afterAll(async () => {
  await redis?.stop();
  if (rows.length) console.log(`\nflora batch worker x${WORKERS}, ${KILLED} SIGKILLed and replaced\n${table(['channel', 'items', 'workers started', 'killed', 'simulator runs', 'retried', 'results', 'completed', 'failed', 'starts answered 409', 'dropped / 500 / 429 answers'], rows)}\n`);
});

withRedis.each<IdempotencyChannel>(FULL ? ['header', 'body'] : ['header'])('BullMQ workers killed mid-batch (redis-server required), idempotency channel %s', (channel) => {
  let sim: RemoteSimulator;
  beforeAll(async () => {
    sim = await crashSimulator(channel, channel === 'header' ? 27 : 28);
  });
  afterAll(async () => sim?.close());

  it(`${ITEMS} items, ${WORKERS} workers, ${KILLED} killed and replaced: one run per item, one result per item`, async () => {
    const dir = workDir();
    const items = `${dir}/items.jsonl`;
    const out = `${dir}/results.jsonl`;
    const ids = writeItems(items, ITEMS);
    const batch = `crash-${channel}`;
    const common = ['--redis', redis.url, '--batch', batch];
    const enqueue = flora(bundle, ['batch', 'enqueue', ...common, '--technique-id', 'art-directors-critique', '--items', items, '-o', 'json'], sim.url);
    expect((await enqueue.exited).code, enqueue.output()).toBe(0);
    const batchId = (JSON.parse(enqueue.output()) as { batch_id: string }).batch_id;
    // Enqueueing again adds nothing: job id = item id.
    const again = flora(bundle, ['batch', 'enqueue', ...common, '--technique-id', 'art-directors-critique', '--items', items, '-o', 'json'], sim.url);
    expect((await again.exited).code, again.output()).toBe(0);
    expect((JSON.parse(again.output()) as { jobs: number }).jobs).toBe(ITEMS);

    // Failed runs are retried once (a new run, with the next attempt's key): retries must survive kills too.
    const worker = () => flora(bundle, ['batch', 'worker', ...common, '--concurrency', '16', '--poll-interval', '0.1', '--stalled-interval', '1', '--retry-failed', '1', '--quiet'], sim.url);
    const workers: Spawned[] = Array.from({ length: WORKERS }, worker);
    const collect = flora(bundle, ['batch', 'collect', ...common, '--out', out, '--quiet'], sim.url);
    const random = seeded(channel === 'header' ? 3 : 4);
    let started = WORKERS;
    for (let k = 0; k < KILLED; k++) {
      await sleep(400 + random() * (FULL ? 2500 : 800));
      const victim = workers[k]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      workers.push(worker());
      started++;
    }
    const ended = await collect.exited;
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    expect([0, 3], collect.output()).toContain(ended.code);

    const results = readResults(out);
    const runs = await sim.listRuns();
    const create = (await sim.stats()).requests.create ?? {};
    rows.push([channel, ITEMS, started, KILLED, runs.length, runs.length - ITEMS, results.length, results.filter((r) => r.status === 'completed').length, results.filter((r) => r.status === 'failed').length, create['409'] ?? 0, `${create.dropped ?? 0} / ${create['500'] ?? 0} / ${create['429'] ?? 0}`]);

    expect(results.map((r) => r.id)).toEqual(ids);
    for (const r of results) expect(['completed', 'failed'], JSON.stringify(r)).toContain(r.status);
    // One run per key, ever: a first run per item, and a second (its retry) exactly where the first failed.
    const byKey = new Map(runs.map((r) => [r.idempotencyKey, r]));
    expect(byKey.size).toBe(runs.length);
    let retried = 0;
    for (const r of results) {
      const first = byKey.get(itemKey(batchId, r.id, 1));
      expect(first, r.id).toBeDefined();
      const second = byKey.get(itemKey(batchId, r.id, 2));
      if (first!.status === 'failed') {
        expect(second, `${r.id}: its first run failed, so it was retried`).toBeDefined();
        expect(r.run_id).toBe(second!.runId);
        retried++;
      } else {
        expect(second, `${r.id}: its first run ${first!.status}, so no retry`).toBeUndefined();
        expect(r.run_id).toBe(first!.runId);
      }
    }
    expect(runs).toHaveLength(ITEMS + retried);
    // The faults did happen, seeded 429s among them, and none became a failure.
    expect((create.dropped ?? 0) + (create['500'] ?? 0)).toBeGreaterThan(0);
    // (At 1,000 items 3% of starts certainly meet one; 50 items may meet none.)
    if (FULL) expect(create['429'] ?? 0).toBeGreaterThan(0);
  });
});
