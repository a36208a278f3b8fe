import { describe, expect, it } from 'vitest';
import { hashSeed, mulberry32, Random } from './random.js';

describe('Random', () => {
  it('replays the same sequence for the same seed, and a different one for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('makes ids of the prefix and alphabet asked for', () => {
    const r = new Random(7);
    expect(r.id('run_')).toMatch(/^run_[a-z0-9]{16}$/);
    expect(r.id('req_', 20)).toMatch(/^req_[a-z0-9]{20}$/);
  });

  it('keeps forked streams independent of each other', () => {
    const root = new Random(1);
    expect(root.fork('ids').float()).toBe(new Random(1).fork('ids').float());
    expect(root.fork('ids').float()).not.toBe(root.fork('faults').float());
    expect(hashSeed(1, 'ids')).not.toBe(hashSeed(2, 'ids'));
  });

  it('chance() honours 0 and 1 and roughly the rate between', () => {
    const r = new Random(3);
    expect(Array.from({ length: 100 }, () => r.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => r.chance(1)).every(Boolean)).toBe(true);
    const hits = Array.from({ length: 2000 }, () => r.chance(0.3)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(500);
    expect(hits).toBeLessThan(700);
  });
});
