/**
 * One logical call, several attempts: each attempt gets its own deadline (`transport.ts`); connection
 * errors, timeouts, 408, 429 and 5xx are retried (`retry.ts`); every attempt of a POST carries the same
 * Idempotency-Key, so a retry can never start a second run. Resolves with the final answer, or throws the
 * call's one `APIConnectionError` / `APIUserAbortError`, built once with everything it carries.
 */
import { APIError } from './errors.js';
import type { LevelLogger } from './log.js';
import { isRetryable, MAX_RETRY_AFTER_MS, retryAfterMs, retryDelayMs } from './retry.js';
import { sleep } from './timers.js';
import { attempt, type Answer, type Failure, type Transport } from './transport.js';
import { checkMs } from './validation.js';

/**
 * Further `fetch` options (FLORA's SDK's name): an undici `dispatcher` (a proxy, other TLS settings, a
 * connection pool), `keepalive`, `priority`, a runtime's own (Bun's `proxy`). They are merged into every
 * request's init, the call's over the client's; the client's own `method`, `headers`, `body`, `signal` and
 * `redirect` always win (use the `headers` and `signal` options for those).
 */
export type FetchOptions = Omit<RequestInit, 'method' | 'headers' | 'body' | 'signal' | 'redirect' | 'dispatcher'> & {
  /** An undici `Dispatcher` (from the `undici` package, any version, or Node's own). */
  dispatcher?: unknown;
  [option: string]: unknown;
};

/** A call's `fetchOptions` over the client's; undefined when neither gave any. */
export function mergeFetchOptions(client: FetchOptions | undefined, call: FetchOptions | undefined): FetchOptions | undefined {
  return (call ?? client) === undefined ? undefined : { ...client, ...call };
}

/** Options every call accepts, overriding the client's. */
export interface RequestOptions {
  /** Aborts the call, including any wait between attempts. */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout in ms. */
  timeout?: number | undefined;
  /** Attempts after the first. */
  maxRetries?: number | undefined;
  /** Idempotency-Key for a POST; one is generated per call when absent. */
  idempotencyKey?: string | undefined;
  /**
   * When the whole call, retries included, must be over (epoch ms): each attempt's timeout is cut to
   * it, and no retry is made that could not start before it (the last error is thrown instead).
   */
  deadline?: number | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string | undefined> | undefined;
  /** Further `fetch` options for this call's requests, over the client's `fetchOptions` (see {@link FetchOptions}). */
  fetchOptions?: FetchOptions | undefined;
}

/** How a client sends: its transport, defaults and logger. */
export interface SendConfig extends Transport {
  apiKey: string;
  /** The client's `fetchOptions`, under every request's own init. */
  fetchOptions?: FetchOptions | undefined;
  timeout: number;
  maxRetries: number;
  logger: LevelLogger;
}

/** A request ready to go: headers lower-cased, the body serialized. */
export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /**
   * The body: text, or bytes made afresh for each attempt (a multipart upload, whose file is read again
   * from its start on every retry).
   */
  body?: string | (() => Promise<Uint8Array>) | undefined;
}

/** The final answer, with what the attempts leave for the error that may follow. */
export interface Sent extends Answer {
  /** The Idempotency-Key every attempt carried, for a POST. */
  idempotencyKey: string | undefined;
  /** An attempt ended in a way that leaves open whether the server acted on it (no answer, 5xx). */
  mayHaveBeenProcessed: boolean;
  /** More than one attempt was made. */
  retried: boolean;
  /** When the first attempt was sent (ms since the epoch): where a search for what it started begins. */
  startedAt: number;
}

/**
 * The headers of a request: `defaults`, then the call's own, then `Authorization`, then for a POST the
 * Idempotency-Key (the caller's, one already among the headers, else a new one). Names are lower-cased.
 */
export function requestHeaders(config: SendConfig, defaults: Record<string, string>, options: RequestOptions, idempotent: boolean): Record<string, string> {
  const headers = { ...defaults };
  if (options.headers) for (const [k, v] of Object.entries(options.headers)) if (v !== undefined) headers[k.toLowerCase()] = v;
  headers.authorization = `Bearer ${config.apiKey}`;
  if (idempotent) headers['idempotency-key'] = options.idempotencyKey ?? headers['idempotency-key'] ?? crypto.randomUUID();
  return headers;
}

const isFailure = (outcome: Answer | Failure): outcome is Failure => 'failure' in outcome;

const MAX_REDIRECTS = 5;
const isRedirect = (status: number) => status >= 300 && status < 400 && status !== 304;

/** Where a redirect points, resolved against the request's URL; undefined when it names no http(s) URL. */
function redirectTarget(location: string | null, base: string): URL | undefined {
  if (!location) return undefined;
  try {
    const to = new URL(location, base);
    return to.protocol === 'https:' || to.protocol === 'http:' ? to : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `request` as described above. */
export async function send(config: SendConfig, request: OutgoingRequest, options: RequestOptions = {}): Promise<Sent> {
  const timeout = checkMs('timeout', options.timeout ?? config.timeout);
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? config.maxRetries));
  const log = config.logger;
  const idempotencyKey = request.headers['idempotency-key'];
  // Redirects are the client's to decide (below), never followed blindly: a POST must not be replayed elsewhere.
  const makeBody = typeof request.body === 'function' ? request.body : undefined;
  const extra = mergeFetchOptions(config.fetchOptions, options.fetchOptions);
  const init: RequestInit = { ...extra, method: request.method, headers: request.headers, body: typeof request.body === 'string' ? request.body : undefined, redirect: 'manual' };
  let url = request.url;
  let redirects = 0;
  // Log lines are built only when someone reads them: this loop is the per-call hot path.
  const debug = log.enabled('debug');
  const label = debug || log.enabled('info') ? `${request.method} ${config.redactor.url(request.url)}` : '';
  let mayHaveBeenProcessed = false;
  const startedAt = Date.now();
  const aborted = () => APIError.generate({ status: undefined, failure: 'aborted', message: 'Request was aborted.', cause: options.signal?.reason, idempotencyKey, mayHaveBeenProcessed });

  for (let retry = 0; ; retry++) {
    if (options.signal?.aborted) throw aborted();
    const left = options.deadline === undefined ? Infinity : options.deadline - Date.now();
    if (left <= 0) {
      throw APIError.generate({ status: undefined, failure: 'timeout', message: 'The call reached its deadline before the request could be sent.', idempotencyKey, mayHaveBeenProcessed });
    }
    const started = debug ? Date.now() : 0;
    if (debug) log.debug(`→ ${label} (attempt ${retry + 1} of ${maxRetries + 1})`, idempotencyKey ? `Idempotency-Key ${idempotencyKey}` : '');
    if (makeBody) init.body = (await makeBody()) as Uint8Array<ArrayBuffer>;
    const outcome = await attempt(config, url, init, Math.min(timeout, left), options.signal);
    const failed = isFailure(outcome);
    if (failed && outcome.failure === 'aborted') throw aborted();
    if (failed && outcome.failure === 'too_large') {
      const { status: answered, headers } = outcome.response;
      throw APIError.generate({ status: answered, failure: 'too_large', message: `${request.method} ${config.redactor.url(url)} answered ${answered}, but ${outcome.message}.`, headers: config.redactor.headers(headers), idempotencyKey, mayHaveBeenProcessed: true });
    }
    if (!failed && isRedirect(outcome.response.status)) {
      const to = redirectTarget(outcome.response.headers.get('location'), url);
      // Credentials in a Location are never followed (fetch would refuse them, and they are no place for a secret).
      const credentials = to !== undefined && (to.username !== '' || to.password !== '');
      // Followed only for a GET, within the same origin (so the key goes nowhere else), a few times.
      if (request.method === 'GET' && to && !credentials && to.origin === new URL(url).origin && redirects < MAX_REDIRECTS) {
        redirects++;
        url = to.href;
        retry--;
        continue;
      }
      const origin = to ? config.redactor.text(to.origin) : undefined;
      const why = credentials
        ? 'its Location carries credentials (user:password@), which the client never follows'
        : `the client follows only GETs, within the API's origin${redirects >= MAX_REDIRECTS ? `, at most ${MAX_REDIRECTS} times` : ''}`;
      throw APIError.generate({
        status: outcome.response.status,
        failure: 'redirect',
        message: `${request.method} ${config.redactor.url(request.url)} answered ${outcome.response.status}, redirecting${origin ? ` to ${origin}` : ''}: not followed (${why}).`,
        headers: config.redactor.headers(outcome.response.headers),
        locationOrigin: origin,
        idempotencyKey,
        mayHaveBeenProcessed,
      });
    }
    const status = failed ? undefined : outcome.response.status;
    if (debug) log.debug(`← ${label}: ${failed ? outcome.message : status} in ${Date.now() - started} ms`);
    if (failed || status! >= 500) mayHaveBeenProcessed = true;

    if ((failed || isRetryable(status!, outcome.response.headers)) && retry < maxRetries) {
      const asked = failed ? undefined : retryAfterMs(outcome.response.headers);
      const wait = retryDelayMs(retry, asked);
      const what = failed ? outcome.message : `answered ${status}`;
      // A server asking for longer than we wait, or than the call has left, is answered by stopping, not by retrying early.
      const tooLong = asked !== undefined && asked > MAX_RETRY_AFTER_MS;
      if (!tooLong && (options.deadline === undefined || Date.now() + wait < options.deadline)) {
        const why = asked === undefined ? '' : ` (Retry-After ${Math.round(asked)} ms + jitter)`;
        log.info(`${label} ${what}; retry ${retry + 1} of ${maxRetries} in ${Math.round(wait)} ms${why}`);
        try {
          await sleep(wait, options.signal);
        } catch {
          throw aborted();
        }
        continue;
      }
      log.info(`${label} ${what}; not retrying: ${tooLong ? `the server asks for ${Math.round(asked!)} ms, more than the ${MAX_RETRY_AFTER_MS} ms the client waits` : `a retry in ${Math.round(wait)} ms would pass the call's deadline`}`);
    }
    if (failed) {
      // Info, not a warning: the error thrown next says the same.
      if (retry > 0) log.info(`${label} failed after ${retry + 1} attempts: ${outcome.message}`);
      throw APIError.generate({ status: undefined, failure: outcome.failure, message: outcome.message, cause: 'cause' in outcome ? outcome.cause : undefined, idempotencyKey, mayHaveBeenProcessed });
    }
    // A server (or proxy) that echoes the key back must not get it into an error or the data. (Headers are
    // redacted where they are shown: errors, `withResponse()`, the raw client.)
    return { response: outcome.response, text: config.redactor.body(outcome.text), idempotencyKey, mayHaveBeenProcessed, retried: retry > 0, startedAt };
  }
}
