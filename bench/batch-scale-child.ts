/**
 * One process of `bench/batch-scale.ts` (forked with IPC; its role in argv[2], its options as JSON in
 * argv[3]). Each role reports its own figures, peak RSS and CPU time included, so the batch runner's memory
 * is measured in a process that holds nothing else. Only the package's public entries are used.
 *
 *  - `simulator`: the simulator; answers `stats` and `close` over IPC.
 *  - `run`: `runBatch` over N items with a journal (optionally stopped after some results, to leave a
 *    journal to resume), timing the first start request it sends.
 *  - `worker`: `startBatchWorker` until told to stop.
 *  - `produce`: `enqueueItems` then `collectResults`.
 */
import { runBatch } from '../src/batch/index.js';
import { Flora } from '../src/index.js';
import { collectResults, enqueueItems, startBatchWorker } from '../src/queue/index.js';
import { DEFAULT_API_KEY, startSimulator, type SimulatorOptions } from '../src/testing/index.js';

export const TECHNIQUE = 'art-directors-critique';

/** N items as a user's batch would hold them. */
export const makeItems = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `shot ${i}` }] }));

/** What every role reports about itself: peak resident memory (MiB) and CPU seconds. */
export const usage = () => {
  const u = process.resourceUsage();
  return { maxRssMiB: u.maxRSS / 1024, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 };
};

const client = (url: string, onFirstStart?: () => void) =>
  new Flora({
    apiKey: DEFAULT_API_KEY,
    baseUrl: url,
    logLevel: 'off',
    maxRetries: 6,
    ...(onFirstStart
      ? {
          fetch: (request: Request) => {
            if (request.method === 'POST') onFirstStart();
            return fetch(request);
          },
        }
      : {}),
  });

/** `BENCH_SCALE_TRACE=1`: memory and pace every tenth of a batch, to see where it grows. */
const TRACE = process.env.BENCH_SCALE_TRACE === '1';
const trace = (done: number, t0: number) => {
  const m = process.memoryUsage();
  const f = (b: number) => (b / 2 ** 20).toFixed(0);
  console.log(`    ${done} done, ${((performance.now() - t0) / 1000).toFixed(1)} s: rss ${f(m.rss)} heapUsed ${f(m.heapUsed)} heapTotal ${f(m.heapTotal)} external ${f(m.external)} MiB`);
};

const send = (m: unknown) => new Promise<void>((r) => process.send!(m, () => r()));
const nextMessage = () => new Promise<{ op: string }>((r) => process.once('message', r));

export interface RunArgs {
  url: string;
  n: number;
  journal: string;
  concurrency: number;
  pollMs: number;
  /** Stop (abort) once this many results came: the journal is then resumed by another process. */
  stopAfter?: number;
  /** Give up after this many seconds, reporting how far it got (a batch too slow to wait for). */
  deadlineS?: number;
  /** Time the first start request it sends (through a fetch of the bench's own); `then-stop`: and stop there. */
  timeFirstStart?: boolean | 'then-stop';
}

export interface WorkerArgs {
  url: string;
  redis: string;
  batch: string;
  concurrency: number;
  pollMs: number;
}

if (process.send) {
  const role = process.argv[2];
  const args = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;
  if (role === 'simulator') {
    const sim = await startSimulator(args as SimulatorOptions);
    await send({ ready: sim.url });
    for (;;) {
      const m = await nextMessage();
      if (m.op === 'stats') await send({ stats: sim.stats(), ...usage() });
      if (m.op === 'close') {
        await sim.close();
        await send({ closed: true, ...usage() });
        process.disconnect();
        break;
      }
    }
  } else if (role === 'run') {
    const a = args as unknown as RunArgs;
    const t0 = performance.now();
    let firstStartMs: number | undefined;
    // Only the resumed run is instrumented: a fetch of the caller's gets a Request, which costs the platform
    // fetch a copy of the body (a stream tee) on every call, enough to change the memory measured.
    const abort = new AbortController();
    const flora = client(
      a.url,
      a.timeFirstStart
        ? () => {
            if (firstStartMs !== undefined) return;
            firstStartMs = performance.now() - t0;
            if (a.timeFirstStart === 'then-stop') setImmediate(() => ((why = 'stopped'), abort.abort()));
          }
        : undefined,
    );
    let results = 0;
    let progressCalls = 0;
    let why: 'stopped' | 'deadline' | undefined;
    const deadline = a.deadlineS === undefined ? undefined : setTimeout(() => ((why = 'deadline'), abort.abort()), a.deadlineS * 1000);
    try {
      const { summary } = await runBatch(flora, makeItems(a.n), {
        techniqueId: TECHNIQUE,
        journal: a.journal,
        concurrency: a.concurrency,
        pollInterval: a.pollMs,
        signal: abort.signal,
        // As the CLI does: progress on every start and end.
        onProgress: () => void progressCalls++,
        onResult: () => {
          if (TRACE && (results + 1) % Math.ceil(a.n / 10) === 0) trace(results + 1, t0);
          if (++results === a.stopAfter) {
            why = 'stopped';
            abort.abort();
          }
        },
      });
      await send({ seconds: (performance.now() - t0) / 1000, firstStartMs, callAtMs: t0, done: results, completed: summary.completed, progressCalls, ...usage() });
    } catch (err) {
      if (why === undefined) throw err;
      await send({ seconds: (performance.now() - t0) / 1000, [why]: true, done: results, firstStartMs, callAtMs: t0, ...usage() });
    }
    clearTimeout(deadline);
    process.disconnect();
  } else if (role === 'worker') {
    const a = args as unknown as WorkerArgs;
    const w = await startBatchWorker(client(a.url), { redis: a.redis, batch: a.batch, concurrency: a.concurrency, pollInterval: a.pollMs });
    await send({ ready: true });
    await nextMessage();
    await w.close();
    await send({ closed: true, ...usage() });
    process.disconnect();
  } else if (role === 'produce') {
    const a = args as { redis: string; batch: string; n: number; deadlineS?: number };
    const t0 = performance.now();
    const abort = new AbortController();
    const deadline = a.deadlineS === undefined ? undefined : setTimeout(() => abort.abort(), a.deadlineS * 1000);
    await enqueueItems({ redis: a.redis, batch: a.batch }, makeItems(a.n), { techniqueId: TECHNIQUE });
    const enqueuedS = (performance.now() - t0) / 1000;
    let done = 0;
    try {
      const { summary } = await collectResults({ redis: a.redis, batch: a.batch }, { pollInterval: 100, signal: abort.signal, onProgress: (p) => (done = p.done) });
      await send({ seconds: (performance.now() - t0) / 1000, enqueuedS, done: summary.completed, completed: summary.completed, ...usage() });
    } catch (err) {
      if (!abort.signal.aborted) throw err;
      await send({ seconds: (performance.now() - t0) / 1000, enqueuedS, deadline: true, done, ...usage() });
    }
    clearTimeout(deadline);
    process.disconnect();
  }
}
