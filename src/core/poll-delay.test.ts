/** The delay estimator: adaptive waits from what was observed, and the notice it gives on progress shapes (simulated time). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GET_BUDGET, MAX_INTERVAL_MS, measure, measureSimulator, noticeBound, SHAPES, verdict } from '../../bench/progress-shapes.js';
import { nextPollDelay } from './poll-delay.js';

describe('nextPollDelay', () => {
  const at = (ms: number, progress: number, status?: string) => ({ at: ms, progress, status });

  it('probes early before trusting an estimate, then at most doubles the time waited', () => {
    const est = { startedAt: 0, estimatedSeconds: 120, maxInterval: Infinity };
    expect(nextPollDelay({ ...est, now: 0, observations: [] })).toBe(6_000); // 1/20 of the estimate
    expect(nextPollDelay({ ...est, now: 6_000, observations: [at(6_000, 0, 'running')] })).toBe(6_000);
    expect(nextPollDelay({ ...est, now: 48_000, observations: [at(48_000, 0, 'running')] })).toBe(48_000);
    expect(nextPollDelay({ ...est, now: 100_000, observations: [at(100_000, 0, 'running')] })).toBe(18_000); // 90% of what is left
    expect(nextPollDelay({ now: 0, startedAt: 0, observations: [], estimatedSeconds: 20 })).toBe(1_000);
    expect(nextPollDelay({ now: 48_000, startedAt: 0, observations: [], estimatedSeconds: 120 })).toBe(30_000); // maxInterval
  });
  it('polls every max(min, 4.5% of elapsed) when nothing predicts the end', () => {
    expect(nextPollDelay({ now: 1_000, startedAt: 0, observations: [] })).toBe(450);
    expect(nextPollDelay({ now: 100_000, startedAt: 0, observations: [] })).toBe(4_500);
    expect(nextPollDelay({ now: 10_000_000, startedAt: 0, observations: [] })).toBe(30_000);
    expect(nextPollDelay({ now: 130_000, startedAt: 0, observations: [at(130_000, 0, 'running')], estimatedSeconds: 120 })).toBe(5_850); // estimate passed
  });
  it('does not take a pending reading at 0% as the start of the run', () => {
    // The report: pending at 0, 0.46 and 0.92 s, running 1% at 1.44 s, then nothing for 30 s.
    const seen = [at(0, 0, 'pending'), at(460, 0, 'pending'), at(920, 0, 'pending'), at(1_440, 1, 'running')];
    expect(nextPollDelay({ now: 1_440, startedAt: 0, observations: seen })).toBe(450); // one reading of the rate: another, soon
    const next = nextPollDelay({ now: 1_900, startedAt: 0, observations: [...seen, at(1_900, 3, 'running')] });
    expect(next).toBeGreaterThan(450);
    expect(next).toBeLessThan(5_000);
  });
  it('does not read a stall as rate 0: it may resume at once at the rate it had', () => {
    const observations = [at(0, 0), at(1_000, 10), at(2_000, 20), at(3_000, 30), at(6_000, 30), at(9_000, 30)];
    const delay = nextPollDelay({ now: 9_000, startedAt: 0, observations });
    expect(delay).toBeGreaterThan(5_000);
    expect(delay).toBeLessThan(7_000); // 70 points at 10 per second
  });
  it('follows the recent rate when progress speeds up', () => {
    const observations = [at(0, 0), at(10_000, 10), at(20_000, 20), at(22_000, 40), at(24_000, 60)];
    const delay = nextPollDelay({ now: 24_000, startedAt: 0, observations });
    expect(delay).toBeGreaterThan(3_500);
    expect(delay).toBeLessThanOrEqual(4_250); // 40 points at 10 per second, give or take a point
  });
  it('allows for a run accelerating from its start while the readings fit that', () => {
    // 1% at 2 s and 4% at 4 s: linear says 64 s more, ~t^2 from the start says 16 s.
    expect(nextPollDelay({ now: 4_000, startedAt: 0, observations: [at(2_000, 1), at(4_000, 4)] })).toBeLessThan(16_000);
  });
  it('polls once at the latest possible end when the rate is known closely, and at the slack once it has passed', () => {
    const observations = [at(0, 0), at(30_000, 25), at(60_000, 50), at(90_000, 75)];
    const delay = nextPollDelay({ now: 90_000, startedAt: 0, observations, maxInterval: Infinity });
    expect(delay).toBeGreaterThan(30_000);
    expect(delay).toBeLessThan(30_500);
    expect(nextPollDelay({ now: 25_000, startedAt: 0, observations: [at(0, 0), at(10_000, 50), at(20_000, 99)] })).toBe(1_125);
  });
  it('stays within minInterval and maxInterval', () => {
    expect(nextPollDelay({ now: 0, startedAt: 0, observations: [], estimatedSeconds: 3600, maxInterval: 5_000 })).toBe(5_000);
    expect(nextPollDelay({ now: 0, startedAt: 0, observations: [], minInterval: 2_000 })).toBe(2_000);
    expect(nextPollDelay({ now: 2_000, startedAt: 0, observations: [at(0, 0), at(1_000, 50), at(2_000, 10)] })).toBe(450); // progress went back
  });
  it('stays within minInterval and maxInterval whatever it observed', () => {
    const reading = fc.record({
      gap: fc.integer({ min: 0, max: 60_000 }),
      progress: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: -10, max: 110, noNaN: true })),
      status: fc.constantFrom(undefined, 'pending', 'running', 'queued'),
    });
    fc.assert(
      fc.property(
        fc.array(reading, { maxLength: 40 }),
        fc.option(fc.double({ min: -5, max: 10_000, noNaN: true }), { nil: undefined }),
        fc.integer({ min: 50, max: 5_000 }),
        fc.oneof(fc.integer({ min: 5_000, max: 120_000 }), fc.constant(Infinity)),
        (readings, estimatedSeconds, minInterval, maxInterval) => {
          let t = 0;
          const observations = readings.map((r) => at((t += r.gap), r.progress, r.status));
          const delay = nextPollDelay({ now: t, startedAt: 0, observations, estimatedSeconds, minInterval, maxInterval });
          expect(delay).toBeGreaterThanOrEqual(minInterval);
          expect(delay).toBeLessThanOrEqual(maxInterval);
        },
      ),
    );
  });
});

describe('waiting on progress shapes (simulated time)', () => {
  // Which shapes count as informative, and the targets each meets, are in bench/progress-shapes.ts.
  const cases = SHAPES.filter((s) => !s.simulator).flatMap((shape) => [2, 10, 20, 30, 120].map((seconds) => [shape.label, seconds, shape] as const));
  it.each(cases)('%s, %i s: noticed as promised', async (_label, seconds, shape) => {
    const m = await measure(shape, seconds);
    const v = verdict(shape, seconds, m);
    const seen = `${m.gets} GETs, noticed ${m.delayMs} ms late`;
    if (v.asserts.notice) expect(m.delayMs, seen).toBeLessThanOrEqual(noticeBound(seconds));
    if (v.asserts.budget) expect(m.gets, seen).toBeLessThanOrEqual(GET_BUDGET);
    expect(m.delayMs, seen).toBeLessThanOrEqual(MAX_INTERVAL_MS);
    expect(m.delayMs, seen).toBeGreaterThanOrEqual(0);
  });

  it('notices a 20 s run on the simulator (nested route) within 1 s of its end, in few GETs', async () => {
    // The report: pending for 1 s, integer progress, and the end seen ~10 s late. The simulator's clock is
    // faked, so this does not depend on the machine's speed.
    const m = await measureSimulator('nested', 20, 'adaptive');
    expect(m.delayMs).toBeGreaterThanOrEqual(0);
    expect(m.delayMs).toBeLessThanOrEqual(1_000);
    expect(m.gets).toBeLessThanOrEqual(8);
  });
});

