/**
 * `startBatchWorker` (src/queue/index.ts) beyond what the crash suite proves: retrying failed runs with a
 * new key when asked, and the batch's spend counting every run. In this process, against a real
 * redis-server (started on a free loopback port) and the simulator.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flora } from '../src/client.js';
import { itemKey } from '../src/batch/keys.js';
import { collectResults, enqueueItems, startBatchWorker } from '../src/queue/index.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../src/testing/index.js';
import { hasRedis, startRedis, type RedisServer } from '../scripts/redis.js';

let sim: Simulator;
let redis: RedisServer | undefined;
beforeAll(async () => {
  // Every run fails (with a retryable code) after 0.2 s of wall time.
  sim = await startSimulator({ seed: 8, timeScale: 20, runDurationSeconds: 4, pendingSeconds: 0.5, failureRate: 1 });
  if (hasRedis()) redis = await startRedis();
});
afterAll(async () => {
  await sim?.close();
  await redis?.stop();
});

const noRedis = hasRedis() ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)';
it.skipIf(!hasRedis())(`retryFailed starts a failed run again with the next attempt's key, up to n times; the spend counts every run${noRedis}`, async () => {
  const target = { redis: redis!.url, batch: 'retries' };
  const items = Array.from({ length: 4 }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `shot ${i}` }] }));
  const { batch_id } = await enqueueItems(target, items, { techniqueId: 'art-directors-critique' });
  // The simulator charges nothing for a failed run; here each is charged 0.01 USD, as the reads report it.
  const charging = async (request: Request) => {
    const response = await globalThis.fetch(request);
    if (request.method !== 'GET' || !response.ok) return response;
    const body = (await response.json()) as { technique_runs?: { status: string; charged_cost?: unknown }[]; status?: string; charged_cost?: unknown };
    for (const run of body.technique_runs ?? [body]) if (run.status === 'failed') run.charged_cost = 0.01;
    return new Response(JSON.stringify(body), { status: response.status, headers: { 'content-type': 'application/json' } });
  };
  const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', fetch: charging });
  const worker = await startBatchWorker(client, { ...target, pollInterval: 50, retryFailed: 2 });
  let outcome;
  try {
    outcome = await collectResults(target, { pollInterval: 50 });
  } finally {
    await worker.close();
  }
  const { summary, results } = outcome;
  expect(summary.failed).toBe(4);
  for (const r of results) expect(r.error?.code, JSON.stringify(r)).toBe('provider_error');
  // Three runs an item (the first and two retries), each with its attempt's key; the result names the last.
  const runs = sim.listRuns();
  expect(runs).toHaveLength(12);
  const keys = new Set(runs.map((r) => r.idempotencyKey));
  for (const item of items) for (const attempt of [1, 2, 3]) expect(keys.has(itemKey(batch_id, item.id, attempt)), `${item.id} attempt ${attempt}`).toBe(true);
  for (const r of results) expect(runs.find((run) => run.runId === r.run_id)?.idempotencyKey).toBe(itemKey(batch_id, r.id, 3));
  // The spend is every run's charge, not only the last run's of each item.
  for (const r of results) expect(r.charged_cost).toBe(0.01);
  expect(summary.spent).toBeCloseTo(0.12, 6);
  await expect(startBatchWorker(client, { ...target, retryFailed: 1.5 })).rejects.toThrow(/retryFailed/);
});
