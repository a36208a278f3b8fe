/**
 * The client: options, `call`, which sends one operation (its path checked against the generated
 * `paths`) and turns the answer into validated data or a typed error, and the openapi-fetch `raw`
 * client beside it for `{ data, error }` users. Resources (`client.techniques.runs`, `client.runs`) only
 * say which operation to call with what.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { FieldError, paths, TechniqueRun } from '../generated/openapi.js';
import { APIPromise, type WithResponse } from './api-promise.js';
import { policyFetch, redactHeaders, send, type CallState, type FetchLike, type PolicyConfig, type RequestOptions } from './core.js';
import { APIConnectionError, APIError, describeFields, FloraError, IdempotencyDuplicateError, InputValidationError, ResponseValidationError } from './errors.js';
import { createLogger, parseLogLevel, redact, type LevelLogger, type Logger, type LogLevel } from './log.js';
import { Runs } from './resources/runs.js';
import { Techniques } from './resources/techniques.js';
import { isLoopback, validate, type SchemaName } from './validation.js';

export const DEFAULT_BASE_URL = 'https://app.flora.ai/api/v1';

/** Options of `new Flora()` / `createFloraClient()`. Every one has a default. */
export interface ClientOptions {
  /** Defaults to `process.env.FLORA_API_KEY`. Sent only in `Authorization`; never logged or put in an error. */
  apiKey?: string | undefined;
  /** Defaults to `process.env.FLORA_BASE_URL`, else `https://app.flora.ai/api/v1`. */
  baseUrl?: string | undefined;
  /**
   * A fetch implementation (tests, proxies, instrumentation), called with a `Request`, as openapi-fetch
   * does. Defaults to `globalThis.fetch` (called as `fetch(url, init)`, which skips building a Request).
   */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /** Per-attempt timeout in ms. Default 60 000. */
  timeout?: number | undefined;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Where log lines go. Default `console`. */
  logger?: Logger | undefined;
  /** Default `process.env.FLORA_LOG`, else `warn`. */
  logLevel?: LogLevel | undefined;
  /** Check request bodies before sending and responses on arrival against the spec. Default true. */
  validate?: boolean | { requests?: boolean; responses?: boolean } | undefined;
  /** Allow sending the key over plain http to a host other than loopback. Default false. */
  allowInsecureHttp?: boolean | undefined;
}

export type { RequestOptions };

/**
 * The operations: method, path (checked against the generated `paths`, so a path the spec does not have
 * fails to compile), and the schema a success answer must match.
 */
export const OPERATIONS = {
  createTechniqueRun: { method: 'POST', path: '/techniques/{techniqueId}/runs', success: 'TechniqueRun' },
  getTechniqueRun: { method: 'GET', path: '/techniques/{techniqueId}/runs/{runId}', success: 'TechniqueRun' },
  startTechniqueRun: { method: 'POST', path: '/runs/technique', success: 'RunStartedResponse' },
} as const satisfies Record<string, { method: 'GET' | 'POST'; path: keyof paths; success: SchemaName }>;
export type OperationId = keyof typeof OPERATIONS;
type Operation = (typeof OPERATIONS)[OperationId];

/** A success answer that is not what the spec says: which operation, and what was wrong. */
function invalidAnswer(op: Operation, status: number, requestId: string | undefined, fields: FieldError[], body: unknown): ResponseValidationError {
  return new ResponseValidationError({ operation: `${op.method} ${op.path}`, status, fields, requestId, body });
}

/** What a resource asks `call` to send: path parameters (encoded here) and a JSON body; or an absolute URL. */
export interface Target {
  params?: Record<string, string>;
  body?: unknown;
  /** An absolute URL under the base URL (a run's `poll_url`), instead of the operation's path. */
  url?: string;
}

const env = (name: string): string | undefined => (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name];

function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('request-id') ?? undefined;
}

function formatFields(fields: FieldError[] | undefined): string {
  return fields?.length ? ` (${describeFields(fields)})` : '';
}

/** The API's error envelope, when the body is one; a short text excerpt otherwise. */
function readErrorBody(text: string): { body: unknown; code?: string; message?: string; fields?: FieldError[] } {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A proxy's HTML page or a truncated body: keep the text.
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return { body };
  // Each part on its own: an envelope missing its message still says which error it is.
  return {
    body,
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    ...(typeof error.message === 'string' ? { message: error.message } : {}),
    ...(Array.isArray(error.fields) ? { fields: error.fields as FieldError[] } : {}),
  };
}

function excerpt(text: string): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain ? (plain.length > 200 ? `${plain.slice(0, 200)}…` : plain) : '(empty body)';
}

/**
 * A FLORA API client. `new Flora()` reads `FLORA_API_KEY` and `FLORA_BASE_URL`.
 *
 * ```ts
 * const flora = new Flora();
 * const run = await flora.techniques.runs.create('art-directors-critique', {
 *   inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }],
 *   mode: 'async',
 * });
 * ```
 */
export class Flora {
  readonly baseUrl: string;
  readonly timeout: number;
  readonly maxRetries: number;
  /** Nested technique routes: `techniques.runs.create`, `.retrieve`. */
  readonly techniques: Techniques;
  /** The top-level run resource: `runs.startTechnique`. */
  readonly runs: Runs;
  /**
   * The underlying openapi-fetch client, for `{ data, error }` style calls. It sends the key and applies
   * the same timeouts, retries and idempotency keys; it does not validate.
   */
  readonly raw: Client<paths>;
  /** @internal */
  readonly logger: LevelLogger;
  readonly #validateRequests: boolean;
  readonly #validateResponses: boolean;
  readonly #policy: PolicyConfig;
  readonly #headers: Record<string, string>;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? env('FLORA_API_KEY');
    if (!apiKey) {
      throw new FloraError('Missing API key: pass `apiKey` to the client or set the FLORA_API_KEY environment variable.');
    }
    this.baseUrl = (options.baseUrl ?? env('FLORA_BASE_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(this.baseUrl);
    } catch {
      throw new FloraError(`Invalid baseUrl ${JSON.stringify(this.baseUrl)}: expected an absolute http(s) URL.`);
    }
    if (url.protocol === 'http:' && !isLoopback(url) && !options.allowInsecureHttp) {
      throw new FloraError(
        `Refusing to send the API key over plain http to ${url.host}: use https, or pass allowInsecureHttp: true.`,
      );
    }
    this.timeout = options.timeout ?? 60_000;
    this.maxRetries = options.maxRetries ?? 2;
    const v = options.validate ?? true;
    this.#validateRequests = typeof v === 'boolean' ? v : (v.requests ?? true);
    this.#validateResponses = typeof v === 'boolean' ? v : (v.responses ?? true);
    this.logger = createLogger(options.logger ?? console, options.logLevel ?? parseLogLevel(env('FLORA_LOG')), [apiKey]);
    const custom = options.fetch;
    const fetchImpl: FetchLike = custom ? (input, init) => custom(new Request(input, init)) : (input, init) => globalThis.fetch(input, init);
    this.#policy = { fetch: fetchImpl, customFetch: custom !== undefined, apiKey, timeout: this.timeout, maxRetries: this.maxRetries, logger: this.logger };
    this.#headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.raw = createClient<paths>({
      baseUrl: this.baseUrl,
      headers: options.headers,
      fetch: (request) => policyFetch(this.#policy)(request),
    });
    this.techniques = new Techniques(this);
    this.runs = new Runs(this);
  }

  /** Whether http callback URLs to loopback are acceptable: only when the API itself is on loopback. */
  get isLocal(): boolean {
    return isLoopback(this.baseUrl);
  }

  /** Whether `url` lies under this client's base URL, so following it (a run's `poll_url`) sends the key nowhere else. */
  ownsUrl(url: string | undefined): url is string {
    return typeof url === 'string' && url.startsWith(`${this.baseUrl}/`);
  }

  /**
   * GETs the run at `url`, a `poll_url` under the base URL, with the same retries and checks as `retrieve`.
   * @internal
   */
  getRunAt(url: string, options: RequestOptions = {}): APIPromise<TechniqueRun> {
    return this.call('getTechniqueRun', options, { url });
  }

  /**
   * Throws `InputValidationError` (nothing is sent) when `problems` is not empty and request validation is
   * on. Resources call it with what `validate()` found.
   * @internal
   */
  checkRequest(problems: (() => FieldError[]) | undefined): void {
    if (!problems) return;
    if (!this.#validateRequests) return;
    const fields = problems();
    if (fields.length === 0) return;
    throw new InputValidationError({
      status: undefined,
      message: `Invalid request, not sent: ${describeFields(fields)}`,
      fields,
    });
  }

  /**
   * Checks the request (`problems`), sends it through the retry policy and turns the answer into data or
   * a typed error. Every failure, a refused request included, is a rejection of the returned promise,
   * never a synchronous throw, so `.catch()` sees them all.
   * @internal
   */
  call<T>(operation: OperationId, options: RequestOptions | undefined, target: Target, problems?: () => FieldError[]): APIPromise<T> {
    return new APIPromise(this.#call<T>(operation, options ?? {}, target, problems));
  }

  async #call<T>(operation: OperationId, options: RequestOptions, target: Target, problems?: () => FieldError[]): Promise<WithResponse<T>> {
    // Inside the async function: a refused request becomes a rejection, never a synchronous throw.
    this.checkRequest(problems);
    const op = OPERATIONS[operation];
    const url = target.url ?? this.baseUrl + op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(target.params![name]!));
    const headers = { ...this.#headers };
    let body: string | undefined;
    if (target.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(target.body);
    }
    const state: CallState = { attempts: 0, idempotencyKey: undefined, mayHaveBeenProcessed: false };
    let answer;
    try {
      answer = await send(this.#policy, op.method, url, headers, body, options, state);
    } catch (err) {
      // Say which key the attempts carried: retrying with it cannot start a second run.
      if (err instanceof APIConnectionError && state.idempotencyKey !== undefined) {
        err.idempotencyKey = state.idempotencyKey;
        err.mayHaveBeenProcessed = state.mayHaveBeenProcessed;
      }
      throw err;
    }
    const { response, text: raw } = answer;
    // A server (or proxy) that echoes the key back must not get it into an error or the data: redact it.
    const text = raw.includes(this.#policy.apiKey) ? redact(raw, [this.#policy.apiKey]) : raw;
    const requestId = requestIdOf(response.headers);
    if (response.ok) return { data: this.#parseSuccess<T>(op, response.status, text, requestId), response, requestId };
    throw this.#toError(response, text, requestId, state);
  }

  #parseSuccess<T>(op: Operation, status: number, text: string, requestId: string | undefined): T {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw invalidAnswer(op, status, requestId, [{ field: '(body)', message: text ? `is not JSON: ${excerpt(text)}` : 'is empty' }], text);
    }
    if (this.#validateResponses) {
      const fields = validate(op.success, data);
      if (fields.length > 0) throw invalidAnswer(op, status, requestId, fields, data);
    } else if (data === null || typeof data !== 'object') {
      // Even unvalidated, a success must be an object: never hand back undefined or a bare string as data.
      throw invalidAnswer(op, status, requestId, [{ field: '(body)', message: 'must be object' }], data);
    }
    return data as T;
  }

  #toError(response: Response, text: string, requestId: string | undefined, state: CallState): APIError {
    const { status } = response;
    const headers = redactHeaders(response.headers, this.#policy.apiKey);
    const parsed = readErrorBody(text);
    const reqId = requestId ? ` [request id ${requestId}]` : '';
    const described = redact(
      parsed.message !== undefined || parsed.code !== undefined
        ? `${status} ${parsed.code ?? 'error'}: ${parsed.message ?? '(no message)'}${formatFields(parsed.fields)}`
        : `${status} ${response.statusText || 'error'}: ${excerpt(text)}`,
      [this.#policy.apiKey],
    );
    const init = {
      status,
      code: parsed.code,
      fields: parsed.fields,
      headers,
      requestId,
      body: parsed.body,
      message: described + reqId,
      idempotencyKey: state.idempotencyKey,
      mayHaveBeenProcessed: state.mayHaveBeenProcessed,
    };
    if (status === 409 && parsed.code === 'idempotency_duplicate' && state.attempts > 1 && state.mayHaveBeenProcessed) {
      return new IdempotencyDuplicateError({
        ...init,
        acceptedEarlier: true,
        message:
          `${described}: an earlier attempt of this same call (Idempotency-Key ${state.idempotencyKey}) was accepted but its answer was lost, ` +
          `so the run was started once and not charged twice. Do not retry; find the run instead.${reqId}`,
      });
    }
    return APIError.generate(init);
  }
}

/** Same as `new Flora(options)`. */
export function createFloraClient(options?: ClientOptions): Flora {
  return new Flora(options);
}
