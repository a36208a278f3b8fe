/**
 * What the batch crash tests share: the `flora` CLI bundled once and spawned as real processes (so SIGKILL
 * means what it says), an items file, a seeded random stream for the kill moments, and the checks every
 * crash test makes against the simulator's own record of runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { build } from 'esbuild';
import { DEFAULT_API_KEY, type IdempotencyChannel, type SimulatorOptions } from '../src/testing/index.js';
import { startRemoteSimulator, type RemoteSimulator } from '../reliability/remote-simulator.js';

/** `full` (npm run test:batch) or `small` (the quick subset npm test runs). */
export const FULL = process.env.BATCH_SCALE === 'full';

/** Bundles the CLI (dependencies external) so each spawned process starts in ~0.2 s, not through tsx. */
export async function bundleCli(): Promise<string> {
  const dir = join(process.cwd(), 'node_modules', '.cache', 'flora-batch-test');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `cli-${process.pid}.mjs`);
  await build({ entryPoints: ['src/cli/index.ts'], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  return out;
}

export const workDir = () => mkdtempSync(join(tmpdir(), 'flora-batch-'));

/** A seeded stream (the simulator's own mulberry32): the kill moments are the same on every run of a test. */
export { mulberry32 as seeded } from '../src/testing/random.js';

/**
 * The faulty simulator both crash suites run against (in its own process): runs of 0.4 s real time, 3% of
 * them failing, and seeded faults on 2 to 3% of requests (dropped before or after the server records a
 * start, 500s, malformed answers, 429s), under a 150 requests/s limit. At 10x, FLORA's two-hour key window
 * is 12 real minutes: far longer than a test.
 */
export function crashSimulator(channel: IdempotencyChannel, seed: number, more: Partial<SimulatorOptions> = {}): Promise<RemoteSimulator> {
  return startRemoteSimulator({
    seed,
    timeScale: 10,
    runDurationSeconds: 4,
    pendingSeconds: 1,
    failureRate: 0.03,
    idempotencyChannel: channel,
    rateLimit: { requests: 150, perSeconds: 1 },
    faults: { dropBeforeRecordRate: 0.03, dropAfterRecordRate: 0.03, serverErrorRate: 0.03, malformedRate: 0.02, rateLimitedRate: 0.03, rateLimitedRetryAfterMs: [20, 200], latencyMs: [0, 3] },
    ...more,
  });
}

/** N items for the nested route (array inputs) or the top-level one (map inputs). */
export function writeItems(path: string, n: number, route: 'nested' | 'top' = 'nested'): string[] {
  const ids = Array.from({ length: n }, (_, i) => `shot-${String(i).padStart(4, '0')}`);
  const line = (id: string, i: number) => JSON.stringify({ id, inputs: route === 'nested' ? [{ id: 'prompt', type: 'text', value: `product shot ${i}` }] : { prompt: `product shot ${i}` } });
  writeFileSync(path, ids.map((id, i) => `${line(id, i)}\n`).join(''));
  return ids;
}

export interface Spawned {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** Spawns the bundled CLI against a simulator. */
export function flora(bundle: string, args: string[], baseUrl: string): Spawned {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, FLORA_BASE_URL: baseUrl, FLORA_API_KEY: DEFAULT_API_KEY, FLORA_LOG: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => out };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** RESULTS.jsonl, parsed. */
export function readResults(path: string): { id: string; run_id: string | null; status: string; outputs: unknown; charged_cost: number | null; error?: { code: string } }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** A markdown table, as the reliability suite prints its figures. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A real PNG of random pixels, stored rather than compressed, so its size is about width * height * 3 bytes. */
export function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const t = Buffer.from(type, 'latin1');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data, crc32(t)));
    return Buffer.concat([len, t, data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) randomBytes(width * 3).copy(rows, y * (width * 3 + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 0 })), chunk('IEND', Buffer.alloc(0))]);
}
