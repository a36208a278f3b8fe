/**
 * Input the reliability suite found mishandled, each kept as a regression test: idempotency
 * keys a header cannot carry are refused with InputValidationError, and refused requests reject the
 * returned promise instead of throwing synchronously.
 */
import { expect, it } from 'vitest';
import { Flora, FloraError, InputValidationError } from '../src/index.js';

let sent = 0;
const client = new Flora({
  apiKey: 'flora_rel_repro',
  baseUrl: 'https://api.example.test/v1',
  logLevel: 'off',
  maxRetries: 0,
  fetch: async () => {
    sent++;
    return new Response(JSON.stringify({ created_at: 1, progress: 0, run_id: 'run_a', status: 'pending' }), { status: 200 });
  },
});
const outcome = (f: () => Promise<unknown>) => f().then(() => undefined, (e: unknown) => e);

it('a body the spec allows (idempotency_key is any 1-255 character string) with a non-Latin-1 key: TypeError from Headers.set', async () => {
  const e = await outcome(() => client.techniques.runs.create('art-directors-critique', { inputs: [], mode: 'async', idempotency_key: 'заказ-42' }));
  // Either send it (percent-encoded, say) or refuse it as input; never an untyped TypeError.
  expect(e === undefined || e instanceof FloraError).toBe(true);
});

it('an idempotencyKey option with a newline: TypeError from Headers.set instead of InputValidationError', async () => {
  const before = sent;
  const e = await outcome(() => client.runs.startTechnique({ inputs: {}, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' }, { idempotencyKey: 'order-1\nX-Injected: 1' }));
  expect(e).toBeInstanceOf(InputValidationError);
  expect(sent).toBe(before);
});

it('invalid input throws synchronously: promise-style handling (.catch) never sees it', async () => {
  let caught: unknown;
  let escaped: unknown;
  try {
    await client.runs.startTechnique({ technique_id: 'nope' } as never).catch((e: unknown) => (caught = e));
  } catch (e) {
    escaped = e;
  }
  // Every other failure is a rejected promise; refusing input should be one too (as in the Stainless SDKs).
  expect(escaped).toBeUndefined();
  expect(caught).toBeInstanceOf(InputValidationError);
});
