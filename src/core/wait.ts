/**
 * Waiting for a run to end with as few GETs as possible while still noticing the end promptly.
 *
 * A fixed interval is either wasteful (500 ms polls a two-minute video run 240 times) or slow to notice
 * (6 s polls notice a 2 s run 4 s late). Instead each wait is derived from what has been seen:
 *  - `slack`: how late we may notice, max(minInterval, 4.5% of the time waited so far), so the notice
 *    delay stays under max(0.5 s, 5% of the run's duration). It is the shortest wait, and the wait whenever
 *    nothing predicts the end.
 *  - Progress, read as integer percentages (each reading is a floor: the true progress is in [p, p + 1)).
 *    Only observations of a started run count: a `pending` run at 0% says nothing about its speed. The
 *    rate is fitted to the longest recent stretch of readings that one constant rate explains, so an older
 *    slower or faster phase does not drag it; its bounds give the earliest, likeliest and latest end.
 *    A run that accelerates from its start (progress ~ t^2) is allowed for while the readings fit that
 *    too; a run that stalls after moving may resume at any moment at the rate it had.
 *  - Otherwise the API's `estimated_seconds`, trusted only as far as the readings go: the first poll is at
 *    most 1/20 of the way (an estimate even ten times too high is caught before the run ends), then at
 *    most doubling the time waited, until progress says more.
 * The next poll is at the latest possible end when that is within `slack` of the earliest, else at
 * the sooner of 90% of the way to the likeliest end and the earliest end, never more than 8 times as far
 * ahead as the readings behind the rate reach back; always within [slack, maxInterval].
 */
import type { TechniqueRun } from '../../generated/answers.js';
import { APIConnectionError, APIUserAbortError, InternalServerError, RateLimitError, RunFailedError, RunTimeoutError } from './errors.js';
import { deadline, sleep } from './timers.js';
import { msProblems, refuseOptions } from './validation.js';

/** Options of `wait`, `createAndWait` and `startTechniqueAndWait`. */
export interface WaitOptions {
  /** Stops waiting (and any GET in flight) at once with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /**
   * Overall limit of the wait in ms; then `RunTimeoutError` with the last state. Default 30 minutes.
   * (`timeout`, as on every call, is the limit of each request's attempt.)
   */
  waitTimeout?: number | undefined;
  /** Called with every state seen, the first and the final one included. */
  onProgress?: ((run: TechniqueRun) => void) | undefined;
  /** Shortest wait between GETs in ms, at least 50. Default 450. */
  minInterval?: number | undefined;
  /** Longest wait between GETs in ms, at least `minInterval` (or Infinity). Default 30 000. */
  maxInterval?: number | undefined;
  /** The API's estimate of the run's duration, when known (the top-level route returns one, or `null`). */
  estimatedSeconds?: number | null | undefined;
}

export const DEFAULT_WAIT_TIMEOUT = 30 * 60_000;
const MIN_INTERVAL = 450;
const MAX_INTERVAL = 30_000;

/** What one GET showed: when (ms), the run's `progress` (0-100) and, when known, its `status`. */
export interface PollObservation {
  at: number;
  progress: number;
  /** `pending` readings are no evidence of the rate (the run has not started); absent counts as started. */
  status?: string | undefined;
}

/** At most this many observations are kept by `pollUntilDone` (the first and the latest). */
const KEEP_OBSERVATIONS = 32;
/** How far towards the likeliest end each poll aims. */
const AIM = 0.9;
/** A rate is not extrapolated further ahead than this many times the span of the readings it rests on. */
const HORIZON = 8;
/** Without progress, the first poll is at most this fraction of the way to the estimated end. */
const FIRST_PROBE_OF_ESTIMATE = 1 / 20;

/** Rate bounds (progress points per ms) of one constant rate through floored readings. */
interface Rate {
  lo: number;
  hi: number;
}

const ANY_RATE: Rate = { lo: 0, hi: Infinity };

/** `rate` narrowed to what readings `a` and `b` allow: floor(p_b) - floor(p_a) is within 1 of p_b - p_a. */
function narrow(rate: Rate, a: PollObservation, b: PollObservation): Rate {
  const dt = b.at - a.at;
  if (!(dt > 0)) return rate;
  const dp = b.progress - a.progress;
  return { lo: Math.max(rate.lo, (dp - 1) / dt), hi: Math.min(rate.hi, (dp + 1) / dt) };
}

/** The bounds one constant rate through readings `obs[from..end]` must keep, or undefined if none fits. */
function rateOf(obs: readonly PollObservation[], from: number, end: number): Rate | undefined {
  let rate = ANY_RATE;
  for (let j = from; j < end; j++) for (let i = j + 1; i <= end; i++) rate = narrow(rate, obs[j]!, obs[i]!);
  return rate.lo <= rate.hi ? rate : undefined;
}

/** Where the longest stretch of readings ending at `end` that one rate explains starts, and whether an older reading contradicts it. */
function stretchStart(obs: readonly PollObservation[], end: number): { from: number; changed: boolean } {
  let rate = ANY_RATE;
  for (let j = end - 1; j >= 0; j--) {
    let wider = rate;
    for (let i = j + 1; i <= end; i++) wider = narrow(wider, obs[j]!, obs[i]!);
    if (wider.lo > wider.hi) return { from: j + 1, changed: true };
    rate = wider;
  }
  return { from: 0, changed: false };
}

/**
 * Earliest and likeliest end (ms) if progress is c·(t − s)², the run having started at some s in
 * [sLo, first reading]: a run that accelerates from its start. Undefined when the readings rule it out.
 */
function acceleratingEnd(obs: readonly PollObservation[], sLo: number): { earliest: number; likeliest: number } | undefined {
  const sHi = obs[0]?.at;
  if (sHi === undefined || !(sHi >= sLo)) return undefined;
  const STEPS = 8;
  let earliest = Infinity;
  let likeliest = Infinity;
  for (let k = 0; k <= STEPS; k++) {
    const s = sLo + ((sHi - sLo) * k) / STEPS;
    let lo = 0;
    let hi = Infinity;
    for (const o of obs) {
      const d = o.at - s;
      if (d > 0) {
        lo = Math.max(lo, o.progress / (d * d));
        hi = Math.min(hi, (o.progress + 1) / (d * d));
      } else if (o.progress > 0) hi = -1; // moving before it started: not this s
    }
    if (!(lo > 0) || lo > hi) continue; // ruled out, or nothing has moved
    earliest = Math.min(earliest, s + Math.sqrt(100 / hi));
    likeliest = Math.min(likeliest, s + Math.sqrt(100 / ((lo + hi) / 2)));
  }
  return earliest < Infinity ? { earliest, likeliest } : undefined;
}

/**
 * The wait (ms) that progress calls for; `'probe'` when it has just changed and needs another reading
 * soon; undefined when it says nothing (no started reading has moved).
 */
function progressWait(obs: readonly PollObservation[], now: number, startedNoEarlierThan: number, slack: number): number | 'probe' | undefined {
  const end = obs.length - 1;
  const last = obs[end];
  if (!last || last.progress >= 100) return undefined;
  const stretch = stretchStart(obs, end);
  let from = stretch.from;
  if (stretch.changed) {
    // Its oldest reading may predate the change; after a speed-up, so may the flat run it starts.
    const older = obs[from - 1]!;
    const first = obs[from]!;
    const rateBefore = (first.progress - older.progress) / (first.at - older.at);
    const rateAfter = (last.progress - first.progress) / (last.at - first.at);
    from++;
    if (rateAfter > rateBefore) while (from < end && obs[from]!.progress === first.progress) from++;
  }
  const probe = () => (last.progress > 0 || stretch.changed ? 'probe' : undefined);
  if (from >= end) return probe();
  const moved = obs[from]!.progress !== last.progress;
  if (moved) {
    // A flat spell longer than the movement after it may also predate a change (progress only at the end).
    let flatEnd = from;
    while (obs[flatEnd + 1]!.progress === obs[from]!.progress) flatEnd++;
    if (flatEnd > from && obs[flatEnd]!.at - obs[from]!.at > last.at - obs[flatEnd]!.at) from = flatEnd + 1;
    if (from >= end) return probe();
  }
  const left = 100 - last.progress;
  if (!moved) {
    // Flat: nothing to go on yet, or a stall after moving, which may end at once at the rate it had.
    if (last.progress === 0 || !stretch.changed) return undefined;
    let plateau = end;
    while (plateau > 0 && obs[plateau - 1]!.progress === last.progress) plateau--;
    if (plateau === 0) return undefined;
    const prior = stretchStart(obs, plateau - 1).from;
    const rate = prior < plateau - 1 ? rateOf(obs, prior, plateau - 1) : rateOf(obs, plateau - 1, plateau);
    if (!rate || !(rate.hi > 0)) return 'probe';
    return Math.min(AIM * ((left - 0.5) / ((rate.lo + rate.hi) / 2)), (left - 1) / rate.hi);
  }
  const rate = rateOf(obs, from, end)!; // part of a stretch one rate explains
  const since = now - last.at;
  const earliest = (left - 1) / rate.hi - since;
  const likeliest = (left - 0.5) / ((rate.lo + rate.hi) / 2) - since;
  const latest = rate.lo > 0 ? left / rate.lo - since : Infinity;
  const horizon = HORIZON * (last.at - obs[from]!.at);
  let wait = latest - earliest <= slack && latest <= horizon ? latest : Math.min(AIM * likeliest, earliest, horizon);
  const accelerating = acceleratingEnd(obs, startedNoEarlierThan);
  if (accelerating) wait = Math.min(wait, AIM * (accelerating.likeliest - now), accelerating.earliest - now);
  return wait;
}

/** The wait before the next GET, in ms, from what has been observed since `startedAt`. */
export function nextPollDelay(input: {
  now: number;
  startedAt: number;
  observations: readonly PollObservation[];
  estimatedSeconds?: number | null | undefined;
  minInterval?: number | undefined;
  maxInterval?: number | undefined;
}): number {
  const min = input.minInterval ?? MIN_INTERVAL;
  const max = input.maxInterval ?? MAX_INTERVAL;
  const elapsed = input.now - input.startedAt;
  const slack = Math.max(min, 0.045 * elapsed);
  const started = (o: PollObservation) => o.status !== 'pending' && Number.isFinite(o.progress) && Number.isFinite(o.at);
  const evidence = input.observations.filter(started);
  // The run started after its last pending reading (or after the wait began, when it was never seen pending).
  const firstStarted = input.observations.findIndex(started);
  const notBefore = firstStarted > 0 ? input.observations[firstStarted - 1]!.at : input.startedAt;
  let wait = progressWait(evidence, input.now, notBefore, slack);
  if (wait === undefined && typeof input.estimatedSeconds === 'number' && input.estimatedSeconds > 0) {
    const estimated = input.estimatedSeconds * 1000;
    const remaining = estimated - elapsed;
    wait = remaining > 0 ? Math.min(AIM * remaining, Math.max(FIRST_PROBE_OF_ESTIMATE * estimated, elapsed)) : undefined;
  }
  return Math.min(max, Math.max(slack, typeof wait === 'number' && wait > 0 ? wait : 0));
}

const TERMINAL = new Set(['completed', 'failed']);

/**
 * `requestTimeout` became `timeout` (per attempt, as on every call) and the overall limit `waitTimeout`:
 * a caller still passing the old name is told, rather than having it ignored.
 */
export function renamedOptionProblems(options: object): { field: string; message: string }[] {
  return 'requestTimeout' in options && (options as { requestTimeout?: unknown }).requestTimeout !== undefined
    ? [{ field: 'requestTimeout', message: 'is now `timeout` (the limit of each request attempt); the limit of the whole wait is `waitTimeout`' }]
    : [];
}
const TRANSIENT = [RateLimitError, InternalServerError, APIConnectionError];

/**
 * Polls `fetchRun` until the run is completed (returns it) or failed (`RunFailedError`), the timeout
 * passes (`RunTimeoutError`) or the signal aborts (`APIUserAbortError`). Transient errors (429, 5xx, no
 * connection) after the client's own retries are waited out, not thrown, until the timeout.
 */
export async function pollUntilDone(
  runId: string,
  fetchRun: (signal: AbortSignal | undefined) => Promise<TechniqueRun>,
  options: WaitOptions & { initial?: TechniqueRun | undefined } = {},
): Promise<TechniqueRun> {
  const timeout = options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT;
  const min = options.minInterval ?? MIN_INTERVAL;
  refuseOptions([
    ...renamedOptionProblems(options),
    ...msProblems('waitTimeout', timeout),
    // A shorter one would poll many times a second.
    ...msProblems('minInterval', min, { min: 50, infinite: false }),
    ...msProblems('maxInterval', options.maxInterval ?? MAX_INTERVAL, { min }),
  ]);
  const startedAt = Date.now();
  const limit = deadline(timeout, options.signal);
  const { signal } = limit;
  const observations: PollObservation[] = [];
  let run = options.initial;
  // A GET's answer holds at some instant during the request: take the middle of it.
  const seen = (r: TechniqueRun, sentAt = Date.now()) => {
    run = r;
    observations.push({ at: (sentAt + Date.now()) / 2, progress: r.progress, status: r.status });
    if (observations.length > KEEP_OBSERVATIONS) observations.splice(1, 1); // keep the first and the latest
    options.onProgress?.(r);
  };
  const stop = () => {
    if (options.signal?.aborted) return new APIUserAbortError({ message: 'Stopped waiting: aborted.', cause: options.signal.reason });
    return new RunTimeoutError(runId, timeout, run);
  };
  try {
    if (run) seen(run);
    for (;;) {
      if (run && TERMINAL.has(run.status)) {
        if (run.status === 'failed') throw new RunFailedError(run);
        return run;
      }
      const delay = nextPollDelay({ now: Date.now(), startedAt, observations, ...options });
      await sleep(delay, signal).catch(() => {
        throw stop();
      });
      try {
        const sentAt = Date.now();
        seen(await fetchRun(signal), sentAt);
      } catch (err) {
        if (signal?.aborted) throw stop();
        if (!TRANSIENT.some((T) => err instanceof T)) throw err;
        // Already retried by the client: the next poll is the next retry.
      }
    }
  } finally {
    limit.clear();
  }
}
