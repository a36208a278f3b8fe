import { describe, expect, it } from 'vitest';
import { retryAfterHeaders, TokenBucket } from './rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst of `requests`, then refills at requests/perSeconds', () => {
    let now = 0;
    const bucket = new TokenBucket({ requests: 2, perSeconds: 10 }, () => now);
    expect(bucket.take()).toEqual({ allowed: true });
    expect(bucket.take()).toEqual({ allowed: true });
    const denied = bucket.take();
    expect(denied.allowed).toBe(false);
    if (!denied.allowed) expect(denied.retryAfterMs).toBeCloseTo(5000);
    now = 2500;
    const half = bucket.take();
    if (half.allowed) throw new Error('expected a refusal');
    expect(half.retryAfterMs).toBeCloseTo(2500);
    now = 5000;
    expect(bucket.take()).toEqual({ allowed: true });
  });

  it('turns a wait into an integer Retry-After of at least 1 and a precise retry-after-ms', () => {
    expect(retryAfterHeaders(1234.2)).toEqual({ 'retry-after': '2', 'retry-after-ms': '1235' });
    expect(retryAfterHeaders(10)).toEqual({ 'retry-after': '1', 'retry-after-ms': '10' });
    expect(retryAfterHeaders(3000)).toEqual({ 'retry-after': '3', 'retry-after-ms': '3000' });
  });

  it('refuses an impossible limit', () => {
    expect(() => new TokenBucket({ requests: 0, perSeconds: 1 })).toThrow(RangeError);
  });
});
