/** Every answer becomes the right typed error: documented codes, bodies that are not JSON, responses outside the spec. */
import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  FloraError,
  IdempotencyDuplicateError,
  InputValidationError,
  InsufficientCreditsError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  UnprocessableEntityError,
} from './errors.js';
import type { ClientOptions } from '../client.js';
import { envelope, json, NESTED_BODY, RUN, scriptedFetch, STARTED, testClient, TOP_BODY } from '../test-utils.js';

const noRetry = { maxRetries: 0 };

async function errorFor(answer: Response, call: 'create' | 'retrieve' | 'start' = 'create', options: ClientOptions = {}): Promise<unknown> {
  const client = testClient(scriptedFetch(answer).fetch, { ...noRetry, ...options });
  const p =
    call === 'create'
      ? client.techniques.runs.create('t', NESTED_BODY)
      : call === 'retrieve'
        ? client.techniques.runs.retrieve('r', { techniqueId: 't' })
        : client.runs.startTechnique(TOP_BODY);
  return p.then(
    () => expect.unreachable('expected an error'),
    (e: unknown) => e,
  );
}

describe('documented error codes', () => {
  it.each([
    [400, 'input_validation_error', 'prompt: Required', InputValidationError],
    [401, 'unauthorized', 'Invalid API key.', AuthenticationError],
    [402, 'insufficient_credits', 'Insufficient credits.', InsufficientCreditsError],
    [403, 'forbidden', 'Forbidden.', PermissionDeniedError],
    [404, 'not_found', 'Not found.', NotFoundError],
    [409, 'idempotency_duplicate', 'Duplicate idempotency key.', IdempotencyDuplicateError],
    [429, 'rate_limited', 'Rate limit exceeded.', RateLimitError],
    [500, 'unknown_error', 'An unknown error occurred.', InternalServerError],
  ] as const)('%i %s -> %s', async (status, code, message, Class) => {
    const fields = status === 400 ? [{ field: 'prompt', message: 'Required' }] : undefined;
    const e = (await errorFor(envelope(code, message, status, { 'x-request-id': 'req_9' }, fields))) as APIError;
    expect(e).toBeInstanceOf(Class);
    expect(e).toBeInstanceOf(APIError);
    expect(e).toBeInstanceOf(FloraError);
    expect(e.name).toBe(Class.name);
    expect(e.status).toBe(status);
    expect(e.code).toBe(code);
    expect(e.message).toContain(message);
    expect(e.message).toContain(`${status} ${code}`);
    expect(e.requestId).toBe('req_9');
    expect(e.message).toContain('req_9');
    expect(e.headers?.get('x-request-id')).toBe('req_9');
    if (status === 400) expect(e.fields).toEqual([{ field: 'prompt', message: 'Required' }]);
  });

  it('a 400 with another code is a BadRequestError', async () => {
    const e = await errorFor(envelope('bad_json', 'Body is not JSON.', 400));
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e).not.toBeInstanceOf(InputValidationError);
  });

  it('422 (what a Prism mock says about an invalid request) is UnprocessableEntityError', async () => {
    expect(await errorFor(json({ type: 'VALIDATION', title: 'Request is not valid' }, 422))).toBeInstanceOf(UnprocessableEntityError);
  });

  it('an undocumented 4xx stays a plain APIError with its status', async () => {
    const e = (await errorFor(new Response('teapot', { status: 418 }))) as APIError;
    expect(e.constructor).toBe(APIError);
    expect(e.status).toBe(418);
  });
});

describe('error bodies that are not the envelope', () => {
  it('a proxy’s HTML 502 is an InternalServerError with the status and a text excerpt', async () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';
    const e = (await errorFor(new Response(html, { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }))) as APIError;
    expect(e).toBeInstanceOf(InternalServerError);
    expect(e.status).toBe(502);
    expect(e.code).toBeUndefined();
    expect(e.message).toContain('502 Bad Gateway');
    expect(e.message).not.toContain('<h1>');
    expect(e.body).toBe(html);
  });

  it('an empty 503 is an InternalServerError saying the body was empty', async () => {
    const e = (await errorFor(new Response(null, { status: 503, statusText: 'Service Unavailable' }))) as APIError;
    expect(e).toBeInstanceOf(InternalServerError);
    expect(e.status).toBe(503);
    expect(e.message).toContain('(empty body)');
  });

  it('a truncated JSON error body still becomes the status’s error', async () => {
    const e = (await errorFor(new Response('{"error":{"code":"unauth', { status: 401 }))) as APIError;
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e.code).toBeUndefined();
  });
});

describe('responses outside the spec', () => {
  it.each([
    ['create', { ...RUN, status: 'queued' }, 'status', 'must be one of'],
    ['retrieve', { ...RUN, run_id: undefined }, 'run_id', 'Required'],
    ['retrieve', { ...RUN, outputs: [{ output_id: 'o', type: 'gif', url: 'u' }] }, 'outputs[0].type', 'must be one of'],
    ['start', { ...STARTED, action: { action_id: 'explode-video' } }, 'action.action_id', 'must be one of'],
    ['start', { ...STARTED, charged_cost: -1 }, 'charged_cost', '>= 0'],
    ['start', { ...STARTED, estimated_seconds: null }, 'estimated_seconds', 'must be number'],
  ] as const)('with validate: strict, %s answering %j names %s', async (call, body, field, why) => {
    const e = (await errorFor(json(body), call, { validate: 'strict' })) as ResponseValidationError;
    expect(e).toBeInstanceOf(ResponseValidationError);
    expect(e.status).toBe(200);
    expect(e.fields.map((f) => f.field)).toContain(field);
    expect(e.message).toContain(field);
    expect(e.message).toContain(why);
    expect(e.message).toMatch(/^(POST|GET) \//);
  });

  it.each([
    ['truncated JSON', '{"run_id": "run_1", "sta', 'is not JSON'],
    ['an HTML page', '<html>OK</html>', 'is not JSON'],
    ['an empty body', '', 'is empty'],
  ])('a 200 with %s is a ResponseValidationError on (body)', async (_what, text, why) => {
    const e = (await errorFor(new Response(text, { status: 200 }), 'retrieve')) as ResponseValidationError;
    expect(e).toBeInstanceOf(ResponseValidationError);
    expect(e.fields[0]!.field).toBe('(body)');
    expect(e.message).toContain(why);
  });

  it('with response validation off, a wrong field passes through but a non-object still throws', async () => {
    const off = { maxRetries: 0, validate: { responses: false } };
    const odd = { ...RUN, status: 'queued' };
    expect(await testClient(scriptedFetch(json(odd)).fetch, off).techniques.runs.retrieve('r', { techniqueId: 't' })).toEqual(odd);
    await expect(testClient(scriptedFetch(json('ok')).fetch, off).techniques.runs.retrieve('r', { techniqueId: 't' })).rejects.toBeInstanceOf(
      ResponseValidationError,
    );
  });
});
