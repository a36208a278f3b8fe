/**
 * Bundle size and start-up, ours beside the official `@flora-ai/flora`: `npm run bench:size`
 * (`npx tsx bench/size.ts`; `--runs N` for more start-up samples, `--no-build` to reuse dist/).
 *
 * Size: esbuild bundles an entry with every dependency inside (browser platform; node when a browser bundle
 * is impossible), minified, then gzip (node:zlib, level 9). Two entries per package: everything the root
 * exports, and only the client class (what `import Flora from '...'` keeps after tree-shaking).
 * Ours is the built `dist/index.js`; the official package is fetched with `npm pack @flora-ai/flora@0.11.0`
 * into a temporary folder (it has no dependencies) and its `index.mjs` is bundled the same way.
 *
 * Start-up: a fresh `node` process per sample imports the package and makes a first request,
 * `techniques.runs.retrieve(...)`, to a local node:http server answering a fixed run body. Reported: the
 * time from before the import to the parsed answer (measured inside the child), and the whole process
 * (spawn to exit, node's own boot included). Samples alternate between the two packages; medians.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './stats.js';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OFFICIAL = '@flora-ai/flora@0.11.0';
const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(argv[runsArg + 1]) : 21;

const RUN_BODY = {
  run_id: 'run_abc123',
  status: 'completed',
  progress: 100,
  created_at: 1767225600,
  started_at: 1767225601,
  completed_at: 1767225645,
  charged_cost: 0.04,
  outputs: [{ output_id: 'out_1', type: 'imageUrl', url: 'https://media.flora.ai/out_1.png' }],
};

interface Target {
  label: string;
  /** Absolute path of the ESM entry. */
  entry: string;
  /** The client's base URL option. */
  baseUrlOption: 'baseUrl' | 'baseURL';
}

interface Size {
  raw: number;
  min: number;
  gzip: number;
  platform: string;
  /** Minified bytes per input file, largest first. */
  inputs: [string, number][];
}

async function bundleSize(contents: string, resolveDir: string, platform: 'browser' | 'node'): Promise<Size> {
  const options = {
    stdin: { contents, resolveDir, loader: 'js' as const, sourcefile: 'entry.js' },
    bundle: true,
    format: 'esm' as const,
    platform,
    target: 'es2022',
    write: false as const,
    logLevel: 'silent' as const,
  };
  const result = await build({ ...options, minify: true, legalComments: 'none', metafile: true });
  const raw = await build(options);
  const min = result.outputFiles[0]!.contents;
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)
    .map(([file, v]): [string, number] => [file, v.bytesInOutput])
    .sort((x, y) => y[1] - x[1]);
  return { raw: raw.outputFiles[0]!.contents.length, min: min.length, gzip: gzipSync(min, { level: 9 }).length, platform, inputs };
}

/** Sizes of every target for one platform: the browser when all of them bundle for it, else node. */
async function allSizes(targets: Target[]): Promise<{ sizes: Map<Target, { full: Size; client: Size }>; browserError?: string }> {
  let browserError: string | undefined;
  for (const platform of ['browser', 'node'] as const) {
    try {
      const sizes = new Map<Target, { full: Size; client: Size }>();
      for (const t of targets) {
        const spec = JSON.stringify(t.entry);
        sizes.set(t, {
          full: await bundleSize(`export * from ${spec}; export { default } from ${spec};`, repo, platform),
          client: await bundleSize(`export { default } from ${spec};`, repo, platform),
        });
      }
      return { sizes, ...(browserError ? { browserError } : {}) };
    } catch (e) {
      if (platform === 'node') throw e;
      const errors = (e as { errors?: { text: string; location?: { file: string } | null }[] }).errors;
      browserError = errors?.length ? `${errors[0]!.text}${errors[0]!.location ? ` in ${errors[0]!.location.file.replace(repo + '/', '')}` : ''}` : String(e);
    }
  }
  throw new Error('unreachable');
}

/** The official package in a temporary folder, or why it could not be had. */
function fetchOfficial(dir: string): { target?: Target; why?: string } {
  const pack = spawnSync('npm', ['pack', OFFICIAL, '--pack-destination', dir, '--json', '--prefer-offline'], { encoding: 'utf8', timeout: 120_000 });
  if (pack.status !== 0) return { why: `npm pack ${OFFICIAL} failed (registry unreachable?): ${(pack.stderr || pack.error?.message || '').trim().split('\n').at(-1)}` };
  const filename = (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename;
  const tar = spawnSync('tar', ['-xzf', join(dir, filename), '-C', dir], { encoding: 'utf8' });
  if (tar.status !== 0) return { why: `could not extract ${filename}: ${tar.stderr}` };
  const pkgDir = join(dir, 'package');
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; exports: Record<string, any> };
  if (Object.keys(pkg.dependencies ?? {}).length) return { why: `${OFFICIAL} has dependencies; this bench expects none` };
  const root = pkg.exports['.'];
  const esm = typeof root === 'string' ? root : (root.import?.default ?? root.import ?? root.default);
  return { target: { label: `official ${OFFICIAL}`, entry: join(pkgDir, esm), baseUrlOption: 'baseURL' } };
}

const CHILD = `
const t0 = performance.now();
const [entry, baseUrlOption, url] = process.argv.slice(2);
const mod = await import(entry);
const t1 = performance.now();
const Flora = mod.default ?? mod.Flora;
const client = new Flora({ apiKey: 'bench_key', [baseUrlOption]: url, maxRetries: 0 });
const run = await client.techniques.runs.retrieve('run_abc123', { techniqueId: 'tech_abcd1234' });
const t2 = performance.now();
if (run.run_id !== 'run_abc123') throw new Error('unexpected answer ' + JSON.stringify(run));
process.stdout.write(JSON.stringify({ importMs: t1 - t0, firstRequestMs: t2 - t0 }));
`;

interface Sample {
  importMs: number;
  firstRequestMs: number;
  processMs: number;
}

function sample(childFile: string, t: Target, url: string): Promise<Sample> {
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [childFile, pathToFileURL(t.entry).href, t.baseUrlOption, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const processMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`${t.label}: child exited ${code}: ${err}`));
      resolvePromise({ ...(JSON.parse(out) as Omit<Sample, 'processMs'>), processMs });
    });
  });
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}` : '–');

async function main(): Promise<void> {
  if (!argv.includes('--no-build')) {
    const b = spawnSync('npm', ['run', '-s', 'build'], { cwd: repo, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stdout}\n${b.stderr}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'flora-bench-size-'));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify(RUN_BODY);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': 'req_bench' });
      res.end(body);
    });
  });
  try {
    const ours: Target = { label: 'ours (dist/index.js)', entry: join(repo, 'dist', 'index.js'), baseUrlOption: 'baseUrl' };
    const official = fetchOfficial(dir);
    const targets = official.target ? [ours, official.target] : [ours];

    const { sizes, browserError } = await allSizes(targets);

    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const childFile = join(dir, 'child.mjs');
    writeFileSync(childFile, CHILD);
    const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
    for (const t of targets) await sample(childFile, t, url); // warm the disk cache once each
    for (let i = 0; i < RUNS; i++) {
      for (const t of i % 2 ? [...targets].reverse() : targets) samples.get(t)!.push(await sample(childFile, t, url));
    }

    const [o, f] = [ours, official.target];
    const so = sizes.get(o)!;
    const sf = f ? sizes.get(f) : undefined;
    const med = (t: Target | undefined, k: keyof Sample) => (t ? median(samples.get(t)!.map((s) => s[k])) : undefined);
    const best = (t: Target | undefined, k: keyof Sample) => (t ? Math.min(...samples.get(t)!.map((s) => s[k])) : undefined);
    const row = (name: string, a: number, b: number | undefined, show: (n: number) => string) =>
      `| ${name} | ${show(a)} | ${b === undefined ? '–' : show(b)} | ${ratio(a, b)} |`;
    console.log(`\nBundle size (esbuild --bundle --minify, ${so.full.platform} platform, gzip -9) and start-up (median of ${RUNS} fresh node processes, Node ${process.version})\n`);
    console.log(`| metric | ours | official ${OFFICIAL} | ratio (ours / official) |`);
    console.log('| --- | ---: | ---: | ---: |');
    console.log(row('root entry, everything exported: min + gzip', so.full.gzip, sf?.full.gzip, kb));
    console.log(row('root entry, everything exported: min', so.full.min, sf?.full.min, kb));
    console.log(row('root entry, everything exported: unminified', so.full.raw, sf?.full.raw, kb));
    console.log(row('only the client class (default export): min + gzip', so.client.gzip, sf?.client.gzip, kb));
    console.log(row('import the package', med(o, 'importMs')!, med(f, 'importMs'), ms));
    console.log(row('import + first request (in the process)', med(o, 'firstRequestMs')!, med(f, 'firstRequestMs'), ms));
    console.log(row('whole process: spawn to exit', med(o, 'processMs')!, med(f, 'processMs'), ms));
    console.log(row('import + first request, fastest sample (least disturbed by load)', best(o, 'firstRequestMs')!, best(f, 'firstRequestMs'), ms));
    console.log(`\nLoad average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${availableParallelism()} cores: start-up figures are noisy when it is high.`);
    console.log('"Whole process" includes node\'s boot and the keep-alive teardown of fetch (undici) after the answer, alike for both.');
    if (browserError) console.log(`Not bundled for the browser: ${browserError}. Both were bundled for node.`);
    console.log('\nWhere our minified bytes go (root entry, everything exported):');
    for (const [file, bytes] of so.full.inputs.slice(0, 8)) console.log(`  ${kb(bytes).padStart(9)}  ${file.replace(repo + '/', '')}`);
    if (!f) console.log(`\n${official.why}\nOnly our figures are shown.`);
    else {
      const target = so.full.gzip <= sf!.full.gzip / 3;
      const faster = med(o, 'firstRequestMs')! < med(f, 'firstRequestMs')!;
      console.log(`\nTarget "at most a third of the official size": ${target ? 'met' : 'missed'} (${ratio(so.full.gzip, sf!.full.gzip)}). Faster start-up: ${faster ? 'yes' : 'no'}.`);
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
