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
  expect(out).toContain('$ flora runs start-technique --technique-id tech_abcd1234');
  expect(out).toMatch(/run_\w+ completed 100%/);
  expect(out.match(/"status": "completed"/g)).toHaveLength(2);
  expect(out).toContain('"outputs"');
  expect(out).toContain('Demo finished: both runs completed.');
}, 60_000);
