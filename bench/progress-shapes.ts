/**
 * How runs report progress, and what waiting on them costs: the shapes the polling bench
 * (bench/polling.bench.ts) prints and the delay test (src/core/poll-delay.test.ts) asserts. Time is simulated
 * with fake timers, so figures are exact and do not depend on the machine. Not part of the package.
 */
import { vi } from 'vitest';
import type { TechniqueRun } from '../generated/openapi.js';
import { Flora } from '../src/client.js';
import { DEFAULT_API_KEY, startSimulator } from '../src/testing/index.js';
import { json, NESTED_BODY, RUN, scriptedFetch, STARTED, testClient, TOP_BODY, type Recorded } from '../src/test-utils.js';
import { sleep } from '../src/core/timers.js';

/**
 * `informative`: progress (or the estimate) predicts the end, so the end should be noticed within
 * max(0.5 s, 5% of the run) with at most 10 GETs. `misleading`: progress predicts an end far later than
 * the real one (it speeds up abruptly), which no poller can foresee; `uninformative`: nothing predicts the
 * end. For both, the promise is only that the end is noticed within `maxInterval` (30 s).
 */
export type ShapeKind = 'informative' | 'misleading' | 'uninformative';

export interface ProgressShape {
  id: string;
  label: string;
  kind: ShapeKind;
  /** Progress (0-100, reported floored and at most 99 until done) at fraction `f` of the run's time. */
  progress?: (f: number) => number;
  /** Started on the top-level route, whose `estimated_seconds` is this multiple of the true duration. */
  estimate?: number;
  /** Run on the local simulator (pending, then integer progress, as its `runView`) on this route. */
  simulator?: 'nested' | 'top-level';
  /**
   * Targets of an informative shape it does not meet on a run of `seconds`, with why; the table says "no
   * (known)" and nothing asserts them. Everything else applying to the shape is asserted.
   */
  known?: (seconds: number) => { notice?: string; budget?: string };
}

const lerp = (f: number, f0: number, f1: number, p0: number, p1: number) => p0 + ((f - f0) / (f1 - f0)) * (p1 - p0);

export const SHAPES: readonly ProgressShape[] = [
  { id: 'linear', label: 'linear', kind: 'informative', progress: (f) => 100 * f },
  { id: 'linear-estimate', label: 'linear, estimate right', kind: 'informative', progress: (f) => 100 * f, estimate: 1 },
  {
    id: 'ease-in',
    label: 'slow start then fast (~t^2)',
    kind: 'informative',
    progress: (f) => 100 * f * f,
    known: (s) => (s >= 20 ? { budget: 'its first tenth reads 0%, so until then it is polled as a run without progress (every 450 ms)' } : {}),
  },
  {
    id: 'stalls',
    label: 'stalls (at 40% for 30% of the run)',
    kind: 'informative',
    progress: (f) => (f < 0.3 ? lerp(f, 0, 0.3, 0, 40) : f < 0.6 ? 40 : lerp(f, 0.6, 1, 40, 100)),
    known: (s) => ({
      ...(s <= 2 ? { notice: 'the stall falls between the first polls (450 ms apart): it cannot be seen, and it ends later than progress said' } : {}),
      ...(s >= 120 ? { budget: 'while stalled it is polled as if it could resume at once, at its earlier rate' } : {}),
    }),
  },
  {
    id: 'jump-early',
    label: 'jumps 10% -> 90% at 10% of the run',
    kind: 'informative',
    progress: (f) => (f < 0.1 ? lerp(f, 0, 0.1, 0, 10) : lerp(f, 0.1, 1, 90, 100)),
    known: (s) => (s >= 30 ? { budget: 'after the leap the rate is re-learnt from 1% steps' } : {}),
  },
  { id: 'none', label: 'no progress (0% until done)', kind: 'uninformative', progress: () => 0 },
  { id: 'none-estimate', label: 'no progress, estimate right', kind: 'informative', progress: () => 0, estimate: 1 },
  { id: 'at-end', label: 'progress only in the last 10%', kind: 'uninformative', progress: (f) => (f < 0.9 ? 0 : lerp(f, 0.9, 1, 0, 100)) },
  { id: 'estimate-low', label: 'linear, estimate 10x too low', kind: 'informative', progress: (f) => 100 * f, estimate: 0.1 },
  { id: 'estimate-high', label: 'linear, estimate 10x too high', kind: 'informative', progress: (f) => 100 * f, estimate: 10 },
  { id: 'simulator', label: 'simulator, nested route', kind: 'informative', simulator: 'nested' },
  { id: 'simulator-top', label: 'simulator, top-level route', kind: 'informative', simulator: 'top-level' },
  {
    id: 'slow-then-fast',
    label: 'slow then fast, abruptly (10% in 40% of the run)',
    kind: 'misleading',
    progress: (f) => (f < 0.4 ? lerp(f, 0, 0.4, 0, 10) : lerp(f, 0.4, 1, 10, 100)),
  },
  {
    id: 'jump-midway',
    label: 'jumps 10% -> 90% midway, after a slow start',
    kind: 'misleading',
    progress: (f) => (f < 0.5 ? lerp(f, 0, 0.5, 0, 10) : lerp(f, 0.5, 1, 90, 100)),
  },
];

export type Poller = 'adaptive' | 'fixed 500 ms';

/** What waiting on one run cost: GETs, and how long after the run's end it was noticed. */
export interface Measured {
  gets: number;
  delayMs: number;
}

/**
 * A scripted server whose run lasts `seconds` (plus 137 ms, so it does not end in step with a 500 ms
 * poller) from its start request, progressing as `shape` says, floored; records when it ended.
 */
function scripted(shape: ProgressShape, seconds: number) {
  const curve = shape.progress!;
  let t0 = 0;
  const state = { gets: 0, endedAt: 0 };
  const answer = (req: Recorded) => {
    if (req.method === 'POST') {
      t0 = Date.now();
      state.endedAt = t0 + seconds * 1000 + 137;
      return shape.estimate === undefined ? json(RUN) : json({ ...STARTED, estimated_seconds: (shape.estimate * (state.endedAt - t0)) / 1000 });
    }
    state.gets++;
    const done = Date.now() >= state.endedAt;
    const f = (Date.now() - t0) / (state.endedAt - t0);
    const progress = done ? 100 : Math.min(99, Math.max(0, Math.floor(curve(f))));
    const run: TechniqueRun = { ...RUN, status: done ? 'completed' : 'running', progress };
    return json(run);
  };
  return { ...scriptedFetch(answer), state };
}

/** Polls every 500 ms until the run is completed, as a naive client would. */
async function fixedPoller(client: Flora, start: () => Promise<{ run_id: string }>, techniqueId: string) {
  const started = await start();
  for (;;) {
    await sleep(500);
    const r = await client.techniques.runs.retrieve(started.run_id, { techniqueId });
    if (r.status === 'completed') return r;
  }
}

async function measureScripted(shape: ProgressShape, seconds: number, poller: Poller): Promise<Measured> {
  vi.useFakeTimers();
  try {
    const { fetch, state } = scripted(shape, seconds);
    const client = testClient(fetch);
    const top = shape.estimate !== undefined;
    const run =
      poller === 'fixed 500 ms'
        ? fixedPoller(client, () => (top ? client.runs.startTechnique(TOP_BODY) : client.techniques.runs.create('t', NESTED_BODY)), top ? TOP_BODY.technique_id : 't')
        : top
          ? client.runs.startTechniqueAndWait(TOP_BODY)
          : client.techniques.runs.createAndWait('t', NESTED_BODY);
    await vi.runAllTimersAsync();
    await run;
    return { gets: state.gets, delayMs: Date.now() - state.endedAt };
  } finally {
    vi.useRealTimers();
  }
}

/**
 * Settles `promise` in simulated time: while no request is in flight (`busy`), fake time jumps to the
 * next timer (the client's sleep); while one is, the clock stands still and real I/O proceeds. So the
 * simulator, whose clock is the faked `performance.now()`, answers each GET at the instant it was sent.
 */
async function settleIdle<T>(promise: Promise<T>, busy: () => boolean): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve)); // real: setImmediate is not faked
  let idleTurns = 0;
  while (!settled) {
    await turn();
    idleTurns = busy() ? 0 : idleTurns + 1;
    // Two quiet turns: the answer has been read and the next sleep scheduled.
    if (!settled && idleTurns >= 2) {
      idleTurns = 0;
      await vi.advanceTimersToNextTimerAsync();
    }
  }
  return promise;
}

/** Against the local simulator (pending 1 s, then `seconds` of integer progress) with its clock faked. */
export async function measureSimulator(route: 'nested' | 'top-level', seconds: number, poller: Poller): Promise<Measured> {
  // Only these: real I/O needs the real setImmediate and nextTick, and the simulator's ticker is harmless.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  // Started under fake timers, so its SimClock reads the faked performance.now() from the start.
  const pendingSeconds = 1;
  const sim = await startSimulator({ seed: 1, pendingSeconds, runDurationSeconds: seconds });
  try {
    let inFlight = 0;
    let gets = 0;
    const fetch = async (request: Request): Promise<Response> => {
      inFlight++;
      if (request.method === 'GET') gets++;
      try {
        const res = await globalThis.fetch(request);
        const body = await res.arrayBuffer(); // read here, so the client's own read needs no I/O
        const headers = new Headers(res.headers);
        headers.delete('content-encoding');
        headers.delete('content-length');
        return new Response(body, { status: res.status, statusText: res.statusText, headers });
      } finally {
        inFlight--;
      }
    };
    const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, fetch, logLevel: 'off' });
    const technique = 'art-directors-critique';
    const body = { ...TOP_BODY, technique_id: 'tech_abcd1234' };
    // The clock stands still until the start request is answered, so this is when the run was created.
    const endsAt = sim.now() + pendingSeconds + seconds;
    const run =
      poller === 'fixed 500 ms'
        ? fixedPoller(client, () => (route === 'nested' ? client.techniques.runs.create(technique, NESTED_BODY) : client.runs.startTechnique(body)), technique)
        : route === 'nested'
          ? client.techniques.runs.createAndWait(technique, NESTED_BODY)
          : client.runs.startTechniqueAndWait(body);
    const done = await settleIdle(run, () => inFlight > 0);
    if (done.status !== 'completed') throw new Error(`run ended ${done.status}`);
    return { gets, delayMs: Math.round((sim.now() - endsAt) * 1000) };
  } finally {
    await sim.close();
    vi.useRealTimers();
  }
}

/** Waits on one run of `shape` lasting `seconds` with `poller`. */
export function measure(shape: ProgressShape, seconds: number, poller: Poller = 'adaptive'): Promise<Measured> {
  return shape.simulator ? measureSimulator(shape.simulator, seconds, poller) : measureScripted(shape, seconds, poller);
}

/** The notice delay promised for a run of `seconds`: max(0.5 s, 5%). */
export const noticeBound = (seconds: number) => Math.max(500, 0.05 * seconds * 1000);
/** GETs an informative run of up to 120 s may take. */
export const GET_BUDGET = 10;
/** The default `maxInterval`: how late a run nothing predicts may be noticed at worst. */
export const MAX_INTERVAL_MS = 30_000;

/** Which targets apply to `shape` on a run of `seconds`, and whether `m` meets each. */
export function verdict(shape: ProgressShape, seconds: number, m: Measured) {
  const known = shape.kind === 'informative' ? (shape.known?.(seconds) ?? {}) : {};
  const informative = shape.kind === 'informative';
  return {
    notice: m.delayMs <= noticeBound(seconds),
    budget: m.gets <= GET_BUDGET,
    maxInterval: m.delayMs <= MAX_INTERVAL_MS,
    /** Targets asserted: notice and budget for informative shapes (unless known not to be met), else maxInterval. */
    asserts: { notice: informative && !known.notice, budget: informative && !known.budget && seconds <= 120, maxInterval: true },
    known,
  };
}
