/**
 * The batch progress view: what a person reads while a batch runs (a line each 10% when piped, a bar on a
 * terminal). Fed as `runBatch` feeds it, runs ending in bursts of a polling round, on a clock the test sets.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BatchProgress } from '../batch/index.js';
import { Flora } from '../client.js';
import { DEFAULT_API_KEY, startSimulator } from '../testing/index.js';
import { batchProgressView, formatUsd } from './progress.js';

afterEach(() => void vi.useRealTimers());

const progress = (done: number, total: number, spent = done * 0.04): BatchProgress => ({
  total,
  done,
  completed: done,
  failed: 0,
  review: 0,
  running: Math.min(16, total - done),
  pending: Math.max(0, total - done - 16),
  spent,
  elapsedMs: 0,
  etaMs: undefined,
});

function capture(isTTY = false) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 200, write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream };
}

/** A polling round that sees `n` runs end at once, as `runBatch` reports them: one update an item, in one go. */
function burst(view: { update(p: BatchProgress): void }, from: number, n: number, total: number) {
  for (let d = from + 1; d <= from + n; d++) view.update(progress(d, total));
}
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('batch progress, piped', () => {
  it('reads a burst once it is over, so the ETA moves steadily from one line to the next and never jumps', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const { written, stream } = capture();
    const view = batchProgressView(stream, 'plain');
    view.update(progress(0, 100)); // the first start
    await settle();
    for (let round = 1; round <= 7; round++) {
      vi.setSystemTime(round * 20_000); // the runs of a round (16, or the last 4) end together, 20 s after the round before
      const from = (round - 1) * 16;
      burst(view, from, Math.min(16, 100 - from), 100);
      await settle();
    }
    view.stop();
    // A line each 10% crossed, showing the end of the round that crossed it (never its middle: 10/100 of 16),
    // with the pace of the whole run so far: 16 every 20 s.
    const eta = (done: number, at: number) => `ETA ${clockOf(((100 - done) * at) / done)}`;
    expect(written).toEqual([
      '0/100 done, 16 running, 0 failed, 0.00 USD, ETA ?\n',
      ...[1, 2, 3, 4, 5, 6].map((r) => `${r * 16}/100 done, ${Math.min(16, 100 - r * 16)} running, 0 failed, ${formatUsd(r * 16 * 0.04)} USD, ${eta(r * 16, r * 20)}\n`),
      '100/100 done, 0 running, 0 failed, 4.00 USD, finished\n',
    ]);
  });

  it('a finished batch, or one resumed with every item done, says finished, not ETA ?', async () => {
    const { written, stream } = capture();
    const view = batchProgressView(stream, 'plain');
    view.update(progress(300, 300, 12));
    view.stop();
    expect(written).toEqual(['300/300 done, 0 running, 0 failed, 12.00 USD, finished\n']);
    expect(written.join('')).not.toContain('ETA ?');
  });

  it('shows money one way in lines and summaries: cents, and finer digits only when there are any', () => {
    expect([12, 0.64, 0, 0.0425, 1.5, 0.105].map(formatUsd)).toEqual(['12.00', '0.64', '0.00', '0.0425', '1.50', '0.105']);
  });
});

describe('batch progress, on a terminal', () => {
  it("draws the view's own ETA, never the bar library's seconds or INF", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const { written, stream } = capture(true);
    const view = batchProgressView(stream, 'tty');
    view.update(progress(0, 160));
    await settle();
    vi.setSystemTime(20_000);
    burst(view, 0, 16, 160);
    await settle();
    view.stop();
    const text = written.join('');
    expect(text).toContain('16/160 | running 16 | 0 failed | 0.64 USD | ETA 3m00s');
    expect(text).not.toMatch(/INF|ETA \d+s?\s*$/m);
  });
});

describe('what runBatch reports', () => {
  it('never shows spend ahead of what is done: the cost of a run counts when its item does', async () => {
    const sim = await startSimulator({ timeScale: 100, runDurationSeconds: 2, pendingSeconds: 0, seed: 3 });
    try {
      const { runBatch } = await import('../batch/index.js');
      const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
      const seen: BatchProgress[] = [];
      const items = Array.from({ length: 24 }, (_, i) => ({ id: `i${i}`, inputs: [{ id: 'prompt', type: 'text', value: `p${i}` }] }));
      const journal = join(mkdtempSync(join(tmpdir(), 'flora-progress-')), 'b.journal');
      await runBatch(flora, items, { techniqueId: 'art-directors-critique', journal, concurrency: 12, pollInterval: 50, onProgress: (p) => seen.push(p) });
      const price = 0.04; // art-directors-critique's run_cost in the simulator's catalog
      expect(seen.at(-1)!.done).toBe(24);
      for (const p of seen) expect(p.spent, `${p.done} done`).toBeLessThanOrEqual(p.done * price + 1e-9);
    } finally {
      await sim.close();
    }
  });
});

function clockOf(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
