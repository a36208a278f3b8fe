/**
 * Key leaks the reliability suite found, each kept as a regression test: a key echoed by a
 * server in a 200 body, in a response header, or by a fetch wrapper in its error never reaches an error
 * message or a thrown object (README, Security).
 */
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { Flora } from '../src/index.js';

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
