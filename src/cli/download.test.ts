/** `--download DIR` on the commands that wait: the real `flora` process against the simulator and its media host. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';

// Bundled once, so each spawned process starts in ~0.1 s (as cli.test.ts does).
const BUNDLE = join(process.cwd(), 'node_modules', '.cache', 'flora-cli-test', `cli-download-${process.pid}.mjs`);
const INPUT = '{id: prompt, type: text, value: "a red fox"}';
vi.setConfig({ testTimeout: 60_000 });

let sim: Simulator;
let work: string;
const env = () => ({ PATH: process.env.PATH, FLORA_BASE_URL: sim.url, FLORA_API_KEY: DEFAULT_API_KEY });

function flora(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
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
});
