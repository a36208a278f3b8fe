/** Retries, backoff, Retry-After, per-attempt timeouts, abort and idempotency keys, with an injected fetch. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  IdempotencyDuplicateError,
  InputValidationError,
  InternalServerError,
  RateLimitError,
} from './errors.js';
import { Redactor } from './redact.js';
import { send } from './send.js';
import { createLogger } from './log.js';
import { retryAfterMs, retryDelayMs } from './retry.js';
import { envelope, hang, json, NESTED_BODY, RUN, scriptedFetch, STARTED, testClient, TOP_BODY, settle } from '../test-utils.js';

const fail500 = () => envelope('unknown_error', 'An unknown error occurred.', 500);
const reset = () => new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });


describe('retries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('retries 500s up to maxRetries (default 2: three attempts) and then throws InternalServerError', async () => {
    const { fetch, requests } = scriptedFetch(fail500());
    const { error } = await settle(testClient(fetch).techniques.runs.retrieve('run_1', { techniqueId: 't' }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(3);
  });

  it('succeeds when a retry succeeds', async () => {
    const { fetch, requests } = scriptedFetch(fail500(), reset(), json(RUN));
    const { result } = await settle(testClient(fetch).techniques.runs.retrieve('run_1', { techniqueId: 't' }));
    expect(result).toEqual(RUN);
    expect(requests).toHaveLength(3);
  });

  it.each([408, 429, 500, 502, 503, 504])('retries status %i', async (status) => {
    const { fetch, requests } = scriptedFetch(new Response('', { status }), json(RUN));
    await settle(testClient(fetch).techniques.runs.retrieve('run_1', { techniqueId: 't' }));
    expect(requests).toHaveLength(2);
  });

  it.each([400, 401, 402, 403, 404, 409, 422])('never retries status %i', async (status) => {
    const { fetch, requests } = scriptedFetch(new Response('{}', { status }));
    const { error } = await settle(testClient(fetch).techniques.runs.retrieve('run_1', { techniqueId: 't' }));
    expect(error).toBeDefined();
    expect(requests).toHaveLength(1);
  });

  it('retries connection errors and ends in APIConnectionError naming the cause', async () => {
    const { fetch, requests } = scriptedFetch(reset());
    const { error } = await settle(testClient(fetch, { maxRetries: 4 }).techniques.runs.retrieve('r', { techniqueId: 't' }));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain('ECONNRESET');
    expect(requests).toHaveLength(5);
  });

  it('honours per-call maxRetries, including 0', async () => {
    const { fetch, requests } = scriptedFetch(fail500());
    await settle(testClient(fetch).techniques.runs.retrieve('r', { techniqueId: 't' }, { maxRetries: 0 }));
    expect(requests).toHaveLength(1);
  });

  it('waits min(0.5 s * 2^n, 8 s) times a jitter in (0.75, 1] between attempts', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // no jitter: the full delay
    const times: number[] = [];
    const { fetch } = scriptedFetch(() => {
      times.push(Date.now());
      return fail500();
    });
    await settle(testClient(fetch, { maxRetries: 6 }).techniques.runs.retrieve('r', { techniqueId: 't' }));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(retryDelayMs(0, undefined, () => 1)).toBe(375);
    expect(retryDelayMs(10, undefined, () => 0.5)).toBe(7000);
  });

  it('waits at least what Retry-After says, in seconds, as an HTTP date, or retry-after-ms', async () => {
    const times: number[] = [];
    const at = (r: Response) => () => {
      times.push(Date.now());
      return r;
    };
    const date = new Date(Date.now() + 3_000).toUTCString();
    const { fetch } = scriptedFetch(
      at(envelope('rate_limited', 'Rate limit exceeded.', 429, { 'Retry-After': '2' })),
      at(envelope('rate_limited', 'Rate limit exceeded.', 429, { 'retry-after-ms': '1250', 'Retry-After': '9' })),
      at(envelope('rate_limited', 'Rate limit exceeded.', 429, { 'Retry-After': date })),
      at(json(RUN)),
    );
    const { result } = await settle(testClient(fetch, { maxRetries: 3 }).techniques.runs.retrieve('r', { techniqueId: 't' }));
    expect(result).toEqual(RUN);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(2000);
    expect(gaps[0]).toBeLessThanOrEqual(2000 + 125);
    expect(gaps[1]).toBeGreaterThanOrEqual(1250);
    expect(gaps[1]).toBeLessThanOrEqual(1250 + 250);
    expect(gaps[2]).toBeGreaterThanOrEqual(1000); // the date was 3 s ahead of the first answer, 3.25 s have passed since... within a second
    expect(gaps[2]).toBeLessThanOrEqual(3000);
  });

  it('adds a jitter to Retry-After, so clients told the same slot spread out', async () => {
    const gaps: number[] = [];
    for (const random of [0, 0.5, 0.99]) {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const times: number[] = [];
      const { fetch } = scriptedFetch(() => {
        times.push(Date.now());
        return times.length === 1 ? envelope('rate_limited', 'Rate limit exceeded.', 429, { 'retry-after-ms': '5' }) : json(RUN);
      });
      await settle(testClient(fetch).techniques.runs.retrieve('r', { techniqueId: 't' }));
      gaps.push(times[1]! - times[0]!);
    }
    expect(gaps[0]).toBe(5); // never sooner than asked
    expect(new Set(gaps).size).toBe(3);
    for (const g of gaps) expect(g).toBeLessThanOrEqual(5 + 125);
  });

  it('stops at a Retry-After over 60 s instead of retrying early, and says what the server asked', async () => {
    const { fetch, requests } = scriptedFetch(envelope('rate_limited', 'Rate limit exceeded.', 429, { 'Retry-After': '3600' }), json(RUN));
    const { error } = await settle(testClient(fetch).techniques.runs.retrieve('r', { techniqueId: 't' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect(requests).toHaveLength(1);
    const overloaded = scriptedFetch(envelope('unknown_error', 'Overloaded.', 503, { 'retry-after-ms': '90000' }), json(RUN));
    const { error: e503 } = await settle(testClient(overloaded.fetch).techniques.runs.retrieve('r', { techniqueId: 't' }));
    expect(e503).toBeInstanceOf(InternalServerError);
    expect((e503 as InternalServerError).retryAfter).toBe(90);
    expect(overloaded.requests).toHaveLength(1);
  });

  it("stops when the wait the server asks for would pass the call's deadline", async () => {
    const { fetch, requests } = scriptedFetch(envelope('rate_limited', 'Rate limit exceeded.', 429, { 'Retry-After': '5' }), json(RUN));
    const { error } = await settle(testClient(fetch).techniques.runs.retrieve('r', { techniqueId: 't' }, { deadline: Date.now() + 3000 }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(5);
    expect(requests).toHaveLength(1);
    const { result } = await settle(testClient(scriptedFetch(envelope('rate_limited', 'x', 429, { 'Retry-After': '2' }), json(RUN)).fetch).techniques.runs.retrieve('r', { techniqueId: 't' }, { deadline: Date.now() + 3000 }));
    expect(result).toEqual(RUN);
  });

  it('cuts each attempt to the deadline, and does not start one after it', async () => {
    const { fetch, requests } = scriptedFetch(hang);
    const started = Date.now();
    const { error } = await settle(testClient(fetch, { timeout: 60_000 }).techniques.runs.retrieve('r', { techniqueId: 't' }, { deadline: started + 2000 }));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(Date.now() - started).toBeLessThanOrEqual(2000 + 1);
    expect(requests).toHaveLength(1);
  });

  it('reads retry-after-ms only as a decimal number', async () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1250.5' }))).toBe(1250.5);
    for (const odd of ['1e3', '0x10', 'Infinity', '-5', '5ms', '']) expect(retryAfterMs(new Headers({ 'retry-after-ms': odd })), odd).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1e9', 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': '-1' }))).toBeUndefined();
  });

  it('honours x-should-retry: true retries a 400, false stops a 503 and a 429', async () => {
    const yes = scriptedFetch(envelope('bad_request', 'Try again.', 400, { 'x-should-retry': 'true' }), json(RUN));
    expect((await settle(testClient(yes.fetch).techniques.runs.retrieve('r', { techniqueId: 't' }))).result).toEqual(RUN);
    expect(yes.requests).toHaveLength(2);
    for (const status of [503, 429]) {
      const no = scriptedFetch(envelope('unknown_error', 'Do not.', status, { 'x-should-retry': 'false' }), json(RUN));
      expect((await settle(testClient(no.fetch).techniques.runs.retrieve('r', { techniqueId: 't' }))).error).toBeDefined();
      expect(no.requests).toHaveLength(1);
    }
  });

  it.each([200, 201, 202])('never retries a %i, whatever x-should-retry says: the run it started is the answer, not an idempotency_duplicate', async (status) => {
    const dup = envelope('idempotency_duplicate', 'Duplicate.', 409);
    const post = scriptedFetch(json(STARTED, status, { 'x-should-retry': 'true' }), dup);
    expect((await settle(testClient(post.fetch).runs.startTechnique(TOP_BODY))).result).toEqual(STARTED);
    expect(post.requests).toHaveLength(1);
    const get = scriptedFetch(json(RUN, status, { 'x-should-retry': 'true', 'retry-after-ms': '1' }), envelope('unknown_error', 'x', 500));
    expect((await settle(testClient(get.fetch).techniques.runs.retrieve('r', { techniqueId: 't' }))).result).toEqual(RUN);
    expect(get.requests).toHaveLength(1);
  });

  it('gives RateLimitError the Retry-After it received when retries run out', async () => {
    const { fetch } = scriptedFetch(envelope('rate_limited', 'Rate limit exceeded.', 429, { 'Retry-After': '7' }));
    const { error } = await settle(testClient(fetch, { maxRetries: 1 }).techniques.runs.retrieve('r', { techniqueId: 't' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(7);
    expect((error as RateLimitError).code).toBe('rate_limited');
  });
});

describe('timeouts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives every attempt its own timeout, then throws APIConnectionTimeoutError', async () => {
    const starts: number[] = [];
    const { fetch } = scriptedFetch((req, signal) => {
      starts.push(Date.now());
      return hang(req, signal);
    });
    const { error } = await settle(
      testClient(fetch, { timeout: 1_000, maxRetries: 2 }).techniques.runs.retrieve('r', { techniqueId: 't' }),
    );
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toContain('1000 ms');
    expect(starts).toHaveLength(3); // a shared signal would have failed attempts 2 and 3 at once
  });

  it('times out even when a custom fetch ignores the abort signal', async () => {
    const { fetch } = scriptedFetch(() => new Promise<Response>(() => {}));
    const { error } = await settle(
      testClient(fetch, { timeout: 500, maxRetries: 0 }).techniques.runs.retrieve('r', { techniqueId: 't' }),
    );
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('counts reading the body against the attempt: a body that stalls times out and is retried', async () => {
    let attempt = 0;
    const { fetch } = scriptedFetch(() => {
      attempt++;
      if (attempt > 1) return json(RUN);
      const stalled = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"run_id":')) });
      return new Response(stalled, { status: 200 });
    });
    const client = testClient(fetch, { timeout: 1_000 });
    const { result } = await settle(client.techniques.runs.retrieve('r', { techniqueId: 't' }));
    expect(result).toEqual(RUN);
    expect(attempt).toBe(2);
  });

  it('takes a per-call timeout', async () => {
    const { fetch } = scriptedFetch(hang);
    const started = Date.now();
    const { error } = await settle(
      testClient(fetch, { maxRetries: 0 }).techniques.runs.retrieve('r', { techniqueId: 't' }, { timeout: 250 }),
    );
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(Date.now() - started).toBe(250);
  });
});

describe('abort', () => {
  it('stops an attempt in flight with APIUserAbortError and makes no further attempt', async () => {
    const { fetch, requests } = scriptedFetch(hang);
    const controller = new AbortController();
    const call = testClient(fetch).techniques.runs.retrieve('r', { techniqueId: 't' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(1);
  });

  it('stops the wait between retries at once', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { fetch, requests } = scriptedFetch(envelope('rate_limited', 'Rate limit exceeded.', 429, { 'Retry-After': '30' }));
    const controller = new AbortController();
    const call = testClient(fetch).techniques.runs.retrieve('r', { techniqueId: 't' }, { signal: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(20_000); // far below the 30 s asked for, however slow the machine
    expect(requests).toHaveLength(1);
    vi.restoreAllMocks();
  });

  it('does not send at all when the signal is already aborted', async () => {
    const { fetch, requests } = scriptedFetch(json(RUN));
    const call = testClient(fetch).techniques.runs.retrieve('r', { techniqueId: 't' }, { signal: AbortSignal.abort() });
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(0);
  });
});

describe('idempotency', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends one generated Idempotency-Key on every attempt of a create, and a new one per call', async () => {
    const { fetch, requests } = scriptedFetch(fail500(), reset(), json(RUN));
    const client = testClient(fetch);
    await settle(client.techniques.runs.create('t', NESTED_BODY));
    const keys = requests.map((r) => r.headers.get('idempotency-key'));
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await settle(client.techniques.runs.create('t', NESTED_BODY));
    expect(requests[3]!.headers.get('idempotency-key')).not.toBe(keys[0]);
  });

  it('does the same for startTechnique', async () => {
    const { fetch, requests } = scriptedFetch(reset(), json(STARTED));
    await settle(testClient(fetch).runs.startTechnique(TOP_BODY));
    expect(requests[0]!.headers.get('idempotency-key')).toBeTruthy();
    expect(requests[1]!.headers.get('idempotency-key')).toBe(requests[0]!.headers.get('idempotency-key'));
  });

  it('uses the caller’s key from the option for the header and the body', async () => {
    const { fetch, requests } = scriptedFetch(json(RUN));
    await settle(testClient(fetch).techniques.runs.create('t', NESTED_BODY, { idempotencyKey: 'order-42' }));
    expect(requests[0]!.headers.get('idempotency-key')).toBe('order-42');
    expect(JSON.parse(requests[0]!.body).idempotency_key).toBe('order-42');
  });

  it('uses the caller’s key from the body for the header', async () => {
    const { fetch, requests } = scriptedFetch(fail500(), json(RUN));
    await settle(testClient(fetch).techniques.runs.create('t', { ...NESTED_BODY, idempotency_key: 'order-43' }));
    expect(requests.map((r) => r.headers.get('idempotency-key'))).toEqual(['order-43', 'order-43']);
  });

  it('says an earlier attempt was accepted when a retry answers idempotency_duplicate, and stops', async () => {
    const { fetch, requests } = scriptedFetch(reset(), envelope('idempotency_duplicate', 'Duplicate idempotency key.', 409));
    const { error } = await settle(testClient(fetch).techniques.runs.create('t', NESTED_BODY));
    expect(error).toBeInstanceOf(IdempotencyDuplicateError);
    const e = error as IdempotencyDuplicateError;
    expect(e.acceptedEarlier).toBe(true);
    expect(e.status).toBe(409);
    expect(e.idempotencyKey).toBe(requests[0]!.headers.get('idempotency-key'));
    expect(e.message).toMatch(/earlier attempt of this same call .* was accepted/);
    expect(e.message).toMatch(/not charged twice/);
    expect(requests).toHaveLength(2);
  });

  it('does not claim an earlier acceptance when the earlier attempts were only rate limited', async () => {
    const { fetch } = scriptedFetch(
      envelope('rate_limited', 'Rate limit exceeded.', 429, { 'Retry-After': '1' }),
      envelope('idempotency_duplicate', 'Duplicate idempotency key.', 409),
    );
    const { error } = await settle(testClient(fetch).techniques.runs.create('t', NESTED_BODY, { idempotencyKey: 'reused' }));
    expect(error).toBeInstanceOf(IdempotencyDuplicateError);
    expect((error as IdempotencyDuplicateError).acceptedEarlier).toBe(false);
  });

  it('a first-attempt 409 is the caller’s own duplicate key', async () => {
    const { fetch } = scriptedFetch(envelope('idempotency_duplicate', 'Duplicate idempotency key.', 409));
    const { error } = await settle(testClient(fetch).techniques.runs.create('t', NESTED_BODY, { idempotencyKey: 'k1' }));
    expect((error as IdempotencyDuplicateError).acceptedEarlier).toBe(false);
    expect((error as Error).message).toBe('409 idempotency_duplicate: Duplicate idempotency key.');
  });

  it('never retries a 401', async () => {
    const { fetch, requests } = scriptedFetch(envelope('unauthorized', 'Invalid API key.', 401));
    const { error } = await settle(testClient(fetch).techniques.runs.create('t', NESTED_BODY));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(requests).toHaveLength(1);
  });
});

describe('review fixes', () => {
  it('the raw client honours a per-request signal', async () => {
    const { fetch } = scriptedFetch(hang);
    const client = testClient(fetch);
    const started = Date.now();
    const call = client.raw.GET('/techniques/{techniqueId}/runs/{runId}', {
      params: { path: { techniqueId: 't', runId: 'r' } },
      signal: AbortSignal.timeout(50),
    });
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(60_000); // stopped, not hanging
  });

  it('an infinite or very long timeout is no timeout, not a 1 ms one; a NaN timeout is refused', async () => {
    const { fetch } = scriptedFetch(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return json(RUN);
    });
    for (const timeout of [Infinity, 30 * 24 * 3600 * 1000]) {
      await expect(testClient(fetch, { timeout, maxRetries: 0 }).techniques.runs.retrieve('r', { techniqueId: 't' })).resolves.toEqual(RUN);
    }
    await expect(testClient(fetch).techniques.runs.retrieve('r', { techniqueId: 't' }, { timeout: Number.NaN })).rejects.toBeInstanceOf(InputValidationError);
  });

  it('a POST that ends without an answer says which Idempotency-Key to retry with', async () => {
    const { fetch, requests } = scriptedFetch(reset());
    const error = await testClient(fetch, { maxRetries: 1, timeout: 1_000 })
      .runs.startTechnique(TOP_BODY)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).idempotencyKey).toBe(requests[0]!.headers.get('idempotency-key'));
    expect((error as APIConnectionError).mayHaveBeenProcessed).toBe(true);
    const server = await testClient(scriptedFetch(fail500()).fetch, { maxRetries: 0 }).runs.startTechnique(TOP_BODY).catch((e: unknown) => e);
    expect((server as InternalServerError).idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect((server as InternalServerError).mayHaveBeenProcessed).toBe(true);
  });

  it('an envelope without a message keeps its code (a lost-answer 409 is still recognised)', async () => {
    const { fetch } = scriptedFetch(reset(), json({ error: { code: 'idempotency_duplicate' } }, 409));
    const error = await testClient(fetch, { timeout: 1_000 }).techniques.runs.create('t', NESTED_BODY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyDuplicateError);
    expect((error as IdempotencyDuplicateError).acceptedEarlier).toBe(true);
    expect((error as Error).message).toContain('409 idempotency_duplicate: (no message)');
  });
});

describe('abort signals', () => {
  /** `send` over a fetch that records the signal each attempt got. */
  async function signalsSeen(timeout: number, signal?: AbortSignal): Promise<(AbortSignal | null | undefined)[]> {
    const seen: (AbortSignal | null | undefined)[] = [];
    const config = {
      fetch: async (_url: string, init: RequestInit) => {
        seen.push(init.signal);
        return json(RUN);
      },
      custom: false,
      maxResponseBytes: 1 << 20,
      redactor: new Redactor(['k']),
      apiKey: 'k',
      timeout,
      maxRetries: 0,
      logger: createLogger(console, 'off', new Redactor(['k'])),
    };
    await send(config, { method: 'GET', url: 'http://127.0.0.1/x', headers: {} }, signal ? { signal } : {});
    return seen;
  }

  it('gives fetch a signal only when something can abort the attempt: a deadline or the caller', async () => {
    expect(await signalsSeen(Infinity)).toEqual([undefined]);
    const [withDeadline] = await signalsSeen(60_000);
    expect(withDeadline).toBeInstanceOf(AbortSignal);
    const caller = new AbortController();
    const [withCaller] = await signalsSeen(Infinity, caller.signal);
    expect(withCaller).toBeInstanceOf(AbortSignal);
  });

  it('with no deadline, the caller can still stop a hanging attempt', async () => {
    const caller = new AbortController();
    const call = testClient(scriptedFetch(hang).fetch, { timeout: Infinity }).techniques.runs.retrieve('r', { techniqueId: 't' }, { signal: caller.signal });
    setTimeout(() => caller.abort(), 20);
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
