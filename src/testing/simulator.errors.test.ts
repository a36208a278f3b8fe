import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TechniqueRun } from '../../generated/openapi.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from './index.js';
import { call, CREATE_BODY, rawCall, START_BODY } from './spec-check.test-helper.js';

const NESTED = '/techniques/art-directors-critique/runs';

describe('simulator: authentication, access and validation', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: 2,
      keys: {
        [DEFAULT_API_KEY]: {},
        key_other: { workspaceId: 'ws_other' },
        key_broke: { credits: false },
        key_blocked: { access: false },
      },
    });
  });
  afterAll(() => sim.close());

  it.each([
    ['no Authorization header', null],
    ['an unknown key', 'flora_nope'],
  ])('answers 401 unauthorized for %s, on every operation', async (_label, key) => {
    for (const [method, path, body] of [
      ['POST', NESTED, CREATE_BODY],
      ['GET', `${NESTED}/run_x`, undefined],
      ['POST', '/runs/technique', START_BODY],
    ] as const) {
      const res = await call(sim.url, method, path, { key, body });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'Invalid API key.' } });
    }
    expect((await call(sim.url, 'GET', `${NESTED}/run_x`, { headers: { authorization: `Basic ${DEFAULT_API_KEY}` }, key: null })).status).toBe(401);
  });

  it('answers 402 insufficient_credits on both starts for a key without credits', async () => {
    for (const [path, body] of [
      [NESTED, CREATE_BODY],
      ['/runs/technique', START_BODY],
    ] as const) {
      const res = await call(sim.url, 'POST', path, { key: 'key_broke', body });
      expect(res.status).toBe(402);
      expect(res.body).toEqual({ error: { code: 'insufficient_credits', message: 'Insufficient credits.' } });
    }
    expect(sim.runCount('key_broke')).toBe(0);
  });

  it('answers 403 forbidden for a key without access, and for another workspace on the top-level start', async () => {
    const blocked = await call(sim.url, 'POST', NESTED, { key: 'key_blocked', body: CREATE_BODY });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toEqual({ error: { code: 'forbidden', message: 'Forbidden.' } });
    expect((await call(sim.url, 'GET', `${NESTED}/run_x`, { key: 'key_blocked' })).status).toBe(403);
    const elsewhere = await call(sim.url, 'POST', '/runs/technique', { body: { ...START_BODY, workspace_id: 'ws_other' } });
    expect(elsewhere.status).toBe(403);
  });

  it('applies setKey changes at runtime', async () => {
    sim.setKey('key_new', { credits: false });
    expect((await call(sim.url, 'POST', NESTED, { key: 'key_new', body: CREATE_BODY })).status).toBe(402);
    sim.setKey('key_new', { credits: true });
    expect((await call(sim.url, 'POST', NESTED, { key: 'key_new', body: CREATE_BODY })).status).toBe(200);
  });

  it('answers 404 not_found for unknown techniques and runs', async () => {
    const res = await call(sim.url, 'POST', '/techniques/no-such-technique/runs', { body: CREATE_BODY });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'Not found.' } });
    expect((await call(sim.url, 'GET', `${NESTED}/run_doesnotexist`)).status).toBe(404);
    // The top-level route takes tech_ ids only; a well-formed but unknown one is not found.
    expect((await call(sim.url, 'POST', '/runs/technique', { body: { ...START_BODY, technique_id: 'tech_zzzz' } })).status).toBe(404);
  });

  it("hides a run from other keys, and from another technique's path", async () => {
    const run = (await call<TechniqueRun>(sim.url, 'POST', NESTED, { body: CREATE_BODY })).body;
    expect((await call(sim.url, 'GET', `${NESTED}/${run.run_id}`)).status).toBe(200);
    expect((await call(sim.url, 'GET', `/techniques/tech_abcd1234/runs/${run.run_id}`)).status).toBe(200);
    expect((await call(sim.url, 'GET', `${NESTED}/${run.run_id}`, { key: 'key_other' })).status).toBe(404);
    expect((await call(sim.url, 'GET', `/techniques/product-shot/runs/${run.run_id}`)).status).toBe(404);
  });

  it('answers 400 input_validation_error naming the field', async () => {
    const res = await call(sim.url, 'POST', NESTED, { body: { mode: 'async' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'input_validation_error', message: 'inputs: Required', fields: [{ field: 'inputs', message: 'Required' }] });
    const badType = await call(sim.url, 'POST', NESTED, { body: { ...CREATE_BODY, inputs: [{ id: 'p', type: 'pdf', value: 'x' }] } });
    expect(badType.body.error.fields[0].field).toBe('inputs[0].type');
    const top = await call(sim.url, 'POST', '/runs/technique', { body: { ...START_BODY, technique_id: 'art-directors-critique' } });
    expect(top.body.error.message).toBe('technique_id: must start with tech_');
  });

  it('accepts https callbacks anywhere and plain http only to loopback', async () => {
    const ok = (url: string) => call(sim.url, 'POST', NESTED, { body: { ...CREATE_BODY, callback_url: url } });
    expect((await ok('https://example.com/hook')).status).toBe(200);
    expect((await ok('http://127.0.0.1:9/hook')).status).toBe(200);
    const remote = await ok('http://example.com/hook');
    expect(remote.status).toBe(400);
    expect(remote.body.error.fields[0].field).toBe('callback_url');
  });

  it('answers 400 with field (body) for a body that is not JSON, or missing', async () => {
    for (const path of [NESTED, '/runs/technique']) {
      const res = await call(sim.url, 'POST', path, { rawBody: '{"inputs": [', headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toEqual([{ field: '(body)', message: 'must be valid JSON' }]);
      expect((await call(sim.url, 'POST', path)).body.error.fields[0].field).toBe('(body)');
    }
  });

  it('answers a wrong method with the 404 envelope and Allow, and a path of no operation as a web server does, naming the base path', async () => {
    for (const [method, path, allow] of [
      ['GET', NESTED, 'POST'],
      ['DELETE', `${NESTED}/run_x`, 'GET'],
      ['PUT', '/runs/technique', 'POST'],
    ]) {
      const res = await rawCall(sim.url, method!, path!);
      expect(res.status).toBe(404);
      expect(res.headers.get('allow')).toBe(allow);
      expect(JSON.parse(res.text).error.code).toBe('not_found');
    }
    for (const [base, method, path] of [
      [sim.url, 'GET', '/nope'],
      [sim.url, 'GET', '/techniques//runs'],
      [sim.url, 'GET', '/techniques/%E0%A4%A/runs/x'],
      [sim.url.replace('/api/v1', ''), 'GET', '/'],
      [sim.url.replace('/api/v1', '/api/v2'), 'POST', '/techniques/t/runs'],
    ]) {
      const res = await rawCall(base!, method!, path!);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.text).toMatch(new RegExp(`^Cannot ${method} \\S+: no such route\\. This API's operations are under /api/v1\\.$`));
    }
  });

  it('never crashes, and always answers within the spec, whatever the body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(NESTED, '/runs/technique'),
        fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))),
        async (path, rawBody) => {
          const res = await call(sim.url, 'POST', path, { rawBody });
          expect([200, 400, 403, 404]).toContain(res.status);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
    const huge = await call(sim.url, 'POST', NESTED, { rawBody: JSON.stringify({ inputs: [], mode: 'async', x: 'y'.repeat(1_100_000) }) });
    expect(huge.status).toBe(400);
  });
});

describe('simulator: idempotency', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, keys: { [DEFAULT_API_KEY]: {}, key_two: {} } });
  });
  afterAll(() => sim.close());

  it('answers 409 for a repeated Idempotency-Key within two hours, and starts a new run after', async () => {
    const headers = { 'idempotency-key': 'idem-1' };
    const first = await call(sim.url, 'POST', NESTED, { body: CREATE_BODY, headers });
    expect(first.status).toBe(200);
    const before = sim.runCount();
    sim.advance(7000);
    const again = await call(sim.url, 'POST', NESTED, { body: CREATE_BODY, headers });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: { code: 'idempotency_duplicate', message: 'Duplicate idempotency key.' } });
    expect(sim.runCount()).toBe(before);
    // Keys are per API key: another key may use the same one.
    expect((await call(sim.url, 'POST', NESTED, { key: 'key_two', body: CREATE_BODY, headers })).status).toBe(200);
    sim.advance(7201);
    const later = await call<TechniqueRun>(sim.url, 'POST', NESTED, { body: CREATE_BODY, headers });
    expect(later.status).toBe(200);
    expect(later.body.run_id).not.toBe(first.body.run_id);
  });

  it("uses the nested body's idempotency_key when there is no header, and shares keys across both POSTs", async () => {
    expect((await call(sim.url, 'POST', NESTED, { body: { ...CREATE_BODY, idempotency_key: 'idem-body' } })).status).toBe(200);
    expect((await call(sim.url, 'POST', NESTED, { body: { ...CREATE_BODY, idempotency_key: 'idem-body' } })).status).toBe(409);
    expect((await call(sim.url, 'POST', NESTED, { body: CREATE_BODY, headers: { 'idempotency-key': 'idem-body' } })).status).toBe(409);
    expect((await call(sim.url, 'POST', '/runs/technique', { body: START_BODY, headers: { 'idempotency-key': 'idem-top' } })).status).toBe(200);
    expect((await call(sim.url, 'POST', '/runs/technique', { body: START_BODY, headers: { 'idempotency-key': 'idem-top' } })).status).toBe(409);
    expect((await call(sim.url, 'POST', NESTED, { body: CREATE_BODY, headers: { 'idempotency-key': 'idem-top' } })).status).toBe(409);
  });

  it('does not spend a key on a request that failed validation', async () => {
    const headers = { 'idempotency-key': 'idem-invalid-first' };
    expect((await call(sim.url, 'POST', NESTED, { body: { mode: 'async' }, headers })).status).toBe(400);
    expect((await call(sim.url, 'POST', NESTED, { body: CREATE_BODY, headers })).status).toBe(200);
    expect((await call(sim.url, 'POST', NESTED, { body: CREATE_BODY, headers: { 'idempotency-key': 'k'.repeat(256) } })).status).toBe(400);
  });
});

describe('simulator: rate limit', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: 4,
      rateLimit: { requests: 2, perSeconds: 10 },
      keys: { [DEFAULT_API_KEY]: {}, key_b: {}, key_free: { rateLimit: null } },
    });
  });
  afterAll(() => sim.close());

  it('answers 429 rate_limited with Retry-After and retry-after-ms once a key spends its burst', async () => {
    expect((await call(sim.url, 'GET', `${NESTED}/run_x`)).status).toBe(404);
    expect((await call(sim.url, 'POST', NESTED, { body: CREATE_BODY })).status).toBe(200);
    const limited = await call(sim.url, 'GET', `${NESTED}/run_x`);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 'rate_limited', message: 'Rate limit exceeded.' } });
    const ms = Number(limited.headers.get('retry-after-ms'));
    expect(ms).toBeGreaterThan(3000);
    expect(ms).toBeLessThanOrEqual(5000);
    expect(Number(limited.headers.get('retry-after'))).toBe(Math.ceil(ms / 1000));
    expect((await call(sim.url, 'POST', NESTED, { body: CREATE_BODY })).status).toBe(429);
    expect(sim.runCount(DEFAULT_API_KEY)).toBe(1);
    expect(sim.stats().requests.retrieve?.['429']).toBe(1);
  });

  it('keeps one bucket per key, and honours a per-key override', async () => {
    expect((await call(sim.url, 'GET', `${NESTED}/run_x`, { key: 'key_b' })).status).toBe(404);
    for (let i = 0; i < 5; i++) expect((await call(sim.url, 'GET', `${NESTED}/run_x`, { key: 'key_free' })).status).toBe(404);
  });
});

describe('simulator: what it reads from whom', () => {
  /** Sends a request head over a raw socket, then `body` (if any), and resolves with the first bytes answered. */
  function rawRequest(port: number, head: string, body?: string): Promise<{ answer: string; socket: net.Socket }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(head);
        if (body !== undefined) socket.write(body);
      });
      socket.once('data', (d) => resolve({ answer: d.toString(), socket }));
      socket.once('error', reject);
    });
  }

  it('answers 401 before reading a body: an unauthenticated megabyte is never waited for or kept', async () => {
    const sim = await startSimulator({ seed: 3 });
    try {
      const sockets = await Promise.all(
        Array.from({ length: 50 }, () =>
          rawRequest(sim.port, `POST /api/v1/techniques/art-directors-critique/runs HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${1024 * 1024}\r\n\r\n`),
        ),
      );
      for (const { answer, socket } of sockets) {
        expect(answer).toMatch(/^HTTP\/1\.1 401/);
        socket.destroy();
      }
    } finally {
      await sim.close();
    }
  });

  it('logs a client that goes away mid-request at debug level, not as a crash', async () => {
    const lines: string[] = [];
    const sim = await startSimulator({ seed: 3, logger: { debug: (m) => lines.push(`debug ${m}`), error: (m) => lines.push(`error ${m}`) } });
    try {
      const { socket } = await new Promise<{ socket: net.Socket }>((resolve) => {
        const socket = net.connect(sim.port, '127.0.0.1', () => {
          socket.write(`POST /api/v1/techniques/art-directors-critique/runs HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${DEFAULT_API_KEY}\r\ncontent-length: 1000\r\n\r\n{"inputs":`);
          setTimeout(() => resolve({ socket }), 50);
        });
      });
      socket.destroy();
      await new Promise((r) => setTimeout(r, 100));
      expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
      expect(lines.some((l) => l.startsWith('debug client went away'))).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
