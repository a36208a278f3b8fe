/**
 * Turning a final answer into data or an error: a 2xx body is parsed and checked against the operation's
 * success schema; anything else becomes the status's `APIError`, with what the error envelope said (or an
 * excerpt of a body that is not one).
 */
import type { FieldError } from '../../generated/openapi.js';
import type { OperationSpec } from '../../generated/operations.js';
import { liveSchemaProblems, schemaProblems, type SchemaProblem } from '../../generated/validators.js';
import { APIError, describeFields, ResponseValidationError } from './errors.js';
import type { Redactor } from './redact.js';
import type { Sent } from './send.js';

/** The `x-request-id` (or `request-id`) header. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('request-id') ?? undefined;
}

/** A short, tag-free excerpt of a body for a message. */
export function excerpt(text: string): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain ? (plain.length > 200 ? `${plain.slice(0, 200)}…` : plain) : '(empty body)';
}

/**
 * What an error body says: the envelope's `code`, `message` and `fields`, each used only when it has the
 * spec's shape (a malformed part is left out, and the message then quotes the body); the text otherwise.
 */
function readErrorBody(text: string): { body: unknown; code?: string; message?: string; fields?: FieldError[] } {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A proxy's HTML page or a truncated body: keep the text.
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return { body };
  const fields = Array.isArray(error.fields) && error.fields.every(isFieldError) ? (error.fields as FieldError[]) : undefined;
  return {
    body,
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    ...(fields ? { fields } : {}),
  };
}

const isFieldError = (f: unknown): f is FieldError => typeof f === 'object' && f !== null && typeof (f as FieldError).field === 'string' && typeof (f as FieldError).message === 'string';

/** What a request was, for the message of its error. */
export interface Asked {
  method: string;
  url: string;
  /** The client's base URL: a 404 that is not FLORA's answer usually means it is wrong. */
  baseUrl: string;
  /** What a 404 of this operation means, from its path: `no run "run_1" of technique "t"`. */
  missing: string | undefined;
}

/**
 * Says which of the three a 404 is, since FLORA's answer is the same `Not found.` for all: a missing resource
 * (named from the request's path: a technique, or a run of one), or no FLORA answer at all (a wrong base URL
 * reaches some other server, or another path of this one).
 */
function notFoundDetail(asked: Asked, envelope: boolean): string {
  let path = asked.url;
  try {
    path = new URL(asked.url).pathname;
  } catch {
    // keep the URL as given
  }
  if (!envelope) return ` This is not FLORA's error answer (${asked.method} ${path}): is the base URL right? It is ${asked.baseUrl}.`;
  return asked.missing ? ` ${asked.missing[0]!.toUpperCase()}${asked.missing.slice(1)} for this key (${asked.method} ${path}).` : ` (${asked.method} ${path})`;
}

/** The error for a non-2xx answer; its headers and status text redacted. */
export function errorFor(sent: Sent, redactor: Redactor, asked?: Asked): APIError {
  const response = redactor.response(sent.response);
  const { text } = sent;
  const { status } = response;
  const parsed = readErrorBody(text);
  const fields = parsed.fields?.length ? ` (${describeFields(parsed.fields)})` : '';
  const envelope = parsed.message !== undefined || parsed.code !== undefined;
  const message =
    (envelope ? `${status} ${parsed.code ?? 'error'}: ${parsed.message ?? '(no message)'}${fields}` : `${status} ${response.statusText || 'error'}: ${excerpt(text)}`) +
    (status === 404 && asked ? redactor.text(notFoundDetail(asked, envelope)) : '');
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
    callStartedAt: sent.startedAt,
  });
}

/**
 * How answers are read: `tolerant` judges by the live layer (the spec with FLORA's SDK's documented
 * variants, spec/live.overlay.yaml), accepts what can be used (an enum value, format or bound neither lists,
 * a `null` where a property is optional, extra fields) and reports the difference; `strict` accepts only
 * what the spec allows; `object` only checks for a JSON object.
 */
export type AnswerCheck = 'tolerant' | 'strict' | 'object';

/** Far deeper than any FLORA answer; a deeper one would overflow the stack of whatever walks it (JSON.stringify, say). */
const MAX_DEPTH = 64;

/** Whether `value` nests objects or arrays more than `max` levels deep (without recursing itself). */
function nestedDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** A 2xx answer of `op` the client cannot use; it carries the body's `run_id`, if it had one, and the call's key. */
function invalid(op: OperationSpec, sent: Sent, fields: FieldError[], body: unknown): ResponseValidationError {
  const runId = (body as { run_id?: unknown } | null)?.run_id;
  return new ResponseValidationError({
    operation: `${op.method} ${op.path}`,
    status: sent.response.status,
    fields,
    requestId: requestIdOf(sent.response.headers),
    body,
    runId: typeof runId === 'string' ? runId : undefined,
    idempotencyKey: sent.idempotencyKey,
  });
}

const plain = ({ field, message }: FieldError): FieldError => ({ field, message });

/**
 * The data of a 2xx answer of `op`; `ResponseValidationError` when it is not JSON or not what `check`
 * demands. `tolerated` hears of every difference a tolerant read let through.
 */
export function dataOf<T>(op: OperationSpec, sent: Sent, check: AnswerCheck, tolerated?: (problems: SchemaProblem[], data: unknown) => void): T {
  let data: unknown;
  try {
    data = JSON.parse(sent.text);
  } catch {
    throw invalid(op, sent, [{ field: '(body)', message: sent.text ? `is not JSON: ${excerpt(sent.text)}` : 'is empty' }], sent.text);
  }
  if (nestedDeeperThan(data, MAX_DEPTH)) throw invalid(op, sent, [{ field: '(body)', message: `is nested deeper than ${MAX_DEPTH} levels` }], '(not kept)');
  if (check !== 'object') {
    const problems = check === 'strict' ? schemaProblems(op.success.schema, data) : liveSchemaProblems(op.success.schema, data);
    if (problems.length > 0) {
      const fatal = check === 'strict' ? problems : problems.filter((p) => !p.tolerable);
      if (fatal.length > 0) throw invalid(op, sent, fatal.map(plain), data);
      tolerated?.(problems, data);
    }
  } else if (data === null || typeof data !== 'object') {
    // Even unchecked, a success must be an object: never hand back undefined or a bare string as data.
    throw invalid(op, sent, [{ field: '(body)', message: 'must be object' }], data);
  }
  return data as T;
}
