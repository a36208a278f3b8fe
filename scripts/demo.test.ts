/** The README's first command, `npm run demo`, works end to end with no account and no network. */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

it('npm run demo starts the simulator, runs both routes to completion with the CLI, and stops', async () => {
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
});
