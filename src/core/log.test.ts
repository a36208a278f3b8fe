/** Logging: levels, FLORA_LOG, and the key never reaching a log line or an error. */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Flora } from '../client.js';
import { createLogger, parseLogLevel, type Logger } from './log.js';
import { Redactor } from './redact.js';
import { envelope, json, NESTED_BODY, RUN, scriptedFetch, TEST_KEY } from '../test-utils.js';

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string, ...a: unknown[]) => lines.push([level, m, ...a.map(String)].join(' '));
  return { lines, logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') } };
}

afterEach(() => vi.unstubAllEnvs());

describe('log levels', () => {
  it('drops lines below the level', () => {
    const { logger, lines } = capture();
    const log = createLogger(logger, 'warn', new Redactor([]));
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines).toEqual(['warn w', 'error e']);
  });

  it('reads FLORA_LOG, defaulting to warn', async () => {
    expect(parseLogLevel(undefined)).toBe('warn');
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('loud')).toBe('warn');
    vi.stubEnv('FLORA_LOG', 'debug');
    const { logger, lines } = capture();
    const client = new Flora({ apiKey: TEST_KEY, fetch: scriptedFetch(json(RUN)).fetch, logger });
    await client.techniques.runs.retrieve('r', { techniqueId: 't' });
    expect(lines.some((l) => l.startsWith('debug → GET'))).toBe(true);
  });

  it('logs each retry at info with its reason and wait', async () => {
    const { logger, lines } = capture();
    const { fetch } = scriptedFetch(envelope('rate_limited', 'Rate limit exceeded.', 429, { 'retry-after-ms': '5' }), json(RUN));
    await new Flora({ apiKey: TEST_KEY, fetch, logger, logLevel: 'info' }).techniques.runs.retrieve('r', { techniqueId: 't' });
    expect(lines).toEqual([expect.stringMatching(/^info GET .* answered 429; retry 1 of 2 in \d+ ms \(Retry-After 5 ms \+ jitter\)$/)]);
  });
});

describe('redaction', () => {
  it('no debug line, error message or thrown object ever holds the key', async () => {
    const { logger, lines } = capture();
    const { fetch } = scriptedFetch(
      // A server echoing the key back in its error must not get it into our logs or errors either.
      envelope('unknown_error', `bad key ${TEST_KEY}`, 500),
      new TypeError(`fetch failed for Bearer ${TEST_KEY}`),
      envelope('unauthorized', `Invalid API key ${TEST_KEY}.`, 401),
    );
    const client = new Flora({ apiKey: TEST_KEY, fetch, logger, logLevel: 'debug', maxRetries: 2, timeout: 1000 });
    const error = await client.techniques.runs.create('t', NESTED_BODY).catch((e: unknown) => e);
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(line).not.toContain(TEST_KEY);
    expect(inspect(error, { depth: 8 })).not.toContain(TEST_KEY);
    expect(JSON.stringify(error)).not.toContain(TEST_KEY);
    expect(Object.keys(error as object)).not.toContain('request');
  });
});

describe('redaction of what a server or a fetch wrapper echoes', () => {
  it('a status text quoting the key, and a custom fetch error holding the Request, never reach the error', async () => {
    const statusEcho = scriptedFetch(new Response('bad gateway', { status: 502, statusText: `Bad ${TEST_KEY}` }));
    const e1 = await new Flora({ apiKey: TEST_KEY, fetch: statusEcho.fetch, logLevel: 'off', maxRetries: 0 }).techniques.runs
      .retrieve('r', { techniqueId: 't' })
      .catch((e: unknown) => e);
    expect((e1 as Error).message).toContain('502');
    expect(inspect(e1, { depth: 8 })).not.toContain(TEST_KEY);

    const holdsRequest = async (request: Request) => {
      throw Object.assign(new TypeError('fetch failed'), { request });
    };
    const e2 = await new Flora({ apiKey: TEST_KEY, fetch: holdsRequest, logLevel: 'off', maxRetries: 0 }).techniques.runs
      .retrieve('r', { techniqueId: 't' })
      .catch((e: unknown) => e);
    expect(String(((e2 as Error).cause as { request?: Request })?.request?.headers.get('authorization'))).not.toContain(TEST_KEY);
    expect(inspect(e2, { depth: 8 })).not.toContain(TEST_KEY);
  });
});
