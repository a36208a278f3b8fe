/**
 * Key leaks the reliability suite found, each kept as a regression test: a key echoed by a
 * server in a 200 body, in a response header, or by a fetch wrapper in its error never reaches an error
 * message or a thrown object (README, Security).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, Flora, RedirectError, ResponseTooLargeError } from '../src/index.js';
import { everythingAbout, exposes } from './harness.js';

const KEY = 'flora_live_REPRO_0123456789abcdef';
const shown = (e: unknown) => `${(e as Error).message}\n${inspect(e, { depth: 10 })}\n${JSON.stringify(e)}`;
const client = (fetch: (r: Request) => Promise<Response>) => new Flora({ apiKey: KEY, baseUrl: 'https://api.example.test/v1', logLevel: 'off', maxRetries: 0, fetch });
const retrieve = (c: Flora) => c.techniques.runs.retrieve('run_abc123', { techniqueId: 'art-directors-critique' }).then(() => undefined, (e: unknown) => e);

it('a 200 whose non-JSON body echoes the key: ResponseValidationError.message quotes it', async () => {
  const e = await retrieve(client(async (r) => new Response(`<html>debug: ${r.headers.get('authorization')}</html>`, { status: 200 })));
  expect(shown(e)).not.toContain(KEY);
});

it('a 200 whose JSON body echoes the key: ResponseValidationError.body holds it', async () => {
  const e = await retrieve(client(async () => new Response(JSON.stringify({ run_id: 1, echo: KEY }), { status: 200 })));
  expect(shown(e)).not.toContain(KEY);
});

it('an error answer that echoes the key in a response header: APIError.headers holds it', async () => {
  const e = await retrieve(client(async (r) => new Response('{}', { status: 401, headers: { 'x-echo': r.headers.get('authorization')! } })));
  expect(shown(e)).not.toContain(KEY);
});

it("a fetch that fails with the header in its error: APIConnectionError.cause holds it (the message is redacted)", async () => {
  const e = await retrieve(
    client(async (r) => {
      throw new TypeError(`fetch failed for ${r.headers.get('authorization')}`);
    }),
  );
  expect(shown(e)).not.toContain(KEY);
});

/**
 * The key in an answer's other places (issue 23), each over real loopback sockets: a header name, a
 * same-origin redirect's Location (and the errors and `response.url` after it), a Location's userinfo,
 * and URL- or base64-encoded echoes in a message. Checked with `exposes`, which knows those spellings.
 */
describe('the key in an answer\'s other places', () => {
  const ODD = 'flora_live/Adv3rsary,Key;"x0123456789';
  let origin = '';
  let server: Server;
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const b64 = Buffer.from(`user:${key}`).toString('base64');
      const url = new URL(req.url!, 'http://x');
      const run = JSON.stringify({ created_at: 1, progress: 0, run_id: 'run_1', status: 'pending' });
      const route = url.pathname.split('/')[4];
      if (url.searchParams.has('k')) {
        // The followed URL: a body over the limit (its message quotes the URL), or a run.
        if (route === 'big') return res.writeHead(200, { 'content-length': '99999999' }).end();
        return res.writeHead(200, { 'content-type': 'application/json' }).end(run);
      }
      if (route === 'name') return res.writeHead(200, { 'content-type': 'application/json', [`x-${encodeURIComponent(key)}`]: '1', [`x-${b64.replace(/[+/=]/g, '')}`]: '2' }).end(run);
      if (route === 'same' || route === 'big') return res.writeHead(302, { location: `${url.pathname}?k=${encodeURIComponent(key)}` }).end();
      if (route === 'userinfo') return res.writeHead(307, { location: `http://u:${encodeURIComponent(key)}@127.0.0.1:${(server.address() as AddressInfo).port}${url.pathname}` }).end();
      if (route === 'encoded') {
        const message = `bad key ${encodeURIComponent(key)} (basic ${b64}; bearer ${Buffer.from(key).toString('base64url')})`;
        return res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': encodeURIComponent(key) }).end(JSON.stringify({ error: { code: 'unauthorized', message } }));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const odd = () => new Flora({ apiKey: ODD, baseUrl: `${origin}/api/v1`, logLevel: 'off', maxRetries: 2, timeout: 5_000, maxResponseBytes: 1024 });
  const get = (c: Flora, route: string) => c.techniques.runs.retrieve('run_1', { techniqueId: route });
  const everything = (x: unknown) => (x instanceof Error ? everythingAbout(x) : inspect(x, { depth: 20, getters: true }));

  it('in a header name, read with withResponse()', async () => {
    const { response } = await get(odd(), 'name').withResponse();
    const names: string[] = [];
    response.headers.forEach((v, k) => names.push(`${k}: ${v}`));
    expect(names.length).toBeGreaterThan(2);
    expect(exposes(names.join('\n'), ODD)).toBe(false);
  });

  it("in a same-origin redirect's Location: not in response.url of withResponse(), nor in a later error", async () => {
    const { response } = await get(odd(), 'same').withResponse();
    expect(response.url).toContain('?k=');
    expect(exposes(response.url, ODD)).toBe(false);
    const error = await get(odd(), 'big').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(exposes(everything(error), ODD)).toBe(false);
  });

  it("in a redirect's userinfo: refused at once as a RedirectError (not followed, not retried), the userinfo quoted nowhere", async () => {
    hits.length = 0;
    const error = await get(odd(), 'userinfo').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as Error).message).toMatch(/credentials/);
    expect(hits).toHaveLength(1);
    expect(exposes(everything(error), ODD)).toBe(false);
  });

  it('URL-encoded or base64-encoded in a message and a request id', async () => {
    const error = await get(odd(), 'encoded').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('bad key');
    expect(exposes(everything(error), ODD)).toBe(false);
  });
});
