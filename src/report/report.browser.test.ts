/**
 * The batch report in a real browser: Debian's headless Chromium (driven by playwright-core, which brings
 * no browser of its own) opens a report of real downloads from the simulator. Skipped, saying so, only when
 * no Chromium is installed; `.ci/run` installs it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flora } from '../client.js';
import { downloadRun } from '../download/index.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';
import { writeReport, type ReportSource } from './write.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
/** The flags this machine's notes give: no sandbox as root, and no background connections to a closed network (playwright gives each launch a new, empty profile). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';

describe.skipIf(!CHROMIUM)(`the batch report in headless Chromium${CHROMIUM ? '' : ' (skipped: no Chromium installed; apt-get install chromium)'}`, () => {
  let sim: Simulator;
  let browser: Browser;
  let dir: string;
  let items: ReportSource[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flora-report-'));
    sim = await startSimulator({ seed: 5, runDurationSeconds: 5 });
    const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
    const techniques = ['art-directors-critique', 'product-shot', 'storyboard-to-video', 'brand-guidelines'];
    const started = await Promise.all(techniques.map((t) => flora.techniques.runs.create(t, { inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }], mode: 'async' })));
    sim.advance(60);
    items = [];
    for (const [i, t] of techniques.entries()) {
      const run = await flora.techniques.runs.retrieve(started[i]!.run_id, { techniqueId: t });
      const id = `shot-${i + 1}`;
      const files = await downloadRun(run, join(dir, 'out'), { name: id });
      items.push({ id, status: run.status, run_id: run.run_id, charged_cost: run.charged_cost, outputs: run.outputs, files });
    }
    items.push({ id: HOSTILE, status: 'failed', run_id: 'run_failed', charged_cost: 0, error: { code: 'provider_error', message: `The provider failed: ${HOSTILE}` }, outputs: null });
    await writeReport(join(dir, 'report.html'), items, { title: 'Shots' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders one tile per item: thumbnails that decode, a player, text, and the failed item with its error as text', async () => {
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && blocked.push(m.text())));
    let dialogs = 0;
    page.on('dialog', (d) => void (dialogs++, d.dismiss()));
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    expect(await page.title()).toBe('Shots');
    const tiles = page.locator('article.tile');
    expect(await tiles.count()).toBe(items.length);
    expect(await page.locator('article.tile h2.id').allTextContents()).toEqual(items.map((i) => i.id));

    // Every downloaded image is shown, and decodes: the browser knows its size (the simulator's PNGs are 64x64).
    const images = await page.locator('img.thumb').evaluateAll((els) => (els as HTMLImageElement[]).map((e) => ({ complete: e.complete, width: e.naturalWidth, src: e.getAttribute('src') })));
    expect(images).toHaveLength(2);
    for (const image of images) expect(image, image.src!).toMatchObject({ complete: true, width: 64 });
    expect(await page.locator('video.player').count()).toBe(1);
    expect(await page.locator('audio').count()).toBe(1);
    expect(await page.locator('pre.excerpt').first().textContent()).toContain('FLORA simulator text output');

    const failed = page.locator('article.tile.failed');
    expect(await failed.locator('.error').textContent()).toBe(`provider_error The provider failed: ${HOSTILE}`);
    expect(await failed.locator('h2.id').textContent()).toBe(HOSTILE);
    // The hostile strings stayed text: no element made of them, nothing ran.
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(await page.title()).toBe('Shots');
    expect(await page.locator('.totals').textContent()).toMatch(/^5 items · 4 completed · 1 failed · \$0\.\d+ charged · 7 files downloaded$/);
    expect(await failed.evaluate((e) => getComputedStyle(e).borderTopColor)).toBe('rgb(179, 38, 30)');
    expect(blocked).toEqual([]);
    await page.close();
  });
});
