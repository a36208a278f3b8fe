/**
 * `npm run demo`: the main job on the embedded default. Starts the local FLORA simulator, then drives
 * the real `flora` CLI against it: a technique run with --wait (progress to completion, then its
 * outputs), then the top-level route, with the `tech_` and `ws_` ids it finds through `flora techniques
 * list` and `flora workspaces list`, as a user would. The first run's outputs are downloaded (`--download`)
 * into a new folder under the system's temporary directory, which the demo names at the end. No account,
 * no network; stops everything when done.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_API_KEY, startSimulator } from '../src/testing/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// 20 simulated seconds of running take about 3 s here, so the progress bar has something to show.
const sim = await startSimulator({ timeScale: 7, runDurationSeconds: 20, pendingSeconds: 1, seed: Date.now() % 1000 });
const env = { ...process.env, FLORA_BASE_URL: sim.url, FLORA_API_KEY: DEFAULT_API_KEY };
const outputs = mkdtempSync(join(tmpdir(), 'flora-demo-'));

function flora(args: string[]): Promise<number> {
  console.log(`\n$ flora ${args.map((a) => (/[\s{}"]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Runs a list command with JSON-lines output (shown as it comes) and returns its items. */
function floraList(args: string[]): Promise<Record<string, unknown>[]> {
  console.log(`\n$ flora ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args, '--output', 'json'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)) : reject(new Error(`flora ${args.join(' ')} exited ${code}`))));
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
      '--mode', 'async', '--wait', '--download', outputs, '--output', output,
    ])) !== 0,
  );
  // The top-level route takes ids "returned by list techniques" and "returned by list workspaces".
  const techniques = await floraList(['techniques', 'list']);
  const technique = techniques.find((t) => t.name === "Art Director's Critique") ?? techniques[0]!;
  const [workspace] = await floraList(['workspaces', 'list']);
  failed += Number(
    (await flora([
      'runs', 'start-technique',
      '--technique-id', String(technique.technique_id),
      '--workspace-id', String(workspace!.workspace_id),
      '--input', 'prompt=a red fox',
      '--wait', '--output', output,
    ])) !== 0,
  );
} finally {
  await sim.close();
}
const files = readdirSync(outputs).map((f) => join(outputs, f));
if (failed === 0 && files.length > 0) {
  console.log(`\nDemo finished: both runs completed. The first run's outputs are on disk in ${outputs}:`);
  for (const f of files) console.log(`  ${f} (${statSync(f).size} bytes)`);
} else {
  console.log(`\nDemo failed: ${failed} command(s) did not succeed${files.length === 0 ? ', and no output was downloaded' : ''}.`);
  failed ||= 1;
}
process.exitCode = failed === 0 ? 0 : 1;
