/**
 * Reading answers the way a long-lived client must read an evolving API: what can be used reaches the
 * caller as received, with a one-time warning per field; only what cannot be used throws, and after a
 * POST the error still says which run the body named.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Logger } from './log.js';
import { APIError, ResponseValidationError } from './errors.js';
import { json, NESTED_BODY, RUN, scriptedFetch, STARTED, testClient, TOP_BODY } from '../test-utils.js';

function capture(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const none = () => {};
  return { warnings, logger: { debug: none, info: none, warn: (m: string) => warnings.push(m), error: none } };
}

const start = (body: unknown, logger?: Logger) => testClient(scriptedFetch(json(body)).fetch, { maxRetries: 0, ...(logger ? { logger, logLevel: 'warn' } : {}) }).runs.startTechnique(TOP_BODY);
const retrieve = (body: unknown, logger?: Logger) =>
  testClient(scriptedFetch(json(body)).fetch, { maxRetries: 0, ...(logger ? { logger, logLevel: 'warn' } : {}) }).techniques.runs.retrieve('run_abc123', { techniqueId: 't' });

describe('by default, answers that can be used are data', () => {
  it.each([
    ['estimated_seconds: null (FLORA’s SDK: number | null)', { ...STARTED, estimated_seconds: null }],
    ['an action id only FLORA’s SDK lists', { ...STARTED, type: 'action', action: { action_id: 'split-text-browser' } }],
    ['null for action, model, technique, poll_url and project_id (FLORA’s SDK: nullable)', { ...STARTED, action: null, model: null, technique: null, poll_url: null, project_id: null }],
  ])('POST /runs/technique answering %s, a variant the live layer documents: data, as received, and no warning', async (_what, body) => {
    const { logger, warnings } = capture();
    expect(await start(body, logger)).toEqual(body);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['an action id nobody lists', { ...STARTED, type: 'action', action: { action_id: 'explode-video' } }, 'action.action_id'],
    ['a run type the spec does not list', { ...STARTED, type: 'workflow' }, 'type'],
    ['a negative charged_cost', { ...STARTED, charged_cost: -1 }, 'charged_cost'],
    ['a poll_url that is not a URI', { ...STARTED, poll_url: 'not a url' }, 'poll_url'],
  ])('POST /runs/technique answering %s: data, as received, and a warning naming the field', async (_what, body, field) => {
    const { logger, warnings } = capture();
    expect(await start(body, logger)).toEqual(body);
    expect(warnings.some((w) => w.includes(`POST /runs/technique answered ${field}`))).toBe(true);
  });

  it.each([
    ['a status the spec does not list', { ...RUN, status: 'cancelled' }],
    ['an output type the spec does not list', { ...RUN, status: 'completed', outputs: [{ output_id: 'o', type: 'modelUrl', url: 'u' }] }],
    ['null for optional fields', { ...RUN, outputs: null, charged_cost: null, started_at: null }],
    ['fields the spec does not know', { ...RUN, queue_position: 3, workspace: { id: 'ws_1' } }],
  ])('GET answering %s: data, as received', async (_what, body) => {
    expect(await retrieve(body)).toEqual(body);
  });

  it('warns once per field, however many answers differ there', async () => {
    const { logger, warnings } = capture();
    const { fetch } = scriptedFetch(json({ ...RUN, status: 'cancelled' }));
    const client = testClient(fetch, { logger, logLevel: 'warn' });
    for (let i = 0; i < 3; i++) await client.techniques.runs.retrieve('run_abc123', { techniqueId: 't' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('status = "cancelled"');
    expect(warnings[0]).toContain('must be one of: pending, running, completed, failed');
  });
});

describe('answers that cannot be used throw ResponseValidationError', () => {
  it.each([
    ['no run_id', { ...RUN, run_id: undefined }, 'run_id'],
    ['run_id null', { ...RUN, run_id: null }, 'run_id'],
    ['progress as a string', { ...RUN, progress: '50' }, 'progress'],
    ['outputs that are not objects', { ...RUN, outputs: [null] }, 'outputs[0]'],
    ['an array', [RUN], '(body)'],
  ])('GET answering %s names %s', async (_what, body, field) => {
    const e = await retrieve(body).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ResponseValidationError);
    expect((e as ResponseValidationError).fields.map((f) => f.field)).toContain(field);
  });

  it('after a POST, the error carries the run_id the body had and the key the call sent', async () => {
    const { fetch, requests } = scriptedFetch(json({ ...STARTED, type: undefined, run_id: 'run_started_1' }));
    const e = (await testClient(fetch, { maxRetries: 0 }).runs.startTechnique(TOP_BODY).catch((err: unknown) => err)) as ResponseValidationError;
    expect(e).toBeInstanceOf(ResponseValidationError);
    expect(e.runId).toBe('run_started_1');
    expect(e.message).toContain('run_started_1');
    expect(e.idempotencyKey).toBe(requests[0]!.headers.get('idempotency-key'));
    expect(e.fields).toEqual([{ field: 'type', message: 'Required' }]);
  });

  it("with validate: 'strict', every difference from the spec throws, as the contract suite reads", async () => {
    const strict = testClient(scriptedFetch(json({ ...STARTED, estimated_seconds: null })).fetch, { maxRetries: 0, validate: 'strict' });
    await expect(strict.runs.startTechnique(TOP_BODY)).rejects.toBeInstanceOf(ResponseValidationError);
    const nested = testClient(scriptedFetch(json({ ...RUN, status: 'cancelled' })).fetch, { maxRetries: 0, validate: { responses: 'strict' } });
    await expect(nested.techniques.runs.create('t', NESTED_BODY)).rejects.toBeInstanceOf(ResponseValidationError);
  });
});

describe('a large or deep answer costs bounded work and memory, and errors keep bounded excerpts', () => {
  const outputs = (n: number, type: unknown) => Array.from({ length: n }, (_, i) => ({ output_id: `o${i}`, type, url: `https://cdn.test/${i}` }));

  it('30,000 outputs of an unknown type: data, and one warning for the field path pattern, not one per index', async () => {
    const { logger, warnings } = capture();
    const body = { ...RUN, status: 'completed', outputs: outputs(30_000, 'hologram') };
    const run = await retrieve(body, logger);
    expect(run.outputs).toHaveLength(30_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('outputs[0].type = "hologram" (and 29999 more fields like it)');
  });

  it('a fatal problem among tolerable ones of the same pattern is still found (a tolerable first one does not hide it)', async () => {
    const body = { ...RUN, status: 'completed', outputs: [...outputs(1000, 'hologram'), { output_id: 'x', type: 7, url: 'u' }] };
    const e = (await retrieve(body).catch((err: unknown) => err)) as ResponseValidationError;
    expect(e).toBeInstanceOf(ResponseValidationError);
    expect(e.fields).toEqual([{ field: 'outputs[1000].type', message: 'must be string' }]);
  });

  it("strictly read, 30,000 bad outputs are one field of the error, which counts the rest; its body is an excerpt", async () => {
    const strict = testClient(scriptedFetch(json({ ...RUN, status: 'completed', outputs: outputs(30_000, 'hologram') })).fetch, { maxRetries: 0, validate: 'strict' });
    const e = (await strict.techniques.runs.retrieve('run_abc123', { techniqueId: 't' }).catch((err: unknown) => err)) as ResponseValidationError;
    expect(e).toBeInstanceOf(ResponseValidationError);
    expect(e.fields).toHaveLength(1);
    expect(e.fields[0]!.message).toContain('(and 29999 more like it)');
    expect(typeof e.body).toBe('string');
    expect(JSON.stringify(e).length).toBeLessThan(10_000);
  });

  it('an error body nested 100,000 deep: the error keeps an excerpt, and JSON.stringify and inspect of it work', async () => {
    const deep = `{"error":{"code":"unknown_error","message":"boom","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const client = testClient(scriptedFetch(new Response(deep, { status: 400 })).fetch, { maxRetries: 0 });
    const e = (await client.techniques.runs.retrieve('run_abc123', { techniqueId: 't' }).catch((err: unknown) => err)) as APIError;
    expect(e).toBeInstanceOf(APIError);
    expect(e.message).toContain('unknown_error: boom');
    expect(JSON.stringify(e).length).toBeLessThan(10_000);
    expect(inspect(e, { depth: 20 }).length).toBeLessThan(20_000);
  });

  it('an error body of 1 MiB with a 1 MiB message: the error keeps bounded excerpts of both', async () => {
    const big = JSON.stringify({ error: { code: 'unknown_error', message: 'm'.repeat(1 << 20), fields: Array.from({ length: 5000 }, () => ({ field: 'f', message: 'x' })) } });
    const client = testClient(scriptedFetch(new Response(big, { status: 400 })).fetch, { maxRetries: 0, maxResponseBytes: 4 << 20 });
    const e = (await client.techniques.runs.retrieve('run_abc123', { techniqueId: 't' }).catch((err: unknown) => err)) as APIError;
    expect(e).toBeInstanceOf(APIError);
    expect(e.message.length).toBeLessThan(5_000);
    expect(JSON.stringify(e).length).toBeLessThan(10_000);
  });
});

describe('a 404 says what was not found', () => {
  it('a missing technique, a missing run, a run by id alone, and a wrong base path read differently, each naming what was asked', async () => {
    const { startSimulator, DEFAULT_API_KEY } = await import('../testing/index.js');
    const { Flora, NotFoundError } = await import('../index.js');
    const sim = await startSimulator();
    try {
      const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', maxRetries: 0 });
      const wrongBase = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url.replace('/api/v1', '/api/v2'), logLevel: 'off', maxRetries: 0 });
      const messages = await Promise.all(
        [
          flora.techniques.runs.create('no-such-technique', NESTED_BODY),
          flora.techniques.runs.retrieve('run_missing', { techniqueId: 'art-directors-critique' }),
          flora.generations.retrieve('run_missing'),
          wrongBase.techniques.runs.retrieve('run_missing', { techniqueId: 'art-directors-critique' }),
        ].map((p) =>
          p.then(
            () => 'resolved',
            (e: unknown) => (expect(e).toBeInstanceOf(NotFoundError), (e as Error).message.replace(/ \[request id \w+\]$/, '')),
          ),
        ),
      );
      expect(messages).toEqual([
        '404 not_found: Not found. No technique "no-such-technique" for this key (POST /api/v1/techniques/no-such-technique/runs).',
        '404 not_found: Not found. No run "run_missing" of technique "art-directors-critique" for this key (GET /api/v1/techniques/art-directors-critique/runs/run_missing).',
        '404 not_found: Not found. No run "run_missing" for this key (GET /api/v1/runs/run_missing).',
        `404 Not Found: Cannot GET /api/v2/techniques/art-directors-critique/runs/run_missing: no such route. This API's operations are under /api/v1. This is not FLORA's error answer (GET /api/v2/techniques/art-directors-critique/runs/run_missing): is the base URL right? It is ${sim.url.replace('/api/v1', '/api/v2')}.`,
      ]);
    } finally {
      await sim.close();
    }
  });
});
