/** `npm run simulator`: the project's own script starts it, it says what to use and how to stop it, and it stops so. */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

it('prints its base URL, key and process id, answers with that key, and stops when that process is killed', async () => {
  const npm = spawn('npm', ['run', '-s', 'simulator', '--', '--port', '0', '--time-scale', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    const res = await fetch(`${url}/techniques/art-directors-critique/runs/run_none`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(404);
    process.kill(pid, 'SIGTERM');
    // It stops: the port closes (wide margin: this is "must not hang", not a timing).
    const deadline = Date.now() + 15_000;
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
}, 60_000);
