/**
 * `flora batch run` with items naming local files, in-process (`main`) against the simulator: `"@path"` as an
 * imageUrl value uploads the file once however many items name it, `"@@..."` and a text input's `"@..."`
 * stay text, and an item naming a file that cannot be read is refused naming its line, before anything is sent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';
import { main } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'flora-cli-batch-files-'));
const hero = join(dir, 'hero.png');
writeFileSync(hero, Buffer.alloc(3000, 7));

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 26, timeScale: 60, runDurationSeconds: 2, pendingSeconds: 0.5 });
});
afterAll(() => sim.close());

async function flora(args: string[]) {
  let stderr = '';
  vi.stubEnv('FLORA_API_KEY', DEFAULT_API_KEY);
  vi.stubEnv('FLORA_BASE_URL', sim.url);
  vi.stubEnv('FLORA_LOG', '');
  try {
    const io = { stdout: { write: () => true, isTTY: false }, stderr: { write: (s: string) => ((stderr += s), true), isTTY: false }, interrupt: new AbortController().signal };
    return { code: await main(args, io as never, '0.0.0'), stderr };
  } finally {
    vi.unstubAllEnvs();
  }
}

const line = (id: string, prompt: string, reference: string) => JSON.stringify({ id, inputs: [{ id: 'prompt', type: 'text', value: prompt }, { id: 'reference', type: 'imageUrl', value: reference }] });
const batch = (name: string, lines: string[]) => {
  writeFileSync(join(dir, `${name}.jsonl`), lines.join('\n'));
  return ['batch', 'run', '--technique-id', 'art-directors-critique', '--items', join(dir, `${name}.jsonl`), '--journal', join(dir, `${name}.journal`), '--out', join(dir, `${name}.out`), '--poll-interval', '0.05'];
};

describe('flora batch run with @path values', () => {
  it('uploads a file named by several items once; "@@" and a text value\'s "@" stay text', async () => {
    const r = await flora(batch('ok', [line('a', '@mention', `@${hero}`), line('b', 'plain', `@${hero}`), line('c', 'x', '@@https://example.com/at.png')]));
    expect(r.stderr).toMatch(/3 items, 3 completed/);
    expect(r.code).toBe(0);
    expect(sim.listAssets().filter((a) => a.name.endsWith('-hero.png'))).toHaveLength(1);
    const url = (id: string) => {
      const run = sim.listRuns().find((x) => (x.inputs as { id: string; value: string }[])[0]!.value === id)!;
      return (run.inputs as { id: string; value: string }[])[1]!.value;
    };
    expect(url('@mention')).toContain(sim.storageUrl);
    expect(url('plain')).toBe(url('@mention'));
    expect(url('x')).toBe('@https://example.com/at.png');
  });

  it('a file that cannot be read is refused naming its line, with nothing sent (exit 2)', async () => {
    const runs = sim.listRuns().length;
    const r = await flora(batch('missing', [line('a', 'p', `@${hero}`), line('b', 'p', `@${join(dir, 'nope.png')}`)]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2\.inputs\[1\]\.value: .*nope\.png cannot be read: no such file/);
    expect(sim.listRuns()).toHaveLength(runs);
    const bare = await flora(batch('bare', [line('a', 'p', '@')]));
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/line 1: "@" must be followed by a file path/);
  });
});
