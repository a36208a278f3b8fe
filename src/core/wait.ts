/**
 * Waiting for a run to end with as few GETs as possible while still noticing the end promptly.
 *
 * A fixed interval is either wasteful (500 ms polls a two-minute video run 240 times) or slow to notice
 * (6 s polls notice a 2 s run 4 s late). Instead each wait is derived from what is known:
 *  - `slack`: how late we may notice, max(minInterval, 4.5% of the time waited so far), so the notice
 *    delay stays under max(0.5 s, 5% of the run's duration);
 *  - the predicted time left, from the progress rate between two observations, else from the API's
 *    `estimated_seconds`;
 * and the next poll is 90% of the way to the predicted end, but never sooner than `slack`.
 */
import type { TechniqueRun } from '../../generated/answers.js';
import { APIConnectionError, APIUserAbortError, InternalServerError, RateLimitError, RunFailedError, RunTimeoutError } from './errors.js';
import { deadline, sleep } from './timers.js';
import { msProblems, refuseOptions } from './validation.js';

/** Options of `wait`, `createAndWait` and `startTechniqueAndWait`. */
export interface WaitOptions {
  /** Stops waiting (and any GET in flight) at once with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Overall limit in ms; then `RunTimeoutError` with the last state. Default 30 minutes. */
  timeout?: number | undefined;
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

interface Observation {
  at: number;
  progress: number;
}

/** The wait before the next GET, in ms, from what has been observed since `startedAt`. */
export function nextPollDelay(input: {
  now: number;
  startedAt: number;
  observations: readonly Observation[];
  estimatedSeconds?: number | null | undefined;
  minInterval?: number | undefined;
  maxInterval?: number | undefined;
}): number {
  const min = input.minInterval ?? MIN_INTERVAL;
  const max = input.maxInterval ?? MAX_INTERVAL;
  const elapsed = input.now - input.startedAt;
  const slack = Math.max(min, 0.045 * elapsed);
  let remaining: number | undefined;
  const last = input.observations.at(-1);
  const first = input.observations.find((o) => last && o.at < last.at && o.progress < last.progress);
  if (first && last && last.progress < 100) {
    const rate = (last.progress - first.progress) / (last.at - first.at);
    remaining = (100 - last.progress) / rate - (input.now - last.at);
  } else if (typeof input.estimatedSeconds === 'number' && input.estimatedSeconds > 0) {
    remaining = input.estimatedSeconds * 1000 - elapsed;
  }
  const target = remaining !== undefined && remaining > 0 ? 0.9 * remaining : 0;
  return Math.min(max, Math.max(slack, target));
}

const TERMINAL = new Set(['completed', 'failed']);
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
  const timeout = options.timeout ?? DEFAULT_WAIT_TIMEOUT;
  const min = options.minInterval ?? MIN_INTERVAL;
  refuseOptions([
    ...msProblems('timeout', timeout),
    // A shorter one would poll many times a second.
    ...msProblems('minInterval', min, { min: 50, infinite: false }),
    ...msProblems('maxInterval', options.maxInterval ?? MAX_INTERVAL, { min }),
  ]);
  const startedAt = Date.now();
  const limit = deadline(timeout, options.signal);
  const { signal } = limit;
  const observations: Observation[] = [];
  let run = options.initial;
  const seen = (r: TechniqueRun) => {
    run = r;
    observations.push({ at: Date.now(), progress: r.progress });
    if (observations.length > 8) observations.splice(1, 1); // keep the first (the baseline) and the latest
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
        seen(await fetchRun(signal));
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
