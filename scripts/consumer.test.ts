/**
 * The package as another project gets it: `npm pack` in a fresh checkout of the working tree (no `dist/`:
 * the `prepack` script must build it, or the tarball would hold no code), `npm install <tarball>` into a
 * temporary project, then for each way a TypeScript project can load it (ESM and CommonJS, with
 * `moduleResolution` node16 and bundler; CommonJS with node10) type-check a program that uses the client,
 * the types and the constants (0 errors; a control file's deliberate errors must be reported, so the check
 * is live), and run the emitted JavaScript with node against the simulator from the packed `./testing` entry.
 * `attw` checks the tarball's entries under every resolution.
 *
 * One build (the prepack's), pack and install is shared by every case: the build is the heavy part, done
 * once. TypeScript is the repository's own (its `tsc` run with `-p` on each case) and `@types/node` is linked
 * from the repository, so nothing but the package's runtime dependencies is installed (from npm's cache when
 * it has them: `--prefer-offline`). The repository's own `dist/` is never touched.
 */
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, startSimulator } from '../src/testing/index.js';
import { startForwardProxy } from './forward-proxy.js';
import { readmeBlocks } from './readme-blocks.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; version: string };
/** Packages only the `flora` binary uses: bundled into it, so not installed with the library. */
const CLI_DEPENDENCIES = ['commander', 'cli-progress', 'yaml', 'undici'];
const NODE_BUILTINS = new Set(builtinModules);
const quietNpm = { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' };

interface Case {
  name: string;
  type: 'module' | 'commonjs';
  compilerOptions: Record<string, unknown>;
  /** How the program loads the package: ESM syntax, or `import x = require()` (CommonJS under `bundler`). */
  syntax: 'import' | 'require';
  /** Which build node must load at run time. */
  expectFormat: 'esm' | 'cjs';
  /**
   * Type-check the package's declaration files too (`skipLibCheck: false`). They cost ~7 s a project (mostly
   * openapi-fetch's types with our `paths`), so this is done once for the `.d.ts` and once for the `.d.cts`
   * (the node16 cases), and once more under node10, which resolves imports differently (no `exports`); the
   * bundler cases load the same files and check the program's use of them.
   */
  checkDeclarations: boolean;
}

const CASES: Case[] = [
  {
    name: 'esm-node16',
    type: 'module',
    compilerOptions: { module: 'node16', moduleResolution: 'node16' },
    syntax: 'import',
    expectFormat: 'esm',
    checkDeclarations: true,
  },
  {
    name: 'cjs-node16',
    type: 'commonjs',
    compilerOptions: { module: 'node16', moduleResolution: 'node16' },
    syntax: 'import',
    expectFormat: 'cjs',
    checkDeclarations: true,
  },
  {
    // TypeScript's older resolution (no `exports`): the subpaths' types come from `typesVersions`.
    name: 'cjs-node10',
    type: 'commonjs',
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
    syntax: 'import',
    expectFormat: 'cjs',
    checkDeclarations: true,
  },
  {
    name: 'esm-bundler',
    type: 'module',
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler' },
    syntax: 'import',
    expectFormat: 'esm',
    checkDeclarations: false,
  },
  {
    name: 'cjs-bundler',
    type: 'commonjs',
    compilerOptions: { module: 'preserve', moduleResolution: 'bundler' },
    syntax: 'require',
    expectFormat: 'cjs',
    checkDeclarations: false,
  },
];

const TYPE_NAMES = [
  'TechniqueRun',
  'RunStatus',
  'ActionId',
  'OutputType',
  'InputType',
  'RunStartedResponse',
  'ErrorEnvelope',
  'ErrorCode',
  'TechniqueRunCreateRequest',
  'StartTechniqueRunRequest',
] as const;

/** The program's imports, in the case's syntax. Both forms bind the same names for the body below. */
function header(c: Case): string {
  const values = 'createFloraClient, APIError, FloraError, NotFoundError, WebhookVerificationError, ACTION_IDS, RUN_STATUSES, OUTPUT_TYPES';
  if (c.syntax === 'import') {
    return [
      `import Flora, { ${values}, ${TYPE_NAMES.map((t) => `type ${t}`).join(', ')} } from '${pkg.name}';`,
      `import type { paths, TechniqueRun as TechniqueRunFromTypes } from '${pkg.name}/types';`,
      `import { startSimulator, DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID } from '${pkg.name}/testing';`,
      `import { signWebhook, verifyWebhook, SIGNATURE_HEADER } from '${pkg.name}/webhooks';`,
      `import { inspect } from 'node:util';`,
    ].join('\n');
  }
  return [
    `import flora = require('${pkg.name}');`,
    `import testing = require('${pkg.name}/testing');`,
    `import typesOnly = require('${pkg.name}/types');`,
    `import webhooks = require('${pkg.name}/webhooks');`,
    `import util = require('node:util');`,
    `const { inspect } = util;`,
    `const { signWebhook, verifyWebhook, SIGNATURE_HEADER } = webhooks;`,
    `type paths = typesOnly.paths;`,
    `type TechniqueRunFromTypes = typesOnly.TechniqueRun;`,
    `const Flora = flora.default;`,
    `const { ${values} } = flora;`,
    `const { startSimulator, DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID } = testing;`,
    ...TYPE_NAMES.map((t) => `type ${t} = flora.${t};`),
  ].join('\n');
}

/** Uses the client, every named type and the constants; prints what it saw as one JSON line. */
const BODY = `
type GetRun = paths['/techniques/{techniqueId}/runs/{runId}']['get'];
type GetRunOk = GetRun['responses'][200]['content']['application/json'];
// What the spec allows is something the client may return; the client's type is open beyond it.
const asReturned: (r: TechniqueRunFromTypes & GetRunOk) => TechniqueRun = (r) => r;
const unlistedStatus: TechniqueRun['status'] = 'cancelled';

const statuses: readonly RunStatus[] = RUN_STATUSES;
const firstAction: ActionId = ACTION_IDS[0];
const outputTypes: readonly OutputType[] = OUTPUT_TYPES;
const inputType: InputType = 'text';
const notFound: ErrorCode = 'not_found';
const envelope: ErrorEnvelope = { error: { code: notFound, message: 'example' } };
const TECHNIQUE = 'tech_abcd1234';

function loadedFrom(): string {
  return typeof require === 'function' ? require.resolve('${pkg.name}') : 'esm';
}

async function main(): Promise<void> {
  const sim = await startSimulator();
  try {
    const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
    const body: TechniqueRunCreateRequest = { inputs: [{ id: 'prompt', type: inputType, value: 'a red fox' }], mode: 'async' };
    const created: TechniqueRun = await client.techniques.runs.create(TECHNIQUE, body);
    const retrieved = await client.techniques.runs.retrieve(created.run_id, { techniqueId: TECHNIQUE });
    void asReturned; void unlistedStatus;
    const start: StartTechniqueRunRequest = { technique_id: TECHNIQUE, workspace_id: DEFAULT_WORKSPACE_ID, inputs: { prompt: 'a fox' } };
    const started: RunStartedResponse = await createFloraClient({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' }).runs.startTechnique(start);
    let missing: { isAPIError: boolean; isNotFound: boolean; status: number | undefined; code: string | undefined; contentType: string | null; className: string; inspected: string } | undefined;
    try {
      await client.techniques.runs.retrieve('run_does_not_exist', { techniqueId: TECHNIQUE });
    } catch (e) {
      if (!(e instanceof APIError)) throw e;
      // No \`!\` or \`?.\`: \`headers\` is declared always present (strict mode rejects this if it may be undefined).
      const contentType = e.headers.get('content-type');
      // What console.log(e) prints first: the class's own name, as written in the source.
      const inspected = inspect(e).split('\\n')[0]!;
      missing = { isAPIError: true, isNotFound: e instanceof NotFoundError, status: e.status, code: e.code, contentType, className: e.constructor.name, inspected };
    }
    // CommonJS: \`const Flora = require('${pkg.name}'); new Flora()\`, as FLORA's SDK allows.
    const Callable = (typeof require === 'function' ? require('${pkg.name}') : undefined) as (new (options: object) => object) | undefined;
    const callable = Callable ? { made: new Callable({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url }) instanceof Flora, named: Callable.name } : undefined;
    const delivery = JSON.stringify({ id: 'evt_1', type: 'run.completed', api_version: 'v1', created_at: 1767225645, data: { run_id: created.run_id, run_type: 'technique', workspace_id: DEFAULT_WORKSPACE_ID, status: 'completed' } });
    const event = await verifyWebhook(delivery, { [SIGNATURE_HEADER]: await signWebhook(delivery, 'whsec_consumer', Math.floor(Date.now() / 1000)) }, 'whsec_consumer');
    let forged: unknown;
    try {
      await verifyWebhook(delivery, { [SIGNATURE_HEADER]: 't=1,v1=00' }, 'whsec_consumer');
    } catch (e) {
      forged = e;
    }
    console.log(JSON.stringify({
      webhookRunId: event.data.run_id,
      // One class hierarchy across entries: an error from ./webhooks is a FloraError from the root.
      forgedIsFloraError: forged instanceof FloraError,
      forgedIsRootWebhookError: forged instanceof WebhookVerificationError,
      classNames: [Flora.name, NotFoundError.name, WebhookVerificationError.name],
      callable,
      format: typeof require === 'function' ? 'cjs' : 'esm',
      loadedFrom: loadedFrom(),
      created,
      retrieved,
      started,
      missing,
      constants: { statuses, firstAction, outputTypes, errorExample: envelope.error.code },
    }));
  } finally {
    await sim.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
`;

/**
 * An ES module that both imports the package and requires it (`createRequire`), as a project does when one of
 * its dependencies is CommonJS: every export must be the same object either way (one `FloraError`, so
 * `instanceof` holds across them: no dual-package hazard), and Node's import must see every name that the
 * pure ESM build (what bundlers get) exports. ESM cases only.
 */
const DUAL = `
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import Flora, { APIError, FloraError, NotFoundError } from '${pkg.name}';
import * as rootViaImport from '${pkg.name}';
import * as webhooksViaImport from '${pkg.name}/webhooks';
import * as testingViaImport from '${pkg.name}/testing';
import { verifyWebhook, WebhookVerificationError } from '${pkg.name}/webhooks';
import { startSimulator, DEFAULT_API_KEY } from '${pkg.name}/testing';

const require = createRequire(import.meta.url);
const root: typeof rootViaImport = require('${pkg.name}');
const webhooks: typeof webhooksViaImport = require('${pkg.name}/webhooks');
const testing: typeof testingViaImport = require('${pkg.name}/testing');

async function missingRun(client: Flora): Promise<unknown> {
  try {
    await client.techniques.runs.retrieve('run_does_not_exist', { techniqueId: 'tech_abcd1234' });
  } catch (e) {
    return e;
  }
  throw new Error('expected a 404');
}

async function forged(verify: typeof verifyWebhook): Promise<unknown> {
  try {
    await verify('{}', { 'Flora-Signature': 't=1,v1=00' }, 'whsec_consumer');
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Exports whose value differs between import and require (primitives compare by value). */
function differing(viaImport: object, viaRequire: object): string[] {
  const a = viaImport as Record<string, unknown>;
  const b = viaRequire as Record<string, unknown>;
  return Object.keys(a).filter((k) => a[k] !== b[k]);
}

async function main(): Promise<void> {
  const sim = await startSimulator();
  try {
    const options = { apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' as const };
    const fromImport = await missingRun(new Flora(options));
    const fromRequire = await missingRun(new root.default(options));
    const forgedViaImport = await forged(verifyWebhook);
    const forgedViaRequire = await forged(webhooks.verifyWebhook);
    const pureEsm = async (entry: string): Promise<string[]> =>
      Object.keys(await import(new URL(\`./\${entry}.js\`, pathToFileURL(require.resolve('${pkg.name}'))).href)).sort();
    console.log(JSON.stringify({
      resolvedByImport: import.meta.resolve('${pkg.name}').replace(/^.*\\/dist\\//, 'dist/'),
      importErrorIsRequiredClasses: fromImport instanceof root.NotFoundError && fromImport instanceof root.APIError && fromImport instanceof root.FloraError,
      requireErrorIsImportedClasses: fromRequire instanceof NotFoundError && fromRequire instanceof APIError && fromRequire instanceof FloraError,
      webhookErrorViaImport: forgedViaImport instanceof webhooks.WebhookVerificationError && forgedViaImport instanceof FloraError && forgedViaImport instanceof root.FloraError,
      webhookErrorViaRequire: forgedViaRequire instanceof WebhookVerificationError && forgedViaRequire instanceof FloraError && forgedViaRequire instanceof root.FloraError,
      defaultIsFlora: Flora === root.default && Flora === root.Flora && Flora === rootViaImport.Flora,
      differing: { index: differing(rootViaImport, root), webhooks: differing(webhooksViaImport, webhooks), testing: differing(testingViaImport, testing) },
      names: {
        index: { viaImport: Object.keys(rootViaImport).sort(), pureEsm: await pureEsm('index') },
        webhooks: { viaImport: Object.keys(webhooksViaImport).sort(), pureEsm: await pureEsm('webhooks') },
        testing: { viaImport: Object.keys(testingViaImport).sort(), pureEsm: await pureEsm('testing') },
      },
    }));
  } finally {
    await sim.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
`;

/** Each line is a deliberate type error that tsc must report (one per entry point, so none of them is `any`). */
const CONTROL = [
  `export const badStatus: RunStatus = 'cancelled';`,
  `export const badConstant: number = ACTION_IDS[0];`,
  `export const badRun: TechniqueRunFromTypes = { run_id: 42 };`,
  `export const nullRunId: TechniqueRun = { created_at: 0, progress: 0, run_id: null, status: 'pending' };`,
  `export const badSimulator = startSimulator({ seed: 'not a number' });`,
];

function controlFile(c: Case): string {
  // The header's value bindings are unused here: keep it to its imports' types, which is what is checked.
  return `${header(c)}\n${CONTROL.join('\n')}\nvoid Flora; void FloraError; void WebhookVerificationError; void signWebhook; void verifyWebhook; void SIGNATURE_HEADER; void createFloraClient; void APIError; void NotFoundError; void RUN_STATUSES; void OUTPUT_TYPES; void DEFAULT_API_KEY; void DEFAULT_WORKSPACE_ID;\n`;
}

interface Outcome {
  tscOutput: string;
  /** Every file in the program (`--listFiles`). */
  files: string[];
  errors: { file: string; line: number; code: string; text: string }[];
  run?: { stdout: string; stderr: string; error?: string };
  /** The DUAL program's run (ESM cases). */
  dual?: { stdout: string; stderr: string; error?: string };
}

/**
 * The README's TypeScript blocks, each its own module of one ESM project (strict, nodenext), and what tsc said;
 * its JavaScript blocks are CommonJS (`require`), each run as a `.cjs` file of that project.
 */
const README_BLOCKS = readmeBlocks(join(repo, 'README.md'));
const README_TS = README_BLOCKS.filter((b) => b.lang === 'ts');
const README_JS = README_BLOCKS.filter((b) => b.lang === 'js');
let readmeDir = '';
let readmeErrors: string[] = [];

async function compileReadme(project: string): Promise<void> {
  readmeDir = join(project, 'readme');
  mkdirSync(join(readmeDir, 'out'), { recursive: true });
  writeFileSync(join(readmeDir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  // The README's proxy example installs undici beside the client (`npm install undici`): the repository's copy.
  mkdirSync(join(readmeDir, 'node_modules'));
  symlinkSync(join(repo, 'node_modules', 'undici'), join(readmeDir, 'node_modules', 'undici'), 'dir');
  for (const b of README_JS) writeFileSync(join(readmeDir, 'out', `readme-${b.line}.cjs`), b.code);
  const files = README_TS.map((b) => `readme-${b.line}.ts`);
  README_TS.forEach((b, i) => writeFileSync(join(readmeDir, files[i]!), b.code));
  writeFileSync(
    join(readmeDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', lib: ['ES2022'], types: ['node'], strict: true, skipLibCheck: true, outDir: 'out', rootDir: '.' },
      files,
    }),
  );
  const out = await run(process.execPath, [tsc, '-p', readmeDir, '--pretty', 'false'], { cwd: readmeDir, maxBuffer: 16 << 20 }).then(
    (r) => r.stdout,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
  );
  // Name each error by its README line, not the scratch file's.
  readmeErrors = out
    .split('\n')
    .filter((l) => / error TS/.test(l))
    .map((l) => l.replace(/^readme-(\d+)\.ts\((\d+),(\d+)\)/, (_, fence: string, row: string, col: string) => `README.md:${Number(fence) + Number(row)}:${col}`));
}

let work = '';
let tarball = '';
let packedFiles: string[] = [];
/** The fresh checkout the package was packed from, and what it held before and after. */
const checkout = { dir: '', distBefore: true, distAfter: false, withoutScripts: [] as string[] };
let attw: { problems: { kind: string; entrypoint?: string; resolutionKind?: string }[] } | undefined;
const outcomes = new Map<string, Outcome>();
const started = Date.now();

/** A copy of the working tree's files (`git ls-files`: tracked and new, not ignored, so no `dist/`), with the repository's `node_modules` linked in. */
async function freshCheckout(): Promise<string> {
  const dir = join(work, 'checkout');
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, maxBuffer: 16 << 20 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    // A tracked file deleted in the working tree is not part of it.
    if (!existsSync(join(repo, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(repo, file), join(dir, file));
  }
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** What `npm pack --json` reports of its tarball. */
const packReport = (stdout: string) => (JSON.parse(stdout) as { filename: string; files: { path: string }[] }[])[0]!;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flora-consumer-'));
  const phases: string[] = [];
  let mark = Date.now();
  const phase = (name: string) => {
    phases.push(`${name} ${((Date.now() - mark) / 1000).toFixed(1)} s`);
    mark = Date.now();
  };
  checkout.dir = await freshCheckout();
  checkout.distBefore = existsSync(join(checkout.dir, 'dist'));
  // Without scripts npm would pack no code at all: what prepack prevents.
  const dry = await run('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: checkout.dir, env: quietNpm, maxBuffer: 16 << 20 });
  checkout.withoutScripts = packReport(dry.stdout).files.map((f) => f.path);
  // The one build: prepack's.
  const { stdout: packJson } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: checkout.dir, env: quietNpm, maxBuffer: 16 << 20 });
  const packed = packReport(packJson);
  checkout.distAfter = existsSync(join(checkout.dir, 'dist', 'index.js'));
  tarball = join(work, packed.filename);
  packedFiles = packed.files.map((f) => f.path).sort();
  phase('build and pack');
  const attwRun = run(join(repo, 'node_modules', '.bin', 'attw'), [tarball, '--format', 'json', '--exclude-entrypoints', './openapi.yaml'], { cwd: work, maxBuffer: 64 << 20 }).then(
    (r) => r.stdout,
    (e: { stdout?: string }) => e.stdout ?? '{}',
  );

  const project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'flora-consumer', private: true, version: '0.0.0' }, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', tarball], { cwd: project, env: quietNpm, maxBuffer: 16 << 20 });
  // Types of node for the consumer's own code and for the package's declarations: the repository's copy.
  mkdirSync(join(project, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(repo, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'), 'dir');
  phase('install');

  await Promise.all([
    compileReadme(project),
    ...CASES.map(async (c) => {
      const dir = join(project, c.name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: c.type, private: true }));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify(
          {
            compilerOptions: {
              ...c.compilerOptions,
              target: 'ES2022',
              lib: ['ES2022'],
              types: ['node'],
              strict: true,
              esModuleInterop: true,
              skipLibCheck: !c.checkDeclarations,
              outDir: 'out',
              rootDir: '.',
            },
            files: ['main.ts', 'control.ts', ...(c.type === 'module' ? ['dual.ts'] : [])],
          },
          null,
          2,
        ),
      );
      writeFileSync(join(dir, 'main.ts'), `${header(c)}\n${BODY}`);
      writeFileSync(join(dir, 'control.ts'), controlFile(c));
      if (c.type === 'module') writeFileSync(join(dir, 'dual.ts'), DUAL);
      // tsc exits non-zero because of control.ts; it still emits, and its output is checked below.
      const tscOutput = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false', '--listFiles'], { cwd: dir, maxBuffer: 16 << 20 }).then(
        (r) => r.stdout,
        (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
      );
      const errors = [...tscOutput.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)].map((m) => ({
        file: m[1]!,
        line: Number(m[2]),
        code: m[3]!,
        text: m[4]!,
      }));
      const outcome: Outcome = { tscOutput: tscOutput.split('\n').filter((l) => !l.startsWith('/')).join('\n'), errors, files: tscOutput.split('\n').filter((l) => l.startsWith('/')) };
      outcomes.set(c.name, outcome);
      if (errors.some((e) => e.file !== 'control.ts')) return;
      const execute = (file: string) =>
        run(process.execPath, [join(dir, 'out', file)], { cwd: dir }).then(
          (r) => ({ stdout: r.stdout, stderr: r.stderr }),
          (e: { stdout?: string; stderr?: string; message: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '', error: e.message }),
        );
      outcome.run = await execute('main.js');
      if (c.type === 'module') outcome.dual = await execute('dual.js');
    }),
  ]);
  attw = (JSON.parse(await attwRun) as { analysis?: { problems: NonNullable<typeof attw>['problems'] } }).analysis;
  phase(`${CASES.length} type-checks and runs, attw`);
  console.log(`consumer test setup: ${((Date.now() - started) / 1000).toFixed(1)} s (${phases.join(', ')})`);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack in a fresh checkout, without dist/', () => {
  it('starts from a checkout with no build in it; without scripts npm would pack no code at all (what prepack prevents)', () => {
    expect(existsSync(join(checkout.dir, 'package.json'))).toBe(true);
    expect(checkout.distBefore).toBe(false);
    expect(checkout.withoutScripts.filter((f) => f.startsWith('dist/'))).toEqual([]);
    expect(checkout.withoutScripts).toContain('package.json');
  });

  it('builds dist/ in prepack and packs every entry, its declarations and the flora binary', () => {
    expect(checkout.distAfter).toBe(true);
    for (const entry of ['index', 'types', 'webhooks', 'download', 'testing', 'contract']) {
      for (const ext of ['.js', '.cjs', '.d.ts', '.d.cts']) expect(packedFiles).toContain(`dist/${entry}${ext}`);
    }
    expect(packedFiles).toContain('dist/cli.js');
    expect(packedFiles).toContain('dist/cli-proxy-agent.js');
  });

  it('passes attw under every resolution, node10 included, for every entry (./batch and ./queue too)', () => {
    expect(attw, 'attw reported nothing').toBeDefined();
    expect(attw!.problems).toEqual([]);
  });
});

describe('the packed package, installed by a consumer project', () => {
  it('holds the builds, their declarations and the spec, and no sources or tests', () => {
    for (const entry of ['index', 'types', 'webhooks', 'download', 'testing']) {
      for (const ext of ['.js', '.cjs', '.d.ts', '.d.cts']) expect(packedFiles).toContain(`dist/${entry}${ext}`);
    }
    for (const entry of ['index', 'webhooks', 'download', 'testing']) expect(packedFiles).toContain(`dist/${entry}.node.js`);
    expect(packedFiles).toContain('spec/openapi.yaml');
    expect(packedFiles).toContain('package.json');
    expect(packedFiles.filter((f) => /^(src|generated|scripts|contract-tests|bench)\//.test(f) || /\.test\./.test(f))).toEqual([]);
  });

  it('ships ./types as declarations only, with no runtime code', () => {
    const dist = join(work, 'consumer', 'node_modules', ...pkg.name.split('/'), 'dist');
    expect(readFileSync(join(dist, 'types.js'), 'utf8').trim()).toBe('export {};');
    expect(readFileSync(join(dist, 'types.cjs'), 'utf8').trim()).toBe("'use strict';");
    expect(readdirSync(dist)).toContain('types.d.cts');
  });

  it('declares only the public API: no internal member or module of the client or simulator', () => {
    const dist = join(work, 'consumer', 'node_modules', ...pkg.name.split('/'), 'dist');
    const declarations = readdirSync(dist).filter((f) => /\.d\.c?ts$/.test(f));
    expect(declarations.length).toBeGreaterThan(4);
    const internal = /\b(Requester|RequesterConfig|SendConfig|Transport|Redactor|checkRequest|getRunAt|ownsUrl|isLocal|HANDLERS|createRun|OperationContext|KeyRing|Pipeline)\b|\bcall\(/;
    for (const file of declarations) expect(readFileSync(join(dist, file), 'utf8'), file).not.toMatch(internal);
  });

  it.runIf(existsSync(join(repo, 'src', 'cli', 'index.ts')))('installs the flora binary, which runs', async () => {
    const bin = join(work, 'consumer', 'node_modules', '.bin', 'flora');
    const { stdout } = await run(bin, ['--help'], { cwd: join(work, 'consumer') });
    expect(stdout).toMatch(/Usage: flora/);
    expect(readFileSync(join(work, 'consumer', 'node_modules', ...pkg.name.split('/'), 'dist', 'cli.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    // The version comes from the package.json bundled into the binary.
    expect((await run(bin, ['--version'], { cwd: join(work, 'consumer') })).stdout.trim()).toBe(pkg.version);
  });

  it.runIf(existsSync(join(repo, 'src', 'cli', 'index.ts')))('runs a flora command with its bundled dependencies: YAML in, waiting, YAML out', async () => {
    const installed = join(work, 'consumer', 'node_modules', ...pkg.name.split('/'));
    const testing = (await import(pathToFileURL(join(installed, 'dist', 'testing.js')).href)) as typeof import('../src/testing/index.js');
    const sim = await testing.startSimulator({ timeScale: 40, seed: 3 });
    try {
      const bin = join(work, 'consumer', 'node_modules', '.bin', 'flora');
      const args = ['--output', 'yaml', 'techniques:runs', 'create', '--technique-id', 'tech_abcd1234', '--input', '{id: prompt, type: text, value: "a red fox"}', '--mode', 'async', '--wait'];
      const { stdout } = await run(bin, args, { cwd: join(work, 'consumer'), env: { PATH: process.env.PATH, FLORA_API_KEY: testing.DEFAULT_API_KEY, FLORA_BASE_URL: sim.url } });
      expect(stdout).toMatch(/^run_id: run_\w+$/m);
      expect(stdout).toMatch(/^status: completed$/m);
    } finally {
      await sim.close();
    }
  });

  it.runIf(existsSync(join(repo, 'src', 'cli', 'index.ts')))('starts the embedded default with `flora simulator` from the installed package, and its CLI goes through a proxy', async () => {
    const bin = join(work, 'consumer', 'node_modules', '.bin', 'flora');
    const child = spawn(bin, ['simulator', '--port', '0', '--time-scale', '60', '--profile', 'live'], { cwd: join(work, 'consumer'), stdio: ['ignore', 'pipe', 'pipe'] });
    const proxy = await startForwardProxy();
    try {
      let out = '';
      const banner = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          if (/kill \d+/.test(out)) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`flora simulator exited with ${code}: ${out}`)));
      });
      const url = /Base URL:\s+(\S+)/.exec(banner)![1]!;
      const key = /API key:\s+(\S+)/.exec(banner)![1]!;
      expect(banner).toContain('(live profile)');
      // The binary's proxy support (undici, in a file of its own beside it) works from the package.
      const { stdout } = await run(bin, ['techniques', 'list'], { cwd: join(work, 'consumer'), env: { PATH: process.env.PATH, FLORA_API_KEY: key, FLORA_BASE_URL: url, HTTP_PROXY: proxy.url } });
      expect(stdout).toContain('"technique_id":"tech_abcd1234"');
      expect(proxy.seen).toContain(`CONNECT ${new URL(url).host}`);
    } finally {
      child.kill('SIGTERM');
      await proxy.close();
    }
  });

  it("installs openapi-fetch alone: the CLI's dependencies are bundled into dist/cli.js; only the batch entries reach the optional peers", () => {
    const installed = join(work, 'consumer', 'node_modules', ...pkg.name.split('/'));
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['openapi-fetch']);
    const optionalPeers = Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([name]) => name);
    for (const notInstalled of [...CLI_DEPENDENCIES, ...optionalPeers]) expect(existsSync(join(work, 'consumer', 'node_modules', notInstalled)), notInstalled).toBe(false);
    const dist = join(installed, 'dist');
    const imports = (text: string) => [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\b(?:__)?require\s*\(\s*)["'](\.\/[^"']+|[^"'.][^"']*)["']/g)].map((m) => m[1]!);
    /** Every bare module a file loads, through the chunks it loads. */
    const reach = (file: string, seen = new Set<string>()): string[] => {
      // undici bundled whole, whose strings this reading cannot tell from imports; that it needs nothing
      // installed is shown by the binary going through a proxy from the package (the test above).
      if (file === 'cli-proxy-agent.js') return [];
      if (seen.has(file)) return [];
      seen.add(file);
      // (Text that only looks like a relative import, in a bundled library's strings, names no file of ours.)
      return imports(readFileSync(join(dist, file), 'utf8')).flatMap((s) => (s.startsWith('./') ? (existsSync(join(dist, s.slice(2))) ? reach(s.slice(2), seen) : []) : s.startsWith('node:') || NODE_BUILTINS.has(s) ? [] : [s]));
    };
    // The client, its types, the simulator, the webhook helpers, the downloads and the contract checks need
    // openapi-fetch and nothing else (the contract checks run on the generated checks: no test runner, mock or schema library).
    for (const entry of ['index', 'types', 'webhooks', 'download', 'testing', 'contract']) {
      for (const ext of ['.js', '.cjs']) expect(new Set(reach(`${entry}${ext}`)), `${entry}${ext}`).toEqual(new Set(reach(`${entry}${ext}`).length ? ['openapi-fetch'] : []));
    }
    // The batch entries load the optional peers (when used), and nothing else besides openapi-fetch.
    for (const file of ['batch.js', 'batch.cjs', 'queue.js', 'queue.cjs', 'cli.js']) {
      expect(reach(file).filter((s) => s !== 'openapi-fetch' && !optionalPeers.includes(s)), file).toEqual([]);
    }
  });

  describe('the README: every code block compiles and runs, or says why not', () => {
    const consumer = () => join(work, 'consumer');
    const runnable = README_BLOCKS.filter((b) => !b.notRun);

    it('has TypeScript, CommonJS and shell blocks, and every block is run unless the README says why not', () => {
      expect(README_TS.length).toBeGreaterThanOrEqual(6);
      expect(README_JS.length).toBeGreaterThanOrEqual(1);
      for (const b of README_BLOCKS) expect(['ts', 'js', 'sh'], `README.md:${b.line} is a ${b.lang} block`).toContain(b.lang);
      // Each block not run here names the test that runs it, or why none can.
      for (const b of README_BLOCKS.filter((x) => x.notRun)) expect(b.notRun, `README.md:${b.line}`).toMatch(/\S{8,}/);
    });

    it('its TypeScript blocks type-check against the packed package (strict, nodenext), each a module of its own', () => {
      expect(readmeErrors).toEqual([]);
    });

    // TypeScript blocks run as compiled; JavaScript blocks are CommonJS, run as `.cjs` files.
    it.each(runnable.filter((b) => b.lang === 'ts' || b.lang === 'js').map((b) => [`${b.section} (README.md:${b.line}, ${b.lang})`, b] as const))('runs %s against the simulator', async (_, block) => {
      if (block.lang === 'ts') expect(readmeErrors).toEqual([]);
      const sim = await startSimulator({ timeScale: 60, seed: block.line });
      try {
        const result = await run(process.execPath, [join(readmeDir, 'out', `readme-${block.line}.${block.lang === 'ts' ? 'js' : 'cjs'}`)], {
          cwd: readmeDir,
          env: { PATH: process.env.PATH, FLORA_API_KEY: DEFAULT_API_KEY, FLORA_BASE_URL: sim.url, FLORA_LOG: 'error' },
          timeout: 170_000, // must not hang: below the test's own bound, so its output is kept
        }).catch((e: { stdout?: string; stderr?: string; message: string }) => ({ stdout: e.stdout ?? '', stderr: `${e.message}\n${e.stderr ?? ''}`, failed: true }));
        // Exit 0, no stack trace (a block may print what it caught with console.error), and something shown.
        expect('failed' in result, result.stderr).toBe(false);
        expect(result.stderr).not.toMatch(/^\s+at /m);
        expect(`${result.stdout}${result.stderr}`.length).toBeGreaterThan(0);
      } finally {
        await sim.close();
      }
    });

    it.each(runnable.filter((b) => b.lang === 'sh').map((b) => [`${b.section} (README.md:${b.line})`, b] as const))('runs %s with the installed flora binary against the simulator', async (_, block) => {
      const sim = await startSimulator({ timeScale: 60, seed: block.line });
      try {
        const flora = new (await import('../src/index.js')).Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
        const seed = await flora.techniques.runs.create('art-directors-critique', { inputs: [{ id: 'prompt', type: 'text', value: 'seed' }], mode: 'async' });
        const result = await run('bash', ['-euo', 'pipefail', '-c', block.code], {
          cwd: consumer(),
          env: { PATH: `${join(consumer(), 'node_modules', '.bin')}:${process.env.PATH}`, FLORA_API_KEY: DEFAULT_API_KEY, FLORA_BASE_URL: sim.url, RUN_ID: seed.run_id },
          timeout: 170_000, // must not hang: below the test's own bound, so its output is kept
        }).catch((e: { stdout?: string; stderr?: string; message: string }) => ({ stdout: e.stdout ?? '', stderr: `${e.message}\n${e.stderr ?? ''}`, failed: true }));
        expect('failed' in result, result.stderr).toBe(false);
        // The contract check's block writes its reports to files and prints the saved set's; the others print runs.
        if (block.section === 'Checking the live API') {
          expect(readFileSync(join(consumer(), 'flora-contract.xml'), 'utf8')).toMatch(/^<\?xml[^]*<testsuites name="flora contract check"/);
          expect(JSON.parse(readFileSync(join(consumer(), 'report.json'), 'utf8'))).toMatchObject({ verdict: 'conforms', summary: { drift: 0 } });
          expect(result.stdout).toContain('Verdict: conforms');
        } else expect(result.stdout).toMatch(/"status":"completed"/);
      } finally {
        await sim.close();
      }
    });

    it('the blocks not run name commands and variables that exist', () => {
      const scripts = Object.keys((JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
      const targets = readFileSync(join(repo, 'contract-tests', 'targets.ts'), 'utf8') + readFileSync(join(repo, 'contract-tests', 'response-checks.ts'), 'utf8');
      for (const b of README_BLOCKS.filter((x) => x.notRun)) {
        for (const [, script] of b.code.matchAll(/npm run (\S+)/g)) expect(scripts, `README.md:${b.line}`).toContain(script);
        for (const [, name] of b.code.matchAll(/\b(FLORA_[A-Z_]+)=/g)) expect(targets, `README.md:${b.line}: ${name}`).toContain(name);
      }
      // The two commands of the README are what CI and the demo test run.
      expect(readFileSync(join(repo, '.ci', 'run'), 'utf8')).toMatch(/npm ci[\s\S]*npm test/);
      expect(readFileSync(join(repo, 'scripts', 'demo.test.ts'), 'utf8')).toContain('scripts/demo.ts');
    });
  });

  describe.each(CASES)('$name', (c) => {
    it('type-checks the program with 0 errors, and reports every deliberate error of the control file', () => {
      const o = outcomes.get(c.name)!;
      expect(o.errors.filter((e) => e.file !== 'control.ts'), o.tscOutput).toEqual([]);
      const controlLines = controlFile(c).split('\n');
      const expected = CONTROL.map((line) => controlLines.indexOf(line) + 1);
      expect(o.errors.map((e) => e.line).sort((a, b) => a - b), o.tscOutput).toEqual(expected);
      // The declarations of the build this kind of project loads: .d.ts for import, .d.cts for require.
      const ours = o.files.filter((f) => f.includes(`/node_modules/${pkg.name}/`)).map((f) => f.slice(f.lastIndexOf('/') + 1));
      const ext = c.expectFormat === 'cjs' ? '.d.cts' : '.d.ts';
      for (const entry of ['index', 'types', 'testing']) expect(ours).toContain(`${entry}${ext}`);
      expect(ours.filter((f) => !f.endsWith(ext))).toEqual([]);
    });

    it('runs against the packed simulator: creates a run, retrieves it, starts one, and gets a typed 404', () => {
      const o = outcomes.get(c.name)!;
      expect(o.run, o.tscOutput).toBeDefined();
      expect(o.run!.error, o.run!.stderr).toBeUndefined();
      const out = JSON.parse(o.run!.stdout.trim().split('\n').at(-1)!) as Record<string, any>;
      expect(out.format).toBe(c.expectFormat);
      if (c.expectFormat === 'cjs') expect(out.loadedFrom).toMatch(/dist[\\/]index\.cjs$/);
      expect(out.created).toMatchObject({ run_id: expect.any(String), status: expect.stringMatching(/^(pending|running)$/) });
      expect(typeof out.created.created_at).toBe('number');
      expect(out.retrieved).toMatchObject({ run_id: out.created.run_id, created_at: out.created.created_at });
      expect(['pending', 'running', 'completed']).toContain(out.retrieved.status);
      expect(out.started).toMatchObject({ run_id: expect.any(String) });
      expect(out.webhookRunId).toBe(out.created.run_id);
      expect(out.forgedIsFloraError).toBe(true);
      expect(out.forgedIsRootWebhookError).toBe(true);
      // Class names survive the build: what e.constructor.name and console.log(e) show.
      expect(out.classNames).toEqual(['Flora', 'NotFoundError', 'WebhookVerificationError']);
      expect(out.missing.className).toBe('NotFoundError');
      expect(out.missing.inspected).toMatch(/^NotFoundError: 404 not_found: /);
      if (c.expectFormat === 'cjs') expect(out.callable).toEqual({ made: true, named: 'Flora' });
      expect(out.started.run_id).not.toBe(out.created.run_id);
      expect(out.missing).toMatchObject({ isAPIError: true, isNotFound: true, status: 404, code: 'not_found', contentType: expect.stringMatching(/^application\/json/) });
      expect(out.constants).toEqual({
        statuses: ['pending', 'running', 'completed', 'failed'],
        firstAction: 'split-text',
        outputTypes: ['imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl'],
        errorExample: 'not_found',
      });
    });
  });

  it('gives a bundler the ESM build, for the browser and for node (the `module` condition), never the CommonJS one', async () => {
    const consumer = join(work, 'consumer');
    const inputs = async (platform: 'browser' | 'node') => {
      const result = await build({
        stdin: { contents: `import Flora from '${pkg.name}';\nconsole.log(new Flora({ apiKey: 'k' }));\n`, resolveDir: consumer, loader: 'ts' },
        bundle: true,
        write: false,
        metafile: true,
        format: 'esm',
        platform,
        external: ['openapi-fetch'],
        logLevel: 'silent',
      });
      return Object.keys(result.metafile.inputs).filter((f) => f.includes(`node_modules/${pkg.name}/dist/`)).map((f) => f.slice(f.lastIndexOf('/') + 1));
    };
    for (const platform of ['browser', 'node'] as const) {
      const files = await inputs(platform);
      expect(files, platform).toContain('index.js');
      expect(files.filter((f) => f.endsWith('.cjs') || f.endsWith('.node.js')), platform).toEqual([]);
    }
  });

  describe.each(CASES.filter((c) => c.type === 'module'))('$name, importing and requiring the package in one program', (c) => {
    it("gets one class per error either way (no dual-package hazard), and every name of the ESM build from Node's import", () => {
      const o = outcomes.get(c.name)!;
      expect(o.dual, o.tscOutput).toBeDefined();
      expect(o.dual!.error, o.dual!.stderr).toBeUndefined();
      const out = JSON.parse(o.dual!.stdout.trim().split('\n').at(-1)!) as Record<string, any>;
      expect(out).toMatchObject({
        resolvedByImport: 'dist/index.node.js',
        importErrorIsRequiredClasses: true,
        requireErrorIsImportedClasses: true,
        webhookErrorViaImport: true,
        webhookErrorViaRequire: true,
        defaultIsFlora: true,
        differing: { index: [], webhooks: [], testing: [] },
      });
      for (const entry of ['index', 'webhooks', 'testing']) {
        expect(out.names[entry].viaImport, entry).toEqual(out.names[entry].pureEsm);
        expect(out.names[entry].viaImport.length, entry).toBeGreaterThan(3);
      }
      expect(out.names.index.viaImport).toContain('default');
    });
  });
});
