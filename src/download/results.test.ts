/** A batch's outputs to disk: each item once, a few at a time, an item's failure kept to its own line. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ResultDownloads } from './results.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'flora-results-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const png = (id: string) => ({ output_id: 'output_1', type: 'imageUrl', url: `https://cdn.example/${id}.png` });

it('downloads each completed item once however often asked, a few at a time, and keeps a failure to its own line', async () => {
  let inFlight = 0;
  let most = 0;
  const fetched: string[] = [];
  const fetch = async (request: Request) => {
    fetched.push(new URL(request.url).pathname);
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, 20));
    inFlight--;
    return new Response('PNG!', { headers: { 'content-type': 'image/png', 'content-length': '4' } });
  };
  const lines = [
    ...Array.from({ length: 6 }, (_, i) => ({ id: `item-${i}`, run_id: `run_${i}`, status: 'completed', outputs: [png(`a${i}`)] })),
    { id: 'broken', run_id: 'run_b', status: 'completed', outputs: [{ output_id: 'o' }] },
    { id: 'failed', run_id: 'run_f', status: 'failed', outputs: null },
  ];
  const downloads = new ResultDownloads(dir, { fetch, concurrency: 2 });
  const early = downloads.item(lines[0]!);
  expect(downloads.item(lines[0]!)).toBe(early);
  const all = await downloads.all(lines);
  expect(fetched.sort()).toEqual(['/a0.png', '/a1.png', '/a2.png', '/a3.png', '/a4.png', '/a5.png']);
  expect(most).toBe(2);
  expect(all[0]).toMatchObject({ id: 'item-0', files: [{ output_id: 'output_1', path: join(dir, 'item-0.output_1.png'), bytes: 4 }] });
  expect(all[6]).toMatchObject({ id: 'broken', download_error: { reason: 'bad_outputs' } });
  expect(all[6]).not.toHaveProperty('files');
  expect(all[7]).toEqual(lines[7]);
});
