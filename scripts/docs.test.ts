/**
 * `npm run docs` renders the spec to one HTML page. This runs the script's own command (to a temporary file
 * instead of docs/index.html) with no network: telemetry and update checks off, and Redoc's scripts inlined
 * (`--inlineBundle`) so the page also works without reaching a CDN.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPERATIONS } from '../generated/operations.js';

const repo = resolve(import.meta.dirname, '..');
const scripts = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const spec = parse(readFileSync(join(repo, 'spec', 'openapi.yaml'), 'utf8')) as {
  info: { title: string; description: string };
  paths: Record<string, Record<string, { operationId: string; summary: string }>>;
};
const operations = Object.values(spec.paths).flatMap((item) => Object.values(item));
const dir = mkdtempSync(join(tmpdir(), 'flora-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('npm run docs renders one self-contained HTML page that names every operation', async () => {
  expect(scripts.docs).toContain('docs/index.html');
  const out = join(dir, 'index.html');
  const command = scripts.docs!.replace('docs/index.html', JSON.stringify(out));
  await promisify(execFile)('sh', ['-c', command], {
    cwd: repo,
    env: {
      ...process.env,
      PATH: `${join(repo, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    },
    timeout: 60_000,
    maxBuffer: 16 << 20,
  });
  expect(existsSync(out)).toBe(true);
  const html = readFileSync(out, 'utf8');
  expect(html).toContain(`<title>${spec.info.title}`);
  expect(operations.map((o) => o.operationId).sort()).toEqual(Object.keys(OPERATIONS).sort());
  for (const op of operations) {
    expect(html).toContain(op.operationId);
    expect(html).toContain(op.summary);
  }
  // Redoc itself is in the page, not fetched from a CDN when the page is opened.
  expect(html).not.toMatch(/<script[^>]+src="https?:/);
  expect(html.length).toBeGreaterThan(500_000);
  // What a browser shows before any script runs (a plain headless screenshot): the title and the whole
  // description, prerendered, not only the search box's "Loading...".
  const shown = html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  expect(shown).toContain(spec.info.title);
  expect(shown).toContain('listing runs, techniques and workspaces');
});

it("the page's text counts no operations it does not describe", () => {
  const words: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
  const texts = [spec.info.description, ...operations.map((o) => o.summary)];
  const counted = texts.flatMap((t) => [...t.matchAll(/\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:[\w-]+\s+){0,2}operations\b/gi)].map((m) => m[1]!.toLowerCase()));
  for (const n of counted) expect(Number(words[n] ?? n), `"${n} ... operations" in the spec's text`).toBe(operations.length);
  expect(spec.info.description).toMatch(/listing runs, techniques and workspaces/);
});
