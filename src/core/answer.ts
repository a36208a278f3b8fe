/**
 * Turning a final answer into data or an error: a 2xx body is parsed and checked against the operation's
 * success schema; anything else becomes the status's `APIError`, with what the error envelope said (or an
 * excerpt of a body that is not one).
 */
import type { FieldError } from '../../generated/openapi.js';
import type { OperationSpec } from '../../generated/operations.js';
import { validate } from '../../generated/validators.js';
import { APIError, describeFields, ResponseValidationError } from './errors.js';
import type { Redactor } from './redact.js';
import type { Sent } from './send.js';

/** The `x-request-id` (or `request-id`) header. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('request-id') ?? undefined;
}

/** A short, tag-free excerpt of a body for a message. */
function excerpt(text: string): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain ? (plain.length > 200 ? `${plain.slice(0, 200)}…` : plain) : '(empty body)';
}

/** The API's error envelope, when the body is one (each part on its own); the text otherwise. */
function readErrorBody(text: string): { body: unknown; code?: string; message?: string; fields?: FieldError[] } {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A proxy's HTML page or a truncated body: keep the text.
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return { body };
  return {
    body,
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    ...(Array.isArray(error.fields) ? { fields: error.fields as FieldError[] } : {}),
  };
}

/** The error for a non-2xx answer; its headers and status text redacted. */
export function errorFor(sent: Sent, redactor: Redactor): APIError {
  const response = redactor.response(sent.response);
  const { text } = sent;
  const { status } = response;
  const parsed = readErrorBody(text);
  const fields = parsed.fields?.length ? ` (${describeFields(parsed.fields)})` : '';
  const message =
    parsed.message !== undefined || parsed.code !== undefined
      ? `${status} ${parsed.code ?? 'error'}: ${parsed.message ?? '(no message)'}${fields}`
      : `${status} ${response.statusText || 'error'}: ${excerpt(text)}`;
  return APIError.generate({
    status,
    code: parsed.code,
    fields: parsed.fields,
    headers: response.headers,
    requestId: requestIdOf(response.headers),
    body: parsed.body,
    message,
    idempotencyKey: sent.idempotencyKey,
    mayHaveBeenProcessed: sent.mayHaveBeenProcessed,
    retried: sent.retried,
  });
}

/** How answers are checked: against the spec, or only for being a JSON object. */
export type AnswerCheck = 'spec' | 'object';

/** A 2xx answer of `op` the client cannot use. */
function invalid(op: OperationSpec, sent: Sent, fields: FieldError[], body: unknown): ResponseValidationError {
  return new ResponseValidationError({ operation: `${op.method} ${op.path}`, status: sent.response.status, fields, requestId: requestIdOf(sent.response.headers), body });
}

/** The data of a 2xx answer of `op`; `ResponseValidationError` when it is not JSON or not what `check` demands. */
export function dataOf<T>(op: OperationSpec, sent: Sent, check: AnswerCheck): T {
  let data: unknown;
  try {
    data = JSON.parse(sent.text);
  } catch {
    throw invalid(op, sent, [{ field: '(body)', message: sent.text ? `is not JSON: ${excerpt(sent.text)}` : 'is empty' }], sent.text);
  }
  if (check === 'spec') {
    const fields = validate(op.success.schema, data);
    if (fields.length > 0) throw invalid(op, sent, fields, data);
  } else if (data === null || typeof data !== 'object') {
    // Even unchecked, a success must be an object: never hand back undefined or a bare string as data.
    throw invalid(op, sent, [{ field: '(body)', message: 'must be object' }], data);
  }
  return data as T;
}
