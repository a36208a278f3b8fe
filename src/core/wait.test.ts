/** Waiting for runs: adaptive delays, terminal states, timeouts, abort, poll_url, with fake timers. */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TechniqueRun } from '../../generated/openapi.js';
import { APIConnectionTimeoutError, APIUserAbortError, InputValidationError, NotFoundError, RunFailedError, RunTimeoutError } from './errors.js';
import { envelope, hang, json, NESTED_BODY, RUN, scriptedFetch, STARTED, testClient, TOP_BODY, type Recorded, settle } from '../test-utils.js';
import { GET_BUDGET, MAX_INTERVAL_MS, measure, measureSimulator, noticeBound, SHAPES, verdict } from '../../bench/progress-shapes.js';
import { nextPollDelay } from './wait.js';

const BASE = 'https://app.flora.ai/api/v1';

/** A server whose run takes `durationMs` from the first request, progressing linearly. */
function linearRun(durationMs: number, opts: { fail?: boolean; pollUrl?: string } = {}) {
  let t0: number | undefined;
  return (req: Recorded) => {
    t0 ??= Date.now();
    const elapsed = Date.now() - t0;
    const done = elapsed >= durationMs;
    const run: TechniqueRun = {
      ...RUN,
      status: done ? (opts.fail ? 'failed' : 'completed') : elapsed === 0 ? 'pending' : 'running',
      progress: done ? 100 : Math.floor((100 * elapsed) / durationMs),
      ...(opts.pollUrl ? { poll_url: opts.pollUrl } : {}),
      ...(done && opts.fail ? { error_code: 'provider_error', error_message: 'The provider failed to complete the generation.' } : {}),
      ...(done && !opts.fail ? { outputs: [{ output_id: 'o1', type: 'imageUrl' as const, url: 'https://media.flora.ai/o.png' }] } : {}),
    };
    return req.url.endsWith('/runs/technique') ? json({ ...STARTED, estimated_seconds: durationMs / 1000 }) : json(run);
  };
}

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

describe('waiting', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('createAndWait resolves with the completed run, reporting progress, and notices the end promptly', async () => {
    const { fetch, requests } = scriptedFetch(linearRun(30_000));
    const seen: string[] = [];
    const started = Date.now();
    const { result } = await settle(
      testClient(fetch).techniques.runs.createAndWait('t', NESTED_BODY, { onProgress: (r) => seen.push(`${r.status}:${r.progress}`) }),
    );
    expect(result?.status).toBe('completed');
    expect(result?.outputs?.[0]?.type).toBe('imageUrl');
    expect(seen[0]).toBe('pending:0');
    expect(seen.at(-1)).toBe('completed:100');
    expect(seen.some((s) => s.startsWith('running:'))).toBe(true);
    const gets = requests.filter((r) => r.method === 'GET').length;
    expect(gets).toBeLessThan(30_000 / 500 / 2); // far fewer than a fixed 500 ms poller
    expect(Date.now() - started - 30_000).toBeLessThan(1_500); // notice delay < 5% of 30 s
  });

  it('startTechniqueAndWait is guided by estimated_seconds, then follows poll_url on this API', async () => {
    const pollUrl = `${BASE}/techniques/tech_abcd1234/runs/run_abc123`;
    const { fetch, requests } = scriptedFetch(linearRun(120_000, { pollUrl }));
    const { result } = await settle(testClient(fetch).runs.startTechniqueAndWait(TOP_BODY));
    expect(result?.status).toBe('completed');
    const gets = requests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeLessThanOrEqual(10);
    expect(gets.every((r) => r.url === pollUrl)).toBe(true);
  });

  it('does not follow a poll_url on another host, so the key goes nowhere else', async () => {
    const { fetch, requests } = scriptedFetch(linearRun(5_000, { pollUrl: 'https://evil.example.com/steal' }));
    await settle(testClient(fetch).techniques.runs.createAndWait('art-directors-critique', NESTED_BODY));
    expect(requests.every((r) => r.url.startsWith(BASE))).toBe(true);
    expect(requests.at(-1)!.url).toBe(`${BASE}/techniques/art-directors-critique/runs/run_abc123`);
  });

  it('throws RunFailedError carrying the failed run', async () => {
    const { fetch } = scriptedFetch(linearRun(2_000, { fail: true }));
    const { error } = await settle(testClient(fetch).techniques.runs.createAndWait('t', NESTED_BODY));
    expect(error).toBeInstanceOf(RunFailedError);
    const e = error as RunFailedError<TechniqueRun>;
    expect(e.run.status).toBe('failed');
    expect(e.run.error_code).toBe('provider_error');
    expect(e.message).toBe('Run run_abc123 failed: provider_error: The provider failed to complete the generation.');
  });

  it('bounds the start request by the overall timeout too', async () => {
    for (const call of [
      (c: ReturnType<typeof testClient>) => c.techniques.runs.createAndWait('t', NESTED_BODY, { waitTimeout: 2_000 }),
      (c: ReturnType<typeof testClient>) => c.runs.startTechniqueAndWait(TOP_BODY, { waitTimeout: 2_000 }),
    ]) {
      const started = Date.now();
      const { error } = await settle(call(testClient(scriptedFetch(hang).fetch)));
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      expect(Date.now() - started).toBeLessThanOrEqual(2_000 + 1);
    }
  });

  it.each([
    ['minInterval', { minInterval: 0 }],
    ['minInterval', { minInterval: Number.NaN }],
    ['maxInterval', { maxInterval: -1 }],
    ['maxInterval', { minInterval: 5_000, maxInterval: 1_000 }],
    ['waitTimeout', { waitTimeout: 0 }],
    ['waitTimeout', { waitTimeout: Number.NaN }],
    // Each request's own limit, as on every call.
    ['timeout', { timeout: 0 }],
    // The old name of `timeout` here is refused by name, not ignored.
    ['requestTimeout', { requestTimeout: 1_000 }],
  ])('refuses a bad %s (%j) before polling', async (field, options) => {
    const { fetch, requests } = scriptedFetch(json(RUN));
    const { error } = await settle(testClient(fetch).techniques.runs.wait('run_abc123', { techniqueId: 't' }, options as Parameters<ReturnType<typeof testClient>['techniques']['runs']['wait']>[2]));
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).fields.map((f) => f.field)).toContain(field);
    expect(requests).toHaveLength(0);
  });

  it('throws RunTimeoutError with the last state after the overall timeout', async () => {
    const { fetch } = scriptedFetch(linearRun(600_000));
    const { error } = await settle(testClient(fetch).techniques.runs.wait('run_abc123', { techniqueId: 't' }, { waitTimeout: 10_000 }));
    expect(error).toBeInstanceOf(RunTimeoutError);
    expect((error as RunTimeoutError).run?.status).toBe('running');
    expect((error as Error).message).toMatch(/after 10000 ms \(last seen running, \d+%\)/);
  });

  it('stops at once on abort, between polls', async () => {
    const { fetch, requests } = scriptedFetch(linearRun(600_000));
    const controller = new AbortController();
    const waiting = testClient(fetch).techniques.runs.wait('run_abc123', { techniqueId: 't' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5_000);
    const { error } = await settle(waiting);
    expect(error).toBeInstanceOf(APIUserAbortError);
    const count = requests.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests.length).toBe(count);
  });

  it('stops at once when the signal was already aborted, sending nothing', async () => {
    const { fetch, requests } = scriptedFetch(linearRun(600_000));
    const started = Date.now();
    const { error } = await settle(testClient(fetch).techniques.runs.wait('run_abc123', { techniqueId: 't' }, { signal: AbortSignal.abort(), waitTimeout: 60_000 }));
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBe(0);
    expect(requests).toHaveLength(0);
  });

  it('takes a timeout longer than setTimeout allows without firing early', async () => {
    const { fetch } = scriptedFetch(linearRun(5_000));
    const { result } = await settle(testClient(fetch).techniques.runs.wait('run_abc123', { techniqueId: 't' }, { waitTimeout: 40 * 24 * 3600 * 1000 }));
    expect(result?.status).toBe('completed');
  });

  it('waits out transient errors but throws the others', async () => {
    let n = 0;
    const flaky = linearRun(3_000);
    const { fetch } = scriptedFetch((req) => (++n <= 4 ? envelope('unknown_error', 'An unknown error occurred.', 503) : flaky(req)));
    const { result } = await settle(testClient(fetch, { maxRetries: 1 }).techniques.runs.wait('run_abc123', { techniqueId: 't' }));
    expect(result?.status).toBe('completed');

    const gone = scriptedFetch(envelope('not_found', 'Not found.', 404));
    const { error } = await settle(testClient(gone.fetch).techniques.runs.wait('run_abc123', { techniqueId: 't' }));
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
