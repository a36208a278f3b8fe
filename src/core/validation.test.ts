/** Invalid requests are refused before anything is sent, with server-shaped field errors. */
import { describe, expect, it } from 'vitest';
import { InputValidationError } from './errors.js';
import { json, NESTED_BODY, RUN, scriptedFetch, STARTED, testClient, TOP_BODY } from '../test-utils.js';

/** Runs a call whose request is invalid; the refusal must come as a rejection, never a synchronous throw. */
async function refused(run: (client: ReturnType<typeof testClient>) => PromiseLike<unknown>, baseUrl?: string) {
  const { fetch, requests } = scriptedFetch(json(RUN));
  const client = testClient(fetch, baseUrl ? { baseUrl } : {});
  let pending: PromiseLike<unknown> | undefined;
  expect(() => {
    pending = run(client);
  }).not.toThrow();
  const error = await Promise.resolve(pending).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error: error as InputValidationError, requests };
}

describe('request validation', () => {
  it.each([
    ['a missing mode', { inputs: NESTED_BODY.inputs }, 'mode', 'Required'],
    ['a mode outside the two', { ...NESTED_BODY, mode: 'sync' }, 'mode', 'must be one of: async, stream'],
    ['an input type outside the three', { ...NESTED_BODY, inputs: [{ id: 'a', type: 'audioUrl', value: 'x' }] }, 'inputs[0].type', 'must be one of: text, imageUrl, videoUrl'],
    ['an input without id', { ...NESTED_BODY, inputs: [{ type: 'text', value: 'x' }] }, 'inputs[0].id', 'Required'],
    ['an http callback_url', { ...NESTED_BODY, callback_url: 'http://example.com/hook' }, 'callback_url', 'must start with https://'],
    ['a callback_url that is not a URL', { ...NESTED_BODY, callback_url: 'https://exa mple.com/h' }, 'callback_url', 'must match format "uri"'],
    ['an unknown field', { ...NESTED_BODY, prompt: 'x' }, 'prompt', 'Unknown field'],
  ])('create refuses %s, naming %s', async (_what, body, field, message) => {
    const { error, requests } = await refused((c) => c.techniques.runs.create('t', body as never));
    expect(error).toBeInstanceOf(InputValidationError);
    expect(error.fields).toContainEqual({ field, message });
    expect(error.status).toBeUndefined();
    expect(error.code).toBe('input_validation_error');
    expect(error.message).toContain(`${field}: ${message}`);
    expect(error.message).toContain('not sent');
    expect(requests).toHaveLength(0);
  });

  it.each([
    ['a technique_id without tech_', { ...TOP_BODY, technique_id: 'art-directors-critique' }, 'technique_id', 'must start with tech_'],
    ['a workspace_id without ws_', { ...TOP_BODY, workspace_id: 'abc' }, 'workspace_id', 'must start with ws_'],
    ['inputs that are not a map', { ...TOP_BODY, inputs: 'a red fox' }, 'inputs', 'must be object'],
    ['a missing technique_id', { inputs: {}, workspace_id: 'ws_a' }, 'technique_id', 'Required'],
  ])('startTechnique refuses %s', async (_what, body, field, message) => {
    const { error, requests } = await refused((c) => c.runs.startTechnique(body as never));
    expect(error).toBeInstanceOf(InputValidationError);
    expect(error.fields).toContainEqual({ field, message });
    expect(requests).toHaveLength(0);
  });

  it.each([
    ['an empty technique id', (c: ReturnType<typeof testClient>) => c.techniques.runs.create('', NESTED_BODY), 'techniqueId'],
    ['an empty run id', (c: ReturnType<typeof testClient>) => c.techniques.runs.retrieve(' ', { techniqueId: 't' }), 'runId'],
    ['a missing techniqueId param', (c: ReturnType<typeof testClient>) => c.techniques.runs.retrieve('r', {} as never), 'techniqueId'],
    ['a technique id of ..', (c: ReturnType<typeof testClient>) => c.techniques.runs.create('..', NESTED_BODY), 'techniqueId'],
    ['a body that is not an object', (c: ReturnType<typeof testClient>) => c.techniques.runs.create('t', null as never), '(body)'],
  ])('refuses %s', async (_what, run, field) => {
    const { error, requests } = await refused(run);
    expect(error).toBeInstanceOf(InputValidationError);
    expect(error.fields.map((f) => f.field)).toContain(field);
    expect(requests).toHaveLength(0);
  });

  it('refuses an Idempotency-Key the API would reject', async () => {
    const long = 'k'.repeat(256);
    expect((await refused((c) => c.runs.startTechnique(TOP_BODY, { idempotencyKey: long }))).error.fields).toContainEqual({
      field: 'idempotencyKey',
      message: 'must be a string of 1 to 255 characters',
    });
    expect((await refused((c) => c.techniques.runs.create('t', NESTED_BODY, { idempotencyKey: '' }))).error).toBeInstanceOf(InputValidationError);
    // A key the spec allows in the body but a header cannot carry is refused clearly, not with a TypeError.
    const cyrillic = await refused((c) => c.techniques.runs.create('t', { ...NESTED_BODY, idempotency_key: 'заказ-42' }));
    expect(cyrillic.error.fields).toContainEqual({ field: 'idempotency_key', message: 'must be printable ASCII (it is sent in the Idempotency-Key header)' });
    expect((await refused((c) => c.runs.startTechnique(TOP_BODY, { idempotencyKey: 'a\nb' }))).error).toBeInstanceOf(InputValidationError);
  });

  it('refuses two different idempotency keys for one call', async () => {
    const { error } = await refused((c) => c.techniques.runs.create('t', { ...NESTED_BODY, idempotency_key: 'a' }, { idempotencyKey: 'b' }));
    expect(error.fields).toContainEqual({ field: 'idempotency_key', message: 'differs from the idempotencyKey option; give one key' });
  });

  it('accepts an http callback to loopback only when the client itself talks to loopback', async () => {
    const body = { ...NESTED_BODY, callback_url: 'http://127.0.0.1:8080/hook' };
    expect((await refused((c) => c.techniques.runs.create('t', body))).error.fields).toContainEqual({ field: 'callback_url', message: 'must start with https://' });
    const local = await refused((c) => c.techniques.runs.create('t', body), 'http://127.0.0.1:4010/api/v1');
    expect(local.error).toBeUndefined();
    expect((await refused((c) => c.techniques.runs.create('t', { ...body, callback_url: 'http://example.com/hook' }), 'http://127.0.0.1:4010')).error).toBeInstanceOf(
      InputValidationError,
    );
  });

  it('sends an invalid body when request validation is off, so the server can judge it', async () => {
    const { fetch, requests } = scriptedFetch(json(STARTED));
    const client = testClient(fetch, { validate: { requests: false } });
    await client.runs.startTechnique({ ...TOP_BODY, technique_id: 'nope' });
    expect(requests).toHaveLength(1);
  });
});
