import { describe, expect, it } from 'vitest';
import { parseMapping, parsePairs, UsageError } from './input.js';

describe('--input parsing', () => {
  it('takes the YAML flow form of FLORA’s docs and JSON alike', () => {
    expect(parseMapping('{id: prompt, type: text, value: "a red fox"}', '--input #1')).toEqual({ id: 'prompt', type: 'text', value: 'a red fox' });
    expect(parseMapping('{"id":"prompt","type":"text","value":"a red fox"}', '--input #1')).toEqual({ id: 'prompt', type: 'text', value: 'a red fox' });
  });

  it('points at the column where the syntax breaks', () => {
    let error: unknown;
    try {
      parseMapping('{id: prompt, type: text, value: "a red fox"', '--input #2');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^--input #2 is not valid YAML or JSON at column \d+/);
    expect((error as Error).message).toContain('^');
  });

  it('refuses values that are not mappings', () => {
    expect(() => parseMapping('[1, 2]', '--inputs')).toThrow(/must be a mapping/);
    expect(() => parseMapping('just text', '--inputs')).toThrow(/must be a mapping/);
    expect(() => parseMapping('{a: 1, a: 2}', '--inputs')).toThrow(UsageError);
  });

  it('reads key=value pairs, JSON values as such', () => {
    expect(parsePairs(['prompt=a red fox', 'n=3', 'flag=true', 'eq=a=b'])).toEqual({ prompt: 'a red fox', n: 3, flag: true, eq: 'a=b' });
    expect(() => parsePairs(['novalue'])).toThrow(/must be key=value/);
    expect(() => parsePairs(['=x'])).toThrow(UsageError);
  });
});
