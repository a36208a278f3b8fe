/** Redaction: exact secrets first, then bearer credentials; headers, answers and platform errors. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';

const KEY = 'flora_test_key_5ecr3t';

describe('Redactor', () => {
  it('removes the key and any bearer credential from a line', () => {
    expect(new Redactor([KEY]).text(`Authorization: Bearer abc.def and ${KEY}`)).toBe('Authorization: Bearer [redacted] and [redacted]');
  });

  it('replaces a key holding , ; or quotes whole, before the bearer pattern could cut it', () => {
    for (const key of ['k,ey;with"quotes\'', 'a b', 'x;y']) {
      expect(new Redactor([key]).text(`Authorization: Bearer ${key} and ${key}`)).toBe('Authorization: Bearer [redacted] and [redacted]');
    }
  });

  it('copies headers only when one holds a secret', () => {
    const r = new Redactor([KEY]);
    const clean = new Headers({ a: '1' });
    expect(r.headers(clean)).toBe(clean);
    expect(r.headers(new Headers({ 'x-echo': `Bearer ${KEY}` })).get('x-echo')).toBe('Bearer [redacted]');
  });

  it('keeps of a platform error only a redacted copy: name, message, code, causes', () => {
    const original = Object.assign(new TypeError(`fetch failed for ${KEY}`, { cause: Object.assign(new Error(`read ${KEY}`), { code: 'ECONNRESET' }) }), {
      request: new Request('https://example.test', { headers: { authorization: `Bearer ${KEY}` } }),
    });
    const copy = new Redactor([KEY]).error(original);
    expect(copy.name).toBe('TypeError');
    expect(copy.message).toBe('fetch failed for [redacted]');
    expect((copy.cause as { code?: string }).code).toBe('ECONNRESET');
    expect(inspect(copy, { depth: 10 })).not.toContain(KEY);
    expect(Object.keys(copy)).not.toContain('request');
  });
});
