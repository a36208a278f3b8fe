/** The retry policy: which answers are worth another attempt, and how long to wait before it. */

/**
 * Whether an answer is worth another attempt: never a 2xx; else the server's `x-should-retry: true|false`
 * when it says (as Stainless SDKs honour it), else whether the request timed out, was rate limited, or the server failed.
 */
export function isRetryable(status: number, headers: Headers): boolean {
  // A success is never retried, whatever a header says: after a POST it started a run, and a retry
  // could only turn that run into an idempotency_duplicate error.
  if (status >= 200 && status < 300) return false;
  const said = headers.get('x-should-retry');
  if (said === 'true') return true;
  if (said === 'false') return false;
  return status === 408 || status === 429 || status >= 500;
}

/** The longest wait the client makes between attempts; a server asking for longer gets the error instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The wait the server asked for, in ms: `retry-after-ms` (a decimal number), else `Retry-After` as
 * seconds or an HTTP date. Undefined when absent, unparseable, negative or over `cap`.
 */
export function retryAfterMs(headers: Headers, cap: number = Infinity, now: number = Date.now()): number | undefined {
  let ms: number | undefined;
  const precise = headers.get('retry-after-ms')?.trim();
  if (precise !== undefined && DECIMAL.test(precise)) ms = Number(precise);
  const coarse = headers.get('retry-after');
  if (ms === undefined && coarse !== null && coarse.trim() !== '') {
    ms = DECIMAL.test(coarse.trim()) ? Number(coarse) * 1000 : Date.parse(coarse) - now;
  }
  if (ms === undefined || Number.isNaN(ms) || ms < 0 || ms > cap) return undefined;
  return ms;
}

/** The backoff before retry `retry` (0 for the first): min(0.5 s * 2^retry, 8 s). */
const base = (retry: number) => Math.min(500 * 2 ** retry, 8000);

/**
 * The wait before retry `retry`: the backoff times a random factor in (0.75, 1], or, when the server
 * asked for `askedMs`, that plus a jitter of up to a quarter of the backoff. A Retry-After is usually the
 * time to the next free slot, and every client told the same slot would retry at the same instant; the
 * jitter spreads them (0-125 ms on the first retry), small enough not to leave slots unused.
 */
export function retryDelayMs(retry: number, askedMs: number | undefined, random: () => number = Math.random): number {
  return askedMs === undefined ? base(retry) * (1 - random() * 0.25) : askedMs + random() * 0.25 * base(retry);
}

/**
 * The wait before resending after `failures` failures in a row (1 for the first): 100 ms doubling up to
 * 8 s, times a random factor in (0.75, 1] so many callers do not resend at the same instant. Short at
 * first: a dropped connection is usually fine on the next try.
 */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  return Math.min(100 * 2 ** Math.max(0, failures - 1), 8000) * (0.75 + random() * 0.25);
}

