import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSimulator } from './index.js';
import { call, CREATE_BODY } from './spec-check.test-helper.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/close-exits.ts', import.meta.url));

describe('simulator: close()', () => {
  it('is idempotent, and the server stops answering', async () => {
    const sim = await startSimulator();
    expect((await call(sim.url, 'POST', '/techniques/art-directors-critique/runs', { body: CREATE_BODY })).status).toBe(200);
    const first = sim.close();
    expect(sim.close()).toBe(first);
    await first;
    await sim.close();
    await expect(fetch(`${sim.url}/techniques/x/runs/y`)).rejects.toThrow();
  });

  it('leaves no open handle: a process that closes the simulator under load exits by itself', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    // The handles a leak would keep last an hour: this bound only stops a hang (it is no timing; a loaded
    // machine may take many seconds to start tsx).
    const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    expect(out).toContain('closed; slow request: dropped');
    expect(code).toBe(0);
  }, 330_000);
});
