/**
 * The queue's start lane when its holder is gone or slow, made to happen on cue (no kill timing): a start
 * left pending by a worker that died while sending it, whose request reaches FLORA only after the next
 * holder took the lane; and a lane that ran out under a live holder. In this process, against a real
 * redis-server (started on a free loopback port) and the simulator.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flora } from '../src/client.js';
import { itemKey } from '../src/batch/keys.js';
import { batchKeys } from '../src/queue/connection.js';
import { collectResults, enqueueItems, startBatchWorker } from '../src/queue/index.js';
import { LaneLostError, StartLane } from '../src/queue/start-lane.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../src/testing/index.js';
import { hasRedis, startRedis, type RedisServer } from '../scripts/redis.js';

const TECH = 'art-directors-critique';
let sim: Simulator;
let redis: RedisServer | undefined;
beforeAll(async () => {
  sim = await startSimulator({ seed: 9, timeScale: 20, runDurationSeconds: 4, pendingSeconds: 0.5, failureRate: 0 });
  if (hasRedis()) redis = await startRedis();
});
afterAll(async () => {
  await sim?.close();
  await redis?.stop();
});

const noRedis = hasRedis() ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)';
const inputs = (i: number) => [{ id: 'prompt', type: 'text', value: `shot ${i}` }];
const isStart = (r: Request) => r.method === 'POST' && new URL(r.url).pathname.endsWith('/runs');

it.skipIf(!hasRedis())(`a dead holder's start that reaches FLORA after the next holder took the lane: found for its item, and the next item's lost answer found too, not sent for review${noRedis}`, async () => {
  const target = { redis: redis!.url, batch: 'late-start' };
  const { batch_id } = await enqueueItems(target, [{ id: 'item-1', inputs: inputs(1) }], { techniqueId: TECH });
  const k = batchKeys(target.batch);
  const r = new Redis(redis!.url);
  // item-0's worker recorded its key, marked its start pending, sent it, and died: its request is still on the way.
  const lostKey = itemKey(batch_id, 'item-0', 1);
  const lost = { id: 'item-0', line: 1, inputs: inputs(0), techniqueId: TECH, key: lostKey, keyAt: Date.now(), anchorRunId: null, attempt: 1, jobId: 'item-0' };
  await r.set(k.pending, JSON.stringify(lost));
  const late = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', maxRetries: 0 });
  // The next start (item-1's) reaches FLORA; then the dead worker's request lands; then item-1's answer is lost.
  let dropped = false;
  const fetch = async (request: Request) => {
    const key = request.headers.get('idempotency-key');
    if (!isStart(request) || dropped || key !== itemKey(batch_id, 'item-1', 1)) return globalThis.fetch(request);
    dropped = true;
    await globalThis.fetch(request);
    await late.techniques.runs.create(TECH, { inputs: inputs(0) as never, mode: 'async' }, { idempotencyKey: lostKey }).catch(() => undefined);
    throw new TypeError('fetch failed: the answer was lost');
  };
  const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', fetch });
  const worker = await startBatchWorker(client, { ...target, pollInterval: 50 });
  let outcome;
  try {
    outcome = await collectResults(target, { pollInterval: 50 });
  } finally {
    await worker.close();
  }
  expect(dropped).toBe(true);
  const runs = sim.listRuns();
  // One run per key, ever.
  expect(runs.map((run) => run.idempotencyKey).sort()).toEqual([lostKey, itemKey(batch_id, 'item-1', 1)].sort());
  const byKey = new Map(runs.map((run) => [run.idempotencyKey, run.runId]));
  expect(outcome.results).toEqual([expect.objectContaining({ id: 'item-1', status: 'completed', run_id: byKey.get(itemKey(batch_id, 'item-1', 1)) })]);
  // item-0's run is recorded for it: enqueued again, it finds it instead of starting another.
  expect(JSON.parse((await r.hget(k.resolved, 'item-0')) ?? 'null')).toEqual({ run: byKey.get(lostKey), attempt: 1 });
  expect(await r.sismember(k.claimed, byKey.get(lostKey)!)).toBe(1);
  r.disconnect();
});

it.skipIf(!hasRedis())(`a holder that lost the lane (its lock ran out, another worker took it) sends nothing and takes the lane again${noRedis}`, async () => {
  const k = batchKeys('lane-lost');
  const r = new Redis(redis!.url);
  const lane = new StartLane(r, k);
  let turns = 0;
  const sent: string[] = [];
  const result = await lane.with(async (hold) => {
    turns++;
    if (turns === 1) {
      // As if this process had not run for seconds: the lock ran out and another worker took it for a moment.
      await r.set(k.lock, 'another-worker', 'PX', 200);
      await expect(hold.check()).rejects.toBeInstanceOf(LaneLostError);
      await hold.sending('{"jobId":"mine"}');
      sent.push('first turn');
    }
    await hold.check();
    await hold.sending('{"jobId":"mine"}');
    sent.push(`turn ${turns}`);
    return 'done';
  });
  expect(result).toBe('done');
  expect(sent).toEqual(['turn 2']);
  expect(await r.get(k.pending)).toBe('{"jobId":"mine"}');
  // The lane is free again for the next holder.
  expect(await r.get(k.lock)).toBeNull();
  r.disconnect();
});
