/**
 * One logical call, several attempts (`send`; `policyFetch` wraps it for the openapi-fetch `raw` client).
 * Each attempt gets its own timeout (openapi-fetch's client-level signal would be shared by all of
 * them), reads the whole body
 * inside that timeout (a body cut off mid-way is a connection error, retried like one), and retries
 * connection errors, timeouts, 408, 429 and 5xx with jittered backoff, or after Retry-After plus a jitter.
 * Every POST carries one Idempotency-Key for all its attempts, so a retry can never start a second run.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from './errors.js';
import { redact, type LevelLogger } from './log.js';
import { backoffMs, checkTimeout, deadlineTimer, isRetryableStatus, retryAfterMs, retryJitterMs, sleep } from './retry.js';

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
  /** Extra headers for this call. */
  headers?: Record<string, string | undefined> | undefined;
}

/** What a call's attempts leave behind, for the error that may follow. */
export interface CallState {
  attempts: number;
  /** The Idempotency-Key every attempt of this POST carried. */
  idempotencyKey: string | undefined;
  /** True once an attempt ended in a way that leaves open whether the server acted on it (no answer, 5xx). */
  mayHaveBeenProcessed: boolean;
}

/** The fetch signature the client calls: the standard one. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface PolicyConfig {
  fetch: FetchLike;
  apiKey: string;
  timeout: number;
  maxRetries: number;
  logger: LevelLogger;
  random?: () => number;
  /** True when `fetch` is the caller's: it may ignore the abort signal, so attempts also race it. */
  customFetch?: boolean;
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const base = err instanceof Error ? err.message : String(err);
  return cause?.code ? `${base} (${cause.code})` : cause?.message ? `${base} (${cause.message})` : base;
}

/** Runs `work` under an attempt signal; rejects as soon as the signal aborts even if `work` ignores it. */
function race<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

const TIMEOUT = Symbol('timeout');

async function fetchAndRead(fetch: FetchLike, url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  return { response, text: await response.text() };
}

/** One attempt: fetch and read the body, within `timeoutMs`, stopping at once if `userSignal` aborts. */
async function attempt(
  config: PolicyConfig,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  userSignal: AbortSignal | undefined,
): Promise<Answer> {
  // A signal costs fetch measurably (about 5 µs to make one in Node 20, then undici registers on it); with
  // no deadline and no caller's signal there is nothing to abort, so none is made.
  const controller = timeoutMs === Infinity && !userSignal ? undefined : new AbortController();
  const timer = controller && deadlineTimer(timeoutMs, () => controller.abort(TIMEOUT));
  const onUserAbort = () => controller!.abort(userSignal!.reason);
  userSignal?.addEventListener('abort', onUserAbort, { once: true });
  try {
    init.signal = controller?.signal; // each attempt its own; `init` is this call's alone
    const work = fetchAndRead(config.fetch, url, init);
    // The platform fetch stops (body reading included) when the signal aborts; a caller's may not.
    return await (config.customFetch && controller ? race(work, controller.signal) : work);
  } catch (err) {
    if (userSignal?.aborted) throw new APIUserAbortError(undefined, { cause: userSignal.reason });
    if (controller?.signal.reason === TIMEOUT) {
      throw new APIConnectionTimeoutError(`Request timed out after ${timeoutMs} ms.`);
    }
    const described = describeCause(err);
    // Keep the original cause for debugging, unless it quotes the key (a fetch wrapper echoing headers).
    // A caller's fetch may keep the Request (and its Authorization header) on its error: never keep that.
    const leaks =
      config.customFetch ||
      `${described} ${(err as Error)?.stack ?? ''} ${String((err as { cause?: unknown })?.cause ?? '')}`.includes(config.apiKey);
    throw new APIConnectionError(`Connection error: ${redact(described, [config.apiKey])}`, {
      cause: leaks ? new Error(redact(described, [config.apiKey])) : err,
    });
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener('abort', onUserAbort);
  }
}

/** A copy of `headers` with any value that echoes `secret` redacted; the same object when none does. */
export function redactHeaders(headers: Headers, secret: string): Headers {
  let leaks = false;
  headers.forEach((v) => {
    leaks ||= v.includes(secret);
  });
  if (!leaks) return headers;
  const clean = new Headers();
  headers.forEach((v, k) => clean.append(k, redact(v, [secret])));
  return clean;
}

/** The answer with the key redacted from its body and headers, when it appears there. */
function redactAnswer(answer: Answer, secret: string): { response: { status: number; statusText: string; headers: Headers }; text: string } {
  const { response, text } = answer;
  return {
    response: { status: response.status, statusText: redact(response.statusText, [secret]), headers: redactHeaders(response.headers, secret) },
    text: text.includes(secret) ? redact(text, [secret]) : text,
  };
}

/** A response whose body has been read (within the attempt's timeout). */
export interface Answer {
  response: Response;
  text: string;
}

/**
 * One logical call: sends `method url` with auth and, for a POST, one Idempotency-Key for all attempts;
 * retries as described above; resolves with the final answer, its body read. `headers` are lower-cased.
 */
export async function send(
  config: PolicyConfig,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  options: RequestOptions = {},
  state: CallState = { attempts: 0, idempotencyKey: undefined, mayHaveBeenProcessed: false },
): Promise<Answer> {
  const timeout = checkTimeout('timeout', options.timeout ?? config.timeout);
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? config.maxRetries));
  const log = config.logger;
  if (options.headers) for (const [k, v] of Object.entries(options.headers)) if (v !== undefined) headers[k.toLowerCase()] = v;
  headers.authorization = `Bearer ${config.apiKey}`;
  if (method !== 'GET' && method !== 'HEAD') {
    state.idempotencyKey = options.idempotencyKey ?? headers['idempotency-key'] ?? crypto.randomUUID();
    headers['idempotency-key'] = state.idempotencyKey;
  }
  const init: RequestInit = { method, headers, body };
  const label = `${method} ${url}`;
  // Debug lines are built only when someone reads them: this loop is the per-call hot path.
  const debug = log.enabled('debug');

  for (let retry = 0; ; retry++) {
    if (options.signal?.aborted) throw new APIUserAbortError(undefined, { cause: options.signal.reason });
    state.attempts = retry + 1;
    const started = debug ? Date.now() : 0;
    if (debug) log.debug(`→ ${label} (attempt ${retry + 1} of ${maxRetries + 1})`, state.idempotencyKey ? `Idempotency-Key ${state.idempotencyKey}` : '');
    let outcome: Answer | undefined;
    let failure: APIConnectionError | undefined;
    try {
      outcome = await attempt(config, url, init, timeout, options.signal);
    } catch (err) {
      if (!(err instanceof APIConnectionError)) throw err;
      failure = err;
    }
    const status = outcome?.response.status;
    if (debug) log.debug(`← ${label}: ${failure ? failure.message : status} in ${Date.now() - started} ms`);
    if (failure || status! >= 500) state.mayHaveBeenProcessed = true;

    if ((failure || isRetryableStatus(status!)) && retry < maxRetries) {
      const asked = outcome ? retryAfterMs(outcome.response.headers) : undefined;
      // Never sooner than the server asked. A Retry-After is usually the time to the next free slot, and
      // every client told the same slot would retry at the same instant: spread them with a jitter of up to
      // a quarter of the backoff (0-125 ms on the first retry), small enough not to leave slots unused.
      const wait = asked === undefined ? backoffMs(retry, config.random) : asked + retryJitterMs(retry, config.random);
      const why = asked === undefined ? '' : ` (Retry-After ${Math.round(asked)} ms + jitter)`;
      log.info(`${label} ${failure ? failure.message : `answered ${status}`}; retry ${retry + 1} of ${maxRetries} in ${Math.round(wait)} ms${why}`);
      try {
        await sleep(wait, options.signal);
      } catch {
        throw new APIUserAbortError(undefined, { cause: options.signal?.reason });
      }
      continue;
    }
    if (failure) {
      if (retry > 0) log.warn(`${label} failed after ${retry + 1} attempts: ${failure.message}`);
      throw failure;
    }
    return outcome!;
  }
}

/**
 * The same policy as a fetch taking a `Request`, for openapi-fetch (the `raw` client): the answer comes
 * back as a new `Response` holding the body already read.
 */
export function policyFetch(config: PolicyConfig, options: RequestOptions = {}, state?: CallState): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => (headers[k] = v));
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    // openapi-fetch puts the caller's per-request `signal` on the Request: honour it like ours.
    const withSignal = options.signal === undefined && request.signal ? { ...options, signal: request.signal } : options;
    const answer = await send(config, request.method, request.url, headers, body, withSignal, state);
    // The raw client hands bodies and headers back as they are: redact a key echoed in them here too.
    const { response, text } = redactAnswer(answer, config.apiKey);
    return new Response(NULL_BODY_STATUS.has(response.status) ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
