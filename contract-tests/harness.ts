/**
 * Shared plumbing of the contract tests: a client whose fetch records what Prism said about each request
 * (`sl-violations`), one function per operation to call it, a bounded-concurrency map, and the spec's own
 * request examples as the bodies to send.
 */
import { OPERATIONS, type AnswerBody, type OperationId } from '../generated/operations.js';
import { Flora, type ClientOptions, type RequestOptions } from '../src/client.js';
import type { APIPromise } from '../src/core/api-promise.js';
import type { RunStartTechniqueParams } from '../src/resources/runs.js';
import type { RunCreateParams } from '../src/resources/techniques.js';
import type { AssetCreateParams } from '../src/resources/assets.js';
import { deref, operations, specOperation, spec } from './spec.js';

export { OPERATIONS, type OperationId };
/** Every operation, from the generated table. */
export const OPERATION_IDS = Object.keys(OPERATIONS) as OperationId[];

/** One entry of Prism's `sl-violations` header. */
export interface Violation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

/** Parses `sl-violations` (JSON, or a truncated "Too many violations!" text). */
export function parseViolations(header: string | null): Violation[] {
  if (!header) return [];
  try {
    const parsed = JSON.parse(header) as Violation[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [{ location: ['request'], severity: 'Error', code: 'unparsed', message: header.slice(0, 500) }];
  }
}

/** Prism's violations of the request itself (not of its own response), errors only. */
export const requestViolations = (vs: Violation[]) => vs.filter((v) => v.location[0] === 'request' && v.severity === 'Error');

export const formatViolations = (vs: Violation[]) =>
  vs.map((v) => `  - [${v.location.join('.')}] ${v.code}: ${v.message}`).join('\n');

export interface RecordingClient {
  client: Flora;
  /** Every `sl-violations` entry of every response this client got. */
  violations: Violation[];
  /** Every request sent (method, url, headers), in order. */
  requests: { method: string; url: string; headers: Headers }[];
}

/**
 * A client on `baseUrl` whose fetch records requests and Prism's `sl-violations`. Silent logger. It reads
 * answers strictly: the contract suite is where any drift from the spec must fail loudly.
 */
export function recordingClient(baseUrl: string, apiKey: string, options: ClientOptions = {}): RecordingClient {
  const violations: Violation[] = [];
  const requests: RecordingClient['requests'] = [];
  const inner = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const client = new Flora({
    apiKey,
    baseUrl,
    logLevel: 'off',
    validate: 'strict',
    ...options,
    fetch: async (request) => {
      requests.push({ method: request.method, url: request.url, headers: new Headers(request.headers) });
      const response = await inner(request);
      violations.push(...parseViolations(response.headers.get('sl-violations')));
      return response;
    },
  });
  return { client, violations, requests };
}

export interface CallParams {
  techniqueId: string;
  runId: string;
  createBody: RunCreateParams;
  startBody: RunStartTechniqueParams;
  assetId: string;
  /** A JSON asset create (the spec's first request example: a signed upload reservation). */
  assetBody: AssetCreateParams;
}

/** Which `CallParams` field carries each operation's request body, for the spec's request examples. */
export const BODY_PARAM: Partial<Record<OperationId, 'createBody' | 'startBody' | 'assetBody'>> = {
  createTechniqueRun: 'createBody',
  startTechniqueRun: 'startBody',
  createAsset: 'assetBody',
};

/** How each operation is called through the client's public resource methods: a new operation fails to compile until it has one. */
const CALLS: { [K in OperationId]: (client: Flora, p: CallParams, options: RequestOptions) => APIPromise<AnswerBody<K>> } = {
  createTechniqueRun: (client, p, options) => client.techniques.runs.create(p.techniqueId, p.createBody, options),
  getTechniqueRun: (client, p, options) => client.techniques.runs.retrieve(p.runId, { techniqueId: p.techniqueId }, options),
  startTechniqueRun: (client, p, options) => client.runs.startTechnique(p.startBody, options),
  getRun: (client, p, options) => client.generations.retrieve(p.runId, options),
  listTechniques: (client, _p, options) => client.techniques.list({}, options),
  getTechnique: (client, p, options) => client.techniques.retrieve(p.techniqueId, options),
  listTechniqueRuns: (client, _p, options) => client.techniques.runs.list({}, options),
  listWorkspaces: (client, _p, options) => client.workspaces.list(options),
  createAsset: (client, p, options) => client.assets.create(p.assetBody, options),
  getAsset: (client, p, options) => client.assets.retrieve(p.assetId, options),
  listAssets: (client, _p, options) => client.assets.list({}, options),
  completeAsset: (client, p, options) => client.assets.complete(p.assetId, options),
  retryAsset: (client, p, options) => client.assets.retry(p.assetId, options),
};

/** Calls one operation through the client's public resource methods. */
export function callOperation(client: Flora, operationId: OperationId, params: CallParams, options: RequestOptions = {}): APIPromise<unknown> {
  return CALLS[operationId](client, params, options);
}

/**
 * Runs a client call and fails, quoting Prism, when Prism found the request invalid: whatever the client
 * made of the answer (a 400 `InputValidationError` from Prism's example, usually), the request was wrong.
 */
export async function withRequestCheck<T>(label: string, recorder: RecordingClient, call: () => Promise<T>): Promise<T> {
  const before = recorder.violations.length;
  let result: T | undefined;
  let failure: unknown;
  try {
    result = await call();
  } catch (err) {
    failure = err;
  }
  const bad = requestViolations(recorder.violations.slice(before));
  if (bad.length > 0) {
    throw new Error(`${label}: Prism rejected the request the client sent:\n${formatViolations(bad)}` + (failure ? `\n(the client then threw: ${String(failure)})` : ''));
  }
  if (failure !== undefined) throw failure;
  return result as T;
}

/** Maps with at most `limit` calls in flight; results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return out;
}

/** The spec's request body examples of an operation, by name (`example` is called `(example)`). */
export function requestExamples(operationId: string): { name: string; value: any }[] {
  const body = deref(specOperation(operationId).raw.requestBody);
  const media = body?.content?.['application/json'];
  if (!media) return [];
  const out: { name: string; value: any }[] = [];
  for (const [name, ex] of Object.entries<any>(media.examples ?? {})) out.push({ name, value: deref(ex).value });
  if ('example' in media) out.push({ name: '(example)', value: media.example });
  return out;
}

/** A path parameter's example in the spec (`components.parameters.*.example`), e.g. `art-directors-critique`. */
export function parameterExample(name: string): string {
  for (const p of Object.values<any>(spec.components.parameters ?? {})) {
    const param = deref(p);
    if (param.name === name && param.in === 'path' && typeof param.example === 'string') return param.example;
  }
  throw new Error(`spec: no example for path parameter ${name}`);
}

/** Gives an example body that carries an `idempotency_key` a fresh one, so stateful servers do not answer 409. */
export function freshIdempotencyKey<T>(body: T): T {
  if (body && typeof body === 'object' && 'idempotency_key' in body) return { ...body, idempotency_key: crypto.randomUUID() };
  return body;
}

/** Default parameters: the spec's own examples. */
export function defaultCallParams(): CallParams {
  const createBody = requestExamples('createTechniqueRun')[0]?.value;
  const startBody = requestExamples('startTechniqueRun')[0]?.value;
  const assetBody = requestExamples('createAsset')[0]?.value;
  if (!createBody || !startBody || !assetBody) throw new Error('spec: the run-starting operations and the asset create need request examples');
  return { techniqueId: parameterExample('techniqueId'), runId: parameterExample('runId'), createBody, startBody, assetId: parameterExample('assetId'), assetBody };
}

/** The generated table and the spec, read at run time, must name the same operations with the same methods and paths. */
export function operationSetsDiffer(): string | undefined {
  const specIds = [...operations.keys()].sort();
  const tableIds = [...OPERATION_IDS].sort();
  if (JSON.stringify(specIds) !== JSON.stringify(tableIds)) return `spec operations [${specIds.join(', ')}] vs table [${tableIds.join(', ')}]`;
  const label = (id: OperationId) => `${OPERATIONS[id].method} ${OPERATIONS[id].path}`;
  const wrong = tableIds.filter((id) => label(id) !== specOperation(id).label);
  return wrong.length ? `labels differ: ${wrong.map((id) => `${id}: table ${label(id)} vs spec ${specOperation(id).label}`).join('; ')}` : undefined;
}
