/** When to retry, and how long to wait first. */

/** Statuses worth another attempt: the request timed out, was rate limited, or the server failed. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Waits the server asks for above this are ignored in favour of our own backoff, as Stainless SDKs do. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * The wait the server asked for, in ms: `retry-after-ms`, else `Retry-After` as seconds or an HTTP
 * date. Undefined when absent, unparseable, negative or over `cap`.
 */
export function retryAfterMs(headers: Headers, cap: number = MAX_RETRY_AFTER_MS, now: number = Date.now()): number | undefined {
  let ms: number | undefined;
  const precise = headers.get('retry-after-ms');
  if (precise !== null && precise.trim() !== '' && Number.isFinite(Number(precise))) ms = Number(precise);
  const coarse = headers.get('retry-after');
  if (ms === undefined && coarse !== null && coarse.trim() !== '') {
    ms = /^\s*\d+(\.\d+)?\s*$/.test(coarse) ? Number(coarse) * 1000 : Date.parse(coarse) - now;
  }
  if (ms === undefined || Number.isNaN(ms) || ms < 0 || ms > cap) return undefined;
  return ms;
}

/** Exponential backoff with jitter: min(0.5 s * 2^retry, 8 s), times a random factor in (0.75, 1]. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  return Math.min(500 * 2 ** retry, 8000) * (1 - random() * 0.25);
}

/** A jitter added to a server's Retry-After: up to a quarter of the backoff for this retry. */
export function retryJitterMs(retry: number, random: () => number = Math.random): number {
  return random() * 0.25 * Math.min(500 * 2 ** retry, 8000);
}

/** setTimeout's longest delay; a longer (or infinite) one would fire after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `setTimeout` for a deadline: `Infinity` means none (undefined is returned), longer ones are clamped. */
export function deadlineTimer(ms: number, fire: () => void): ReturnType<typeof setTimeout> | undefined {
  return ms === Infinity ? undefined : setTimeout(fire, Math.min(ms, MAX_TIMER_MS));
}

/** Checks a timeout option: a positive number of ms, or `Infinity` for none. */
export function checkTimeout(name: string, ms: number): number {
  if (typeof ms !== 'number' || !(ms > 0)) throw new RangeError(`${name} must be a positive number of milliseconds (or Infinity), got ${String(ms)}.`);
  return ms;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
