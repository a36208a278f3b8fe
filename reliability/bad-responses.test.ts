/**
 * Generated malformed server answers (wrong types, missing fields, values outside an
 * enum, truncated JSON, HTML error pages, empty bodies, wrong content types, non-envelope errors, huge and
 * odd values, fetch failures, bodies that break off, answers that never come), from a scripted fetch, plus
 * broken HTTP on real sockets from a local server. Every one must become valid data or a typed error
 * (`ResponseValidationError`, an `APIError` subclass, or an `APIConnectionError`): no crash, no untyped
 * error, never undefined data.
 */
import net, { type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACTION_IDS, ERROR_CODES, OUTPUT_TYPES, RUN_STATUSES, RUN_TYPES } from '../generated/constants.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  Flora,
  InsufficientCreditsError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  UnprocessableEntityError,
} from '../src/index.js';
import { schemaProblems } from '../generated/validators.js';
import { outcome } from '../src/test-utils.js';
import { className, table } from './harness.js';
import { pick, SCALE_NAME } from './scale.js';

const CASES = pick(200, 2_000);
const SOCKET_CASES = pick(40, 200);
const SEED = 80_808;
/**
 * Per-attempt timeouts: short where an answer never comes (that is the case under test), generous
 * everywhere else, so a busy machine cannot turn a valid answer into a timeout.
 */
const HANG_TIMEOUT_MS = 60;
const TIMEOUT_MS = 15_000;

type Op = 'create' | 'retrieve' | 'startTechnique';
const SCHEMA = { create: 'TechniqueRun', retrieve: 'TechniqueRun', startTechnique: 'RunStartedResponse' } as const;

// ---- success bodies, valid then broken -------------------------------------------------------------------
const id = (prefix: string) => fc.stringMatching(/^[a-z0-9]{1,12}$/).map((s) => prefix + s);
const num = fc.double({ min: 0, max: 2e9, noNaN: true });
const techniqueRun = fc.record(
  {
    created_at: num,
    progress: fc.integer({ min: 0, max: 100 }),
    run_id: id('run_'),
    status: fc.constantFrom(...RUN_STATUSES),
    charged_cost: num,
    completed_at: num,
    error_code: fc.string(),
    error_message: fc.string(),
    outputs: fc.array(fc.record({ output_id: id('output_'), type: fc.constantFrom(...OUTPUT_TYPES), url: fc.webUrl() }), { maxLength: 3 }),
    poll_url: fc.webUrl(),
    started_at: num,
  },
  { requiredKeys: ['created_at', 'progress', 'run_id', 'status'] },
);
const runStarted = fc.record(
  {
    charged_cost: num,
    estimated_seconds: num,
    run_id: id('run_'),
    type: fc.constantFrom(...RUN_TYPES),
    action: fc.record({ action_id: fc.constantFrom(...ACTION_IDS) }),
    model: fc.record({ model_id: fc.string({ minLength: 1 }) }),
    poll_url: fc.webUrl(),
    project_id: id('prj_'),
    technique: fc.record({ name: fc.string(), technique_id: id('tech_') }),
  },
  { requiredKeys: ['charged_cost', 'estimated_seconds', 'run_id', 'type'] },
);

type Obj = Record<string, unknown>;
/** Values no field of the spec allows where a string, a number or an enum is due, plus odd ones. */
const odd = fc.oneof(
  fc.constantFrom(null, true, false, '', 'NaN', -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, [], {}, [[[]]], '\u0000', '\ud800', '💥'.repeat(50)),
  fc.string({ minLength: 1, maxLength: 5 }).map((s) => s.repeat(20_000)),
  fc.jsonValue({ maxDepth: 3 }),
);
interface Broken {
  body: unknown;
  /** A mutation the schema certainly refuses (so validation must reject). */
  mustFail: boolean;
  what: string[];
}
const REQUIRED = { TechniqueRun: ['created_at', 'progress', 'run_id', 'status'], RunStartedResponse: ['charged_cost', 'estimated_seconds', 'run_id', 'type'] };
const TYPES: Record<string, 'number' | 'string' | 'enum' | 'array' | 'object'> = {
  created_at: 'number', progress: 'number', run_id: 'string', status: 'enum', charged_cost: 'number', completed_at: 'number',
  error_code: 'string', error_message: 'string', outputs: 'array', poll_url: 'string', started_at: 'number', estimated_seconds: 'number',
  type: 'enum', action: 'object', model: 'object', project_id: 'string', technique: 'object',
};
const wrongFor = (kind: string, v: unknown): boolean =>
  kind === 'number' ? typeof v !== 'number' : kind === 'string' ? typeof v !== 'string' : kind === 'array' ? !Array.isArray(v) : kind === 'object' ? typeof v !== 'object' || v === null || Array.isArray(v) : typeof v !== 'string';

function breakBody(schema: 'TechniqueRun' | 'RunStartedResponse', base: Obj, ops: [number, number, unknown, string][]): Broken {
  const body: Obj = structuredClone(base);
  let mustFail = false;
  const what: string[] = [];
  for (const [kind, n, value, extra] of ops) {
    const keys = Object.keys(body);
    if (kind === 0) {
      const f = REQUIRED[schema][n % 4]!;
      delete body[f];
      mustFail = true;
      what.push(`missing ${f}`);
    } else if (kind === 1 && keys.length > 0) {
      const f = keys[n % keys.length]!;
      body[f] = value;
      // A number where a number is due (or a string where a free string is due) can still be valid.
      if (wrongFor(TYPES[f] ?? '', value)) mustFail = true;
      what.push(`${f} = ${inspect(value, { maxStringLength: 20, depth: 1 })}`);
    } else if (kind === 2) {
      const f = schema === 'TechniqueRun' ? 'status' : 'type';
      body[f] = extra;
      if (!(schema === 'TechniqueRun' ? (RUN_STATUSES as readonly string[]) : RUN_TYPES).includes(extra)) mustFail = true;
      what.push(`${f} outside the enum`);
    } else if (kind === 3) {
      // Unknown fields are allowed (responses are open): must still be valid.
      body[`x_${extra}`] = value;
      what.push('unknown field');
    } else if (kind === 4 && schema === 'TechniqueRun') {
      body.outputs = [{ output_id: 'output_1', type: extra, url: 5 }];
      mustFail = true;
      what.push('bad output');
    } else if (kind === 4) {
      body.charged_cost = -1 - n;
      mustFail = true;
      what.push('negative charged_cost');
    }
  }
  return { body, mustFail, what };
}

// ---- whole answers ---------------------------------------------------------------------------------------
type Answer =
  | { kind: 'json'; status: number; body: unknown; contentType: string | undefined; mustFail: boolean; what: string }
  | { kind: 'text'; status: number; text: string; contentType: string | undefined; what: string }
  | { kind: 'throw'; value: unknown; what: string }
  | { kind: 'broken-stream'; status: number; what: string }
  | { kind: 'hang'; what: string };

const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', 'application/problem+json', 'application/octet-stream', 'application/xml');
const SUCCESS = fc.constantFrom(200, 200, 200, 201, 202, 203, 206);
const ERROR_STATUS = fc.constantFrom(300, 301, 302, 307, 400, 401, 402, 403, 404, 405, 406, 408, 409, 410, 413, 415, 418, 422, 425, 429, 451, 499, 500, 501, 502, 503, 504, 507, 520, 599);
const html = (status: number) => `<!DOCTYPE html><html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`;
const textBodies = (valid: string) =>
  fc.oneof(
    fc.nat().map((n) => ({ text: valid.slice(0, n % Math.max(1, valid.length)), what: 'truncated JSON' })),
    fc.constant({ text: '', what: 'empty body' }),
    fc.constantFrom('null', '[]', '"run_abc"', '123', 'true', 'undefined', 'NaN', '{', '}', '{"a":', '\u0000', '{}{}').map((text) => ({ text, what: `body ${text}` })),
    fc.constant({ text: `${valid}garbage`, what: 'trailing garbage' }),
    fc.constant({ text: `\ufeff${valid}`, what: 'BOM before valid JSON' }),
    fc.constant({ text: html(200), what: 'HTML page' }),
    fc.constant({ text: '[' .repeat(50_000), what: 'deeply nested' }),
    fc.string({ maxLength: 200 }).map((text) => ({ text, what: 'random text' })),
  );
const errorBodies = fc.oneof(
  fc.tuple(fc.constantFrom(...ERROR_CODES, 'teapot', ''), fc.string(), fc.option(fc.array(fc.record({ field: fc.string(), message: fc.string() }), { maxLength: 2 }))).map(([code, message, fields]) => ({ body: { error: { code, message, ...(fields ? { fields } : {}) } } as unknown, what: 'envelope' })),
  fc.constantFrom(
    { body: { message: 'Internal error' }, what: 'non-envelope {message}' },
    { body: { error: 'Bad Gateway' }, what: 'non-envelope {error: string}' },
    { body: { errors: [{ detail: 'x' }] }, what: 'non-envelope {errors}' },
    { body: { error: { code: 5, message: null } }, what: 'envelope with wrong types' },
    { body: { error: { message: 'no code' } }, what: 'envelope without code' },
    { body: { error: { code: 'input_validation_error', message: 'x', fields: 'prompt' } }, what: 'fields not an array' },
    { body: [], what: 'array' },
    { body: null, what: 'null' },
    { body: 'rate limited', what: 'JSON string' },
  ),
);

function answers(op: Op): fc.Arbitrary<Answer> {
  const schema = SCHEMA[op];
  const base = (schema === 'TechniqueRun' ? techniqueRun : runStarted) as fc.Arbitrary<Obj>;
  const mutations = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), odd, fc.string({ maxLength: 12 })), { maxLength: 3 });
  const validText = JSON.stringify({ created_at: 1, progress: 0, run_id: 'run_a', status: 'pending', charged_cost: 0, estimated_seconds: 1, type: 'technique' });
  return fc.oneof(
    { weight: 25, arbitrary: fc.tuple(SUCCESS, base, mutations, contentType).map(([status, b, ops, ct]): Answer => {
      const broken = breakBody(schema, b, ops);
      return { kind: 'json', status, body: broken.body, contentType: ct, mustFail: broken.mustFail, what: broken.what.join(', ') || 'valid' };
    }) },
    { weight: 10, arbitrary: fc.tuple(SUCCESS, textBodies(validText), contentType).map(([status, t, ct]): Answer => ({ kind: 'text', status, text: t.text, contentType: ct, what: t.what })) },
    { weight: 5, arbitrary: fc.constantFrom(204, 205).map((status): Answer => ({ kind: 'text', status, text: '', contentType: undefined, what: 'no content' })) },
    { weight: 20, arbitrary: fc.tuple(ERROR_STATUS, errorBodies, contentType).map(([status, e, ct]): Answer => ({ kind: 'json', status, body: e.body, contentType: ct, mustFail: true, what: e.what })) },
    { weight: 10, arbitrary: fc.tuple(ERROR_STATUS, fc.oneof(textBodies('{"error":{"code":"unknown_error","message":"x"}}'), fc.constant({ text: html(502), what: 'proxy HTML page' }))).map(([status, t]): Answer => ({ kind: 'text', status, text: t.text, contentType: 'text/html', what: t.what })) },
    { weight: 5, arbitrary: fc.constantFrom<unknown>(new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }), new DOMException('The operation was aborted.', 'AbortError'), 'a string', undefined, null, { weird: true }, new RangeError('x')).map((value): Answer => ({ kind: 'throw', value, what: `fetch threw ${className(value)}` })) },
    { weight: 5, arbitrary: fc.constantFrom(200, 500).map((status): Answer => ({ kind: 'broken-stream', status, what: 'body breaks off' })) },
    { weight: 1, arbitrary: fc.constant<Answer>({ kind: 'hang', what: 'never answers' }) },
  );
}

const cases = fc.constantFrom<Op>('create', 'retrieve', 'startTechnique').chain((op) => fc.record({ op: fc.constant(op), answer: answers(op), validate: fc.constantFrom<Mode>('tolerant', 'strict', 'off') }));

function toResponse(a: Answer, signal: AbortSignal): Promise<Response> {
  if (a.kind === 'throw') return Promise.reject(a.value);
  if (a.kind === 'hang') return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  if (a.kind === 'broken-stream') {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"run_id":"run_a","stat'));
        c.error(new TypeError('terminated'));
      },
    });
    return Promise.resolve(new Response(stream, { status: a.status, headers: { 'content-type': 'application/json' } }));
  }
  const text = a.kind === 'json' ? JSON.stringify(a.body) : a.text;
  const headers: Record<string, string> = { 'x-request-id': 'req_bad_responses' };
  if (a.contentType) headers['content-type'] = a.contentType;
  if (a.status === 429 || a.status === 503) headers['retry-after'] = 'soon';
  return Promise.resolve(new Response(a.status === 204 || a.status === 205 ? null : text, { status: a.status, headers }));
}

/** The class an error status must give. */
function expectedClass(status: number): typeof APIError {
  if (status === 400) return BadRequestError;
  if (status === 401) return AuthenticationError;
  if (status === 402) return InsufficientCreditsError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 422) return UnprocessableEntityError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return InternalServerError;
  return APIError;
}

function parseLikeAClient(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\ufeff/, '')) };
  } catch {
    return { ok: false };
  }
}

/** Checks one outcome; returns what is wrong, or undefined. */
/** How a client reads answers: tolerantly (the default), strictly, or only as a JSON object. */
type Mode = 'tolerant' | 'strict' | 'off';

/** Whether a client reading in `mode` may hand `value` back as data. */
function usable(op: Op, value: unknown, mode: Mode): boolean {
  if (mode === 'off') return typeof value === 'object' && value !== null;
  const problems = schemaProblems(SCHEMA[op], value);
  return mode === 'strict' ? problems.length === 0 : problems.every((p) => p.tolerable);
}

function check(op: Op, a: Answer, mode: Mode, settled: { result?: unknown; error?: unknown }): string | undefined {
  const { result: data, error } = settled;
  if (error === undefined) {
    if (data === undefined || data === null || typeof data !== 'object') return `resolved with ${inspect(data)}`;
    if (!usable(op, data, mode)) return `resolved, reading ${mode}, with data it may not hand back`;
  } else {
    if (!(error instanceof ResponseValidationError || error instanceof APIError || error instanceof APIConnectionError)) return `threw an untyped ${className(error)}: ${String(error)}`;
    if (typeof error.message !== 'string' || error.message === '') return 'error without a message';
    inspect(error, { depth: 10 }); // must not throw
  }
  // What it should have been.
  if (a.kind === 'throw' || a.kind === 'broken-stream') return error instanceof APIConnectionError && !(error instanceof APIConnectionTimeoutError) ? undefined : `expected APIConnectionError, got ${className(error ?? data)}`;
  if (a.kind === 'hang') return error instanceof APIConnectionTimeoutError ? undefined : `expected APIConnectionTimeoutError, got ${className(error ?? data)}`;
  if (a.status >= 300) {
    const want = expectedClass(a.status);
    if (!(error instanceof want) || error.status !== a.status) return `expected ${want.name} with status ${a.status}, got ${className(error ?? data)} ${(error as APIError)?.status}`;
    return undefined;
  }
  const parsed = a.kind === 'json' ? { ok: true as const, value: a.body } : parseLikeAClient(a.status === 204 || a.status === 205 ? '' : a.text);
  const shouldPass = parsed.ok && usable(op, parsed.value, mode);
  if (a.kind === 'json' && a.mustFail && mode === 'strict' && shouldPass) return 'the spec validator accepted a body that breaks the schema';
  if (shouldPass && error !== undefined) return `expected data, got ${className(error)}: ${(error as Error).message.slice(0, 200)}`;
  if (!shouldPass && !(error instanceof ResponseValidationError)) return `expected ResponseValidationError, got ${className(error ?? data)}`;
  if (error instanceof ResponseValidationError && (error.status !== a.status || error.fields.length === 0)) return 'ResponseValidationError without status or fields';
  return undefined;
}

const NESTED = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a red fox' }], mode: 'async' as const };
const TOP = { inputs: { prompt: 'a red fox' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' };
const callOp = (client: Flora, op: Op, options: { headers?: Record<string, string>; timeout?: number } = {}): Promise<unknown> =>
  op === 'create'
    ? client.techniques.runs.create('art-directors-critique', NESTED, options)
    : op === 'startTechnique'
      ? client.runs.startTechnique(TOP, options)
      : client.techniques.runs.retrieve('run_abc123', { techniqueId: 'art-directors-critique' }, options);


it(`${CASES} generated malformed answers from a scripted fetch (${SCALE_NAME}) become data or typed errors`, async () => {
  let current: Answer | undefined;
  const fetch = (request: Request) => toResponse(current!, request.signal);
  const options = { apiKey: 'flora_rel_bad_responses', baseUrl: 'https://api.example.test/v1', fetch, logLevel: 'off' as const, maxRetries: 0, timeout: TIMEOUT_MS };
  const clients = { tolerant: new Flora(options), strict: new Flora({ ...options, validate: 'strict' }), off: new Flora({ ...options, validate: false }) };
  const sample = fc.sample(cases, { seed: SEED, numRuns: CASES });
  const problems: string[] = [];
  const outcomes = new Map<string, number>();
  const kinds = new Map<string, number>();
  for (const c of sample) {
    current = c.answer;
    const settled = await outcome(() => callOp(clients[c.validate], c.op, c.answer.kind === 'hang' ? { timeout: HANG_TIMEOUT_MS } : {}));
    const label = settled.error === undefined ? 'data' : className(settled.error);
    outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    const kind = c.answer.kind === 'json' || c.answer.kind === 'text' ? `${c.answer.kind} ${c.answer.status < 300 ? '2xx' : c.answer.status < 400 ? '3xx' : c.answer.status < 500 ? '4xx' : '5xx'}` : c.answer.kind;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    const problem = check(c.op, c.answer, c.validate, settled);
    if (problem) problems.push(`${c.op} (validate ${c.validate}) answered ${inspect(c.answer, { depth: 3, maxStringLength: 80, breakLength: Infinity })}: ${problem}`);
  }
  console.log(
    [
      '',
      `### Malformed answers (${SCALE_NAME}): ${sample.length} from a scripted fetch, seed ${SEED}`,
      '',
      table(['answer', 'cases'], [...kinds].sort()),
      '',
      table(['outcome', 'cases'], [...outcomes].sort((a, b) => b[1] - a[1])),
      '',
      `problems: ${problems.length}`,
    ].join('\n'),
  );
  expect(problems.slice(0, 10)).toEqual([]);
});

// ---- broken HTTP on real sockets -------------------------------------------------------------------------
/** Valid as a TechniqueRun and as a RunStartedResponse (both are open to extra fields). */
const BODY = JSON.stringify({ created_at: 1, progress: 0, run_id: 'run_abc123', status: 'pending', charged_cost: 0.04, estimated_seconds: 45, type: 'technique' });
/** Raw answers a real (or broken) server or proxy can put on the wire, by case number. */
const RAW: { what: string; write: (socket: net.Socket) => void; expect: 'data' | 'connection' | 'timeout' | 'typed' | 'any' }[] = [
  { what: 'valid answer', expect: 'data', write: (s) => s.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`) },
  { what: 'content-length longer than the body, then close', expect: 'connection', write: (s) => s.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length + 50}\r\n\r\n${BODY}`) },
  { what: 'close in the middle of the headers', expect: 'connection', write: (s) => s.end('HTTP/1.1 200 OK\r\ncontent-type: appl') },
  { what: 'close before anything', expect: 'connection', write: (s) => s.destroy() },
  { what: 'not HTTP at all', expect: 'connection', write: (s) => s.end('SSH-2.0-OpenSSH_9.6\r\n') },
  { what: 'invalid status line', expect: 'connection', write: (s) => s.end('HTTP/1.1 abc\r\n\r\n') },
  { what: 'chunked with a bad chunk size', expect: 'connection', write: (s) => s.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n') },
  { what: 'chunked, cut off', expect: 'connection', write: (s) => s.end(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${(BODY.length).toString(16)}\r\n${BODY.slice(0, 10)}`) },
  { what: 'gzip encoding over plain bytes', expect: 'connection', write: (s) => s.end(`HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`) },
  { what: 'headers, then silence', expect: 'timeout', write: (s) => s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY.slice(0, 5)}`) },
  { what: 'silence', expect: 'timeout', write: () => {} },
  { what: 'HTML 502 from a proxy, then close', expect: 'typed', write: (s) => s.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n${html(502)}`) },
  { what: 'empty 503', expect: 'typed', write: (s) => s.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n') },
  { what: '200 without a body', expect: 'typed', write: (s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n') },
  { what: 'two content-lengths', expect: 'connection', write: (s) => s.end(`HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 5\r\n\r\n{}{}{`) },
  { what: 'header with a NUL', expect: 'connection', write: (s) => s.end(`HTTP/1.1 200 OK\r\nx-bad: a\u0000b\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`) },
  // undici refuses a 1xx nobody asked for (no Expect: 100-continue): either outcome is fine, as long as it is typed.
  { what: 'informational 100 before the answer', expect: 'any', write: (s) => s.end(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`) },
  { what: 'body bytes not UTF-8', expect: 'typed', write: (s) => s.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n'), Buffer.from([0xff, 0xfe, 0xfd, 0x00])])) },
  { what: 'HTTP/1.0 answer closed by the server', expect: 'data', write: (s) => s.end(`HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n${BODY}`) },
  { what: 'reset after the headers', expect: 'connection', write: (s) => { s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${BODY.length}\r\n\r\n`); setTimeout(() => s.resetAndDestroy(), 5); } },
];

let server: net.Server;
let base: string;
const sockets = new Set<net.Socket>();
beforeAll(async () => {
  server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let head = '';
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const n = Number(/\r\nx-case: (\d+)/i.exec(head)?.[1] ?? 0);
      head = '';
      RAW[n % RAW.length]!.write(socket);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.close(() => r());
      // Sockets the client keeps alive, or that a case left silent, would hold close() open.
      for (const s of sockets) s.destroy();
    }),
);

it(`${SOCKET_CASES} broken HTTP answers on real sockets (${SCALE_NAME}) become data or typed errors`, async () => {
  const client = new Flora({ apiKey: 'flora_rel_bad_sockets', baseUrl: base, logLevel: 'off', maxRetries: 0, timeout: TIMEOUT_MS });
  const problems: string[] = [];
  const outcomes = new Map<string, number>();
  const ops: Op[] = ['retrieve', 'create', 'startTechnique'];
  // Several at once, so broken sockets and healthy ones share the connection pool.
  const batch = 10;
  for (let start = 0; start < SOCKET_CASES; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, SOCKET_CASES - start) }, async (_, k) => {
        const n = start + k;
        const raw = RAW[n % RAW.length]!;
        const op = ops[n % ops.length]!;
        const settled = await outcome(() => callOp(client, op, { headers: { 'x-case': String(n % RAW.length) }, ...(raw.expect === 'timeout' ? { timeout: 300 } : {}) }));
        const label = `${raw.what}: ${settled.error === undefined ? 'data' : className(settled.error)}`;
        outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
        const { result: data, error } = settled;
        if (error === undefined) {
          if (data === null || typeof data !== 'object') problems.push(`${raw.what}: resolved with ${inspect(data)}`);
          else if (!usable(op, data, 'tolerant')) problems.push(`${raw.what}: invalid data`);
          if (raw.expect !== 'data' && raw.expect !== 'any') problems.push(`${raw.what}: expected ${raw.expect}, got data`);
        } else if (!(error instanceof ResponseValidationError || error instanceof APIError || error instanceof APIConnectionError)) {
          problems.push(`${raw.what}: untyped ${className(error)}: ${String(error)}`);
        } else if (raw.expect === 'connection' && !(error instanceof APIConnectionError)) {
          problems.push(`${raw.what}: expected APIConnectionError, got ${className(error)}: ${error.message}`);
        } else if (raw.expect === 'timeout' && !(error instanceof APIConnectionTimeoutError)) {
          problems.push(`${raw.what}: expected APIConnectionTimeoutError, got ${className(error)}: ${error.message}`);
        } else if (raw.expect === 'data') {
          problems.push(`${raw.what}: expected data, got ${className(error)}: ${error.message}`);
        }
      }),
    );
  }
  console.log(['', `### Broken HTTP on real sockets (${SCALE_NAME}): ${SOCKET_CASES} answers`, '', table(['answer: outcome', 'cases'], [...outcomes].sort()), '', `problems: ${problems.length}`].join('\n'));
  expect(problems.slice(0, 10)).toEqual([]);
});
