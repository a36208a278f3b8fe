/**
 * The delay estimator of polling: when to read a run next so its end is noticed promptly with as few
 * GETs as possible (`wait.ts` owns the loop that waits it out).
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

/** Shortest and longest wait between GETs by default (ms). */
export const MIN_INTERVAL = 450;
export const MAX_INTERVAL = 30_000;

/** What one GET showed: when (ms), the run's `progress` (0-100) and, when known, its `status`. */
export interface PollObservation {
  at: number;
  progress: number;
  /** `pending` readings are no evidence of the rate (the run has not started); absent counts as started. */
  status?: string | undefined;
}

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
