/**
 * `npm run bench:batch`: a 1,000-item batch against the simulator (in its own process) under its rate
 * limit, run by one process (`runBatch`, with its journal) and by 4 BullMQ worker processes on a real
 * redis-server (timed from the enqueue to the last result, with the workers already running; how long they
 * took to start is printed beside), against the floor that limit allows: every item needs one start request, so the batch
 * cannot end before (items - burst) / rate seconds plus one run's duration. Target: within 1.2x. Then the
 * journal's cost per item: the same batch unthrottled with and without a journal, and the journal's three
 * durable commits per item measured alone.
 *
 * `BENCH_SCALE=1 npm run bench:batch` runs the large case instead (bench/batch-scale.ts: 1,000, 10,000
 * and 100,000 items with no rate limit, one process and 4 workers, peak memory, a resumed journal; about
 * an hour on a quiet two-core machine).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBatch, RunWatcher } from '../src/batch/run-batch.js';
import { Journal } from '../src/batch/journal.js';
import { checkItems } from '../src/batch/items.js';
import { itemKey } from '../src/batch/keys.js';
import { Flora } from '../src/index.js';
import { Queue } from 'bullmq';
import { collectResults, enqueueItems, redisOptions } from '../src/queue/index.js';
import { DEFAULT_API_KEY } from '../src/testing/index.js';
import { startRemoteSimulator, type RemoteSimulator } from '../reliability/remote-simulator.js';
import { bundleCli, flora as spawnFlora, table } from '../batch-tests/harness.js';
import { hasRedis, startRedis } from '../scripts/redis.js';

const N = Number(process.env.BENCH_ITEMS ?? 1000);
const RATE = 100; // requests a second, burst RATE
const RUN_REAL_S = (2 + 0.5) / 20; // runDurationSeconds + pendingSeconds, at timeScale 20
const simOptions = (rateLimited: boolean) => ({ seed: 9, timeScale: 20, runDurationSeconds: 2, pendingSeconds: 0.5, ...(rateLimited ? { rateLimit: { requests: RATE, perSeconds: 1 } } : {}) });
const items = Array.from({ length: N }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `shot ${i}` }] }));
const tmp = () => mkdtempSync(join(tmpdir(), 'flora-bench-batch-'));
const client = (sim: RemoteSimulator) => new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', maxRetries: 6 });
const totalRequests = async (sim: RemoteSimulator) => {
  const s = await sim.stats();
  let n = 0;
  for (const route of Object.values(s.requests)) for (const c of Object.values(route)) n += c;
  return { all: n, admitted: n - Object.values(s.requests).reduce((a, r) => a + (r['429'] ?? 0), 0) };
};
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);
const floor = Math.max(0, N - RATE) / RATE + RUN_REAL_S;

async function oneProcess(): Promise<(string | number)[]> {
  const sim = await startRemoteSimulator(simOptions(true));
  const t = performance.now();
  const { summary } = await runBatch(client(sim), items, { techniqueId: 'art-directors-critique', journal: join(tmp(), 'b.journal'), concurrency: CONCURRENCY, pollInterval: POLL_MS });
  const s = (performance.now() - t) / 1000;
  const req = await totalRequests(sim);
  await sim.close();
  if (summary.completed !== N) throw new Error(`1 process: ${summary.completed} of ${N} completed`);
  return ['1 process (runBatch, journal)', (N / s).toFixed(1), s.toFixed(2), floor.toFixed(2), `${(s / floor).toFixed(2)}x`, (req.admitted / N).toFixed(2), (req.all / N).toFixed(2)];
}

async function fourWorkers(): Promise<(string | number)[]> {
  if (!hasRedis()) return ['4 BullMQ workers', 'skipped: no redis-server', '', '', '', '', ''];
  const [sim, redis, bundle] = await Promise.all([startRemoteSimulator(simOptions(true)), startRedis(), bundleCli()]);
  const target = { redis: redis.url, batch: 'bench' };
  // Workers are long-lived: the batch is timed from the moment the items are added to four workers already
  // running, as the one process is timed from its call, not from its Node starting.
  const spawnedAt = performance.now();
  // One worker a round polls for the whole batch, so each polls at the one process's interval.
  const workers = Array.from({ length: 4 }, () => spawnFlora(bundle, ['batch', 'worker', '--redis', redis.url, '--batch', 'bench', '--concurrency', String(Math.ceil(CONCURRENCY / 4)), '--poll-interval', String(POLL_MS / 1000), '--quiet'], sim.url));
  const queue = new Queue(`flora-batch-${target.batch}`, { connection: redisOptions(redis.url) });
  while ((await queue.getWorkers()).length < workers.length) await new Promise((r) => setTimeout(r, 10));
  const readyS = (performance.now() - spawnedAt) / 1000;
  await queue.close();
  const t = performance.now();
  await enqueueItems(target, items, { techniqueId: 'art-directors-critique' });
  const { summary } = await collectResults(target, { pollInterval: 50 });
  const s = (performance.now() - t) / 1000;
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  const req = await totalRequests(sim);
  await Promise.all([sim.close(), redis.stop()]);
  if (summary.completed !== N) throw new Error(`4 workers: ${summary.completed} of ${N} completed`);
  workerStartS = readyS;
  return ['4 BullMQ workers (processes)', (N / s).toFixed(1), s.toFixed(2), floor.toFixed(2), `${(s / floor).toFixed(2)}x`, (req.admitted / N).toFixed(2), (req.all / N).toFixed(2)];
}
let workerStartS: number | undefined;

/** The same batch without a journal: one start lane, the same watcher, nothing written. */
async function bare(flora: Flora, concurrency: number): Promise<void> {
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const abort = new AbortController();
  const watcher = new RunWatcher(flora, { pollInterval: 250, workspaceId: undefined, signal: abort.signal, onEnded: () => (inFlight--, wake?.()) });
  for (const [i, item] of items.entries()) {
    while (inFlight >= concurrency) await new Promise<void>((r) => (wake = r));
    inFlight++;
    const run = await flora.techniques.runs.create('art-directors-critique', { inputs: item.inputs as never, mode: 'async' }, { idempotencyKey: itemKey('bare', String(i)) });
    watcher.add(run.run_id, 'art-directors-critique');
  }
  await watcher.idle();
}

async function overhead(): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  const times: { bare: number[]; journal: number[] } = { bare: [], journal: [] };
  // Interleaved, twice each, on fresh simulators: the machine's noise hits both alike.
  for (let round = 0; round < 2; round++) {
    for (const kind of ['bare', 'journal'] as const) {
      const sim = await startRemoteSimulator(simOptions(false));
      const flora = client(sim);
      const t = performance.now();
      if (kind === 'bare') await bare(flora, 64);
      else await runBatch(flora, items, { techniqueId: 'art-directors-critique', journal: join(tmp(), 'b.journal'), concurrency: 64, pollInterval: 250 });
      times[kind].push(performance.now() - t);
      await sim.close();
    }
  }
  const best = (xs: number[]) => Math.min(...xs);
  rows.push(['unthrottled batch, no journal (best of 2)', `${(best(times.bare) / 1000).toFixed(2)} s`, `${((best(times.bare) / N) * 1000).toFixed(0)} µs/item`]);
  rows.push(['unthrottled batch, runBatch with journal (best of 2)', `${(best(times.journal) / 1000).toFixed(2)} s`, `${((best(times.journal) / N) * 1000).toFixed(0)} µs/item`]);
  rows.push(['journal overhead per item (difference)', '', `${(((best(times.journal) - best(times.bare)) / N) * 1000).toFixed(0)} µs/item`]);
  // The journal alone: the three durable commits an item costs (key, run id, result), fsync each.
  const checked = checkItems(items, 'nested', { techniqueId: 'art-directors-critique' });
  const j = await Journal.create(join(tmp(), 'alone.journal'), { batchId: 'bench', techniqueId: 'art-directors-critique', workspaceId: undefined, route: 'nested', createdAt: Date.now(), itemCount: N }, checked);
  const t = performance.now();
  for (const item of checked) {
    j.starting(item.id, itemKey('bench', item.id), 1, Date.now(), undefined);
    j.started(item.id, `run_${item.id}`, 0.04, 'answer');
    j.ended(item.id, { state: 'completed', status: 'completed', outputs: [], chargedCost: 0.04 });
  }
  const alone = performance.now() - t;
  j.close();
  rows.push(['journal alone: 3 fsynced commits per item', `${(alone / 1000).toFixed(2)} s`, `${((alone / N) * 1000).toFixed(0)} µs/item`]);
  return rows;
}

if (process.env.BENCH_SCALE === '1') {
  const { scaleBench } = await import('./batch-scale.js');
  if (!(await scaleBench())) {
    console.log('\nnot met: see the targets above');
    process.exitCode = 1;
  }
} else await quick();

/** The default: 1,000 items under the simulator's rate limit, then the journal's overhead. */
async function quick(): Promise<void> {
  // BENCH_ONLY=rate: the two rate-limited rows alone; BENCH_ONLY=workers: the four workers' row alone.
  const rateRows = process.env.BENCH_ONLY === 'workers' ? [await fourWorkers()] : [await oneProcess(), await fourWorkers()];
  console.log(`\nBatch of ${N} items, simulator limit ${RATE} requests/s (burst ${RATE}), runs of ${RUN_REAL_S.toFixed(3)} s real\n`);
  console.log(table(['runner', 'items/s', 'total s', 'floor s', 'vs floor (target 1.2x)', 'admitted requests/run', 'requests/run incl. 429s'], rateRows));
  if (workerStartS !== undefined) console.log(`(the 4 worker processes took ${workerStartS.toFixed(2)} s to start and connect, before the batch's clock started)`);
  if (process.env.BENCH_ONLY === undefined) {
    console.log(`\nJournal overhead (${N} items, no rate limit, same run)\n`);
    console.log(table(['measure', 'total', 'per item'], await overhead()));
  }
  const bad = rateRows.filter((r) => typeof r[4] === 'string' && r[4].endsWith('x') && Number.parseFloat(r[4]) > 1.2);
  if (bad.length) {
    console.log(`\nnot met: ${bad.map((r) => r[0]).join(', ')} above 1.2x the floor`);
    process.exitCode = 1;
  }
}
