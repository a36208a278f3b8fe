/**
 * `npm run demo`: the main job on the embedded default. Starts the local FLORA simulator, then drives
 * the real `flora` CLI against it: a technique run with --wait (progress to completion, then its
 * outputs), then the top-level route. No account, no network; stops everything when done.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID, startSimulator } from '../src/testing/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// 20 simulated seconds of running take about 3 s here, so the progress bar has something to show.
const sim = await startSimulator({ timeScale: 7, runDurationSeconds: 20, pendingSeconds: 1, seed: Date.now() % 1000 });
const env = { ...process.env, FLORA_BASE_URL: sim.url, FLORA_API_KEY: DEFAULT_API_KEY };

function flora(args: string[]): Promise<number> {
  console.log(`\n$ flora ${args.map((a) => (/[\s{}"]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

let failed = 0;
try {
  console.log(`Local FLORA simulator at ${sim.url} (a fake test key; nothing leaves this machine)`);
  const output = process.stdout.isTTY ? 'pretty' : 'json';
  failed += Number(
    (await flora([
      'techniques:runs', 'create',
      '--technique-id', 'art-directors-critique',
      '--input', '{id: prompt, type: text, value: "a red fox"}',
      '--mode', 'async', '--wait', '--output', output,
    ])) !== 0,
  );
  failed += Number(
    (await flora([
      'runs', 'start-technique',
      '--technique-id', 'tech_abcd1234',
      '--workspace-id', DEFAULT_WORKSPACE_ID,
      '--input', 'prompt=a red fox',
      '--wait', '--output', output,
    ])) !== 0,
  );
} finally {
  await sim.close();
}
console.log(failed === 0 ? '\nDemo finished: both runs completed.' : `\nDemo failed: ${failed} command(s) did not succeed.`);
process.exitCode = failed === 0 ? 0 : 1;
