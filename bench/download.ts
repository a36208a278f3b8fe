/**
 * `npm run bench:download`: downloading 1 GiB of run outputs (8 runs of a technique with one 128 MiB image
 * output each, from the simulator's media host in its own process) with `downloadRun` from the built
 * package, beside a plain `fetch` piped to a file (`pipeline(Readable.fromWeb(body), createWriteStream)`)
 * in the same run, and that same pipe synced to disk before the file closes, which `downloadRun` does so
 * that a file renamed into place survives a power cut. Reported for each, the median over the rounds: MB/s, and how far the process's memory
 * rose above where it started (peak RSS, and peak `external`, the buffers that hold bytes in flight, garbage
 * not yet collected included), sampled every 10 ms. The two alternate, in both orders; files are deleted after each round.
 *
 *   npm run bench:download [-- --rounds 3 --mib 128 --runs 8]
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { downloadRun as DownloadRun } from '../src/download/index.js';
import type { TechniqueRun } from '../src/index.js';
import { Flora } from './client.js';
import { machine, median, table } from './stats.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('rounds', 3);
const MIB = arg('mib', 128);
const RUNS = arg('runs', 8);

const built = new URL('../dist/download.js', import.meta.url);
if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first (npm run bench:download does).');
const { downloadRun } = (await import(built.href)) as { downloadRun: typeof DownloadRun };

/** The simulator in a child process: its runs end at once, each with one image of `MIB` MiB. */
const SERVER = `
import { startSimulator } from './src/testing/index.ts';
const sim = await startSimulator({ seed: 1, runDurationSeconds: 0, pendingSeconds: 0, media: { bytes: { imageUrl: ${MIB} * 1024 * 1024 } } });
console.log(JSON.stringify({ url: sim.url }));
process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
process.stdin.resume();
`;

async function startServer(): Promise<{ url: string; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SERVER], { cwd: new URL('..', import.meta.url), stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, close: () => child.stdin.end() };
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** Runs `work`, sampling memory; returns seconds and the peak rise of RSS and of buffer memory, in MiB. */
async function measure(work: () => Promise<void>): Promise<{ seconds: number; rss: number; buffers: number }> {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  // `external` holds the Buffers and ArrayBuffers (`arrayBuffers` is part of it): the bytes in flight.
  const buffers = () => process.memoryUsage().external;
  const [rss0, buf0] = [process.memoryUsage.rss(), buffers()];
  let [rss, buf] = [rss0, buf0];
  const sampler = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage.rss());
    buf = Math.max(buf, buffers());
  }, 10);
  const t0 = performance.now();
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, rss: (rss - rss0) / 2 ** 20, buffers: (buf - buf0) / 2 ** 20 };
}

const server = await startServer();
const work = mkdtempSync(join(tmpdir(), 'flora-bench-download-'));
try {
  const flora = new Flora({ apiKey: 'flora_sim_test_key', baseUrl: server.url, logLevel: 'off' });
  const runs: TechniqueRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = await flora.techniques.runs.create('product-shot', { inputs: [{ id: 'prompt', type: 'text', value: `shot ${i}` }], mode: 'async' });
    runs.push(await flora.techniques.runs.retrieve(started.run_id, { techniqueId: 'product-shot' }));
  }
  const urls = runs.map((r) => r.outputs![0]!.url);
  const total = (await lengthOf(urls[0]!)) * RUNS;

  const ours = async (dir: string) => {
    for (const run of runs) await downloadRun(run, dir);
  };
  const piped = (flush: boolean) => async (dir: string) => {
    for (const [i, url] of urls.entries()) {
      const res = await fetch(url);
      await pipeline(Readable.fromWeb(res.body as never), createWriteStream(join(dir, `${i}.png`), { flush }));
    }
  };
  const ways = { ours, plain: piped(false), synced: piped(true) };
  type Way = keyof typeof ways;
  const results: Record<Way, { seconds: number; rss: number; buffers: number }[]> = { ours: [], plain: [], synced: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? (['ours', 'plain', 'synced'] as const) : (['synced', 'plain', 'ours'] as const)) {
      const dir = join(work, `${name}-${round}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      results[name].push(await measure(() => ways[name](dir)));
      const written = sizeOf(dir);
      if (written !== total) throw new Error(`${name} wrote ${written} bytes, not ${total}`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const row = (name: Way, label: string) => {
    const r = results[name];
    const mbps = median(r.map((x) => total / 2 ** 20 / x.seconds));
    return { label, mbps, rss: median(r.map((x) => x.rss)), buffers: median(r.map((x) => x.buffers)) };
  };
  const a = row('ours', '`downloadRun` (built package)');
  const b = row('plain', 'plain `fetch` piped to a file');
  const c = row('synced', 'the same, synced to disk before close (`flush: true`), as `downloadRun` does');
  console.log(`## Downloads\n\nMachine: ${machine()}\n`);
  console.log(`### ${(total / 2 ** 30).toFixed(2)} GiB of outputs: ${RUNS} runs x one ${MIB} MiB image, median of ${ROUNDS} rounds\n`);
  console.log(
    table(
      ['', 'MB/s', 'vs plain', 'peak RSS rise (MiB)', 'peak buffer memory rise (MiB)'],
      [b, c, a].map((x) => [x.label, x.mbps.toFixed(0), `${(x.mbps / b.mbps).toFixed(2)}x`, x.rss.toFixed(1), x.buffers.toFixed(1)]),
    ),
  );
  console.log(`\n(MB = MiB; a file is ${MIB} MiB, so memory that grew with the file would show hundreds of MiB.) Machine afterwards: ${machine()}`);
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}

/** The Content-Length the media host announces for `url`. */
async function lengthOf(url: string): Promise<number> {
  const length = (await fetch(url, { method: 'HEAD' })).headers.get('content-length');
  if (length === null) throw new Error('the media host gave no length');
  return Number(length);
}

/** Bytes in the files of `dir`. */
function sizeOf(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size;
  return n;
}
