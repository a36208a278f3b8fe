/**
 * Waiting for an asset to become `ready`, with the runs' adaptive waiting (`nextPollDelay`): an asset has
 * no progress, so each wait is the slack, max(minInterval, 4.5% of the time waited so far), which notices
 * a quick asset within half a second and asks about a slow one ever more rarely. FLORA's SDK polls a fixed
 * second instead.
 */
import type { Asset } from '../../generated/answers.js';
import { APIUserAbortError, AssetFailedError, AssetTimeoutError } from '../core/errors.js';
import { deadline, sleep } from '../core/timers.js';
import { msProblems, refuseOptions } from '../core/validation.js';
import { nextPollDelay, type PollObservation } from '../core/poll-delay.js';
import { isOutage } from '../core/transient.js';

/** How `assets.upload` (and `assets.waitUntilReady`) wait for an asset. */
export interface AssetWaitOptions {
  /** Stops waiting (and any GET in flight) at once with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** The longest wait, in ms; then `AssetTimeoutError` with the last state. Default 10 minutes. */
  waitTimeout?: number | undefined;
  /** Shortest wait between GETs, in ms (at least 50). Default 450. */
  minInterval?: number | undefined;
  /** Longest wait between GETs, in ms. Default 30 000. */
  maxInterval?: number | undefined;
}

export const DEFAULT_ASSET_WAIT = 10 * 60_000;

/**
 * Polls `read` until the asset is `ready` (returns it) or `failed` (`AssetFailedError`), the limit passes
 * (`AssetTimeoutError`) or the signal aborts (`APIUserAbortError`). Errors a retry may cure (429, 5xx, no
 * answer), left after the client's own retries, are waited out until the limit.
 */
export async function waitForAsset(assetId: string, read: (signal: AbortSignal | undefined) => Promise<Asset>, options: AssetWaitOptions = {}): Promise<Asset> {
  const timeout = options.waitTimeout ?? DEFAULT_ASSET_WAIT;
  const min = options.minInterval ?? 450;
  refuseOptions([...msProblems('waitTimeout', timeout), ...msProblems('minInterval', min, { min: 50, infinite: false }), ...msProblems('maxInterval', options.maxInterval ?? 30_000, { min })]);
  const startedAt = Date.now();
  const limit = deadline(timeout, options.signal);
  const observations: PollObservation[] = [];
  let last: Asset | undefined;
  try {
    // The first read at once: a create that answered `ready` (a direct upload) still gets one, since the
    // answer to a create is not the asset's metadata.
    for (let first = true; ; first = false) {
      if (!first) {
        const delay = nextPollDelay({ now: Date.now(), startedAt, observations, minInterval: min, maxInterval: options.maxInterval });
        await sleep(delay, limit.signal).catch(() => {
          throw stop();
        });
      }
      try {
        const sentAt = Date.now();
        last = await read(limit.signal);
        observations.push({ at: (sentAt + Date.now()) / 2, progress: 0 });
        if (observations.length > 32) observations.splice(1, 1);
      } catch (err) {
        if (limit.signal?.aborted) throw stop();
        if (!isOutage(err)) throw err;
        continue;
      }
      if (last.status === 'ready') return last;
      if (last.status === 'failed') throw new AssetFailedError(last);
    }
  } finally {
    limit.clear();
  }

  function stop(): Error {
    if (options.signal?.aborted) return new APIUserAbortError({ message: 'Stopped waiting: aborted.', cause: options.signal.reason });
    return new AssetTimeoutError(assetId, timeout, last);
  }
}
