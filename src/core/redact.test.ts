/** Redaction: exact secrets first, then bearer credentials; headers, answers and platform errors. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exposes } from '../../reliability/harness.js';
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

describe('Redactor: every spelling of a secret a server can plausibly produce', () => {
  const key = 'flora_live/Host1le,Key;"q0123456789';
  const r = new Redactor([key]);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const spellings: [string, string][] = [
    ['plain', key],
    ['upper case (a header or host name is lower-cased on the way)', key.toUpperCase()],
    ['lower case', key.toLowerCase()],
    ['URL-encoded', encodeURIComponent(key)],
    ['URL-encoded, lower-case hex', encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['every byte percent-encoded', [...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')],
    ['URL-encoded twice', encodeURIComponent(encodeURIComponent(key))],
    ['base64', b64(key)],
    ['base64 of a Basic credential', b64(`user:${key}`)],
    ['base64 of a bearer header, one byte in', b64(`xBearer ${key}`)],
    ['base64 of it two bytes in', b64(`xy${key}!`)],
    ['URL-safe base64 without padding', b64(`ab${key}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')],
    ['JSON-escaped', JSON.stringify(key).slice(1, -1).replace(/\//g, '\\/')],
    ['JSON-escaped as \\u00XX', [...key].map((c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')],
    ['JSON-escaped, inside URL-encoding', encodeURIComponent(JSON.stringify(key))],
    ['URL-encoded, inside JSON escapes', JSON.stringify(encodeURIComponent(key)).replace(/%/g, '\\u0025')],
  ];

  it.each(spellings)('finds and removes it %s', (_, spelled) => {
    const line = `upstream said: ${spelled} (end)`;
    expect(r.holdsSecret(line)).toBe(true);
    const shown = r.text(line);
    expect(shown).toContain('[redacted]');
    expect(exposes(line, key)).toBe(true);
    expect(exposes(shown, key)).toBe(false);
    expect(shown).toContain('upstream said');
  });

  it('a secret that itself holds a percent escape (%A0) is found URL-encoded: decoding one layer too many would hide it', () => {
    const odd = 'sk_00A0a00A%A0__a-_00a';
    const shown = new Redactor([odd]).text(`bad key ${encodeURIComponent(odd)}`);
    expect(exposes(shown, odd)).toBe(false);
  });

  it('leaves text without the secret as it is, escapes and all', () => {
    const text = 'a%20b \\u0041 QUJD "base64" flora_live other key';
    expect(r.holdsSecret(text)).toBe(false);
    expect(r.text(text)).toBe(text);
  });

  it('URLs: credentials removed whatever they are, the secret wherever it is', () => {
    expect(r.url(`http://user:${encodeURIComponent(key)}@127.0.0.1:8080/a?x=1`)).toBe('http://127.0.0.1:8080/a?x=1');
    expect(r.url('https://bob:hunter2@example.test/')).toBe('https://example.test/');
    expect(r.url(`https://example.test/runs?token=${encodeURIComponent(key)}`)).not.toContain('Host1le');
  });

  it('header names too (as a token: a name cannot hold brackets), and values decoded only where they must be', () => {
    const headers = new Headers([
      [`x-${encodeURIComponent(key)}`, '1'],
      [`x-${b64(key).replace(/[+/=]/g, '')}`, '2'],
      ['x-echo', `Bearer ${key}`],
      ['x-plain', 'a%20b'],
    ]);
    const clean = r.headers(headers);
    const all: string[] = [];
    clean.forEach((v, k) => all.push(`${k}: ${v}`));
    expect(exposes(all.join('\n'), key)).toBe(false);
    expect(clean.get('redacted')).toBe('1, 2');
    expect(clean.get('x-plain')).toBe('a%20b');
  });

  it('a response: headers, status text and URL (credentials and secret removed), status kept', () => {
    const response = new Response(null, { status: 201, statusText: 'ok', headers: { 'x-echo': key } });
    Object.defineProperty(response, 'url', { value: `http://u:${encodeURIComponent(key)}@127.0.0.1/x?k=${b64(key)}` });
    const shown = r.response(response);
    expect(shown.status).toBe(201);
    expect(shown.url).toMatch(/^http:\/\/127\.0\.0\.1\/x\?k=/);
    const headers: string[] = [];
    shown.headers.forEach((v, k) => headers.push(`${k}: ${v}`));
    expect(exposes(inspect([shown.url, headers]), key)).toBe(false);
  });

  it('an error of its own, at any depth: message, stack, properties, headers, bodies, causes', () => {
    const cause = Object.assign(new Error(`inner ${encodeURIComponent(key)}`), { body: { list: [{ deep: b64(key) }] } });
    const err = Object.assign(new Error(`outer ${key}`, { cause }), { headers: new Headers({ 'x-a': key }), url: `http://127.0.0.1/?${key}`, requestId: key.toUpperCase() });
    r.thrown(err);
    const everything = `${err.message}\n${err.stack}\n${inspect(err, { depth: 20 })}\n${JSON.stringify(err)}`;
    expect(exposes(everything, key)).toBe(false);
    expect(err.message).toBe('outer [redacted]');
  });
});
