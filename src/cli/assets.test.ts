/**
 * `flora assets` and local files as `@path` input values, run in-process (`main`) against the simulator:
 * uploads print each asset's id and URL (JSON lines when piped), list and retrieve read them back, and a
 * run started with `@./hero.png` gets the uploaded asset's URL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';
import { main } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'flora-cli-assets-'));
const hero = join(dir, 'hero.png');
const clip = join(dir, 'clip.mp4');
writeFileSync(hero, Buffer.alloc(20_000, 1));
writeFileSync(clip, Buffer.alloc(5 * 1024 * 1024, 2));

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 25, timeScale: 60 });
});
afterAll(() => sim.close());

async function flora(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  vi.stubEnv('FLORA_API_KEY', DEFAULT_API_KEY);
  vi.stubEnv('FLORA_BASE_URL', sim.url);
  vi.stubEnv('FLORA_LOG', '');
  vi.stubEnv('FLORA_WORKSPACE_ID', env.FLORA_WORKSPACE_ID ?? '');
  try {
    const io = { stdout: { write: (s: string) => ((stdout += s), true), isTTY: false }, stderr: { write: (s: string) => ((stderr += s), true), isTTY: false }, interrupt: new AbortController().signal };
    const code = await main(args, io as never, '0.0.0');
    return { code, stdout, stderr };
  } finally {
    vi.unstubAllEnvs();
  }
}

describe('flora assets', () => {
  it('upload prints one JSON line per file, with its id and URL, once each is ready', async () => {
    const r = await flora(['assets', 'upload', hero, clip, '--workspace-id', 'ws_abc123', '--folder', 'shots']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; asset_id: string; url: string; status: string });
    expect(lines.map((l) => l.file).sort()).toEqual([clip, hero].sort());
    for (const l of lines) {
      expect(l).toMatchObject({ asset_id: expect.stringMatching(/^asset_/), status: 'ready', url: expect.stringContaining(sim.storageUrl) });
      expect(sim.getAsset(l.asset_id)!.sizeBytes).toBe(l.file === hero ? 20_000 : 5 * 1024 * 1024);
    }
  });

  it('upload needs a workspace, and says where to give it (exit 2)', async () => {
    const r = await flora(['assets', 'upload', hero]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workspace-id ws_\.\.\. or set FLORA_WORKSPACE_ID/);
  });

  it('a file that cannot be read is named, the others still uploaded (exit 1)', async () => {
    const r = await flora(['assets', 'upload', join(dir, 'missing.png'), hero], { FLORA_WORKSPACE_ID: 'ws_abc123' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.png.*cannot be read/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('list and retrieve read them back', async () => {
    const list = await flora(['assets', 'list', '--query', 'hero', '--all']);
    expect(list.code).toBe(0);
    const items = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { asset_id: string; name: string });
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.name === 'hero.png')).toBe(true);
    const one = await flora(['assets', 'retrieve', '--asset-id', items[0]!.asset_id]);
    expect(JSON.parse(one.stdout)).toMatchObject({ asset_id: items[0]!.asset_id, status: 'ready' });
  });
});

describe('@path input values', () => {
  it('techniques:runs create uploads "@./hero.png" to --workspace-id, and the run gets its URL', async () => {
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', `{id: reference, type: imageUrl, value: "@${hero}"}`, '--input', '{id: prompt, type: text, value: "@handle"}', '--mode', 'async', '--workspace-id', 'ws_abc123']);
    expect(r.stderr).toBe('');
    const run = JSON.parse(r.stdout) as { run_id: string };
    const inputs = sim.getRun(run.run_id)!.inputs as { id: string; value: string }[];
    expect(inputs[0]!.value).toMatch(new RegExp(`^${sim.storageUrl}/media/asset_\\w+/hero\\.png$`));
    // A text value is never a file: its @ stays.
    expect(inputs[1]!.value).toBe('@handle');
  });

  it('runs start-technique takes key=@path, uploading to the run’s workspace', async () => {
    const r = await flora(['runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123', '--input', 'prompt=a fox', '--input', `reference=@${hero}`, '--wait']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout) as { run_id: string; status: string };
    expect(run.status).toBe('completed');
    expect((sim.getRun(run.run_id)!.inputs as Record<string, string>).reference).toMatch(/\/media\/asset_\w+\/hero\.png$/);
  });

  it('a local file input without a workspace is a usage error, and nothing is started', async () => {
    const runs = sim.runCount();
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', `{id: reference, type: imageUrl, value: "@${hero}"}`, '--mode', 'async']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FLORA_WORKSPACE_ID/);
    expect(sim.runCount()).toBe(runs);
  });
});
