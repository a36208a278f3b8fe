/** The report from a batch's results and files: paths relative to the page, text excerpts read, the page written whole. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXCERPT_CHARACTERS } from './html.js';
import { reportItems, writeReport } from './write.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'flora-report-write-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('makes paths relative to the page, reads the start of text files, and writes the page under its name only when whole', async () => {
  mkdirSync(join(dir, 'out'));
  const long = `${'é'.repeat(EXCERPT_CHARACTERS * 3)}`;
  writeFileSync(join(dir, 'out', 'a.output_1.txt'), long);
  const outputs = [
    { output_id: 'output_1', type: 'text', url: 'http://cdn/a.txt' },
    { output_id: 'output_2', type: 'imageUrl', url: 'http://cdn/a.png' },
    { output_id: 'output_3', type: 'imageUrl', url: 'http://cdn/b.png' },
  ];
  const sources = [
    { id: 'a', status: 'completed', outputs, files: [{ outputId: 'output_1', path: join(dir, 'out', 'a.output_1.txt') }, { output_id: 'output_2', path: join(dir, 'out', 'a.output_2.png') }] },
    { id: 'b', status: 'failed', error: { code: 'provider_error', message: 'no' } },
  ];
  const items = await reportItems(sources, join(dir, 'report.html'));
  expect(items[0]!.files!.map((f) => [f.output_id, f.path])).toEqual([
    ['output_1', join('out', 'a.output_1.txt')],
    ['output_2', join('out', 'a.output_2.png')],
    ['output_3', undefined],
  ]);
  const excerpt = items[0]!.files![0]!.excerpt!;
  expect(long.startsWith(excerpt)).toBe(true); // no character cut in half
  expect(excerpt.length).toBeGreaterThanOrEqual(EXCERPT_CHARACTERS);
  expect(items[1]).toMatchObject({ id: 'b', status: 'failed', files: [] });

  await writeReport(join(dir, 'report.html'), sources, { title: 'T' });
  expect(readdirSync(dir).sort()).toEqual(['out', 'report.html']);
  expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<img class="thumb" src="out/a.output_2.png"');
});

it('leaves out of the page what a results file holds that is not of the right shape, and never throws', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.anything(), { maxLength: 5 }), async (lines) => {
      const items = await reportItems(lines as never, join(dir, 'report.html'));
      expect(items).toHaveLength(lines.length);
      for (const i of items) expect(typeof i.id === 'string' && typeof i.status === 'string' && Array.isArray(i.files)).toBe(true);
    }),
    { numRuns: 200 },
  );
});
