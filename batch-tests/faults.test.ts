/**
 * The store-loss fault suite: real `flora` processes against the simulator (in its own process), real
 * redis-server processes (scripts/redis.ts, free loopback ports), and each fault the batch must survive.
 * Per case, from the simulator's own record: runs per idempotency key (1, always: nothing paid twice); and
 * result lines per item, exit codes, and the error line.
 *
 * Durations are scaled where the mechanism is the same: Redis is stopped for 5 s (not 20 s) and a worker
 * for 8 s (not 60 s) with a 1 s stalled interval and the lane's 3 s lease, so every lease and job lock
 * expires during the stop as it would in the longer one.
 *
 * `npm run test:batch` runs every case; `npm test` (BATCH_SCALE=small) runs the quick ones marked so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteSimulator } from '../reliability/remote-simulator.js';
import { startRemoteSimulator } from '../reliability/remote-simulator.js';
import { freePort, hasRedis, startRedis, type RedisServer } from '../scripts/redis.js';
import { bundleCli, flora, FULL, readResults, sleep, workDir, writeItems, type Spawned } from './harness.js';

let bundle: string;
let sim: RemoteSimulator;
const TECH = 'art-directors-critique';

beforeAll(async () => {
  // Runs of 2 s real time (20 simulated seconds at 10x), no faults of its own: what happens is the store's doing.
  [bundle, sim] = await Promise.all([bundleCli(), startRemoteSimulator({ seed: 31, timeScale: 10, runDurationSeconds: 20, pendingSeconds: 1 })]);
});
afterAll(async () => sim?.close());

/** Every idempotency key the simulator saw, with how many runs it started: 1 each, or something was paid twice. */
async function runsByKey(): Promise<Map<string, number>> {
  const n = new Map<string, number>();
  for (const r of await sim.listRuns()) n.set(r.idempotencyKey ?? '(none)', (n.get(r.idempotencyKey ?? '(none)') ?? 0) + 1);
  return n;
}
const paidTwice = (n: Map<string, number>) => [...n.entries()].filter(([, c]) => c > 1);

/** Waits until the simulator has started `n` runs more than `before` (or `ms` pass). */
async function runsStarted(before: number, n: number, ms = 20_000): Promise<void> {
  for (const t = Date.now(); Date.now() - t < ms; await sleep(50)) if ((await sim.listRuns()).length >= before + n) return;
  throw new Error(`fewer than ${n} runs started in ${ms} ms`);
}

const quick = (name: string) => (FULL ? name : `${name} (quick)`);
/** Every case in `npm run test:batch`; in `npm test` only the quick ones (the others are not registered there, as the crash suites run fewer items). */
const maybe = (inSmall: boolean): typeof it | ((...args: unknown[]) => void) => (FULL || inSmall ? it : () => undefined);
const noRedis = hasRedis() ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)';

describe('flora batch run: the journal lost', () => {
  const run = (dir: string, extra: string[] = []) => flora(bundle, ['batch', 'run', '--technique-id', TECH, '--items', `${dir}/items.jsonl`, '--journal', `${dir}/b.journal`, '--out', `${dir}/results.jsonl`, '--concurrency', '16', '--poll-interval', '0.1', ...extra], sim.url);

  async function harmedRun(harm: (journal: string) => void) {
    const dir = workDir();
    const ids = writeItems(`${dir}/items.jsonl`, 30);
    const before = (await sim.listRuns()).length;
    const p = run(dir);
    await runsStarted(before, 8);
    harm(`${dir}/b.journal`);
    const ended = await p.exited;
    return { dir, ids, p, ended };
  }

  maybe(true)(quick('removed (with -wal and -shm) under the running batch: exit 1 naming it, written again; the same command resumes, one run per key'), async () => {
    const { dir, ids, p, ended } = await harmedRun((j) => ['', '-wal', '-shm'].forEach((s) => rmSync(`${j}${s}`, { force: true })));
    expect(ended.code, p.output()).toBe(1);
    expect(p.output()).toMatch(new RegExp(`^error: the journal ${dir}/b.journal was lost under the running batch: the journal \\(.*\\) was removed.*wrote them to a new journal`, 'm'));
    expect(p.output()).toMatch(/^hint: resume with: flora batch run .*--journal .*b\.journal/m);
    const again = run(dir);
    expect((await again.exited).code, again.output()).toBe(0);
    expect(readResults(`${dir}/results.jsonl`).map((r) => r.id)).toEqual(ids);
    expect(paidTwice(await runsByKey())).toEqual([]);
  }, 60_000);

  maybe(false)('truncated under the running batch: exit 1 naming it, written again; the same command resumes, one run per key', async () => {
    const { dir, ids, p, ended } = await harmedRun((j) => truncateSync(`${j}-wal`, 64));
    expect(ended.code, p.output()).toBe(1);
    expect(p.output()).toMatch(/^error: the journal .*b\.journal was damaged under the running batch: its wal file .* was truncated/m);
    const again = run(dir);
    expect((await again.exited).code, again.output()).toBe(0);
    expect(readResults(`${dir}/results.jsonl`).map((r) => r.id)).toEqual(ids);
    expect(readdirSync(dir).some((f) => f.includes('.lost-'))).toBe(true);
    expect(paidTwice(await runsByKey())).toEqual([]);
  }, 60_000);

  maybe(false)('removed between runs: refused (exit 2) naming it and --recover; recovery pays nothing twice and keeps every result', async () => {
    const dir = workDir();
    const ids = writeItems(`${dir}/items.jsonl`, 20);
    const first = run(dir);
    expect((await first.exited).code, first.output()).toBe(0);
    const runs = (await sim.listRuns()).length;
    for (const s of ['', '-wal', '-shm']) rmSync(`${dir}/b.journal${s}`, { force: true });
    const refused = run(dir);
    expect((await refused.exited).code, refused.output()).toBe(2);
    expect(refused.output()).toMatch(/^error: journal: .*b\.journal is missing, but .*results\.jsonl holds results of 20 of its items/m);
    expect(refused.output()).toMatch(/^hint: flora batch run .* --recover$/m);
    const recovered = run(dir, ['--recover']);
    expect((await recovered.exited).code, recovered.output()).toBe(0);
    expect((await sim.listRuns()).length).toBe(runs);
    expect(readResults(`${dir}/results.jsonl`).map((r) => [r.id, r.status])).toEqual(ids.map((id) => [id, 'completed']));
  }, 60_000);

  maybe(false)('Ctrl-C: exit 130 with the resume command and no error line; the same command resumes, one run per key', async () => {
    const dir = workDir();
    const ids = writeItems(`${dir}/items.jsonl`, 30);
    const before = (await sim.listRuns()).length;
    const p = run(dir);
    await runsStarted(before, 5);
    p.child.kill('SIGINT');
    const ended = await p.exited;
    expect(ended.code, p.output()).toBe(130);
    expect(p.output()).toMatch(/^interrupted: the journal keeps every started run.*resume with:\n {2}flora batch run --technique-id art-directors-critique --items /m);
    expect(p.output()).not.toMatch(/^error:/m);
    const again = run(dir);
    expect((await again.exited).code, again.output()).toBe(0);
    expect(readResults(`${dir}/results.jsonl`).map((r) => r.id)).toEqual(ids);
    expect(paidTwice(await runsByKey())).toEqual([]);
  }, 60_000);

  // A small tmpfs in a mount namespace of its own (root, or user namespaces), so the test needs no host mount.
  const canMount = spawnSync('unshare', ['-rm', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d"'], { stdio: 'ignore' }).status === 0;
  (canMount ? maybe(false) : FULL ? it.skip : maybe(false))(`a full disk: exit 1 naming the journal, nothing lost; the same command resumes once there is room${canMount ? '' : ' (skipped: this machine cannot mount a tmpfs, as root or in a user namespace)'}`, async () => {
    const dir = workDir();
    const ids = writeItems(`${dir}/items.jsonl`, 30);
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    const cli = (extra = '') => `"${process.execPath}" "${bundle}" batch run --technique-id ${TECH} --items ${dir}/items.jsonl --journal ${disk}/b.journal --out ${disk}/results.jsonl --concurrency 16 --poll-interval 0.1 ${extra}`;
    // In its own mount namespace: an 8 MiB tmpfs, a filler that leaves it almost full once the journal exists,
    // the batch (which must fail), the filler removed, the same command again; the files copied out.
    const script = [
      `mount -t tmpfs -o size=8m tmpfs ${disk}`,
      `(${cli()} 2>&1; echo "first exit $?") > ${dir}/first.txt &`,
      `while [ ! -s ${disk}/b.journal-wal ]; do sleep 0.05; done`,
      `head -c $(( $(df --output=avail -B1 ${disk} | tail -1) - 8192 )) /dev/zero > ${disk}/filler 2>/dev/null || true`,
      'wait',
      `rm -f ${disk}/filler`,
      `(${cli()} 2>&1; echo "second exit $?") > ${dir}/second.txt`,
      `cp ${disk}/results.jsonl ${dir}/results.jsonl`,
    ].join('\n');
    const child = spawn('unshare', ['-rm', 'bash', '-c', script], { env: { PATH: process.env.PATH, HOME: process.env.HOME, FLORA_BASE_URL: sim.url, FLORA_API_KEY: 'flora_sim_test_key', FLORA_LOG: 'error' }, stdio: 'ignore' });
    expect(await new Promise((r) => child.once('exit', r))).toBe(0);
    const { readFileSync } = await import('node:fs');
    const first = readFileSync(`${dir}/first.txt`, 'utf8');
    const second = readFileSync(`${dir}/second.txt`, 'utf8');
    expect(first).toMatch(/first exit 1$/m);
    expect(first).toMatch(/^error: the (journal|results file) .*disk\/(b\.journal|results\.jsonl) could not be written: the disk is full/m);
    expect(first).not.toMatch(/SqliteError|unexpected/);
    expect(second, second).toMatch(/second exit 0$/m);
    expect(readResults(`${dir}/results.jsonl`).map((r) => r.id)).toEqual(ids);
    expect(paidTwice(await runsByKey())).toEqual([]);
  }, 90_000);

  maybe(false)('an items file that is not UTF-8 is refused naming the line (exit 2), and nothing is sent', async () => {
    const dir = workDir();
    writeFileSync(`${dir}/items.jsonl`, Buffer.concat([Buffer.from('{"id": "a", "inputs": [{"id": "prompt", "type": "text", "value": "caf'), Buffer.from([0xe9, 0x22, 0x7d, 0x5d, 0x7d, 0x0a])]));
    const before = (await sim.listRuns()).length;
    const p = run(dir);
    expect((await p.exited).code, p.output()).toBe(2);
    expect(p.output()).toMatch(/^error: Invalid items in .*items\.jsonl, nothing sent: line 1: is not valid UTF-8/m);
    expect((await sim.listRuns()).length).toBe(before);
  });
});

(FULL ? describe : () => undefined)('optional peers', () => {
  it('a missing better-sqlite3 or bullmq is a usage error (exit 2) naming the install command', async () => {
    // The bundled CLI beside a node_modules without the peers.
    const dir = workDir();
    const modules = join(dir, 'node_modules');
    mkdirSync(modules);
    const repoModules = resolve('node_modules');
    for (const name of readdirSync(repoModules)) if (!['better-sqlite3', 'bullmq', 'ioredis', '.cache', '.bin'].includes(name)) symlinkSync(join(repoModules, name), join(modules, name));
    const cli = join(dir, 'cli.mjs');
    copyFileSync(bundle, cli);
    writeItems(`${dir}/items.jsonl`, 2);
    const run = flora(cli, ['batch', 'run', '--technique-id', TECH, '--items', `${dir}/items.jsonl`, '--journal', `${dir}/b.journal`, '--out', `${dir}/r.jsonl`], sim.url);
    expect((await run.exited).code, run.output()).toBe(2);
    expect(run.output()).toMatch(/^error: .*npm install better-sqlite3@12/m);
    const enqueue = flora(cli, ['batch', 'enqueue', '--redis', 'redis://127.0.0.1:1', '--batch', 'x', '--technique-id', TECH, '--items', `${dir}/items.jsonl`], sim.url);
    expect((await enqueue.exited).code, enqueue.output()).toBe(2);
    expect(enqueue.output()).toMatch(/^error: .*npm install bullmq@5/m);
  });
});

describe.skipIf(!hasRedis())(`flora batch enqueue | worker | collect: Redis faults${noRedis}`, () => {
  const N = 40;

  interface Batch {
    redis: RedisServer;
    dir: string;
    ids: string[];
    name: string;
    workers: Spawned[];
    common: string[];
  }

  const enqueue = (b: Batch) => flora(bundle, ['batch', 'enqueue', ...b.common, '--technique-id', TECH, '--items', `${b.dir}/items.jsonl`, '-o', 'json'], sim.url);
  const collect = (b: Batch) => flora(bundle, ['batch', 'collect', ...b.common, '--out', `${b.dir}/results.jsonl`], sim.url);
  const worker = (b: Batch) => flora(bundle, ['batch', 'worker', ...b.common, '--concurrency', '8', '--poll-interval', '0.1', '--stalled-interval', '1'], sim.url);

  async function begin(name: string, redisOptions: Parameters<typeof startRedis>[0] = {}, workers = 3): Promise<Batch> {
    const dir = workDir();
    const redis = await startRedis(redisOptions);
    const b: Batch = { redis, dir, ids: writeItems(`${dir}/items.jsonl`, N), name, workers: [], common: ['--redis', redis.url, '--batch', name] };
    const e = enqueue(b);
    expect((await e.exited).code, e.output()).toBe(0);
    b.workers = Array.from({ length: workers }, () => worker(b));
    return b;
  }
  async function end(b: Batch): Promise<void> {
    for (const w of b.workers) {
      w.child.kill('SIGCONT');
      w.child.kill('SIGTERM');
    }
    await Promise.all(b.workers.map((w) => w.exited));
    await b.redis.stop();
  }
  /** The batch's results: one line per item, each completed, and one run per key at the simulator. */
  async function finished(b: Batch, c: Spawned): Promise<void> {
    const ended = await c.exited;
    expect(ended.code, `${c.output()}\n${b.workers.map((w) => w.output()).join('\n')}`).toBe(0);
    expect(c.output()).toContain(`batch ${b.name}: ${N} items, ${N} completed, 0 failed`);
    const results = readResults(`${b.dir}/results.jsonl`);
    expect(results.map((r) => r.id)).toEqual(b.ids);
    expect(new Set(results.map((r) => r.run_id)).size).toBe(N);
    expect(paidTwice(await runsByKey())).toEqual([]);
  }

  maybe(false)('Redis restarted without persistence mid-batch: collect fails (never "finished"); enqueue again re-adds what Redis lost under the same keys; one run per key', async () => {
    const b = await begin('no-aof');
    try {
      const before = (await sim.listRuns()).length;
      const watching = collect(b);
      await runsStarted(before, 12);
      b.redis.kill('SIGKILL');
      await b.redis.exited;
      b.redis = await startRedis({ port: b.redis.port });
      const lost = await watching.exited;
      expect(lost.code, watching.output()).toBe(1);
      expect(watching.output()).toMatch(/^error: Redis no longer has the record of batch no-aof in Redis at redis:\/\/127\.0\.0\.1:\d+ .*Enqueue the items again/m);
      const again = enqueue(b);
      expect((await again.exited).code, again.output()).toBe(0);
      await finished(b, collect(b));
      expect(b.workers.map((w) => w.output()).join('')).toMatch(/^warning: Redis no longer had batch no-aof .* told it again the runs of the \d+ items it started/m);
    } finally {
      await end(b);
    }
  }, 120_000);

  /** Redis brought down and back mid-batch, keeping its data: the workers reconnect and finish. */
  const outages: [string, string, (b: Batch, dir: string) => Promise<void>][] = [
    [
      'Redis SIGKILLed and restarted with AOF (appendfsync always): the workers reconnect and finish; one run per key',
      'aof',
      async (b, dir) => {
        b.redis.kill('SIGKILL');
        await b.redis.exited;
        b.redis = await startRedis({ port: b.redis.port, appendonly: true, dir });
      },
    ],
    [
      'Redis stopped (SIGTERM) and started again 2 s later, with AOF: the workers carry on; one run per key',
      'stop-start',
      async (b, dir) => {
        await b.redis.stop();
        await sleep(2000);
        b.redis = await startRedis({ port: b.redis.port, appendonly: true, dir });
      },
    ],
  ];
  for (const [name, batch, outage] of outages) {
    maybe(false)(name, async () => {
      const dir = mkdtempSync(join(workDir(), 'aof-'));
      const b = await begin(batch, { appendonly: true, dir });
      try {
        await runsStarted((await sim.listRuns()).length, 12);
        await outage(b, dir);
        await finished(b, collect(b));
      } finally {
        await end(b);
      }
    }, 120_000);
  }

  maybe(false)('Redis unreachable for 5 s (SIGSTOP, SIGCONT; every lease and job lock expires meanwhile): the workers carry on; one run per key', async () => {
    const b = await begin('paused');
    try {
      const before = (await sim.listRuns()).length;
      await runsStarted(before, 12);
      b.redis.kill('SIGSTOP');
      await sleep(5000);
      b.redis.kill('SIGCONT');
      await finished(b, collect(b));
    } finally {
      await end(b);
    }
  }, 120_000);

  maybe(false)('a worker SIGSTOPped for 8 s while holding jobs, resumed after they moved on: one run per key', async () => {
    const b = await begin('stalled', {}, 2);
    try {
      const before = (await sim.listRuns()).length;
      await runsStarted(before, 6);
      b.workers[0]!.child.kill('SIGSTOP');
      const c = collect(b);
      await sleep(8000);
      b.workers[0]!.child.kill('SIGCONT');
      await finished(b, c);
      // Still one run per key once the stalled worker has woken and given up what it held.
      await sleep(2000);
      expect(paidTwice(await runsByKey())).toEqual([]);
    } finally {
      await end(b);
    }
  }, 120_000);

  maybe(true)(quick('Redis unreachable at start: enqueue, worker and collect fail within 10 s, naming the URL (its password hidden)'), async () => {
    const dir = workDir();
    writeItems(`${dir}/items.jsonl`, 2);
    const port = await freePort();
    const url = `redis://:s3cret@127.0.0.1:${port}`;
    const common = ['--redis', url, '--batch', 'gone'];
    const commands = [
      ['batch', 'enqueue', ...common, '--technique-id', TECH, '--items', `${dir}/items.jsonl`],
      ['batch', 'worker', ...common],
      ['batch', 'collect', ...common, '--out', `${dir}/r.jsonl`],
    ];
    // A port nothing listens on; then (in full) a Redis that accepts connections but never answers.
    const targets: { url: string; stop?: () => Promise<void> }[] = [{ url }];
    if (FULL) {
      const stopped = await startRedis();
      stopped.kill('SIGSTOP');
      targets.push({ url: stopped.url, stop: () => stopped.stop() });
    }
    try {
      for (const target of targets) {
        const ended = await Promise.all(
          commands.map(async (args) => {
            const t = Date.now();
            const p = flora(bundle, args.map((a) => (a === url ? target.url : a)), sim.url);
            return { ...(await p.exited), ms: Date.now() - t, output: p.output() };
          }),
        );
        for (const e of ended) {
          expect(e.ms, e.output).toBeLessThan(10_000);
          expect(e.code, e.output).toBe(1);
          expect(e.output).toMatch(/^error: cannot reach Redis at redis:\/\/(:\*\*\*@)?127\.0\.0\.1:\d+/m);
          expect(e.output).not.toContain('s3cret');
        }
      }
    } finally {
      for (const target of targets) await target.stop?.();
    }
  }, 60_000);

  maybe(true)(quick('collect of a batch that was never enqueued: exit 2'), async () => {
    const redis = await startRedis();
    try {
      const dir = workDir();
      const p = flora(bundle, ['batch', 'collect', '--redis', redis.url, '--batch', 'never', '--out', `${dir}/r.jsonl`], sim.url);
      expect((await p.exited).code, p.output()).toBe(2);
      expect(p.output()).toMatch(/^error: batch: no batch never in Redis at redis:\/\/127\.0\.0\.1:\d+/m);
    } finally {
      await redis.stop();
    }
  });
});
