/**
 * `BENCH_SCALE=1 npm run bench:batch`: whether a batch's cost per item stays flat as it grows. Batches of
 * 1,000, 10,000 and 100,000 items (`BENCH_SCALE_SIZES=1000,10000` for others) against the simulator in its
 * own process, with no rate limit, so the client and the simulator are the bottleneck: run by one process
 * (`runBatch` with its journal) and by 4 queue workers (`startBatchWorker`, a real redis-server), each in
 * processes of their own so each one's peak memory is its own. Then a journal stopped half-way through the
 * largest batch is resumed by a new process: how long until it sends its first new start.
 *
 * Targets: items/s at the largest size at least 0.8x the rate at 1,000; each batch process's peak RSS
 * under 256 MiB at 100,000; a resumed 100,000-item journal sends its first new start within 2 s.
 * `BENCH_SCALE_ONLY=one|workers` runs one runner; `BENCH_SCALE_REPEAT=3` repeats each size (min/median).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { table } from '../batch-tests/harness.js';
import { hasRedis, startRedis } from '../scripts/redis.js';
import type { RunArgs, WorkerArgs } from './batch-scale-child.js';

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_SCALE_REPEAT ?? 1);
const ONLY = process.env.BENCH_SCALE_ONLY;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);
const WORKERS = 4;
/** A batch slower than this is given up on and reported with the rate it had reached (default 20 minutes). */
const DEADLINE_S = Number(process.env.BENCH_SCALE_DEADLINE_S ?? 1200);
/** The issue's setup: time 20x, runs of 2.5 simulated seconds (0.125 s real), no rate limit. */
const SIM = { seed: 9, timeScale: 20, runDurationSeconds: 2, pendingSeconds: 0.5 };
let CHILD = '';
/** `BENCH_SCALE_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/p'`: node flags for the one-process runner (a profile, a GC trace). */
const RUN_FLAGS = (process.env.BENCH_SCALE_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * The child bundled (dependencies external) and run by plain node, as a user's built code runs: no
 * TypeScript loader in the process whose memory is measured.
 */
async function bundleChild(): Promise<string> {
  const dir = join(process.cwd(), 'node_modules', '.cache', 'flora-bench-scale');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `child-${process.pid}.mjs`);
  await build({ entryPoints: [fileURLToPath(new URL('./batch-scale-child.ts', import.meta.url))], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', keepNames: true, logLevel: 'error' });
  return out;
}

interface Child {
  proc: ChildProcess;
  next<T>(): Promise<T>;
  send(m: unknown): void;
}

function child(role: string, args: unknown, extraArgv: string[] = []): Child {
  const proc = fork(CHILD, [role, JSON.stringify(args)], { execArgv: extraArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  let exited: Error | undefined;
  proc.on('message', (m) => (waiting.length ? waiting.shift()!(m) : inbox.push(m)));
  proc.once('exit', (code, signal) => {
    exited = new Error(`${role} process exited (${code ?? signal}) before answering`);
    for (const w of waiting.splice(0)) w(exited);
  });
  return {
    proc,
    next: <T>() =>
      new Promise<T>((resolve, reject) => {
        if (inbox.length) return resolve(inbox.shift() as T);
        if (exited) return reject(exited);
        waiting.push((m) => (m instanceof Error ? reject(m) : resolve(m as T)));
      }),
    send: (m) => proc.send(m as never),
  };
}

const exited = (c: Child) => new Promise<void>((r) => (c.proc.exitCode !== null || c.proc.signalCode !== null ? r() : c.proc.once('exit', () => r())));

interface Usage {
  maxRssMiB: number;
  cpuS: number;
}

async function simulator(): Promise<{ url: string; close(): Promise<Usage & { requests: number }> }> {
  const sim = child('simulator', SIM);
  const { ready } = await sim.next<{ ready: string }>();
  return {
    url: ready,
    async close() {
      sim.send({ op: 'stats' });
      const { stats } = await sim.next<{ stats: { requests: Record<string, Record<string, number>> } }>();
      sim.send({ op: 'close' });
      const u = await sim.next<Usage>();
      await exited(sim);
      let requests = 0;
      for (const route of Object.values(stats.requests)) for (const c of Object.values(route)) requests += c;
      return { ...u, requests };
    },
  };
}

const fileSize = (p: string) => {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
};
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

interface Row {
  runner: string;
  n: number;
  /** Items done when it was given up on (undefined: it finished). */
  unfinished?: number;
  /** Items done (n, or fewer when unfinished). */
  done: number;
  rate: number;
  seconds: number;
  rssMiB: number;
  cpuS: number;
  simCpuS: number;
  simRssMiB: number;
  store: string;
  requestsPerItem: number;
}

async function oneProcess(n: number, dir: string): Promise<Row> {
  const sim = await simulator();
  const journal = join(dir, `b${n}-${Math.random().toString(36).slice(2)}.journal`);
  const run = child('run', { url: sim.url, n, journal, concurrency: CONCURRENCY, pollMs: POLL_MS, deadlineS: DEADLINE_S } satisfies RunArgs, RUN_FLAGS);
  const r = await run.next<{ seconds: number; done: number; completed?: number; deadline?: boolean } & Usage>();
  await exited(run);
  const s = await sim.close();
  if (!r.deadline && r.completed !== n) throw new Error(`1 process: ${r.completed} of ${n} completed`);
  const size = fileSize(journal) + fileSize(`${journal}-wal`);
  for (const extra of ['', '-wal', '-shm']) rmSync(`${journal}${extra}`, { force: true });
  return { runner: '1 process (runBatch)', n, done: r.done, ...(r.deadline ? { unfinished: r.done } : {}), rate: r.done / r.seconds, seconds: r.seconds, rssMiB: r.maxRssMiB, cpuS: r.cpuS, simCpuS: s.cpuS, simRssMiB: s.maxRssMiB, store: `journal ${mib(size)} MiB`, requestsPerItem: s.requests / r.done };
}

async function fourWorkers(n: number): Promise<Row> {
  const [sim, redis] = await Promise.all([simulator(), startRedis()]);
  const batch = `scale-${n}`;
  const workers = Array.from({ length: WORKERS }, () => child('worker', { url: sim.url, redis: redis.url, batch, concurrency: Math.ceil(CONCURRENCY / WORKERS), pollMs: POLL_MS } satisfies WorkerArgs));
  await Promise.all(workers.map((w) => w.next()));
  const producer = child('produce', { redis: redis.url, batch, n, deadlineS: DEADLINE_S });
  const r = await producer.next<{ seconds: number; enqueuedS: number; done: number; completed?: number; deadline?: boolean } & Usage>();
  await exited(producer);
  const conn = new Redis(redis.url);
  const used = Number(/used_memory:(\d+)/.exec(await conn.info('memory'))?.[1] ?? 0);
  conn.disconnect();
  for (const w of workers) w.send({ op: 'stop' });
  const ws = await Promise.all(workers.map((w) => w.next<Usage>()));
  await Promise.all(workers.map(exited));
  const s = await sim.close();
  await redis.stop();
  if (!r.deadline && r.completed !== n) throw new Error(`4 workers: ${r.completed} of ${n} completed`);
  return {
    runner: `${WORKERS} queue workers`,
    n,
    done: r.done,
    ...(r.deadline ? { unfinished: r.done } : {}),
    rate: r.done / r.seconds,
    seconds: r.seconds,
    rssMiB: Math.max(...ws.map((w) => w.maxRssMiB)),
    cpuS: ws.reduce((a, w) => a + w.cpuS, 0),
    simCpuS: s.cpuS,
    simRssMiB: s.maxRssMiB,
    store: `redis ${mib(used)} MiB; producer ${r.maxRssMiB.toFixed(0)} MiB RSS`,
    requestsPerItem: s.requests / r.done,
  };
}

/**
 * A journal stopped half-way through (or when the deadline came) is resumed by a new process, on a fresh
 * copy each time: ms from `runBatch` until its first new start request (the runs the first process left
 * started are waited for first, as `runBatch` does), then it stops.
 */
async function resume(n: number, dir: string): Promise<{ firstStartMs: number[]; processMs: number[]; cpuS: number[]; rssMiB: number; journalMiB: string; doneBefore: number }> {
  const sim = await simulator();
  const journal = join(dir, `resume${n}.journal`);
  const first = child('run', { url: sim.url, n, journal, concurrency: CONCURRENCY, pollMs: POLL_MS, stopAfter: Math.floor(n / 2), deadlineS: DEADLINE_S } satisfies RunArgs);
  const stopped = await first.next<{ stopped?: boolean; deadline?: boolean; done: number }>();
  await exited(first);
  if (!stopped.stopped && !stopped.deadline) throw new Error('the first half did not stop');
  const journalMiB = mib(fileSize(journal) + fileSize(`${journal}-wal`));
  const out = { firstStartMs: [] as number[], processMs: [] as number[], cpuS: [] as number[], rssMiB: 0, journalMiB, doneBefore: stopped.done };
  for (let i = 0; i < REPEAT; i++) {
    const copy = join(dir, `resume${n}-${i}.journal`);
    for (const extra of ['', '-wal']) if (fileSize(`${journal}${extra}`) > 0) copyFileSync(`${journal}${extra}`, `${copy}${extra}`);
    const again = child('run', { url: sim.url, n, journal: copy, concurrency: CONCURRENCY, pollMs: POLL_MS, deadlineS: 120, timeFirstStart: 'then-stop' } satisfies RunArgs);
    const r = await again.next<{ firstStartMs?: number; callAtMs: number } & Usage>();
    await exited(again);
    if (r.firstStartMs === undefined) throw new Error('the resumed run sent no start within 120 s');
    out.firstStartMs.push(r.firstStartMs);
    out.processMs.push(r.callAtMs + r.firstStartMs);
    out.cpuS.push(r.cpuS);
    out.rssMiB = Math.max(out.rssMiB, r.maxRssMiB);
    for (const extra of ['', '-wal', '-shm']) rmSync(`${copy}${extra}`, { force: true });
  }
  await sim.close();
  for (const extra of ['', '-wal', '-shm']) rmSync(`${journal}${extra}`, { force: true });
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function scaleBench(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'flora-bench-scale-'));
  CHILD = await bundleChild();
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\nBatch scale: no rate limit, concurrency ${CONCURRENCY}, poll ${POLL_MS} ms, runs of 0.125 s real; load average at start ${load()}`);
  const runners: [string, (n: number) => Promise<Row>][] = [];
  if (ONLY !== 'workers') runners.push(['one', (n) => oneProcess(n, dir)]);
  if (ONLY !== 'one') {
    if (hasRedis()) runners.push(['workers', (n) => fourWorkers(n)]);
    else console.log('4 queue workers: skipped, no redis-server');
  }
  const out: (string | number)[][] = [];
  let ok = true;
  for (const [, measure] of runners) {
    let base: number | undefined;
    for (const n of SIZES) {
      const rows: Row[] = [];
      for (let i = 0; i < REPEAT; i++) {
        rows.push(await measure(n));
        const last = rows.at(-1)!;
        console.log(`  ${last.runner} ${n}: ${last.rate.toFixed(0)} items/s${last.unfinished !== undefined ? ` (unfinished: ${last.unfinished} done in ${last.seconds.toFixed(0)} s)` : ''}, ${last.rssMiB.toFixed(0)} MiB (load ${load()})`);
      }
      const rates = rows.map((r) => r.rate);
      const rate = median(rates);
      base ??= rate;
      const rss = Math.max(...rows.map((r) => r.rssMiB));
      const r0 = rows[0]!;
      const ratio = rate / base;
      if (n >= 100_000 && (ratio < 0.8 || rss >= 256)) ok = false;
      const unfinished = rows.filter((r) => r.unfinished !== undefined);
      if (unfinished.length) ok = false;
      out.push([
        r0.runner,
        unfinished.length ? `${n} (unfinished after ${DEADLINE_S} s: ${unfinished.map((r) => r.unfinished).join(', ')} done)` : n,
        REPEAT > 1 ? `${Math.min(...rates).toFixed(0)} / ${rate.toFixed(0)}` : rate.toFixed(0),
        `${ratio.toFixed(2)}x`,
        rss.toFixed(0),
        median(rows.map((r) => (r.cpuS / r.done) * 1e6)).toFixed(0),
        median(rows.map((r) => (r.simCpuS / r.done) * 1e6)).toFixed(0),
        r0.simRssMiB.toFixed(0),
        r0.requestsPerItem.toFixed(2),
        r0.store,
      ]);
    }
  }
  console.log(table(['runner', 'items', `items/s${REPEAT > 1 ? ' (min / median)' : ''}`, 'vs smallest (target >= 0.8x)', 'peak RSS MiB (target < 256)', 'client CPU µs/item', 'simulator CPU µs/item', 'simulator RSS MiB', 'requests/item', 'store'], out));
  if (ONLY !== 'workers') {
    const n = Math.max(...SIZES);
    const r = await resume(n, dir);
    const first = median(r.firstStartMs);
    if (first >= 2000) ok = false;
    const range = (xs: number[]) => (xs.length > 1 ? `${Math.min(...xs).toFixed(0)} / ${median(xs).toFixed(0)} ms (min / median of ${xs.length})` : `${xs[0]!.toFixed(0)} ms`);
    console.log(`\nResume: a ${n}-item journal (${r.journalMiB} MiB) stopped after ${r.doneBefore} results, run again by a new process: first new start ${range(r.firstStartMs)} after runBatch was called (target < 2000 ms), ${range(r.processMs)} after the process started, the process's CPU time by then ${median(r.cpuS).toFixed(2)} s (median; the machine's load stretches the rest); peak RSS ${r.rssMiB.toFixed(0)} MiB; load average ${load()}`);
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(CHILD, { force: true });
  return ok;
}

