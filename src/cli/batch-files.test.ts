/**
 * A batch's files from the command line: `flora batch run --download DIR --html FILE` (killed and run again),
 * `flora batch report`, and `flora batch collect --download` on BullMQ: the real `flora` process against the
 * simulator and its media host.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Flora } from '../client.js';
import { collectResults, enqueueItems, startBatchWorker } from '../queue/index.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator, type SimulatorOptions } from '../testing/index.js';
import { hasRedis, startRedis } from '../../scripts/redis.js';

const BUNDLE = join(process.cwd(), 'node_modules', '.cache', 'flora-cli-test', `cli-batch-files-${process.pid}.mjs`);
vi.setConfig({ testTimeout: 60_000 });
let work: string;

beforeAll(async () => {
  await build({ entryPoints: ['src/cli/index.ts'], outfile: BUNDLE, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  work = mkdtempSync(join(tmpdir(), 'flora-batch-files-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(BUNDLE, { force: true });
});

function flora(sim: Simulator, args: string[], onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: { PATH: process.env.PATH, FLORA_BASE_URL: sim.url, FLORA_API_KEY: DEFAULT_API_KEY, FLORA_LOG: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    onSpawn?.(child);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const withSim = async (options: SimulatorOptions, fn: (sim: Simulator) => Promise<void>) => {
  const sim = await startSimulator({ seed: 21, timeScale: 100, runDurationSeconds: 5, pendingSeconds: 0, ...options });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
};

const items = (dir: string, n: number) => {
  const path = join(dir, 'items.jsonl');
  writeFileSync(path, Array.from({ length: n }, (_, i) => `${JSON.stringify({ id: `Shot-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `shot ${i}` }] })}\n`).join(''));
  return path;
};
const results = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string; files?: { output_id: string; path: string; bytes: number }[] });

describe('flora batch --download and --html', () => {
  it('run, killed while downloading, then run again: every output whole, none written twice, a partial one resumed, paths in RESULTS.jsonl, and a report', async () => {
    // A slow media link (512 KiB images at 512 KiB/s), so the first process is surely killed mid-download.
    await withSim({ media: { bytes: { imageUrl: 512 * 1024 }, bytesPerSecond: 512 * 1024 } }, async (sim) => {
      const dir = join(work, 'run');
      const out = join(dir, 'files');
      const args = ['batch', 'run', '--technique-id', 'art-directors-critique', '--items', items(work, 6), '--journal', join(work, 'run.journal'), '--out', join(work, 'results.jsonl'), '--poll-interval', '0.05', '--download', out, '--html', join(dir, 'report.html')];
      const first = await flora(sim, args, (child) => {
        const poll = setInterval(() => {
          // An image's partial file (output_2; the texts are too small to catch half way).
          const part = existsSync(out) ? readdirSync(out).find((f) => f.endsWith('.output_2.part')) : undefined;
          if (part && statSync(join(out, part)).size > 0) {
            clearInterval(poll);
            child.kill('SIGKILL');
          }
        }, 10);
        child.on('close', () => clearInterval(poll));
      });
      expect(first.code, `the first process was to be killed mid-download: ${first.out}`).toBeNull();
      // What the killed process had finished: each such file must stay as it is (no output written twice).
      const finished = new Map(readdirSync(out).filter((f) => !f.endsWith('.part')).map((f) => [f, statSync(join(out, f))] as const));
      expect(finished.size).toBeGreaterThan(0); // at least the text of the item whose image was cut

      const second = await flora(sim, args);
      expect(second.code, second.out).toBe(0);
      expect(second.out).toMatch(/downloads: 12 files of 6 completed items in /);
      const lines = results(join(work, 'results.jsonl'));
      expect(lines).toHaveLength(6);
      for (const line of lines) {
        expect(line.status).toBe('completed');
        expect(line.files!.map((f) => f.output_id)).toEqual(['output_1', 'output_2']);
        for (const f of line.files!) expect(statSync(f.path).size).toBe(f.bytes);
        expect(line.files![1]!.path).toMatch(/Shot-\d~[0-9a-f]{12}\.output_2\.png$/);
      }
      expect(readdirSync(out).filter((f) => f.endsWith('.part'))).toEqual([]);
      for (const [name, before] of finished) expect([statSync(join(out, name)).ino, statSync(join(out, name)).mtimeMs], name).toEqual([before.ino, before.mtimeMs]);
      // The image the killed process was half way through was resumed with a Range request.
      const media = sim.stats().media;
      expect(media.requests['206']).toBeGreaterThanOrEqual(1);
      expect(media.credentialed).toBe(0);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html.match(/<article /g)).toHaveLength(6);
      expect(html.match(/<img class="thumb" src="files\/Shot-\d~[0-9a-f]{12}\.output_2\.png"/g)).toHaveLength(6);

      // Once more: nothing is fetched again.
      const third = await flora(sim, args);
      expect(third.code, third.out).toBe(0);
      expect(sim.stats().media.requests).toEqual(media.requests);

      // The report from the journal finds the same files in the folder.
      const fromJournal = await flora(sim, ['batch', 'report', '--journal', join(work, 'run.journal'), '--download', out, '--html', join(dir, 'again.html')]);
      expect(fromJournal.code, fromJournal.out).toBe(0);
      expect(readFileSync(join(dir, 'again.html'), 'utf8').match(/<img class="thumb"/g)).toHaveLength(6);
      const usage = await flora(sim, ['batch', 'report', '--html', join(dir, 'x.html')]);
      expect([usage.code, /--journal <file> or --results <file>/.test(usage.out)]).toEqual([2, true]);
    });
  });

  const noRedis = hasRedis() ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)';
  it.skipIf(!hasRedis())(`collect --download writes the outputs of a BullMQ batch on the collecting machine, with the report${noRedis}`, async () => {
    const redis = await startRedis();
    try {
      await withSim({}, async (sim) => {
        const target = { redis: redis.url, batch: 'files' };
        await enqueueItems(target, Array.from({ length: 4 }, (_, i) => ({ id: `item-${i}`, inputs: [{ id: 'prompt', type: 'text', value: `shot ${i}` }] })), { techniqueId: 'product-shot' });
        const worker = await startBatchWorker(new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' }), { ...target, pollInterval: 50 });
        try {
          await collectResults(target, { pollInterval: 50 });
        } finally {
          await worker.close();
        }
        const out = join(work, 'collected');
        const r = await flora(sim, ['batch', 'collect', '--redis', redis.url, '--batch', 'files', '--out', join(work, 'collected.jsonl'), '--download', out, '--html', join(out, 'report.html')]);
        expect(r.code, r.out).toBe(0);
        const lines = results(join(work, 'collected.jsonl'));
        expect(lines.map((l) => l.files?.map((f) => f.path))).toEqual([0, 1, 2, 3].map((i) => [join(out, `item-${i}.output_1.png`)]));
        expect(readFileSync(join(out, 'report.html'), 'utf8').match(/<img class="thumb" src="item-\d\.output_1\.png"/g)).toHaveLength(4);
      });
    } finally {
      await redis.stop();
    }
  });
});
