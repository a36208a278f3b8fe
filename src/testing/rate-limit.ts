/** Per-API-key token buckets in REAL time: rate limits protect the server, whatever the simulated clock says. */

/** A rate limit: at most `requests` per `perSeconds`, with bursts up to `requests`. */
export interface RateLimit {
  requests: number;
  perSeconds: number;
}

/** The outcome of taking one token. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** One token bucket. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly ratePerMs: number;

  /** @param nowMs real clock; injectable for tests. */
  constructor(
    private readonly limit: RateLimit,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(limit.requests >= 1) || !(limit.perSeconds > 0)) throw new RangeError('rateLimit needs requests >= 1 and perSeconds > 0.');
    this.tokens = limit.requests;
    this.last = nowMs();
    this.ratePerMs = limit.requests / (limit.perSeconds * 1000);
  }

  /** Takes a token if there is one; otherwise says how long until there will be. */
  take(): RateDecision {
    const now = this.nowMs();
    this.tokens = Math.min(this.limit.requests, this.tokens + (now - this.last) * this.ratePerMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: (1 - this.tokens) / this.ratePerMs };
  }
}

/** The `Retry-After` (integer seconds, at least 1) and `retry-after-ms` headers for a wait. */
export function retryAfterHeaders(retryAfterMs: number): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    'retry-after-ms': String(Math.max(1, Math.ceil(retryAfterMs))),
  };
}
