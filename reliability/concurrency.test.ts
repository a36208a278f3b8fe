/**
 * Many runs started and waited for at once (half `techniques.runs.createAndWait`, half
 * `runs.startTechniqueAndWait`) against the simulator's per-key rate limit, with a high time scale so runs
 * are short and the limit is what bounds the total time. All must complete, none twice (one run per
 * Idempotency-Key, runs == calls). How long the whole takes against the least time the limit allows for
 * the requests that got through, (admitted requests - burst) / rate, is printed (about 1.1x on an idle
 * machine); the test asserts only a wide must-not-stall bound (4x), since a busy machine is slower.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flora, type TechniqueRun } from '../src/index.js';
import type { SimulatorProfile } from '../src/testing/index.js';
import { instrumentedFetch, percentile, pool, table, trackUnhandledRejections } from './harness.js';
import { startRemoteSimulator, type RemoteSimulator } from './remote-simulator.js';
import { pick, SCALE_NAME } from './scale.js';

const RUNS = pick(100, 1_000);
/** The limit: RATE requests per second, in bursts of at most BURST. */
const RATE = pick(40, 200);
const BURST = pick(4, 20);
/**
 * Just enough waiters to keep the limit nearly busy: a run needs two requests and ~0.47 s (the first poll
 * comes after the 450 ms minimum interval), so 0.22 x RATE runs at a time ask for ~94% of RATE requests a
 * second. More waiters than the limit serves make a herd: every 429 asks for the time until the next single
 * token (retry-after-ms), all waiters come back at that same moment and all but one get another 429. With
 * RATE / 4 waiters (6% over) a full run saw 6,753 429s for 2,000 admitted requests, one start needing 28.
 */
const CONCURRENCY = Math.ceil(RATE * 0.22);
/**
 * Retries per request. Near the limit a 429 is a normal answer, and each asks for a few ms only (the time to
 * the next token), so the default 2 retries can run out within ~10 ms of contention: the table shows how
 * many starts would have failed with it. A budget of cheap retries is what a bulk job needs here.
 */
const MAX_RETRIES = 20;
const KEY = 'flora_rel_concurrency';

const NESTED = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a red fox' }], mode: 'async' as const };
const TOP = { inputs: { prompt: 'a red fox' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' };

// Both profiles at the full scale; npm test's small run takes the live one (the seeds one's answers are what most other tests read).
describe.each<SimulatorProfile>(pick(['live'], ['seeds', 'live']))('answers of the %s profile', (profile) => {
  let sim: RemoteSimulator;
  beforeAll(async () => {
    // 20 simulated seconds of running take 0.2 s at this time scale.
    sim = await startRemoteSimulator({ seed: 11, profile, timeScale: 100, runDurationSeconds: 20, keys: { [KEY]: { rateLimit: { requests: BURST, perSeconds: BURST / RATE } } } });
  });
  afterAll(() => sim?.close());

  it(`${RUNS} runs started and waited for under a ${RATE}/s limit (${SCALE_NAME}, ${profile} profile): all complete, none twice, within 1.3x of the limit`, async () => {
    const instrument = instrumentedFetch();
    const client = new Flora({ apiKey: KEY, baseUrl: sim.url, fetch: instrument.fetch, logLevel: 'off', maxRetries: MAX_RETRIES, timeout: 10_000 });
    const unhandled = trackUnhandledRejections();
    const results: (TechniqueRun | Error)[] = new Array(RUNS);
    const durations: number[] = [];
    const t0 = performance.now();
    try {
      await pool(RUNS, CONCURRENCY, async (i) => {
        // The first wave starts spread over one request interval each, not all in the same millisecond.
        if (i < CONCURRENCY) await new Promise((r) => setTimeout(r, (i * 2000) / RATE));
        const started = performance.now();
        try {
          results[i] =
            i % 2 === 0
              ? await client.techniques.runs.createAndWait('art-directors-critique', NESTED, { waitTimeout: 60_000 })
              : await client.runs.startTechniqueAndWait(TOP, { waitTimeout: 60_000 });
        } catch (e) {
          results[i] = e as Error;
        }
        durations.push(performance.now() - started);
      });
    } finally {
      unhandled.stop();
    }
    const elapsed = (performance.now() - t0) / 1000;

    const count = (f: (a: (typeof instrument.attempts)[number]) => boolean) => instrument.attempts.filter(f).length;
    const posts = count((a) => a.method === 'POST');
    const gets = count((a) => a.method === 'GET');
    const limited = count((a) => a.status === 429);
    const admittedPosts = count((a) => a.method === 'POST' && a.status !== 429);
    const admitted = instrument.attempts.length - limited;
    const minimum = Math.max(0, admitted - BURST) / RATE;
    const ratio = elapsed / minimum;
    // The most 429s one start (a POST, by its Idempotency-Key) got before it went through.
    let mostInARow = 0;
    for (const list of instrument.byKey.values()) mostInARow = Math.max(mostInARow, list.filter((a) => a.status === 429).length);
    // Starts whose first three attempts were all 429: they would have failed with the default maxRetries (2).
    let failWithDefault = 0;
    for (const list of instrument.byKey.values()) if (list.length >= 3 && list.slice(0, 3).every((a) => a.status === 429)) failWithDefault++;

    const runs = await sim.listRuns();
    const byKey = new Map<string, number>();
    for (const r of runs) byKey.set(String(r.idempotencyKey), (byKey.get(String(r.idempotencyKey)) ?? 0) + 1);
    const failed = results.filter((r) => r instanceof Error);
    const completed = results.filter((r) => !(r instanceof Error) && r.status === 'completed');
    const returned = new Set(results.filter((r): r is TechniqueRun => !(r instanceof Error)).map((r) => r.run_id));

    console.log(
      [
        '',
        `### Concurrency (${SCALE_NAME}): ${RUNS} runs, ${CONCURRENCY} at a time, limit ${RATE}/s in bursts of ${BURST}`,
        '',
        table(
          ['measure', 'value'],
          [
            ['runs completed', `${completed.length} of ${RUNS}`],
            ['failed', failed.length ? `${failed.length} (${failed[0]!.name}: ${failed[0]!.message})` : 0],
            ['runs recorded / distinct keys / keys with 2+ runs', `${runs.length} / ${byKey.size} / ${[...byKey.values()].filter((n) => n > 1).length}`],
            ['requests: POST / GET / answered 429', `${posts} / ${gets} / ${limited}`],
            ['POSTs admitted (one per run: no lost answers here)', admittedPosts],
            ['admitted requests (not 429)', admitted],
            ['least time the limit allows: (admitted - burst) / rate', `${minimum.toFixed(2)} s`],
            ['measured', `${elapsed.toFixed(2)} s`],
            ['measured / least', `${ratio.toFixed(3)}x (target 1.3x on an idle machine; asserted: under 4x)`],
            ['time per run p50 / p99', `${percentile(durations, 50).toFixed(0)} / ${percentile(durations, 99).toFixed(0)} ms`],
            ['most 429s one start got before it went through', `${mostInARow} (maxRetries ${MAX_RETRIES})`],
            ['starts that would have failed with the default maxRetries (2)', failWithDefault],
          ],
        ),
      ].join('\n'),
    );

    expect(unhandled.seen).toEqual([]);
    expect(failed.map((e) => `${e.name}: ${e.message}`).slice(0, 5)).toEqual([]);
    expect(completed.length).toBe(RUNS);
    expect(returned.size).toBe(RUNS);
    expect(runs.length).toBe(RUNS);
    expect(byKey.size).toBe(RUNS);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    expect(admittedPosts).toBe(RUNS);
    // Not a speed target (those live in bench/): a bound wide enough that only a stall or a herd of retries passes it.
    expect(ratio).toBeLessThanOrEqual(4);
  }, 300_000);
});
