/** Waiting for runs: terminal states, timeouts, abort, poll_url, with fake timers (the delays: poll-delay.test.ts). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TechniqueRun } from '../../generated/openapi.js';
import { APIConnectionTimeoutError, APIUserAbortError, InputValidationError, NotFoundError, RunFailedError, RunTimeoutError } from './errors.js';
import { envelope, hang, json, NESTED_BODY, RUN, scriptedFetch, STARTED, testClient, TOP_BODY, type Recorded, settle } from '../test-utils.js';

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
