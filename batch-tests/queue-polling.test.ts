/**
 * The BullMQ batch's shared poller: however many workers a batch has, its runs are read once a round for
 * all of them (one worker holds each round's lease), not once a round per worker. Three workers in this
 * process against a real redis-server (started on a free loopback port) and the simulator, counting the
 * read requests they send.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flora } from '../src/client.js';
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
it.skipIf(!hasRedis())(`${WORKERS} workers read the batch's runs once a round between them, not once each${noRedis}`, async () => {
  const reads = { list: 0, get: 0 };
  const fetch = async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (request.method === 'GET' && path.endsWith('/technique-runs')) reads.list++;
    else if (request.method === 'GET') reads.get++;
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
