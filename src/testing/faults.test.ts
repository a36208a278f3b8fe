import { describe, expect, it } from 'vitest';
import { FaultInjector, type FaultOptions } from './faults.js';
import { Random } from './random.js';

const plans = (options: FaultOptions, seed: number, route: 'create' | 'retrieve' = 'create') => {
  const injector = new FaultInjector(options, new Random(seed));
  return Array.from({ length: 50 }, () => injector.plan(route));
};

describe('FaultInjector', () => {
  it('is deterministic under a seed', () => {
    const options: FaultOptions = { serverErrorRate: 0.2, dropAfterRecordRate: 0.2, latencyMs: [1, 5] };
    expect(plans(options, 5)).toEqual(plans(options, 5));
    expect(plans(options, 5)).not.toEqual(plans(options, 6));
  });

  it('applies each rate about as often as asked, one fault at most per request', () => {
    const injector = new FaultInjector({ serverErrorRate: 0.25, malformedRate: 0.25 }, new Random(11));
    const kinds = Array.from({ length: 4000 }, () => injector.plan('create').fault);
    const share = (k: string | undefined) => kinds.filter((x) => x === k).length / kinds.length;
    expect(share('serverError')).toBeGreaterThan(0.2);
    expect(share('serverError')).toBeLessThan(0.3);
    expect(share('malformed')).toBeGreaterThan(0.2);
    expect(share(undefined)).toBeGreaterThan(0.45);
  });

  it('adds latency within bounds, slowMs for slow answers, and spares routes not listed', () => {
    for (const p of plans({ latencyMs: [10, 20] }, 1)) expect(p.delayMs >= 10 && p.delayMs <= 20).toBe(true);
    for (const p of plans({ slowRate: 1, slowMs: 300 }, 1)) expect(p).toEqual({ delayMs: 300, fault: 'slow' });
    for (const p of plans({ serverErrorRate: 1, routes: ['create'] }, 1, 'retrieve')) expect(p).toEqual({ delayMs: 0, fault: undefined });
    expect(() => new FaultInjector({ latencyMs: [5, 1] }, new Random(1))).toThrow(RangeError);
  });
});
