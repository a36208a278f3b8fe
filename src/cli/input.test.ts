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

describe('--input from someone hostile, or careless', () => {
  const bomb = '{a: &a [x,x,x,x,x,x,x,x,x], b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b], d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]}';

  it.each([
    ['an alias bomb', bomb, /could not be read: .*at most 20 aliases/],
    ['an unknown tag', '{id: prompt, type: !upper text, value: x}', /Unresolved tag: !upper/],
    ['bytes (!!binary)', '{id: p, type: text, value: !!binary aGVsbG8=}', /JSON cannot carry: value \(bytes\)/],
    ['a set (!!set)', '{id: p, type: text, value: !!set {x, y}}', /JSON cannot carry: value \(a set\)/],
    ['a __proto__ key', '{__proto__: {admin: true}, id: p}', /__proto__ \(a key the client refuses\)/],
    ['an infinite number', '{id: p, n: .inf}', /JSON cannot carry: n \(Infinity\)/],
  ])('refuse %s as a usage error naming it', (_what, text, message) => {
    let error: unknown;
    try {
      parseMapping(text, '--input #1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^--input #1 /);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a __proto__=... pair instead of dropping it', () => {
    expect(() => parsePairs(['__proto__={"admin":true}'])).toThrow(/__proto__ is a key the client refuses/);
  });
});
