/**
 * Turning a final answer into data or an error: a 2xx body is parsed and checked against the operation's
 * success schema; anything else becomes the status's `APIError`, with what the error envelope said (or an
 * excerpt of a body that is not one).
 */
import type { FieldError } from '../../generated/openapi.js';
import type { OperationSpec } from '../../generated/operations.js';
import { liveProblemPatterns, problemPatterns, type ProblemPattern } from '../../generated/validators.js';
import { APIError, describeFields, ResponseValidationError } from './errors.js';
import type { Redactor } from './redact.js';
import type { Sent } from './send.js';

/** The `x-request-id` (or `request-id`) header. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('request-id') ?? undefined;
}

/** `text` cut to `max` characters (never inside a surrogate pair), marked when cut. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text[max - 1]!) ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/** A short, tag-free excerpt of a body for a message. Linear, and only the start of a long body is looked at. */
export function excerpt(text: string, max = 200): string {
  const plain = text.slice(0, max * 4).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain ? (plain.length > max || text.length > max * 4 ? `${plain.slice(0, max)}…` : plain) : '(empty body)';
}

/** The longest body an error keeps whole (parsed); a longer or deeper one is kept as an excerpt. */
const KEPT_BODY_CHARS = 64 * 1024;
/** How much of an error body's text an error keeps when it does not keep the body whole. */
const EXCERPT_CHARS = 2048;
/** How many of an envelope's `fields` an error keeps, and how long each part and the message may be. */
const MAX_FIELDS = 50;
const MAX_PART_CHARS = 1000;

/** What an error keeps of a body: the parsed value when small and shallow, else an excerpt of its text. */
function kept(text: string, parsed: unknown): unknown {
  if (text.length <= KEPT_BODY_CHARS && !nestedDeeperThan(parsed, MAX_DEPTH)) return parsed;
  return `${clip(text, EXCERPT_CHARS)}${text.length > KEPT_BODY_CHARS ? '' : ' (nested too deep to keep parsed)'}`;
}

/**
 * What an error body says: the envelope's `code`, `message` and `fields`, each used only when it has the
 * spec's shape (a malformed part is left out, and the message then quotes the body), each bounded in
 * length and number; the text otherwise. The body is kept parsed only when small and shallow.
 */
function readErrorBody(text: string): { body: unknown; code?: string; message?: string; fields?: FieldError[] } {
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A proxy's HTML page or a truncated body: keep the text.
  }
  const body = typeof parsed === 'string' ? clip(parsed, EXCERPT_CHARS) : kept(text, parsed);
  const error = (parsed as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return { body };
  // A field keeps what else it says (as FLORA sends it) when the body is kept whole, small and shallow.
  const whole = body === parsed;
  const fields =
    Array.isArray(error.fields) && error.fields.every(isFieldError)
      ? (error.fields as FieldError[]).slice(0, MAX_FIELDS).map((f) => ({ ...(whole ? f : {}), field: clip(f.field, MAX_PART_CHARS), message: clip(f.message, MAX_PART_CHARS) }))
      : undefined;
  return {
    body,
    ...(typeof error.code === 'string' ? { code: clip(error.code, 100) } : {}),
    ...(typeof error.message === 'string' ? { message: clip(error.message, MAX_PART_CHARS) } : {}),
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

/** Whether `value` nests objects or arrays more than `max` levels deep (the recursion stops there, so it is bounded too). */
function nestedDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max === 0) return true;
  if (Array.isArray(value)) {
    for (const child of value) if (nestedDeeperThan(child, max - 1)) return true;
    return false;
  }
  for (const key in value) if (nestedDeeperThan((value as Record<string, unknown>)[key], max - 1)) return true;
  return false;
}

/**
 * A 2xx answer of `op` the client cannot use; it carries the body's `run_id`, if it had one, the call's
 * key, and of the body what `kept` keeps.
 */
function invalid(op: OperationSpec, sent: Sent, fields: FieldError[], body: unknown): ResponseValidationError {
  const runId = (body as { run_id?: unknown } | null)?.run_id;
  return new ResponseValidationError({
    operation: `${op.method} ${op.path}`,
    status: sent.response.status,
    fields,
    requestId: requestIdOf(sent.response.headers),
    body: typeof body === 'string' ? clip(body, EXCERPT_CHARS) : kept(sent.text, body),
    runId: typeof runId === 'string' ? clip(runId, MAX_PART_CHARS) : undefined,
    idempotencyKey: sent.idempotencyKey,
  });
}

/** A problem as an error names it: its first field, and how many more share its path pattern. */
const named = ({ field, message, count }: ProblemPattern): FieldError => ({ field, message: count > 1 ? `${message} (and ${count - 1} more like it)` : message });

/**
 * The data of a 2xx answer of `op`; `ResponseValidationError` when it is not JSON or not what `check`
 * demands. `tolerated` hears of every difference a tolerant read let through.
 */
export function dataOf<T>(op: OperationSpec, sent: Sent, check: AnswerCheck, tolerated?: (problems: ProblemPattern[], data: unknown) => void): T {
  let data: unknown;
  try {
    data = JSON.parse(sent.text);
  } catch {
    throw invalid(op, sent, [{ field: '(body)', message: sent.text ? `is not JSON: ${excerpt(sent.text)}` : 'is empty' }], sent.text);
  }
  if (nestedDeeperThan(data, MAX_DEPTH)) throw invalid(op, sent, [{ field: '(body)', message: `is nested deeper than ${MAX_DEPTH} levels` }], '(not kept)');
  if (check !== 'object') {
    // By path pattern: a problem repeated in every item of a long array is one problem, found in linear time and bounded memory.
    const problems = check === 'strict' ? problemPatterns(op.success.schema, data) : liveProblemPatterns(op.success.schema, data);
    if (problems.length > 0) {
      const fatal = check === 'strict' ? problems : problems.filter((p) => !p.tolerable);
      if (fatal.length > 0) throw invalid(op, sent, fatal.map(named), data);
      tolerated?.(problems, data);
    }
  } else if (data === null || typeof data !== 'object') {
    // Even unchecked, a success must be an object: never hand back undefined or a bare string as data.
    throw invalid(op, sent, [{ field: '(body)', message: 'must be object' }], data);
  }
  return data as T;
}

/**
 * For the raw client, which parses a 2xx body itself: `ResponseValidationError` when the body is empty,
 * not JSON (a parse error would reach its caller as an untyped SyntaxError) or nested deeper than any
 * answer (JSON.stringify could not write what it handed back), else undefined.
 */
export function unparseable(operation: string, sent: Sent): ResponseValidationError | undefined {
  let message: string;
  try {
    if (!nestedDeeperThan(JSON.parse(sent.text), MAX_DEPTH)) return undefined;
    message = `is nested deeper than ${MAX_DEPTH} levels`;
  } catch {
    message = sent.text ? `is not JSON: ${excerpt(sent.text)}` : 'is empty';
  }
  const fields = [{ field: '(body)', message }];
  return new ResponseValidationError({ operation, status: sent.response.status, fields, requestId: requestIdOf(sent.response.headers), body: clip(sent.text, EXCERPT_CHARS), idempotencyKey: sent.idempotencyKey });
}

/**
 * An error body as the raw client may hand it on (openapi-fetch parses it itself): as it is when small
 * and shallow; else, as JSON, the excerpt an error keeps (a body nested 100,000 deep would make its
 * `error` something JSON.stringify cannot write).
 */
export function errorText(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return clip(text, KEPT_BODY_CHARS);
  }
  const body = kept(text, parsed);
  return body === parsed ? text : JSON.stringify(body);
}
