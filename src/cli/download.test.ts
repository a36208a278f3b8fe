/** `--download DIR` on the commands that wait: the real `flora` process against the simulator and its media host. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Flora } from '../client.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';
import { mediaFile, mediaSlices } from '../testing/media-files.js';

// Bundled once, so each spawned process starts in ~0.1 s (as cli.test.ts does).
const BUNDLE = join(process.cwd(), 'node_modules', '.cache', 'flora-cli-test', `cli-download-${process.pid}.mjs`);
const INPUT = '{id: prompt, type: text, value: "a red fox"}';
vi.setConfig({ testTimeout: 60_000 });

let sim: Simulator;
let work: string;
const env = (on = sim) => ({ PATH: process.env.PATH, FLORA_BASE_URL: on.url, FLORA_API_KEY: DEFAULT_API_KEY });

function flora(args: string[], on = sim, onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: env(on), stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  await build({ entryPoints: ['src/cli/index.ts'], outfile: BUNDLE, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  sim = await startSimulator({ timeScale: 40, seed: 11 });
  work = mkdtempSync(join(tmpdir(), 'flora-cli-download-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(BUNDLE, { force: true });
});

describe('flora --download', () => {
  it('create --wait --download writes every output, lists them in the printed run, and wait --download keeps them', async () => {
    const dir = join(work, 'nested');
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async', '--wait', '--download', dir]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.status).toBe('completed');
    expect(run.files).toEqual([
      { output_id: 'output_1', path: join(dir, `${run.run_id}.output_1.txt`), bytes: expect.any(Number) },
      { output_id: 'output_2', path: join(dir, `${run.run_id}.output_2.png`), bytes: expect.any(Number) },
    ]);
    for (const f of run.files) expect(readFileSync(f.path).length).toBe(f.bytes);
    expect(readFileSync(run.files[1].path).subarray(1, 4).toString()).toBe('PNG');
    expect(r.stderr).toContain(`saved output_2 -> ${run.files[1].path}`);

    const again = await flora(['techniques:runs', 'wait', '--technique-id', 'art-directors-critique', '--run-id', run.run_id, '--download', dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).files).toEqual(run.files);
    expect(again.stderr).toContain('kept output_1');
    expect(readdirSync(dir).sort()).toEqual(run.files.map((f: { path: string }) => f.path.slice(dir.length + 1)).sort());
    expect(sim.stats().media.credentialed).toBe(0);
  });

  it('runs start-technique --wait --download writes the outputs', async () => {
    const dir = join(work, 'top');
    const r = await flora(['runs', 'start-technique', '--technique-id', 'tech_prod5678', '--workspace-id', 'ws_abc123', '--input', 'prompt=a red fox', '--wait', '--download', dir, '-q']);
    expect(r.code, r.stderr).toBe(0);
    const [file] = JSON.parse(r.stdout).files;
    expect(file.path.endsWith('.output_1.png')).toBe(true);
    expect(existsSync(file.path)).toBe(true);
    expect(r.stderr).toBe('');
  });

  it('refuses --download without --wait before starting anything', async () => {
    const before = sim.runCount();
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async', '--download', join(work, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--download needs --wait/);
    expect(sim.runCount()).toBe(before);
  });

  it('says how to finish when the outputs cannot be written, and exits 1', async () => {
    const blocked = join(work, 'file-not-dir');
    writeFileSync(blocked, 'x');
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'product-shot', '--input', INPUT, '--mode', 'async', '--wait', '--download', blocked]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Cannot create .*file-not-dir/m);
    expect(r.stderr).toMatch(/the run completed but its outputs are not all on disk; fetch the rest with:\n {2}flora techniques:runs wait --technique-id product-shot --run-id run_\w+ --download /);
  });

  it('--max-retries applies to the downloads too: a media host that always answers 503 is asked once for the output with --max-retries 0', async () => {
    const failing = await startSimulator({ timeScale: 100, runDurationSeconds: 1, pendingSeconds: 0, seed: 12, media: { faults: { serverErrorRate: 1 } } });
    try {
      const r = await flora(['--max-retries', '0', 'techniques:runs', 'create', '--technique-id', 'product-shot', '--input', INPUT, '--mode', 'async', '--wait', '--download', join(work, 'never')], failing);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/the media host answered 503/);
      // product-shot has one output, an image: one request for it, no retry (the default would make 6).
      expect(failing.stats().media.requests['503']).toBe(1);
    } finally {
      await failing.close();
    }
  });

  it('killed mid-download, the same command again resumes the partial file with a Range request and ends with the whole file', async () => {
    // A slow media link (512 KiB/s for a 2 MiB image), so the first process is surely stopped half way.
    const slow = await startSimulator({ seed: 12, media: { bytes: { imageUrl: 2 * 1024 * 1024 }, bytesPerSecond: 512 * 1024 } });
    try {
      const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: slow.url, logLevel: 'off' });
      const started = await client.techniques.runs.create('product-shot', { inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }], mode: 'async' });
      slow.advance(60);
      const dir = join(work, 'killed');
      const part = join(dir, `${started.run_id}.output_1.part`);
      const args = ['techniques:runs', 'wait', '--technique-id', 'product-shot', '--run-id', started.run_id, '--download', dir];
      const first = await flora(args, slow, (child) => {
        const poll = setInterval(() => {
          if (existsSync(part) && statSync(part).size >= 64 * 1024) {
            clearInterval(poll);
            child.kill('SIGKILL');
          }
        }, 10);
        child.on('close', () => clearInterval(poll));
      });
      expect(first.code, `the first process was to be killed half way: ${first.stderr}`).toBeNull();
      const kept = statSync(part).size;
      expect(readdirSync(dir)).toEqual([`${started.run_id}.output_1.part`]); // no final name for a partial file

      const second = await flora(args, slow);
      expect(second.code, second.stderr).toBe(0);
      const [file] = JSON.parse(second.stdout).files;
      const expected = mediaFile('imageUrl', `${started.run_id}/output_1`, 2 * 1024 * 1024);
      expect(readFileSync(file.path).equals(Buffer.concat([...mediaSlices(expected, 0, expected.size - 1)]))).toBe(true);
      expect(readdirSync(dir)).toEqual([`${started.run_id}.output_1.png`]);
      const media = slow.stats().media;
      expect(media.requests).toMatchObject({ 206: 1, dropped: 1 });
      // The second process asked only for what the first had kept not (one 206): less than two whole files went out.
      expect(media.bytesSent).toBeLessThan(2 * expected.size);
      expect(kept).toBeLessThan(expected.size);
    } finally {
      await slow.close();
    }
  });
});
