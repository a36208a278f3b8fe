/** The real `flora` process, spawned against the local simulator: every command, exit code and format. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';
import pkg from '../../package.json' with { type: 'json' };

// The CLI is bundled once (esbuild, dependencies left external) so each spawned process starts in
// ~0.1 s instead of compiling TypeScript through tsx every time.
const BUNDLE = join(process.cwd(), 'node_modules', '.cache', 'flora-cli-test', `cli-${process.pid}.mjs`);
const ENTRY = [BUNDLE];
const SECRET = DEFAULT_API_KEY;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const outputs: string[] = [];


function flora(args: string[], env: Record<string, string | undefined> = {}, onSpawn?: (p: ReturnType<typeof spawn>) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ENTRY, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, FLORA_LOG: 'debug', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      outputs.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
    onSpawn?.(child);
  });
}

let fast: Simulator;
let failing: Simulator;
let slow: Simulator;
const on = (sim: () => Simulator) => () => ({ FLORA_BASE_URL: sim().url, FLORA_API_KEY: SECRET });
const fastEnv = on(() => fast);
const INPUT = '{id: prompt, type: text, value: "a red fox"}';

beforeAll(async () => {
  await build({ entryPoints: ['src/cli/index.ts'], outfile: BUNDLE, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  [fast, failing, slow] = await Promise.all([
    startSimulator({ timeScale: 40, seed: 7 }),
    startSimulator({ timeScale: 40, failureRate: 1, seed: 8 }),
    startSimulator({ timeScale: 1, runDurationSeconds: 600, seed: 9 }),
  ]);
});

afterAll(async () => {
  rmSync(BUNDLE, { force: true });
  await Promise.all([fast?.close(), failing?.close(), slow?.close()]);
  // No output of any test, at FLORA_LOG=debug, ever held the key.
  expect(outputs.length).toBeGreaterThan(20);
  for (const text of outputs) expect(text).not.toContain(SECRET);
});

describe.concurrent('help and version', () => {
  it.each([[[]], [['techniques:runs']], [['techniques:runs', 'create']], [['techniques:runs', 'retrieve']], [['runs']], [['runs', 'start-technique']]])(
    'flora %j --help shows usage with an example',
    async (path) => {
      const r = await flora([...path, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: flora');
      expect(r.stdout).toContain('Example:');
      expect(r.stdout).toContain('$ flora ');
    },
  );

  it('documents the exit codes at the top level', async () => {
    const r = await flora(['--help']);
    for (const line of ['0    ok', '1    API error', '2    usage error', '3    the run failed', '4    timed out', '130  interrupted']) {
      expect(r.stdout).toContain(line);
    }
  });

  it('--version prints the package version', async () => {
    const r = await flora(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});

describe.concurrent('techniques:runs', () => {
  it('create prints the started run as JSON when stdout is not a TTY', async () => {
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async'], fastEnv());
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.status).toBe('pending');
    expect(run.run_id).toMatch(/^run_/);
  });

  it('create --wait shows plain progress lines and prints the completed run with its outputs', async () => {
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async', '--wait'], fastEnv());
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout);
    expect(run.status).toBe('completed');
    expect(run.outputs.length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/started run_\w+/);
    expect(r.stderr).toMatch(/run_\w+ completed 100%/);
  });

  it('--quiet prints no progress', async () => {
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async', '--wait', '--quiet'], fastEnv());
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/run_\w+ (pending|running|completed)/);
  });

  it('retrieve prints a run, in json, yaml and pretty', async () => {
    const created = JSON.parse((await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async'], fastEnv())).stdout);
    const args = ['techniques:runs', 'retrieve', '--technique-id', 'art-directors-critique', '--run-id', created.run_id];
    const json = await flora([...args, '--output', 'json'], fastEnv());
    expect(JSON.parse(json.stdout).run_id).toBe(created.run_id);
    const yaml = await flora([...args, '--output', 'yaml'], fastEnv());
    expect(yaml.stdout).toContain(`run_id: ${created.run_id}`);
    const pretty = await flora([...args, '--output', 'pretty'], fastEnv());
    expect(pretty.stdout).toMatch(new RegExp(`^run_id: ${created.run_id}$`, 'm'));
    expect(pretty.stdout).toMatch(/^status: \w+$/m);
  });

  it('a failed run exits 3 and prints the failed run', async () => {
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async', '--wait'], on(() => failing)());
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).status).toBe('failed');
    expect(r.stderr).toMatch(/^error: Run run_\w+ failed: provider_error/m);
  });

  it('--wait-timeout exits 4 and says how to pick the run up; a global flag, before the command or after it, listed in its help', async () => {
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async', '--wait', '--wait-timeout', '1'], on(() => slow)());
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/flora techniques:runs wait --technique-id art-directors-critique --run-id run_\w+/);
    const runId = /--run-id (run_\w+)/.exec(r.stderr)![1]!;
    const before = await flora(['--wait-timeout', '1', 'techniques:runs', 'wait', '--technique-id', 'art-directors-critique', '--run-id', runId], on(() => slow)());
    expect(before.code, before.stderr).toBe(4);
    expect(before.stderr).toMatch(/Stopped waiting for run run_\w+ after 1000 ms/);
    const help = await flora(['techniques:runs', 'wait', '--help']);
    expect(help.stdout).toMatch(/--wait-timeout <seconds>/);
  });

  it('prints each single result as one JSON line when piped, as lists are: create, retrieve and wait', async () => {
    const created = await flora(['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async'], fastEnv());
    const runId = JSON.parse(created.stdout).run_id as string;
    const retrieved = await flora(['techniques:runs', 'retrieve', '--technique-id', 'art-directors-critique', '--run-id', runId], fastEnv());
    const waited = await flora(['techniques:runs', 'wait', '--technique-id', 'art-directors-critique', '--run-id', runId], fastEnv());
    const technique = await flora(['-o', 'json', 'techniques', 'retrieve', '--technique-id', 'art-directors-critique'], fastEnv());
    for (const r of [created, retrieved, waited, technique]) {
      expect(r.stdout.endsWith('\n')).toBe(true);
      expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(JSON.parse(r.stdout)).toBeTypeOf('object');
    }
  });

  it('Ctrl-C while waiting exits 130 and prints the run id', async () => {
    const r = await flora(
      ['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async', '--wait'],
      on(() => slow)(),
      (child) => {
        child.stderr!.on('data', (d: Buffer) => {
          if (d.toString().includes('started run_')) child.kill('SIGINT');
        });
      },
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: stopped waiting; the run goes on/);
    expect(r.stderr).toMatch(/--run-id run_\w+/);
  });
});

describe.concurrent('runs start-technique', () => {
  it('starts a run from key=value inputs and prints the response', async () => {
    const r = await flora(['runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123', '--input', 'prompt=a red fox'], fastEnv());
    expect(r.code).toBe(0);
    const started = JSON.parse(r.stdout);
    expect(started.run_id).toMatch(/^run_/);
    expect(started.estimated_seconds).toBeGreaterThanOrEqual(0);
    expect(started.technique.technique_id).toBe('tech_abcd1234');
  });

  it('takes --inputs as a map and --wait', async () => {
    const r = await flora(['runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123', '--inputs', '{prompt: a red fox}', '--wait'], fastEnv());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('completed');
  });
});

describe.concurrent('errors and exit codes', () => {
  it.each([
    ['a bad --input', ['techniques:runs', 'create', '--technique-id', 'x', '--input', '{id: prompt, type: text', '--mode', 'async'], /--input #1 is not valid YAML or JSON at column \d+/],
    ['an input type outside the three', ['techniques:runs', 'create', '--technique-id', 'x', '--input', '{id: a, type: gif, value: v}', '--mode', 'async'], /inputs\[0\]\.type: must be one of: text, imageUrl, videoUrl/],
    ['a mode outside the two', ['techniques:runs', 'create', '--technique-id', 'x', '--input', INPUT, '--mode', 'sync'], /Allowed choices are async, stream/],
    ['a missing required flag', ['techniques:runs', 'retrieve', '--technique-id', 'x'], /required option '--run-id <id>' not specified/],
    ['a technique_id without tech_', ['runs', 'start-technique', '--technique-id', 'abcd', '--workspace-id', 'ws_abc123', '--input', 'a=b'], /technique_id: must start with tech_/],
    ['an unknown command', ['techniques:runs', 'delete'], /unknown command/],
    ['a base URL that is not a URL', ['--base-url', 'notaurl', 'techniques:runs', 'retrieve', '--technique-id', 'x', '--run-id', 'y'], /Invalid baseUrl/],
    ['a fractional --max-retries', ['--max-retries', '1.5', 'techniques:runs', 'retrieve', '--technique-id', 'x', '--run-id', 'y'], /--max-retries must be a whole number/],
    ['a key=value without =', ['runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123', '--input', 'oops'], /must be key=value/],
  ])('%s exits 2 with one clear line', async (_what, args, message) => {
    const r = await flora(args, fastEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a bad --input shows the caret under the problem on a line of its own (errors from a server stay one line: hostile.test.ts)', async () => {
    const r = await flora(['techniques:runs', 'create', '--technique-id', 'x', '--input', '{id: prompt, type: text', '--mode', 'async'], fastEnv());
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^ +\^$/);
  });

  it('an items file that cannot be used is named, whatever is wrong in it: a line that is not JSON, or inputs that do not fit', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'flora-items-'));
    const notJson = join(dir, 'not-json.jsonl');
    const badInputs = join(dir, 'bad-inputs.jsonl');
    writeFileSync(notJson, '{"id": "a", "inputs": []}\nnot json\n');
    writeFileSync(badInputs, '{"id": "a", "inputs": [{"id": "prompt", "type": "gif", "value": "x"}]}\n');
    for (const [file, line] of [[notJson, 'line 2'], [badInputs, 'line 1.inputs[0].type']]) {
      const r = await flora(['batch', 'run', '--technique-id', 'art-directors-critique', '--items', file!, '--journal', join(dir, 'j'), '--out', join(dir, 'out.jsonl')], fastEnv());
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: Invalid items in ${file}, nothing sent: ${line}`);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('no API key exits 2 and says how to give one', async () => {
    const r = await flora(['techniques:runs', 'retrieve', '--technique-id', 'x', '--run-id', 'y'], { FLORA_BASE_URL: fast.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no API key: pass --api-key or set FLORA_API_KEY');
  });

  it('an API error exits 1 with the code, message and request id on one line', async () => {
    const r = await flora(['techniques:runs', 'retrieve', '--technique-id', 'art-directors-critique', '--run-id', 'run_missing'], fastEnv());
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: 404 not_found: Not found\. No run "run_missing" of technique "art-directors-critique" for this key \(GET \/api\/v1\/techniques\/art-directors-critique\/runs\/run_missing\)\. \[request id \S+\]$/);
  });

  it('a wrong key exits 1 with unauthorized, and the wrong key is not printed', async () => {
    const wrong = 'flora_wrong_key_do_not_print';
    const r = await flora(['--api-key', wrong, 'techniques:runs', 'retrieve', '--technique-id', 'x', '--run-id', 'y'], { FLORA_BASE_URL: fast.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/401 unauthorized: Invalid API key\./);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  it('a start whose answer was lost says which --idempotency-key retries it safely', async () => {
    const r = await flora(['--timeout', '0.2', '--max-retries', '0', 'techniques:runs', 'create', '--technique-id', 'x', '--input', INPUT, '--mode', 'async'], {
      FLORA_BASE_URL: `http://127.0.0.1:${blackhole.port}/api/v1`,
      FLORA_API_KEY: SECRET,
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^hint: the run may have started; to retry without starting a second one, run the same command with --idempotency-key [0-9a-f-]{36}$/m);
  });

  it('a request timeout exits 4', async () => {
    const r = await flora(['--timeout', '0.2', '--max-retries', '0', 'techniques:runs', 'retrieve', '--technique-id', 'x', '--run-id', 'y'], {
      FLORA_BASE_URL: 'http://127.0.0.1:9/api/v1'.replace(':9', `:${blackhole.port}`),
      FLORA_API_KEY: SECRET,
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('timed out after 200 ms');
  });
});

// A server that accepts connections and never answers, for the timeout test.
const blackhole: { port: number; close?: () => void } = { port: 0 };
beforeAll(async () => {
  const net = await import('node:net');
  const sockets: import('node:net').Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  blackhole.port = (server.address() as import('node:net').AddressInfo).port;
  blackhole.close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
});
afterAll(() => blackhole.close?.());

const hasScript = existsSync('/usr/bin/script') && spawnSync('script', ['--version']).status === 0;
describe.concurrent('finishing what it starts, and saying so once', () => {
  const CREATE = ['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--mode', 'async'];

  it('techniques:runs wait picks up a run started earlier, and prints it completed', async () => {
    const started = JSON.parse((await flora([...CREATE, '--input', INPUT], fastEnv())).stdout);
    const r = await flora(['techniques:runs', 'wait', '--technique-id', 'art-directors-critique', '--run-id', started.run_id], fastEnv());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ run_id: started.run_id, status: 'completed' });
    expect(r.stderr).toContain(`waiting for ${started.run_id}`);
  });

  it('refuses a create without --input, and starts one without inputs only with --no-input', async () => {
    const missing = await flora(CREATE, fastEnv());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: no --input: .* or --no-input/m);
    const none = await flora([...CREATE, '--no-input'], fastEnv());
    expect(none.code).toBe(0);
    expect(fast.getRun(JSON.parse(none.stdout).run_id)!.inputs).toEqual([]);
    const top = await flora(['runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123'], fastEnv());
    expect(top.code).toBe(2);
    expect(top.stderr).toMatch(/^error: no inputs: /m);
  });

  it('plain http to another host: the error names --allow-insecure-http, which the CLI has', async () => {
    const other = fast.url.replace('127.0.0.1', '0.0.0.0'); // this machine, but not a loopback name
    const refused = await flora(['--base-url', other, 'techniques:runs', 'retrieve', '--technique-id', 'x', '--run-id', 'y'], { FLORA_API_KEY: SECRET });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --allow-insecure-http');
    expect(refused.stderr).not.toContain('allowInsecureHttp');
    const allowed = await flora(['--base-url', other, '--allow-insecure-http', '-o', 'json', ...CREATE, '--input', INPUT], { FLORA_API_KEY: SECRET });
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).status).toBe('pending');
  });

  it('an unreachable API is one error line, with no warning before it; --verbose names the class', async () => {
    const dead = 'http://127.0.0.1:9/api/v1';
    for (const extra of [[], ['-q']]) {
      const r = await flora([...extra, '--base-url', dead, '--max-retries', '1', 'techniques:runs', 'retrieve', '--technique-id', 'x', '--run-id', 'y'], { FLORA_API_KEY: SECRET, FLORA_LOG: undefined });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: Connection error: /)]);
    }
    const verbose = await flora(['--verbose', 'techniques:runs', 'retrieve', '--technique-id', 'art-directors-critique', '--run-id', 'run_missing'], { ...fastEnv(), FLORA_LOG: undefined });
    expect(verbose.stderr).toMatch(/^error \(NotFoundError\): 404 not_found/m);
  });

  it('--help marks the required options; -o is --output; pretty shows times as ISO dates', async () => {
    const help = await flora(['techniques:runs', 'create', '--help']);
    expect(help.stdout).toMatch(/--technique-id <id>\s+technique identifier or slug \(required\)/);
    expect(help.stdout).toMatch(/--mode <mode>\s+execution mode \(required\)/);
    const started = JSON.parse((await flora([...CREATE, '--input', INPUT], fastEnv())).stdout);
    const pretty = await flora(['-o', 'pretty', 'techniques:runs', 'retrieve', '--technique-id', 'art-directors-critique', '--run-id', started.run_id], fastEnv());
    expect(pretty.stdout).toMatch(/^created_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    const top = await flora(['-o', 'pretty', 'runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123', '--input', 'prompt=fox'], fastEnv());
    expect(top.stdout).toMatch(/^estimated_seconds: [\d.]+ s$/m);
  });
});

describe.concurrent('the read commands', () => {
  const lines = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

  it('techniques list prints one technique a line when piped, and retrieve shows a definition', async () => {
    const list = await flora(['techniques', 'list'], fastEnv());
    expect(list.code).toBe(0);
    const techniques = lines(list.stdout);
    expect(techniques.map((t) => t.technique_id)).toContain('tech_abcd1234');
    const one = await flora(['techniques', 'retrieve', '--technique-id', 'art-directors-critique'], fastEnv());
    expect(JSON.parse(one.stdout)).toMatchObject({ technique_id: 'tech_abcd1234', inputs: [{ id: 'prompt', type: 'text' }, expect.anything()] });
  });

  it("techniques retrieve -o pretty shows each input and output of the definition: id, type, name, and whether it is optional", async () => {
    const r = await flora(['-o', 'pretty', 'techniques', 'retrieve', '--technique-id', 'art-directors-critique'], fastEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(['inputs:', '  - prompt (text) Prompt', '  - reference (imageUrl, optional) Reference image', 'outputs:', '  - output_1 (text) Output 1', '  - output_2 (imageUrl) Output 2'].join('\n'));
    expect(r.stdout).toMatch(/^run_cost: 0\.04$/m);
    expect(r.stdout).not.toMatch(/\[object Object\]|undefined/);
  });

  it('workspaces list shows the ws_ id a top-level start takes; -o pretty is a table', async () => {
    const list = await flora(['workspaces', 'list'], fastEnv());
    expect(lines(list.stdout)).toEqual([expect.objectContaining({ workspace_id: 'ws_abc123', role: 'owner' })]);
    const table = await flora(['-o', 'pretty', 'workspaces', 'list'], fastEnv());
    expect(table.stdout).toMatch(/^WORKSPACE_ID\s+NAME\s+ROLE$/m);
    expect(table.stdout).toMatch(/^ws_abc123\s+/m);
  });

  it('techniques:runs list pages with --limit, and follows every page with --all', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(JSON.parse((await flora(['techniques:runs', 'create', '--technique-id', 'product-shot', '--input', INPUT, '--mode', 'async'], fastEnv())).stdout).run_id);
    const first = await flora(['techniques:runs', 'list', '--technique-id', 'tech_prod5678', '--limit', '2'], fastEnv());
    expect(lines(first.stdout)).toHaveLength(2);
    const all = await flora(['techniques:runs', 'list', '--technique-id', 'tech_prod5678', '--limit', '2', '--all'], fastEnv());
    const runIds = lines(all.stdout).map((r) => r.run_id);
    expect(runIds.length).toBeGreaterThanOrEqual(3);
    for (const id of ids) expect(runIds).toContain(id);
    expect((await flora(['techniques:runs', 'list', '--limit', '500'], fastEnv())).code).toBe(2);
  });
});

describe.skipIf(!hasScript)('on a terminal (skipped when util-linux `script` is missing)', () => {
  it('create --wait draws a progress bar with status and elapsed time, then a pretty run', async () => {
    const cmd = [process.execPath, ...ENTRY, 'techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', `'${INPUT}'`, '--mode', 'async', '--wait'].join(' ');
    // Async: the simulator lives in this process, so a blocking spawnSync would starve it.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('script', ['-qefc', cmd, '/dev/null'], { env: { ...process.env, ...fastEnv(), FLORA_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    outputs.push(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/run_\w+ \[[█░]+\] \d+% \| (pending|running|completed) \| \d+\.\ds/);
    expect(r.stdout).toMatch(/100% \| completed/);
    expect(r.stdout).toMatch(/^status: completed\r?$/m);
    expect(r.stdout).toMatch(/^outputs:/m);
  });
});
