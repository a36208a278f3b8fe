/**
 * Thousands of logical "start run" calls through the client against the simulator with
 * seeded faults (connections dropped before and after the run is recorded, 500s, truncated 200s, answers
 * slower than the per-attempt timeout, 429s with Retry-After from a rate-limited key), with enough calls
 * in flight that real backoff waits overlap. Every attempt is recorded by the fetch the client is given.
 *
 * The simulator honours the nested create's idempotency key in one channel at a time (the header, the
 * body's `idempotency_key`, or either): the suite runs once against each, and once against the live
 * profile (answers as FLORA's SDK describes the live API).
 *
 * Proves: a call that succeeded has exactly one run for its Idempotency-Key with its run_id; no key ever
 * has two runs; every failure is a typed `FloraError` (an `IdempotencyDuplicateError` with
 * `acceptedEarlier` has exactly one run behind it); no unhandled rejection; every retry after a 429 waited
 * at least what the 429 asked, and every other retry at least the backoff's lower bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flora, FloraError, IdempotencyDuplicateError, RateLimitError, ResponseValidationError } from '../src/index.js';
import { askedWaitMs, className, instrumentedFetch, percentile, pool, table, trackUnhandledRejections } from './harness.js';
import type { IdempotencyChannel, SimulatorProfile } from '../src/testing/index.js';
import { startRemoteSimulator, type RemoteRun, type RemoteSimulator } from './remote-simulator.js';
import { pick, SCALE_NAME } from './scale.js';

/** Calls per channel and profile: the default (both channels, the reference pages' answers) gets the most at the small scale. */
const CHANNELS: [IdempotencyChannel, SimulatorProfile, number][] = [
  ['both', 'seeds', pick(500, 10_000)],
  // One idempotency channel at a time: in the full run (src/core/requester.test.ts covers each channel in npm test).
  ...pick<[IdempotencyChannel, SimulatorProfile, number][]>([], [
    ['header', 'seeds', 10_000],
    ['body', 'seeds', 10_000],
  ]),
  ['both', 'live', pick(200, 10_000)],
];
const CONCURRENCY = pick(100, 200);
/** Of those, the calls on the rate-limited key. */
const LIMITED_CONCURRENCY = 4;
const TIMEOUT_MS = 300;
const MAX_RETRIES = 4;
/** Timers may fire a hair early (ms rounding) and the two clocks (ours, the client's) differ by microtasks. */
const TOLERANCE_MS = 5;

const MAIN_KEY = 'flora_rel_faults_main';
/** A second key with a tight rate limit (LIMITED_RATE/s, bursts of 4): every twentieth call uses it, and collects 429s with Retry-After. */
const LIMITED_RATE = pick(15, 40);
const LIMITED_KEY = 'flora_rel_faults_limited';

const NESTED = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a red fox' }], mode: 'async' as const };
const TOP = { inputs: { prompt: 'a red fox' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' };

describe.each(CHANNELS)('a simulator honouring the %s channel (%s profile)', (channel, profile, CALLS) => {
  let sim: RemoteSimulator;
  beforeAll(async () => {
    // In its own process, so the client under test has a core to itself.
    sim = await startRemoteSimulator({
      seed: 8,
      idempotencyChannel: channel,
      profile,
      keys: { [MAIN_KEY]: { rateLimit: null }, [LIMITED_KEY]: { rateLimit: { requests: 4, perSeconds: 4 / LIMITED_RATE } } },
      faults: {
        latencyMs: [0, 4],
        serverErrorRate: 0.06,
        dropBeforeRecordRate: 0.05,
        dropAfterRecordRate: 0.05,
        malformedRate: 0.01,
        slowRate: 0.03,
        slowMs: 700,
        // 429s from the seed on every key: the limited key's own 429s depend on how fast this machine sends.
        rateLimitedRate: 0.03,
        rateLimitedRetryAfterMs: [20, 300],
        routes: ['create', 'startTechnique'],
      },
    });
  });
  afterAll(() => sim?.close());

  type Outcome = { ok: true; runId: string; ms: number } | { ok: false; error: unknown; ms: number };

  it(`${CALLS} faulty start-run calls (${SCALE_NAME}, ${channel} channel, ${profile} profile): one run per key, typed errors, Retry-After honoured`, async () => {
    // The second 429 and every eighth after it lose their retry-after-ms on the way, so the whole-second
    // Retry-After (>= 1 s) is honoured too.
    let stripped = 0;
    let tooMany = 0;
    const instrument = instrumentedFetch({
      transform: (response) => {
        if (response.status !== 429 || !response.headers.has('retry-after-ms') || tooMany++ % 8 !== 1) return response;
        stripped++;
        const headers = new Headers(response.headers);
        headers.delete('retry-after-ms');
        return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
      },
    });
    const common = { baseUrl: sim.url, fetch: instrument.fetch, timeout: TIMEOUT_MS, maxRetries: MAX_RETRIES, logLevel: 'off' as const };
    const main = new Flora({ ...common, apiKey: MAIN_KEY });
    const limited = new Flora({ ...common, apiKey: LIMITED_KEY });

    const limitedCalls = Math.ceil(CALLS / 20);
    const poolSeconds = { main: 0, limited: 0 };
    const mainCalls = CALLS - limitedCalls;
    const unhandled = trackUnhandledRejections();
    const outcomes: Outcome[] = new Array(CALLS);
    const t0 = performance.now();
    try {
      const call = async (i: number) => {
        const client = i % 20 === 0 ? limited : main;
        const options = { headers: { 'x-call': String(i) } };
        const started = performance.now();
        try {
          const runId =
            i % 2 === 0
              ? (await client.techniques.runs.create('art-directors-critique', NESTED, options)).run_id
              : (await client.runs.startTechnique(TOP, options)).run_id;
          outcomes[i] = { ok: true, runId, ms: performance.now() - started };
        } catch (error) {
          outcomes[i] = { ok: false, error, ms: performance.now() - started };
        }
      };
      // Every twentieth call goes through the rate-limited key, in a pool of its own (so its waits do not hold
      // up the others); the rest share the main pool. Both run at once.
      await Promise.all([
        pool(limitedCalls, LIMITED_CONCURRENCY, (j) => call(j * 20)).then(() => (poolSeconds.limited = (performance.now() - t0) / 1000)),
        pool(mainCalls, CONCURRENCY - LIMITED_CONCURRENCY, (j) => call(j + Math.floor(j / 19) + 1)).then(() => (poolSeconds.main = (performance.now() - t0) / 1000)),
      ]);
      // Let anything left dangling surface before counting.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      unhandled.stop();
    }
    const elapsed = (performance.now() - t0) / 1000;

    // The simulator's view: runs by Idempotency-Key.
    const runs = await sim.listRuns();
    const runsByKey = new Map<string, RemoteRun[]>();
    for (const r of runs) {
      expect(r.idempotencyKey, `run ${r.runId} has no idempotency key`).toBeDefined();
      const list = runsByKey.get(r.idempotencyKey!) ?? [];
      list.push(r);
      runsByKey.set(r.idempotencyKey!, list);
    }

    const problems: string[] = [];
    const failures = new Map<string, number>();
    const attemptsPerCall: number[] = [];
    let succeeded = 0;
    let acceptedEarlier = 0;
    let retryAfterChecks = 0;
    let retryAfterSecondsChecks = 0;
    let backoffChecks = 0;
    const lateness: number[] = [];
    const keysOfCalls = new Set<string>();

    for (let i = 0; i < CALLS; i++) {
      const outcome = outcomes[i]!;
      const attempts = (instrument.byCall.get(i) ?? []).sort((a, b) => a.start - b.start);
      attemptsPerCall.push(attempts.length);
      if (attempts.length < 1 || attempts.length > MAX_RETRIES + 1) problems.push(`call ${i}: ${attempts.length} attempts`);
      const keys = new Set(attempts.map((a) => a.idempotencyKey));
      if (keys.size !== 1 || [...keys][0] === undefined) {
        problems.push(`call ${i}: attempts carried ${keys.size} idempotency keys`);
        continue;
      }
      const key = [...keys][0]!;
      keysOfCalls.add(key);
      const mine = runsByKey.get(key) ?? [];

      if (outcome.ok) {
        succeeded++;
        if (mine.length !== 1 || mine[0]!.runId !== outcome.runId) {
          problems.push(`call ${i} succeeded with ${outcome.runId} but key ${key} has runs [${mine.map((r) => r.runId)}]`);
        }
      } else {
        const e = outcome.error;
        failures.set(className(e), (failures.get(className(e)) ?? 0) + 1);
        if (!(e instanceof FloraError)) problems.push(`call ${i} threw an untyped ${className(e)}: ${String(e)}`);
        if (e instanceof IdempotencyDuplicateError) {
          if (!e.acceptedEarlier) problems.push(`call ${i}: IdempotencyDuplicateError without acceptedEarlier`);
          else acceptedEarlier++;
          if (e.idempotencyKey !== key) problems.push(`call ${i}: error names key ${e.idempotencyKey}, attempts carried ${key}`);
          if (mine.length !== 1) problems.push(`call ${i}: accepted earlier, but key ${key} has ${mine.length} runs`);
        }
        // A truncated 200 means the run was recorded: exactly one.
        if (e instanceof ResponseValidationError && mine.length !== 1) problems.push(`call ${i}: truncated 200 but ${mine.length} runs`);
        if (e instanceof RateLimitError && attempts.at(-1)?.status !== 429) problems.push(`call ${i}: RateLimitError after a ${attempts.at(-1)?.status}`);
      }

      // Waits between attempts.
      for (let j = 0; j + 1 < attempts.length; j++) {
        const a = attempts[j]!;
        const gap = attempts[j + 1]!.start - a.end;
        if (a.status === 429) {
          const asked = askedWaitMs(a.headers);
          if (asked === undefined) {
            problems.push(`call ${i}: a 429 without Retry-After`);
            continue;
          }
          retryAfterChecks++;
          if (!a.headers!.has('retry-after-ms')) retryAfterSecondsChecks++;
          lateness.push(gap - asked);
          if (gap < asked - TOLERANCE_MS) problems.push(`call ${i}: retried ${gap.toFixed(1)} ms after a 429 that asked for ${asked} ms`);
        } else if (a.status === 'error' || a.status >= 500) {
          backoffChecks++;
          const floor = 0.75 * Math.min(500 * 2 ** j, 8000);
          lateness.push(gap - floor);
          if (gap < floor - TOLERANCE_MS) problems.push(`call ${i}: retry ${j + 1} came ${gap.toFixed(1)} ms after a ${a.status}, backoff floor ${floor} ms`);
        } else {
          problems.push(`call ${i}: retried after a ${a.status}`);
        }
      }
    }
    for (const [key, list] of runsByKey) {
      if (list.length > 1) problems.push(`key ${key} has ${list.length} runs: ${list.map((r) => r.runId).join(', ')}`);
      if (!keysOfCalls.has(key)) problems.push(`run ${list[0]!.runId} has key ${key}, which no call sent`);
    }

    const byStatus = new Map<string, number>();
    for (const a of instrument.attempts) byStatus.set(String(a.status), (byStatus.get(String(a.status)) ?? 0) + 1);
    const ms = outcomes.map((o) => o.ms);
    const stats = await sim.stats();
    console.log(
      [
        '',
        `### Faults (${SCALE_NAME}, simulator honouring the ${channel} channel, ${profile} profile): ${CALLS} logical calls, ${CONCURRENCY} in flight, timeout ${TIMEOUT_MS} ms, maxRetries ${MAX_RETRIES}, ${elapsed.toFixed(1)} s (main pool ${poolSeconds.main.toFixed(1)} s, rate-limited pool ${poolSeconds.limited.toFixed(1)} s)`,
        '',
        table(
          ['measure', 'value'],
          [
            ['calls succeeded', succeeded],
            ...[...failures].sort().map(([name, n]): [string, number] => [`calls failed: ${name}`, n]),
            ['  of which IdempotencyDuplicateError with acceptedEarlier (run exists once)', acceptedEarlier],
            ['runs recorded by the simulator', runs.length],
            ['keys with more than one run', [...runsByKey.values()].filter((l) => l.length > 1).length],
            ['runs per succeeded call', (runs.length / Math.max(1, succeeded)).toFixed(3)],
            ['attempts (HTTP requests) in all', instrument.attempts.length],
            ...[...byStatus].sort().map(([s, n]): [string, number] => [`  attempts answered ${s}`, n]),
            ['attempts per call: mean / max', `${(instrument.attempts.length / CALLS).toFixed(2)} / ${Math.max(...attemptsPerCall)}`],
            ['faults applied by the simulator', Object.entries(stats.faults).map(([k, v]) => `${k} ${v}`).join(', ')],
            ['retries after a 429 checked (Retry-After seconds only)', `${retryAfterChecks} (${retryAfterSecondsChecks}; ${stripped} 429s had retry-after-ms removed)`],
            ['retries after a 5xx/drop/timeout checked against the backoff floor', backoffChecks],
            ['retry wait beyond what was due: p50 / p99 / max ms', `${percentile(lateness, 50).toFixed(1)} / ${percentile(lateness, 99).toFixed(1)} / ${Math.max(...lateness).toFixed(1)}`],
            ['call duration p50 / p99 / max ms', `${percentile(ms, 50).toFixed(0)} / ${percentile(ms, 99).toFixed(0)} / ${Math.max(...ms).toFixed(0)}`],
            ['unhandled rejections', unhandled.seen.length],
            ['problems', problems.length],
          ],
        ),
      ].join('\n'),
    );

    expect(problems.slice(0, 20)).toEqual([]);
    expect(unhandled.seen).toEqual([]);
    // The faults must really have happened, or the proof proves nothing.
    expect(retryAfterChecks).toBeGreaterThan(0);
    expect(retryAfterSecondsChecks).toBeGreaterThan(0);
    expect(acceptedEarlier).toBeGreaterThan(0);
    expect(stats.faults.dropBeforeRecord && stats.faults.dropAfterRecord && stats.faults.serverError && stats.faults.slow).toBeGreaterThan(0);
    expect(byStatus.get('error') ?? 0).toBeGreaterThan(0);
    expect(failures.get('RateLimitError') ?? 0).toBeLessThan(limitedCalls);
    expect(succeeded).toBeGreaterThan(0);
  }, 300_000);
});
