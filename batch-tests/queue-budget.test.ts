/**
 * The queue's budget and spend read from the batch's running total (kept by each run's settlement), not
 * by summing a hash with an entry per run on every start and every collector poll: at 100,000 items that
 * sum was O(items) per item inside Redis. Against a real redis-server and the simulator, in this process.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flora } from '../src/client.js';
import { collectResults, enqueueItems, startBatchWorker } from '../src/queue/index.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../src/testing/index.js';
import { hasRedis, startRedis, type RedisServer } from '../scripts/redis.js';

let sim: Simulator;
let redis: RedisServer | undefined;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, timeScale: 50, runDurationSeconds: 2, pendingSeconds: 0.5 });
  if (hasRedis()) redis = await startRedis();
});
afterAll(async () => {
  await sim?.close();
  await redis?.stop();
});

const noRedis = hasRedis() ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)';
it.skipIf(!hasRedis())(`maxCost stops the queue's starts at the budget, and the collector's progress shows the same spend as its summary${noRedis}`, async () => {
  const target = { redis: redis!.url, batch: 'budget' };
  const items = Array.from({ length: 10 }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `shot ${i}` }] }));
  await enqueueItems(target, items, { techniqueId: 'art-directors-critique' });
  const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
  // One run at a time: each start knows the spend of every run before it (0.04 USD each).
  const worker = await startBatchWorker(client, { ...target, concurrency: 1, pollInterval: 50, maxCost: 0.2 });
  const spentSeen: number[] = [];
  let outcome;
  try {
    outcome = await collectResults(target, { pollInterval: 50, onProgress: (p) => spentSeen.push(p.spent) });
  } finally {
    await worker.close();
  }
  const { summary, results } = outcome;
  // The queue learns a run's cost from the first charge it settles (unlike runBatch, it asks for no quote
  // first), so it may start one run past the budget; then it stops.
  expect(summary.completed).toBe(sim.runCount());
  expect(summary.completed).toBeGreaterThanOrEqual(5);
  expect(summary.completed).toBeLessThanOrEqual(6);
  expect(summary.notStarted).toBe(10 - summary.completed);
  expect(summary.spent).toBeCloseTo(0.04 * summary.completed, 6);
  expect(spentSeen.at(-1)).toBeCloseTo(summary.spent, 6);
  // The spend only grows.
  for (let i = 1; i < spentSeen.length; i++) expect(spentSeen[i]).toBeGreaterThanOrEqual(spentSeen[i - 1]!);
  expect(results.filter((r) => r.status === 'not_started').every((r) => r.error?.code === 'max_cost')).toBe(true);
});
