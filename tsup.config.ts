/**
 * `npm run build`: ESM (`dist/*.js`) and CommonJS (`dist/*.cjs`) builds with their declarations
 * (`.d.ts` / `.d.cts`) for the package's entries:
 *   - `.`          src/index.ts          the client
 *   - `./webhooks` src/webhooks.ts       webhook signature checks (node:crypto, kept out of the root entry)
 *   - `./types`    generated/openapi.ts  the spec's types alone: declarations plus an empty module
 *   - `./testing`  src/testing/index.ts  the local simulator
 *   - `./batch`    src/batch/index.ts    resumable batches with a journal (better-sqlite3, an optional peer)
 *   - `./queue`    src/queue/index.ts    batches across machines on BullMQ (an optional peer)
 *   - `dist/cli.js` (ESM, with a shebang; `bin.flora`) from src/cli/index.ts, when it exists
 *
 * Dependencies stay external.
 *
 * The CommonJS build's default imports of packages are fixed up after the build (see `cjsDefaultImports`).
 */
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const has = (path: string) => existsSync(new URL(path, import.meta.url));

const entries: Record<string, string> = { index: 'src/index.ts', webhooks: 'src/webhooks.ts' };
if (has('src/testing/index.ts')) entries.testing = 'src/testing/index.ts';
if (has('src/batch/index.ts')) entries.batch = 'src/batch/index.ts';
if (has('src/queue/index.ts')) entries.queue = 'src/queue/index.ts';
const cli = has('src/cli/index.ts');

const common: Options = {
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  outDir: 'dist',
  sourcemap: false,
  // Keep `node:crypto` etc. as written: unambiguous for bundlers and other runtimes (tsup strips it by default).
  removeNodeProtocol: false,
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

function afterBuild(): void {
  cjsDefaultImports();
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
    dts: { entry: { ...entries, types: 'generated/openapi.ts' } },
    onSuccess: async () => afterBuild(),
  },
  ...(cli
    ? [
        {
          ...common,
          // The binary: one self-contained ESM file (dependencies still external).
          entry: { cli: 'src/cli/index.ts' },
          format: ['esm'],
          splitting: false,
          onSuccess: async () => afterCliBuild(),
        } satisfies Options,
      ]
    : []),
]);
