/**
 * `npm run docs`: the spec as one self-contained HTML page. Redocly's `build-docs` writes the interactive page
 * (Redoc inlined, server-rendered); `docs-static.ts` then prerenders every operation into it, so the page
 * shows them without JavaScript too. `tsx scripts/docs.ts <out.html>`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { prerenderOperations, type DocsSpec } from './docs-static.js';
import { run } from './run.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2];
if (!out) throw new Error('usage: tsx scripts/docs.ts <out.html>');
const dir = mkdtempSync(join(tmpdir(), 'flora-docs-'));
try {
  const page = join(dir, 'index.html');
  const status = run('redocly', ['build-docs', join(root, 'spec', 'openapi.yaml'), '--inlineBundle', '-o', page]);
  if (status !== 0) process.exit(status);
  const spec = parse(readFileSync(join(root, 'spec', 'openapi.yaml'), 'utf8')) as DocsSpec;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, prerenderOperations(readFileSync(page, 'utf8'), spec));
  console.log(`operations prerendered for readers without JavaScript: ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
