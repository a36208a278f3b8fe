/**
 * `flora simulator` (`npm run simulator` here): it starts the embedded default with the flags given (the live
 * profile, CORS for a page), says what to use and how to stop it, and stops when its process is told to.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

it('prints its base URL, key and process id, answers with that key as the profile and CORS flags say, and stops on SIGTERM', async () => {
  const args = ['run', '-s', 'simulator', '--', '--port', '0', '--time-scale', '10', '--profile', 'live', '--cors', 'https://app.example.com'];
  const npm = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const banner = await new Promise<string>((resolve, reject) => {
      npm.stdout.on('data', (d) => {
        out += d;
        if (/kill \d+/.test(out)) resolve(out);
      });
      npm.once('exit', (code) => reject(new Error(`npm run simulator exited with ${code}: ${out}`)));
    });
    const url = /Base URL:\s+(\S+)/.exec(banner)![1]!;
    const key = /API key:\s+(\S+)/.exec(banner)![1]!;
    const media = /Media host:\s+(\S+)/.exec(banner)![1]!;
    expect(media).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const pid = Number(/kill (\d+)/.exec(banner)![1]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(banner).toContain('(live profile)');
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const missing = await fetch(`${url}/techniques/art-directors-critique/runs/run_none`, { headers: auth });
    expect(missing.status).toBe(404);
    // The live profile: a top-level start's poll_url is GET /runs/{runId}, as FLORA's SDK describes the live API.
    const started = await fetch(`${url}/runs/technique`, { method: 'POST', headers: { ...auth, 'idempotency-key': 'k1' }, body: JSON.stringify({ technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123', inputs: { prompt: 'a fox' } }) });
    const body = (await started.json()) as { run_id: string; poll_url: string };
    expect(body.poll_url).toBe(`${url}/runs/${body.run_id}`);
    const preflight = (origin: string) => fetch(`${url}/runs/technique`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight('https://app.example.com')).status).toBe(204);
    expect((await preflight('http://localhost:5173')).status).toBe(403); // only the origin named
    process.kill(pid, 'SIGTERM');
    // It stops: the port closes (wide margin: this is "must not hang", not a timing).
    const deadline = Date.now() + 30_000;
    let up = true;
    while (up && Date.now() < deadline) {
      up = await fetch(url).then(
        () => true,
        () => false,
      );
      if (up) await new Promise((r) => setTimeout(r, 100));
    }
    expect(up).toBe(false);
    expect(await fetch(media).then(() => 'up', () => 'down')).toBe('down');
  } finally {
    npm.kill('SIGKILL');
  }
});
