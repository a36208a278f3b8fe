/**
 * runBatch with items naming local files, against the in-process simulator with seeded faults on every
 * route (the asset operations and the storage host included): each distinct file becomes one asset,
 * every run starts with the URL of its file's ready asset, and a journal lost mid-batch costs no second
 * upload (the file's key comes from the batch and its content; FLORA answers 409, and the asset is found).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Flora } from '../client.js';
import { APIUserAbortError } from '../core/errors.js';
import { LocalFile } from '../resources/local-files.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';
import { hashFile } from './hash-files.js';
import { Journal } from './journal.js';
import { fileKey } from './keys.js';
import { runBatch } from './run-batch.js';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function setup(seed: number) {
  // Faults on every route, assets too: lost answers after the server acted, 500s, unreadable bodies.
  const sim = await startSimulator({ timeScale: 50, runDurationSeconds: 2, pendingSeconds: 0.5, seed, faults: { dropAfterRecordRate: 0.08, serverErrorRate: 0.05, malformedRate: 0.03 } });
  sims.push(sim);
  const dir = mkdtempSync(join(tmpdir(), 'flora-batch-files-'));
  // Small photos go up in one request; the last file, over 4 MB, through a signed upload to the storage host.
  const files = Array.from({ length: 4 }, (_, i) => {
    const path = join(dir, `photo-${i}.png`);
    writeFileSync(path, randomBytes(i === 3 ? 4 * 1024 * 1024 + 10 : 2000 + i));
    return path;
  });
  const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', workspaceId: 'ws_abc123' });
  return { sim, flora, dir, files, journal: join(dir, 'batch.journal'), results: join(dir, 'results.jsonl') };
}

const itemsFor = (files: string[], n: number) => Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `p${i}` }, { id: 'reference', type: 'imageUrl', value: new LocalFile(files[i % files.length]!) }] }));
/** The asset id a simulator media URL names. */
const assetOf = (url: unknown) => /\/media\/([^/]+)\//.exec(String(url))?.[1];

describe('runBatch with local files', () => {
  it('uploads each distinct file once, and starts every run with the URL of its file\'s ready asset', async () => {
    const { sim, flora, files, journal } = await setup(31);
    const { summary, results } = await runBatch(flora, itemsFor(files, 16), { techniqueId: 'art-directors-critique', journal, pollInterval: 50, concurrency: 8 });
    expect(results.map((r) => r.status)).toEqual(Array(16).fill('completed'));
    const assets = sim.listAssets();
    const hashes = await Promise.all(files.map((f) => hashFile(f)));
    // One asset per file, holding exactly its bytes.
    expect(assets.map((a) => a.sha256).sort()).toEqual(hashes.map((h) => h.sha256).sort());
    expect(assets.map((a) => a.uploadedVia).sort()).toEqual(['direct', 'direct', 'direct', 'signed_url']);
    const runs = sim.listRuns();
    expect(runs).toHaveLength(16);
    for (const [i, r] of results.entries()) {
      const run = runs.find((x) => x.runId === r.run_id)!;
      const url = (run.inputs as { id: string; value: string }[]).find((x) => x.id === 'reference')!.value;
      const asset = assets.find((a) => a.assetId === assetOf(url))!;
      // Its own file's asset, ready before the run was started.
      expect(asset.sha256).toBe(hashes[i % 4]!.sha256);
      expect(asset.readyAt! <= run.createdAt).toBe(true);
    }
    // The journal keeps each file's key, asset and URL.
    const j = await Journal.open(journal);
    expect(j.files().map((f) => [f.key, f.url !== undefined]).sort()).toEqual(hashes.map((h) => [fileKey(summary.batchId, h.sha256), true]).sort());
    j.close();
    // The faults reached the asset operations too.
    const stats = sim.stats();
    expect(Object.keys(stats.requests).some((route) => /asset/i.test(route))).toBe(true);
  });

  it('a journal lost mid-batch costs no second upload: the next run finds each asset by its key', async () => {
    const { sim, flora, files, journal, results } = await setup(32);
    const stop = new AbortController();
    let ended = 0;
    const first = await runBatch(flora, itemsFor(files, 16), {
      techniqueId: 'art-directors-critique',
      journal,
      results,
      batch: 'lost-journal',
      pollInterval: 50,
      concurrency: 4,
      signal: stop.signal,
      onResult: () => void (++ended === 4 && stop.abort()),
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(APIUserAbortError);
    expect(sim.listAssets()).toHaveLength(4);
    for (const extra of ['', '-wal', '-shm']) rmSync(`${journal}${extra}`, { force: true });
    const again = await runBatch(flora, itemsFor(files, 16), { techniqueId: 'art-directors-critique', journal, results, batch: 'lost-journal', recover: true, pollInterval: 50, concurrency: 4 });
    expect(again.summary.uploads).toBeGreaterThan(0);
    // Its uploads sent the keys the lost journal had: FLORA answered 409 and each asset was found.
    expect(sim.stats().requests.createAsset?.['409'] ?? 0).toBeGreaterThan(0);
    // Still one asset per file, and one run per item.
    expect(sim.listAssets()).toHaveLength(4);
    const keys = sim.listRuns().map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeLessThanOrEqual(16);
    expect(again.results.filter((r) => r.status === 'completed').length).toBeGreaterThanOrEqual(16 - 4);
  });

  it('a file changed between runs is refused as other inputs, naming the item, before anything is sent', async () => {
    const { sim, flora, files, journal } = await setup(33);
    const two = itemsFor(files, 2);
    await runBatch(flora, two, { techniqueId: 'art-directors-critique', journal, pollInterval: 50 });
    const assets = sim.listAssets().length;
    writeFileSync(files[1]!, randomBytes(100));
    const err = await runBatch(flora, itemsFor(files, 2), { techniqueId: 'art-directors-critique', journal, pollInterval: 50 }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/line 2: item "item-1" has other inputs than it recorded \(or a file it names holds other content than when the batch started\)/);
    expect(sim.listAssets()).toHaveLength(assets);
  });
});
