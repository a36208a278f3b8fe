/**
 * `npm run docs` renders the spec to one HTML page. This runs the script's own command (to a temporary file
 * instead of docs/index.html) with no network: telemetry and update checks off, and Redoc's scripts inlined
 * (`--inlineBundle`) so the page also works without reaching a CDN. Every operation must be on the page as
 * a browser shows it before any script runs, and, where Debian's Chromium is installed (`.ci/run` installs
 * it), in headless Chromium with JavaScript off; with JavaScript on, Redoc hydrates the page as before.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPERATIONS } from '../generated/operations.js';

const repo = resolve(import.meta.dirname, '..');
const scripts = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const spec = parse(readFileSync(join(repo, 'spec', 'openapi.yaml'), 'utf8')) as {
  info: { title: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, { operationId: string; summary: string; description: string }>>;
};
const operations = Object.values(spec.paths).flatMap((item) => Object.values(item));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
/** What a browser shows of `html` before any script runs: its text without scripts, styles and tags. */
const shownText = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)))
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
/** Text as compared: no Markdown code marks and no white space (a code span is set apart by spaces on the page). */
const bare = (text: string) => text.replace(/[`\s]/g, '');
/** A description's first 12 words, bare. */
const firstWords = (text: string) => bare(text.split(/\s+/).slice(0, 12).join(' '));
let page = '';
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
  page = out;
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
  const shown = shownText(html);
  expect(shown).toContain(spec.info.title);
  expect(shown).toContain('listing runs, techniques and workspaces');
  // Every operation, prerendered outside any script: Redoc itself server-renders only the introduction and
  // leaves each tag's section an empty placeholder until its script runs.
  for (const op of operations) {
    expect(shown, op.operationId).toContain(op.summary);
    expect(shown, op.operationId).toContain(`operationId ${op.operationId}`);
    expect(bare(shown), op.operationId).toContain(firstWords(op.description));
  }
  for (const tag of spec.tags) expect(bare(shown)).toContain(firstWords(tag.description));
}, 120_000);

describe.skipIf(!CHROMIUM)(`the docs page in headless Chromium${CHROMIUM ? '' : ' (skipped: no Chromium installed; apt-get install chromium)'}`, () => {
  const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

  it('shows every operation with JavaScript off; with it on, Redoc hydrates the page without errors and the prerendered copy is gone', async () => {
    expect(page, 'the page was built by the test above').not.toBe('');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 });
    try {
      const off = await browser.newContext({ javaScriptEnabled: false });
      const still = await off.newPage();
      await still.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      const text = (await still.locator('body').textContent()) ?? '';
      for (const op of operations) expect(text, op.operationId).toContain(op.summary);
      await off.close();

      const on = await browser.newContext();
      const live = await on.newPage();
      const errors: string[] = [];
      live.on('pageerror', (e) => errors.push(e.message));
      live.on('console', (m) => void (m.type() === 'error' && /hydrat|did not match|react/i.test(m.text()) && errors.push(m.text())));
      await live.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      expect(await live.locator('[data-prerendered]').count()).toBe(0);
      // Redoc's script ran: the search box it server-rendered as "Loading..." is hydrated (a wide must-not-hang bound, not a timing).
      await live.getByText('Loading...').waitFor({ state: 'detached', timeout: 60_000 });
      await live.getByText(spec.info.title).first().waitFor({ timeout: 60_000 });
      expect(errors).toEqual([]);
      await on.close();
    } finally {
      await browser.close();
    }
  }, 120_000);
});

it("the page's text counts no operations it does not describe", () => {
  const words: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
  const texts = [spec.info.description, ...spec.tags.map((t) => t.description), ...operations.map((o) => o.summary)];
  const counted = texts.flatMap((t) => [...t.matchAll(/\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:[\w-]+\s+){0,2}operations\b/gi)].map((m) => m[1]!.toLowerCase()));
  for (const n of counted) expect(Number(words[n] ?? n), `"${n} ... operations" in the spec's text`).toBe(operations.length);
  expect(spec.info.description).toMatch(/listing runs, techniques and workspaces/);
});

it("the spec's description, which opens the page, names every tag's operations (not only the reference pages' ones)", () => {
  for (const tag of spec.tags) expect(spec.info.description.toLowerCase(), tag.name).toContain(tag.name.toLowerCase());
});
