/**
 * Waiting for one run: `pollUntilDone` reads it until it ends, each wait chosen by `nextPollDelay`
 * (`poll-delay.ts`), transient errors waited out, stopped by its timeout or signal.
 */
import type { TechniqueRun } from '../../generated/answers.js';
import { APIUserAbortError, RunFailedError, RunTimeoutError } from './errors.js';
import { MAX_INTERVAL, MIN_INTERVAL, nextPollDelay, type PollObservation } from './poll-delay.js';
import { deadline, sleep } from './timers.js';
import { isOutage } from './transient.js';
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

/** At most this many observations are kept by `pollUntilDone` (the first and the latest). */
const KEEP_OBSERVATIONS = 32;

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
        if (!isOutage(err)) throw err;
        // Already retried by the client: the next poll is the next retry.
      }
    }
  } finally {
    limit.clear();
  }
}
