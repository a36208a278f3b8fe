/**
 * Test-only: plain-fetch calls to a simulator, with every answer checked against spec/openapi.yaml (status
 * declared for the operation, body valid for its component schema, JSON content type, request id).
 * Deliberately independent of the client under construction, so the simulator is judged by the spec alone.
 */
import { expect } from 'vitest';
import { OPERATIONS, type OperationId } from '../../generated/operations.js';
import { createSpecAjv, schemaRef } from '../../spec/spec.js';
import { BASE_PATH, DEFAULT_API_KEY } from './defaults.js';
import { matchRoute } from './router.js';

const ajv = createSpecAjv();
/** The spec as FLORA's SDK describes the live API (what the `live` profile may send). */
const liveAjv = createSpecAjv(undefined, {}, { live: true });

/** The operation a method and API path (after `/api/v1`) name, if any. */
export function operationOf(method: string, path: string): OperationId | undefined {
  return matchRoute(method, BASE_PATH + path.split('?')[0]).operationId;
}

/** Asserts `body` is valid against component schema `name` (with `live`, as FLORA's SDK describes it). */
export function expectSchema(name: string, body: unknown, live = false): void {
  const check = (live ? liveAjv : ajv).getSchema(schemaRef(name));
  if (!check) throw new Error(`no schema ${name}`);
  const ok = check(body);
  expect(ok, `${name}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body)}`).toBe(true);
}

/**
 * Asserts an answer is one the spec allows: for a known operation the status must be declared and the body
 * valid for the schema the spec gives that status; unknown routes must still answer the error envelope.
 */
export function expectSpecResponse(operation: OperationId | undefined, status: number, body: unknown, live = false): void {
  if (operation) {
    const responses: Record<number, string> = OPERATIONS[operation].responses;
    expect(Object.keys(responses), `${operation} does not declare ${status}`).toContain(String(status));
    expectSchema(responses[status]!, body, live);
  } else {
    expect(status).toBeGreaterThanOrEqual(400);
    expectSchema('ErrorEnvelope', body, live);
  }
}

/** A raw answer. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** A checked answer, body parsed. */
export interface SimResponse<T = any> extends RawResponse {
  body: T;
}

/** Options of a call: `key: null` sends no Authorization header. */
export interface CallOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Judge the answer as FLORA's SDK describes the live API (for the `live` profile). */
  live?: boolean;
}

/** Sends a request to `baseUrl + path` with plain fetch; no checks. Rejects when the socket is dropped. */
export async function rawCall(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? DEFAULT_API_KEY : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let payload: string | undefined = opts.rawBody;
  if (payload === undefined && opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(baseUrl + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Sends a request and asserts the answer is one the spec allows (see {@link expectSpecResponse}). */
export async function call<T = any>(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<SimResponse<T>> {
  const raw = await rawCall(baseUrl, method, path, opts);
  expect(raw.headers.get('content-type')).toBe('application/json');
  expect(raw.headers.get('x-request-id')).toMatch(/^req_[a-z0-9]+$/);
  const body = JSON.parse(raw.text) as T;
  expectSpecResponse(operationOf(method, path), raw.status, body, opts.live);
  if (raw.status === 429) {
    expect(raw.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(raw.headers.get('retry-after-ms')).toMatch(/^\d+$/);
  }
  return { ...raw, body };
}

/** A valid nested run body. */
export const CREATE_BODY = { inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }], mode: 'async' } as const;

/** A valid top-level start body for the default key. */
export const START_BODY = { inputs: { prompt: 'a red fox' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' } as const;
