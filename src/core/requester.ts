/**
 * One call of one operation, start to end: the request is checked (path segments and header values
 * always; body and keys against the spec when validation is on), its URL built from the generated
 * operation table, sent through the retry policy (`send.ts`), and the answer turned into data or a typed
 * error (`answer.ts`). Resources say only which operation to call with what. `rawFetch` serves the
 * openapi-fetch `raw` client through the same policy.
 */
import type { FieldError } from '../../generated/openapi.js';
import { OPERATIONS, type AnswerBody, type OperationId, type OperationSpec } from '../../generated/operations.js';
import type { ProblemPattern } from '../../generated/validators.js';
import { dataOf, errorFor, errorText, unparseable, type AnswerCheck } from './answer.js';
import { APIPromise } from './api-promise.js';
import { describeFields, InputValidationError } from './errors.js';
import { bodyBytes, type MultipartBody } from './multipart.js';
import { requestHeaders, send, type RequestOptions, type SendConfig, type Sent } from './send.js';
import { isLoopback, operationUrl, pathProblems } from './url.js';
import { bodyProblems, headerProblems, idempotencyKeyProblems } from './validation.js';

/** A client's settings for every call. */
export interface RequesterConfig extends SendConfig {
  baseUrl: string;
  /** Headers sent with every request, names lower-cased. */
  headers: Record<string, string>;
  validateRequests: boolean;
  /** How answers are read (see `AnswerCheck`). */
  answers: AnswerCheck;
}

/** What a resource asks to send. */
export interface CallInput {
  /** Path parameters, each made one safe segment. */
  params?: Record<string, unknown> | undefined;
  query?: Record<string, unknown> | undefined;
  body?: unknown;
  /** An absolute URL under the base URL (a run's `poll_url`), instead of the operation's path. */
  url?: string | undefined;
  /**
   * A multipart/form-data body, for an operation that takes one (`multipartBody`): its text fields, checked
   * against that schema (the file part as a string), and the body, read afresh for every attempt.
   */
  multipart?: { fields: Record<string, unknown>; fileField: string; body: MultipartBody } | undefined;
}

const withoutUndefined = (query: Record<string, unknown>) => Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));

/** A query value must be one a URL can carry as it is. */
function queryProblems(query: Record<string, unknown> | undefined): FieldError[] {
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && !['string', 'number', 'boolean'].includes(typeof v)) out.push({ field: k, message: 'must be a string, number or boolean' });
    else if (typeof v === 'number' && !Number.isFinite(v)) out.push({ field: k, message: 'must be a finite number' });
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A header of `headers`, by name in any case. */
function headerValue(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Refuses a request before anything is sent. */
function refuse(fields: FieldError[]): never {
  throw new InputValidationError({ status: undefined, message: `Invalid request, not sent: ${describeFields(fields)}`, fields });
}

/** Sends the operations of one client. */
export class Requester {
  readonly #present: (response: Response) => Response;
  /** The headers of a call with none of its own and no body: every GET, on the hot path. */
  readonly #plainHeaders: Record<string, string>;
  /** Differences already reported, by operation and field: each is logged once per client. */
  readonly #reported = new Set<string>();

  constructor(readonly config: RequesterConfig) {
    this.#present = (r) => config.redactor.response(r);
    this.#plainHeaders = requestHeaders(config, config.headers, {}, false);
  }

  /** Whether http callback URLs to loopback are acceptable: only when the API itself is on loopback. */
  get isLocal(): boolean {
    return isLoopback(this.config.baseUrl);
  }

  /**
   * The GET operation answering like `like` that `url` addresses, when it lies under the base URL (so
   * following it, a run's `poll_url`, sends the key nowhere else); undefined otherwise.
   */
  operationAt(url: unknown, like: OperationId): OperationId | undefined {
    if (typeof url !== 'string' || !url.startsWith(`${this.config.baseUrl}/`)) return undefined;
    const path = url.slice(this.config.baseUrl.length).split(/[?#]/)[0]!;
    const schema = OPERATIONS[like].success.schema;
    return (Object.keys(OPERATIONS) as OperationId[]).find((id) => OPERATIONS[id].method === 'GET' && OPERATIONS[id].success.schema === schema && OPERATIONS[id].pathPattern.test(path));
  }

  /** Throws `InputValidationError` (nothing is sent) when request validation is on and `problems` finds any. */
  check(problems: () => FieldError[]): void {
    if (!this.config.validateRequests) return;
    const fields = problems();
    if (fields.length > 0) refuse(fields);
  }

  /**
   * Calls operation `id`. Every failure, a refused request included, is a rejection of the returned
   * promise, never a synchronous throw, so `.catch()` sees them all.
   */
  call<K extends OperationId>(id: K, input: CallInput, options: RequestOptions = {}): APIPromise<AnswerBody<K>> {
    return new APIPromise(this.#call<AnswerBody<K>>(id, input, options), this.#present);
  }

  /** The same call, made once `before` resolves (a check that needs a request of its own); its rejection is the call's. */
  callAfter<K extends OperationId>(before: Promise<void>, id: K, input: CallInput, options: RequestOptions = {}): APIPromise<AnswerBody<K>> {
    return new APIPromise(
      before.then(() => this.#call<AnswerBody<K>>(id, input, options)),
      this.#present,
    );
  }

  /** The same call, its input known once `input` resolves (local files uploaded first); its rejection is the call's. */
  callWith<K extends OperationId>(input: Promise<CallInput>, id: K, options: RequestOptions = {}): APIPromise<AnswerBody<K>> {
    return new APIPromise(
      input.then((i) => this.#call<AnswerBody<K>>(id, i, options)),
      this.#present,
    );
  }

  /** The same call, for what wraps its data (pages): the data and the raw response, and what a caller may see of it. */
  answer<K extends OperationId>(id: K, input: CallInput, options: RequestOptions = {}): { result: Promise<{ data: AnswerBody<K>; response: Response }>; present: (r: Response) => Response } {
    return { result: this.#call<AnswerBody<K>>(id, input, options), present: this.#present };
  }

  /**
   * Warns, once per operation and field path pattern (`outputs[].type`, whatever the index), of what a
   * tolerant read let through, quoting the first such field.
   */
  #report(op: OperationSpec, problems: ProblemPattern[], data: unknown): void {
    for (const { field, pattern, message, count } of problems) {
      const key = `${op.method} ${op.path} ${pattern}`;
      if (this.#reported.has(key) || this.#reported.size >= MAX_REPORTED) continue;
      this.#reported.add(key);
      const got = clipped(valueAt(data, field));
      const more = count > 1 ? ` (and ${count - 1} more fields like it)` : '';
      this.config.logger.warn(`${op.method} ${op.path} answered ${field} = ${got}${more}, which the spec does not allow (${message}); passed on as received.`);
    }
  }

  /** One call; whatever it throws has the secrets removed, wherever a server may have put them. */
  async #call<T>(id: OperationId, input: CallInput, options: RequestOptions): Promise<{ data: T; response: Response }> {
    try {
      return await this.#make<T>(id, input, options);
    } catch (err) {
      throw this.config.redactor.thrown(err);
    }
  }

  async #make<T>(id: OperationId, input: CallInput, options: RequestOptions): Promise<{ data: T; response: Response }> {
    const op = OPERATIONS[id];
    const { config } = this;
    const keyField: string | undefined = op.idempotencyKey && 'body' in op.idempotencyKey ? op.idempotencyKey.body : undefined;
    const body = input.body as Record<string, unknown> | undefined;
    const bodyKey = keyField ? body?.[keyField] : undefined;
    // Never skipped: these would send the request somewhere else, or not at all.
    const unsafe = [
      ...(input.url === undefined ? pathProblems(op, input.params) : []),
      ...headerProblems(options.headers),
      ...idempotencyKeyProblems(options.idempotencyKey, 'idempotencyKey'),
      ...(keyField ? idempotencyKeyProblems(bodyKey, keyField) : []),
      ...queryProblems(input.query),
    ];
    if (unsafe.length > 0) refuse(unsafe);
    if (config.validateRequests && op.query && input.query) {
      const fields = bodyProblems(op.query, withoutUndefined(input.query));
      if (fields.length > 0) refuse(fields);
    }
    const { multipart } = input;
    if (multipart && !op.multipartBody) refuse([{ field: '(body)', message: `${op.method} ${op.path} takes no multipart/form-data body` }]);
    if (config.validateRequests && multipart && op.multipartBody) {
      const fields = bodyProblems(op.multipartBody, { ...multipart.fields, [multipart.fileField]: '' });
      if (fields.length > 0) refuse(fields);
    }
    if (config.validateRequests && op.requestBody && !multipart) {
      const fields = bodyProblems(op.requestBody, body, { allowLoopbackHttpCallback: this.isLocal });
      if (keyField && options.idempotencyKey !== undefined && bodyKey !== undefined && options.idempotencyKey !== bodyKey) {
        fields.push({ field: keyField, message: 'differs from the idempotencyKey option; give one key' });
      }
      if (fields.length > 0) refuse(fields);
    }
    // One key for every attempt, in every channel the operation takes it in: the caller's (option, body
    // field or header), else a new one. A server honouring either channel then never runs a retry twice.
    const key = op.idempotencyKey
      ? (options.idempotencyKey ?? (bodyKey as string | undefined) ?? headerValue(options.headers, 'idempotency-key') ?? crypto.randomUUID())
      : undefined;
    const sentBody = keyField && key !== undefined && isObject(body) ? { ...body, [keyField]: key } : body;
    const plain = sentBody === undefined && !multipart && !options.headers && key === undefined;
    const headers = plain ? this.#plainHeaders : requestHeaders(config, config.headers, { ...options, idempotencyKey: key }, key !== undefined);
    let text: string | (() => Promise<Uint8Array>) | undefined;
    if (multipart) {
      headers['content-type'] = multipart.body.contentType;
      text = () => bodyBytes(multipart.body);
    } else if (sentBody !== undefined) {
      headers['content-type'] = 'application/json';
      try {
        text = JSON.stringify(sentBody);
      } catch (err) {
        refuse([{ field: '(body)', message: `cannot be sent as JSON: ${(err as Error).message}` }]);
      }
    }
    const url = input.url ?? operationUrl(config.baseUrl, op, input.params as Record<string, string>, input.query);
    const sent = await send(config, { method: op.method, url, headers, body: text }, options);
    if (!sent.response.ok) throw errorFor(sent, config.redactor, { method: op.method, url, baseUrl: config.baseUrl, missing: missing(op, input.params) });
    return { data: dataOf<T>(op, sent, config.answers, (problems, data) => this.#report(op, problems, data)), response: sent.response };
  }
}

/** How many differences one client warns of in all: the spec's fields are far fewer. */
const MAX_REPORTED = 200;

/** A value for a log line: at most 80 characters of its JSON, never the whole of a large value. */
function clipped(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 80));
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? `(an array of ${value.length})` : '(an object)';
  return String(JSON.stringify(value)).slice(0, 80);
}

/**
 * What a 404 of `op` says is missing, from its path parameters, the last one the thing asked for and the
 * others what it belongs to: `no run "run_1" of technique "t"`, `no technique "t"`. (`techniqueId` names a
 * technique, `runId` a run: the parameter's name without `Id`.)
 */
function missing(op: OperationSpec, params: Record<string, unknown> | undefined): string | undefined {
  const named = op.pathParams.filter((name) => params?.[name] !== undefined);
  if (named.length === 0) return undefined;
  const what = (name: string) => `${name.replace(/Id$/, '').replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${JSON.stringify(String(params![name]))}`;
  const [last, ...parents] = [...named].reverse();
  return `no ${what(last!)}${parents.map((p) => ` of ${what(p)}`).join('')}`;
}

/** The value at a field path as problems name them (`outputs[0].type`). */
function valueAt(data: unknown, field: string): unknown {
  if (field === '(body)') return data;
  return field.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '').reduce<any>((v, k) => (v == null ? undefined : v[k]), data);
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * The same policy as a fetch taking a `Request`, for openapi-fetch (the `raw` client): the answer comes
 * back as a new `Response` holding the body already read (and redacted).
 */
export function rawFetch(config: SendConfig): (request: Request) => Promise<Response> {
  return async (request) => {
    const given: Record<string, string> = {};
    request.headers.forEach((v, k) => (given[k] = v));
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    const headers = requestHeaders(config, given, {}, body !== undefined);
    // openapi-fetch puts the caller's per-request `signal` on the Request: honour it like ours.
    let sent: Sent;
    try {
      sent = await send(config, { method: request.method, url: request.url, headers, body }, { signal: request.signal });
    } catch (err) {
      throw config.redactor.thrown(err);
    }
    const response = config.redactor.response(sent.response);
    const { status } = response;
    if (response.ok && !NULL_BODY_STATUS.has(status)) {
      const unusable = unparseable(`${request.method} ${new URL(request.url).pathname}`, sent);
      if (unusable) throw config.redactor.thrown(unusable);
    }
    // A Response cannot be built with a status past 599, which a server may still send: kept as a property.
    const legal = status >= 200 && status <= 599;
    const text = response.ok ? sent.text : errorText(sent.text);
    const out = new Response(NULL_BODY_STATUS.has(status) ? null : text, { status: legal ? status : 599, statusText: response.statusText, headers: response.headers });
    if (!legal) Object.defineProperty(out, 'status', { value: status });
    return out;
  };
}
