/** The client's options and the three operations through their resources. */
import { inspect } from 'node:util';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import Flora, { createFloraClient, DEFAULT_BASE_URL, FloraError, InputValidationError, type RunStartedResponse, type TechniqueRun } from './index.js';
import { json, NESTED_BODY, RUN, scriptedFetch, STARTED, TEST_KEY, testClient, TOP_BODY } from './test-utils.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('options', () => {
  it('reads FLORA_API_KEY and FLORA_BASE_URL when no options are given', async () => {
    vi.stubEnv('FLORA_API_KEY', 'env_key');
    vi.stubEnv('FLORA_BASE_URL', 'http://127.0.0.1:9/api/v1/');
    const { fetch, requests } = scriptedFetch(json(RUN));
    const client = new Flora({ fetch });
    expect(client.baseUrl).toBe('http://127.0.0.1:9/api/v1');
    await client.techniques.runs.retrieve('run_abc123', { techniqueId: 'art-directors-critique' });
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer env_key');
    expect(requests[0]!.url).toBe('http://127.0.0.1:9/api/v1/techniques/art-directors-critique/runs/run_abc123');
  });

  it('defaults to the production base URL, 60 s timeout and 2 retries', () => {
    vi.stubEnv('FLORA_BASE_URL', '');
    delete process.env.FLORA_BASE_URL;
    const client = createFloraClient({ apiKey: 'k' });
    expect(client.baseUrl).toBe(DEFAULT_BASE_URL);
    expect(DEFAULT_BASE_URL).toBe('https://app.flora.ai/api/v1');
    expect(client.timeout).toBe(60_000);
    expect(client.maxRetries).toBe(2);
  });

  it('says clearly when there is no API key', () => {
    vi.stubEnv('FLORA_API_KEY', '');
    expect(() => new Flora()).toThrow(FloraError);
    expect(() => new Flora()).toThrow(/FLORA_API_KEY/);
  });

  it('refuses to send the key over plain http to a non-loopback host unless told to', () => {
    expect(() => new Flora({ apiKey: 'k', baseUrl: 'http://api.example.com/v1' })).toThrow(/plain http/);
    expect(() => new Flora({ apiKey: 'k', baseUrl: 'http://api.example.com/v1', allowInsecureHttp: true })).not.toThrow();
    for (const local of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010']) {
      expect(() => new Flora({ apiKey: 'k', baseUrl: local })).not.toThrow();
    }
  });

  it('rejects a base URL that is not a URL', () => {
    expect(() => new Flora({ apiKey: 'k', baseUrl: 'app.flora.ai' })).toThrow(/Invalid baseUrl/);
  });

  it.each(['ws://127.0.0.1:4010/api/v1', 'file:///etc/passwd', 'data:text/plain,hi', 'https://user:pw@app.flora.ai/api/v1', 'https://app.flora.ai/api/v1?x=1'])(
    'refuses the base URL %s as an InputValidationError naming baseUrl',
    (baseUrl) => {
      let error: unknown;
      try {
        new Flora({ apiKey: 'k', baseUrl });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputValidationError);
      expect((error as InputValidationError).fields[0]!.field).toBe('baseUrl');
      expect((error as Error).message).not.toContain('pw');
    },
  );

  it.each([
    ['timeout', { timeout: Number.NaN }],
    ['timeout', { timeout: 0 }],
    ['maxRetries', { maxRetries: -1 }],
    ['maxRetries', { maxRetries: 1.5 }],
    ['maxResponseBytes', { maxResponseBytes: 0 }],
    ['apiKey', { apiKey: 'key\r\nX-Evil: 1' }],
  ])('refuses a bad %s option up front', (field, options) => {
    let error: unknown;
    try {
      new Flora({ apiKey: 'k', ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).fields[0]!.field).toBe(field);
    expect((error as Error).message).not.toContain('X-Evil');
  });

  it("startTechniqueAndWait waits on a run even when the server names a technique id that cannot be a path", async () => {
    const { fetch, requests } = scriptedFetch(json({ ...STARTED, estimated_seconds: 0, technique: { name: 'x', technique_id: '..' } }), json({ ...RUN, status: 'completed', progress: 100 }));
    const run = await testClient(fetch).runs.startTechniqueAndWait(TOP_BODY, { minInterval: 50 });
    expect(run.status).toBe('completed');
    expect(requests[1]!.url).toBe(`https://app.flora.ai/api/v1/techniques/${TOP_BODY.technique_id}/runs/run_abc123`);
  });

  it('sends client-level and per-call headers', async () => {
    const { fetch, requests } = scriptedFetch(json(RUN));
    const client = testClient(fetch, { headers: { 'x-team': 'render' } });
    await client.techniques.runs.retrieve('run_abc123', { techniqueId: 't' }, { headers: { 'x-trace': 'abc' } });
    expect(requests[0]!.headers.get('x-team')).toBe('render');
    expect(requests[0]!.headers.get('x-trace')).toBe('abc');
  });

  it('does not keep the key where a console.log or JSON.stringify of the client shows it', () => {
    const client = new Flora({ apiKey: TEST_KEY, logLevel: 'off' });
    expect(inspect(client, { depth: 6, showHidden: true })).not.toContain(TEST_KEY);
    expect(JSON.stringify(Object.values(client).filter((v) => typeof v !== 'object'))).not.toContain(TEST_KEY);
  });
});

describe('techniques.runs.create', () => {
  it('POSTs the body to the nested route and returns the typed run', async () => {
    const { fetch, requests } = scriptedFetch(json(RUN));
    const run = await testClient(fetch).techniques.runs.create('art-directors-critique', NESTED_BODY);
    expectTypeOf(run).toEqualTypeOf<TechniqueRun>();
    expect(run).toEqual(RUN);
    const req = requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://app.flora.ai/api/v1/techniques/art-directors-critique/runs');
    // The one key travels in both channels: the header, and the body field FLORA's SDK models.
    expect(JSON.parse(req.body)).toEqual({ ...NESTED_BODY, idempotency_key: req.headers.get('idempotency-key') });
    expect(req.headers.get('content-type')).toBe('application/json');
    expect(req.headers.get('authorization')).toBe(`Bearer ${TEST_KEY}`);
  });

  it('encodes the technique id in the path', async () => {
    const { fetch, requests } = scriptedFetch(json(RUN));
    await testClient(fetch).techniques.runs.create('a/b c', NESTED_BODY);
    expect(requests[0]!.url).toBe('https://app.flora.ai/api/v1/techniques/a%2Fb%20c/runs');
  });
});

describe('techniques.runs.retrieve', () => {
  it('GETs the run without an idempotency key', async () => {
    const completed = { ...RUN, status: 'completed', progress: 100, outputs: [{ output_id: 'o1', type: 'imageUrl', url: 'https://media.flora.ai/o.png' }] };
    const { fetch, requests } = scriptedFetch(json(completed));
    const run = await testClient(fetch).techniques.runs.retrieve('run_abc123', { techniqueId: 'art-directors-critique' });
    expect(run.outputs?.[0]?.type).toBe('imageUrl');
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.headers.has('idempotency-key')).toBe(false);
  });
});

describe('runs.startTechnique', () => {
  it('POSTs to /runs/technique and returns the typed response', async () => {
    const { fetch, requests } = scriptedFetch(json({ ...STARTED, action: { action_id: 'split-text' } }));
    const started = await testClient(fetch).runs.startTechnique(TOP_BODY);
    expectTypeOf(started).toEqualTypeOf<RunStartedResponse>();
    expect(started.action?.action_id).toBe('split-text');
    expect(requests[0]!.url).toBe('https://app.flora.ai/api/v1/runs/technique');
    expect(JSON.parse(requests[0]!.body)).toEqual(TOP_BODY);
  });
});

describe('withResponse and raw', () => {
  it('gives the raw Response and the request id beside the data', async () => {
    const { fetch } = scriptedFetch(json(RUN, 200, { 'x-request-id': 'req_123' }));
    const { data, response, requestId } = await testClient(fetch).techniques.runs.create('t', NESTED_BODY).withResponse();
    expect(data.run_id).toBe('run_abc123');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req_123');
    expect(requestId).toBe('req_123');
  });

  it('exposes the openapi-fetch client, with auth and an idempotency key, for {data, error} users', async () => {
    const { fetch, requests } = scriptedFetch(json({ error: { code: 'not_found', message: 'Not found.' } }, 404));
    const client = testClient(fetch);
    const { data, error, response } = await client.raw.POST('/runs/technique', { body: TOP_BODY });
    expect(data).toBeUndefined();
    expect(error?.error.code).toBe('not_found');
    expect(response.status).toBe(404);
    expect(requests[0]!.headers.get('authorization')).toBe(`Bearer ${TEST_KEY}`);
    expect(requests[0]!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
