/**
 * `npm run build`: ESM (`dist/*.js`) and CommonJS (`dist/*.cjs`) builds with their declarations
 * (`.d.ts` / `.d.cts`) for the package's entries:
 *   - `.`          src/index.ts          the client
 *   - `./webhooks` src/webhooks.ts       webhook signature checks (Web Crypto; node:crypto in the Node builds)
 *   - `./download` src/download/index.ts run outputs to disk (node:fs, kept out of the root entry)
 *   - `./types`    generated/openapi.ts  the spec's types alone: declarations plus an empty module
 *   - `./testing`  src/testing/index.ts  the local simulator
 *   - `./batch`    src/batch/index.ts    resumable batches with a journal (better-sqlite3, an optional peer)
 *   - `./queue`    src/queue/index.ts    batches across machines on BullMQ (an optional peer)
 *   - `./contract` src/contract/index.ts `runContractChecks()`: the API judged against the spec and its live layer
 *   - `dist/cli.js` (ESM, with a shebang; `bin.flora`) from src/cli/index.ts, when it exists
 *
 * The library's dependencies stay external. The CLI's own (commander, cli-progress, yaml) are bundled into
 * dist/cli.js and are devDependencies, so installing the library does not install them.
 *
 * The CommonJS build's default imports of packages are fixed up after the build (see `cjsDefaultImports`).
 *
 * Node's `import` of an entry that exports classes gets `dist/<entry>.node.js`, a small ES module over the
 * CommonJS build (see `nodeEsmWrappers`); bundlers and browsers get the ESM build.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

const has = (path: string) => existsSync(new URL(path, import.meta.url));

const entries: Record<string, string> = { index: 'src/index.ts', webhooks: 'src/webhooks.ts', download: 'src/download/index.ts' };
if (has('src/testing/index.ts')) entries.testing = 'src/testing/index.ts';
if (has('src/batch/index.ts')) entries.batch = 'src/batch/index.ts';
if (has('src/queue/index.ts')) entries.queue = 'src/queue/index.ts';
if (has('src/contract/index.ts')) entries.contract = 'src/contract/index.ts';
const cli = has('src/cli/index.ts');
/** Entries that export classes: Node's `import` of them gets an ES module over the CommonJS build. */
const NODE_WRAPPED = Object.keys(entries);
/**
 * `src/cli/proxy-agent.ts` (undici, a megabyte) becomes `dist/cli-proxy-agent.js` beside the binary, which
 * imports it only when a proxy is set; bundled in, it would cost every run a quarter more start-up time.
 */
const cliProxyAgentApart: Plugin = {
  name: 'cli-proxy-agent-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/proxy-agent\.js$/ }, (args) => (args.importer.endsWith('proxy.ts') ? { path: './cli-proxy-agent.js', external: true } : undefined));
  },
};

/** The CLI's dependencies, which the library entries never import: bundled into dist/cli.js (devDependencies). */
const CLI_DEPENDENCIES = ['commander', 'cli-progress', 'yaml', 'undici'];

/**
 * The Node builds hash webhooks with `node:crypto` (`src/core/hmac.node.ts`), over 20 times faster there
 * than Web Crypto; the ESM build, which bundlers, browsers, workerd and Deno get, keeps `src/core/hmac.ts`
 * (Web Crypto, everywhere). The CommonJS build is what Node's `require` and `import` load (see
 * `nodeEsmWrappers`). tsup builds CommonJS with splitting as ESM first, so the format comes from its define.
 */
const nodeHmac: Plugin = {
  name: 'node-hmac',
  setup(build) {
    if (build.initialOptions.define?.TSUP_FORMAT !== '"cjs"') return;
    build.onResolve({ filter: /(^|\/)hmac\.js$/ }, (args) => ({ path: join(args.resolveDir, dirname(args.path), 'hmac.node.ts') }));
  },
};

const common: Options = {
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  outDir: 'dist',
  sourcemap: false,
  // Keep `node:crypto` etc. as written: unambiguous for bundlers and other runtimes (tsup strips it by default).
  removeNodeProtocol: false,
  // Class and function names as written: esbuild renames a class it must (a name clash between bundled
  // modules) and the CommonJS step (sucrase, for code splitting) lowers class fields into `_class5 = class
  // ...`; without this an error's `constructor.name` and `console.log(error)` say `_class5`.
  keepNames: true,
};

/**
 * The sources are ESM in Node's eyes (`"type": "module"`), so esbuild compiles their default imports of a
 * package with Node's interop, `__toESM(require("pkg"), 1)`: default = the whole `module.exports`. That is
 * right when Node's ESM would load that same CommonJS file, but wrong for a dual package whose `require`
 * condition picks a CommonJS build with `__esModule` and `exports.default` (openapi-fetch:
 * `import createClient from 'openapi-fetch'` became the exports object, "is not a function"). Without the
 * flag, `__toESM` takes `exports.default` when `__esModule` is set and `module.exports` otherwise, which is
 * what the ESM build gets for every dependency we have.
 */
function cjsDefaultImports(): void {
  for (const file of readdirSync('dist')) {
    if (!file.endsWith('.cjs')) continue;
    const path = `dist/${file}`;
    const code = readFileSync(path, 'utf8');
    const fixed = code.replace(/__toESM\(require\(("[^".][^"]*")\), 1\)/g, '__toESM(require($1))');
    if (fixed !== code) writeFileSync(path, fixed);
  }
}

/**
 * The dual-package hazard: a Node program that both imports and requires the package (it or one of its
 * dependencies is CommonJS) would load the ESM and the CommonJS builds, two copies of every class, and an
 * error from one is not `instanceof` the other's `FloraError`. So in Node an entry's `import` is this ES
 * module over the CommonJS build (Node's "ES module wrapper"), and both paths reach one copy: the one in
 * `require`'s cache.
 *
 * It loads the build with `createRequire` rather than `import ... from './x.cjs'`, which Node 20 took
 * ~25 ms longer over (36 against 14 ms for the root entry). It names each export, as `require` gives them,
 * so cjs-module-lexer plays no part (`export *` from the CommonJS file would also export `__esModule`,
 * which the ESM build has not, and never `default`). Bundlers never get this file: the `module`
 * condition, ahead of `node` in `exports`, gives them the ESM build. The consumer test checks that each
 * wrapper exports exactly the ESM build's names and that every export is one object across import and require.
 */
function nodeEsmWrappers(): void {
  for (const entry of NODE_WRAPPED) {
    const names = JSON.parse(
      execFileSync(process.execPath, ['-p', `JSON.stringify(Object.keys(require('./dist/${entry}.cjs')))`], { encoding: 'utf8' }),
    ) as string[];
    const named = names.filter((n) => n !== 'default' && n !== '__esModule');
    const odd = named.filter((n) => !/^[A-Za-z_$][\w$]*$/.test(n) || n === 'cjs' || n === 'createRequire');
    if (odd.length > 0) throw new Error(`dist/${entry}.cjs exports names this wrapper cannot re-export: ${odd.join(', ')}`);
    const lines = [
      "// Node's `import` of this entry: the CommonJS build, so that `import` and `require` share one copy of every class.",
      "import { createRequire } from 'node:module';",
      `const cjs = createRequire(import.meta.url)('./${entry}.cjs');`,
      `export const { ${named.join(', ')} } = cjs;`,
    ];
    if (names.includes('default')) lines.push('export default cjs.default;');
    writeFileSync(`dist/${entry}.node.js`, `${lines.join('\n')}\n`);
  }
}

/**
 * `const Flora = require('flora-runs-client'); new Flora()`, as FLORA's SDK (a Stainless SDK) allows: the
 * root entry's CommonJS exports become a function that makes a client, with every named export on it
 * (`require(...).Flora`, `.default`, `.NotFoundError` as before) and the client's prototype, so
 * `instanceof` holds either way. The types stay those of the named exports (TypeScript reaches the class
 * as `.default` or `.Flora`); this is for JavaScript callers.
 */
function cjsCallableRoot(): void {
  const path = 'dist/index.cjs';
  const code = readFileSync(path, 'utf8');
  if (code.includes('cjsCallableRoot')) return;
  writeFileSync(
    path,
    `${code}\n// cjsCallableRoot (tsup.config.ts): this module's exports are also the client class.\n` +
      'module.exports = Object.defineProperties(function Flora(...args) { return new exports.Flora(...args); }, Object.getOwnPropertyDescriptors(exports));\n' +
      'module.exports.prototype = exports.Flora.prototype;\n',
  );
}

function afterBuild(): void {
  cjsDefaultImports();
  cjsCallableRoot();
  nodeEsmWrappers();
  // `./types` ships declarations only; these empty modules make a runtime import of it harmless.
  writeFileSync('dist/types.js', 'export {};\n');
  writeFileSync('dist/types.cjs', "'use strict';\n");
}

function afterCliBuild(): void {
  const code = readFileSync('dist/cli.js', 'utf8');
  if (!code.startsWith('#!')) writeFileSync('dist/cli.js', `#!/usr/bin/env node\n${code}`);
  chmodSync('dist/cli.js', 0o755);
}

export default defineConfig([
  {
    ...common,
    entry: entries,
    // One declaration build for both formats: `.d.ts` beside the ESM files, `.d.cts` beside the CommonJS ones.
    format: ['esm', 'cjs'],
    // Shared chunks for CommonJS too (ESM has them by default): otherwise each entry gets its own copy of
    // the error classes, and a WebhookVerificationError from ./webhooks is not a FloraError from `.`.
    splitting: true,
    esbuildPlugins: [nodeHmac],
    dts: { entry: { ...entries, types: 'generated/openapi.ts' } },
    onSuccess: async () => afterBuild(),
  },
  ...(cli
    ? [
        {
          ...common,
          // The binary: one self-contained ESM file. The library's dependencies stay external (installed with
          // it); the CLI's own are bundled in.
          entry: { cli: 'src/cli/index.ts', 'cli-proxy-agent': 'src/cli/proxy-agent.ts' },
          esbuildPlugins: [cliProxyAgentApart],
          format: ['esm'],
          splitting: false,
          noExternal: CLI_DEPENDENCIES,
          // Bundled CommonJS (commander, cli-progress) calls `require` for Node's built-ins; an ES module has
          // none, and esbuild's stand-in throws "Dynamic require of ... is not supported" without one.
          banner: { js: "import { createRequire as __floraCreateRequire } from 'node:module';\nconst require = __floraCreateRequire(import.meta.url);" },
          onSuccess: async () => afterCliBuild(),
        } satisfies Options,
      ]
    : []),
]);
