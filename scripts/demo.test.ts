/** The README's first command, `npm run demo`, works end to end with no account and no network. */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, it } from 'vitest';

it('npm run demo starts the simulator, runs both routes to completion with the CLI, downloads the outputs, and stops', async () => {
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (c) => resolve({ code: c, out }));
  });
  expect(code).toBe(0);
  expect(out).toContain('$ flora techniques:runs create --technique-id art-directors-critique');
  // The top-level run uses ids the list commands printed, not hard-coded ones.
  expect(out).toContain('$ flora techniques list');
  expect(out).toContain('$ flora workspaces list');
  const listed = [...out.matchAll(/"technique_id":"(tech_\w+)","name":"Art Director's Critique"/g)].map((m) => m[1]);
  const workspace = /"workspace_id":"(ws_\w+)"/.exec(out)?.[1];
  expect(listed).toHaveLength(1);
  expect(out).toContain(`$ flora runs start-technique --technique-id ${listed[0]} --workspace-id ${workspace}`);
  expect(out).toMatch(/run_\w+ completed 100%/);
  expect(out.match(/"status":"completed"/g)).toHaveLength(2);
  expect(out).toContain('"outputs"');
  expect(out).toContain('Demo finished: both runs completed.');
  // It ends with the downloaded files, named where they are: a PNG that is one, and the text.
  const files = [...out.matchAll(/^ {2}(\S+\.output_\d\.(\w+)) \((\d+) bytes\)$/gm)].map((m) => ({ path: m[1]!, ext: m[2]!, bytes: Number(m[3]) }));
  expect(files.map((f) => f.ext).sort()).toEqual(['png', 'txt']);
  try {
    expect(out).toContain(`The first run's outputs are on disk in ${dirname(files[0]!.path)}:`);
    for (const f of files) expect(readFileSync(f.path).length).toBe(f.bytes);
    const png = readFileSync(files.find((f) => f.ext === 'png')!.path);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  } finally {
    rmSync(dirname(files[0]!.path), { recursive: true, force: true });
  }
});
