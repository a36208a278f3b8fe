import { describe, expect, it } from 'vitest';
import { SimClock } from './clock.js';

describe('SimClock', () => {
  it('runs timeScale times faster than the real clock and jumps with advance()', () => {
    let real = 1000;
    const clock = new SimClock(1_767_225_600, 120, () => real);
    expect(clock.now()).toBe(1_767_225_600);
    real += 500;
    expect(clock.now()).toBe(1_767_225_660);
    clock.advance(7201);
    expect(clock.now()).toBe(1_767_225_660 + 7201);
  });

  it('refuses a bad time scale and backwards jumps', () => {
    expect(() => new SimClock(0, 0)).toThrow(RangeError);
    expect(() => new SimClock(0, Number.NaN)).toThrow(RangeError);
    expect(() => new SimClock(0, 1).advance(-1)).toThrow(RangeError);
  });
});
