import { afterEach, describe, expect, it } from 'vitest';
import type { TechniqueRun } from '../../generated/openapi.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator, type SimulatorOptions } from './index.js';
import { call, CREATE_BODY, expectSpecResponse, operationOf, rawCall, START_BODY } from './spec-check.test-helper.js';

const NESTED = '/techniques/art-directors-critique/runs';

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});
const start = async (options: SimulatorOptions) => {
  const s = await startSimulator(options);
  sims.push(s);
  return s;
};

/** What each of `n` creates experienced: a status, `dropped`, or `malformed`. */
async function outcomes(s: Simulator, n: number, path = NESTED, body: unknown = CREATE_BODY): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let res: Awaited<ReturnType<typeof rawCall>>;
    try {
      res = await rawCall(s.url, 'POST', path, { body, headers: { 'idempotency-key': `k${i}` } });
    } catch {
      out.push('dropped');
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.text);
    } catch {
      out.push('malformed');
      continue;
    }
    expectSpecResponse(operationOf('POST', path), res.status, parsed);
    out.push(String(res.status));
  }
  return out;
}

describe('simulator: fault injection', () => {
  it('drops the socket before recording: no run, and the idempotency key is still free', async () => {
    const s = await start({ seed: 5, faults: { dropBeforeRecordRate: 1, routes: ['create'] } });
    await expect(rawCall(s.url, 'POST', NESTED, { body: CREATE_BODY, headers: { 'idempotency-key': 'a' } })).rejects.toThrow();
    expect(s.runCount()).toBe(0);
    expect(s.stats().faults.dropBeforeRecord).toBe(1);
    expect(s.stats().requests.create).toEqual({ dropped: 1 });
    // The GET route is not in faults.routes, so it answers normally.
    expect((await call(s.url, 'GET', `${NESTED}/run_x`)).status).toBe(404);
  });

  it('drops the socket after recording: the run exists and a retry with the same key gets 409', async () => {
    // Pending for an hour of real time: the GET below sees it pending however slow the machine.
    const s = await start({ seed: 5, pendingSeconds: 3600, faults: { dropAfterRecordRate: 1, routes: ['create'] } });
    await expect(rawCall(s.url, 'POST', NESTED, { body: CREATE_BODY, headers: { 'idempotency-key': 'b' } })).rejects.toThrow();
    expect(s.runCount()).toBe(1);
    const [run] = s.listRuns();
    expect(run?.idempotencyKey).toBe('b');
    expect(s.stats().faults.dropAfterRecord).toBe(1);
    const retry = await call(s.url, 'POST', NESTED, { body: CREATE_BODY, headers: { 'idempotency-key': 'b' } });
    expect(retry.status).toBe(409);
    expect(s.runCount()).toBe(1);
    expect((await call<TechniqueRun>(s.url, 'GET', `${NESTED}/${run!.runId}`)).body.status).toBe('pending');
  });

  it('answers 200 with a truncated JSON body after recording the run', async () => {
    const s = await start({ seed: 5, faults: { malformedRate: 1, routes: ['startTechnique'] } });
    const res = await rawCall(s.url, 'POST', '/runs/technique', { body: START_BODY });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(() => JSON.parse(res.text)).toThrow(SyntaxError);
    expect(res.text.startsWith('{"run_id":"run_')).toBe(true);
    expect(s.runCount()).toBe(1);
    expect(s.stats().faults.malformed).toBe(1);
  });

  it('answers 500 unknown_error without recording anything', async () => {
    const s = await start({ seed: 5, faults: { serverErrorRate: 1 } });
    const res = await call(s.url, 'POST', NESTED, { body: CREATE_BODY, headers: { 'idempotency-key': 'c' } });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'unknown_error', message: 'An unknown error occurred.' } });
    expect((await call(s.url, 'GET', `${NESTED}/run_x`)).status).toBe(500);
    expect((await call(s.url, 'POST', '/runs/technique', { body: START_BODY })).status).toBe(500);
    expect(s.runCount()).toBe(0);
    expect(s.stats().faults.serverError).toBe(3);
  });

  it('answers slowly and with latency when asked', async () => {
    const s = await start({ seed: 5, faults: { slowRate: 1, slowMs: 150, latencyMs: [20, 30], routes: ['retrieve'] } });
    const began = performance.now();
    expect((await call(s.url, 'GET', `${NESTED}/run_x`)).status).toBe(404);
    expect(performance.now() - began).toBeGreaterThanOrEqual(165);
    expect(s.stats().faults.slow).toBe(1);
  });

  it('answers 429 with Retry-After from the seed, whatever the pace, without doing anything', async () => {
    const s = await start({ seed: 5, faults: { rateLimitedRate: 1, rateLimitedRetryAfterMs: [1200, 1300], routes: ['create'] } });
    const r = await fetch(`${s.url}${NESTED}`, { method: 'POST', headers: { authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(CREATE_BODY) });
    expect(r.status).toBe(429);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(r.headers.get('retry-after')).toBe('2');
    expect(Number(r.headers.get('retry-after-ms'))).toBeGreaterThanOrEqual(1200);
    expect(Number(r.headers.get('retry-after-ms'))).toBeLessThanOrEqual(1300);
    expect(s.runCount()).toBe(0);
    expect(s.stats().faults.rateLimited).toBe(1);
    await expect(start({ faults: { rateLimitedRetryAfterMs: [5, 1] } })).rejects.toThrow(/rateLimitedRetryAfterMs/);
  });

  it('injects the same faults in the same order for the same seed', async () => {
    const faults = { serverErrorRate: 0.2, dropBeforeRecordRate: 0.15, dropAfterRecordRate: 0.15, malformedRate: 0.15 };
    const a = await start({ seed: 21, faults });
    const b = await start({ seed: 21, faults });
    const c = await start({ seed: 22, faults });
    const seen = await outcomes(a, 20);
    expect(await outcomes(b, 20)).toEqual(seen);
    expect(await outcomes(c, 20)).not.toEqual(seen);
    expect(new Set(seen)).toEqual(new Set(['200', '500', 'dropped', 'malformed']));
    expect(a.listRuns().map((r) => r.runId)).toEqual(b.listRuns().map((r) => r.runId));
    expect(a.stats()).toEqual(b.stats());
    // Runs are stored for answered, malformed and dropped-after-record requests only.
    expect(a.runCount()).toBe(seen.filter((x) => x === '200' || x === 'malformed').length + a.stats().faults.dropAfterRecord);
  });
});
