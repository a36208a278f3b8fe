/**
 * Polling efficiency: for each progress shape (bench/progress-shapes.ts) and run length,
 * the GETs `wait` makes, beside a fixed 500 ms poller on the same run, and how long after the run's end
 * it noticed; whether that is within max(0.5 s, 5% of the run) and within 10 GETs. Scripted runs and the
 * local simulator alike run in simulated time (fake timers; the simulator's clock is the faked
 * `performance.now()`), so the figures are exact and the machine's load does not matter. Asserts the
 * targets each shape claims. `npm run bench:polling`.
 */
import { expect, it } from 'vitest';
import { GET_BUDGET, MAX_INTERVAL_MS, measure, noticeBound, SHAPES, verdict, type ProgressShape } from './progress-shapes.js';

const DURATIONS = [2, 10, 20, 30, 120];

const yes = (ok: boolean, asserted: boolean, known: string | undefined) => (ok ? 'yes' : known ? 'no (known)' : asserted ? 'NO' : 'no');

it('prints the polling table', async () => {
  const rows: string[] = [];
  const failures: string[] = [];
  const notes = new Map<ProgressShape, Set<string>>();
  for (const shape of SHAPES) {
    for (const seconds of DURATIONS) {
      const m = await measure(shape, seconds);
      const fixed = await measure(shape, seconds, 'fixed 500 ms');
      const v = verdict(shape, seconds, m);
      const target = shape.kind === 'informative' ? '5%, 10 GETs' : `<= ${MAX_INTERVAL_MS / 1000} s (${shape.kind})`;
      rows.push(
        `| ${shape.label} | ${seconds} s | ${m.gets} | ${fixed.gets} (${(m.gets / fixed.gets).toFixed(2)}x) | ${(m.delayMs / 1000).toFixed(2)} s | ` +
          `${yes(v.notice, v.asserts.notice, v.known.notice)} | ${seconds <= 120 ? yes(v.budget, v.asserts.budget, v.known.budget) : '-'} | ${target} |`,
      );
      for (const why of [v.known.notice, v.known.budget]) if (why) (notes.get(shape) ?? notes.set(shape, new Set()).get(shape)!).add(why);
      const at = `${shape.label}, ${seconds} s: ${m.gets} GETs, noticed ${m.delayMs} ms late`;
      if (v.asserts.notice && !v.notice) failures.push(`${at} (over ${noticeBound(seconds)} ms)`);
      if (v.asserts.budget && !v.budget) failures.push(`${at} (over ${GET_BUDGET} GETs)`);
      if (!v.maxInterval) failures.push(`${at} (over maxInterval)`);
    }
  }
  console.log(
    [
      '',
      '| shape | run | GETs | fixed 500 ms | notice delay | within max(0.5 s, 5%) | within 10 GETs | target |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      'Targets: informative shapes (progress or the estimate predicts the end): noticed within max(0.5 s, 5%),',
      'at most 10 GETs. Misleading (progress speeds up abruptly, predicting an end far later than the real one)',
      'and uninformative (nothing predicts the end) shapes: noticed within maxInterval (30 s); waiting polls',
      'every 4.5% of the time waited while nothing predicts the end, so they are noticed within ~5% anyway.',
      '"no (known)": a target the shape is known not to meet, so not asserted:',
      ...[...notes].map(([shape, whys]) => `- ${shape.label}: ${[...whys].join('; ')}.`),
      '',
    ].join('\n'),
  );
  expect(failures).toEqual([]);
});
