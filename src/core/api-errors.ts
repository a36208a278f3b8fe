/**
 * Every error the client throws is a `FloraError`. Everything about a request is an `APIError`: an answer
 * with an error status (a subclass chosen by status, with the Stainless SDKs' names, so `catch (e) { if (e
 * instanceof RateLimitError) ... }` ports over), no answer at all (`APIConnectionError`, its timeout
 * subclass, and `APIUserAbortError`, as in the Stainless SDKs), or a request refused before it was sent
 * (`InputValidationError`). `APIError.generate` is where they are made. Answers the client cannot use
 * are `ResponseValidationError`s. Errors are built whole and never changed after: no request header (so
 * no key) is ever attached.
 */
import type { FieldError } from '../../generated/openapi.js';
import { describeFields, FloraError } from './flora-error.js';
import { retryAfterMs } from './retry.js';

/** What an `APIError` is built from. */
export interface APIErrorInit {
  /** The answer's status; undefined when there was none. */
  status: number | undefined;
  code?: string | undefined;
  message: string;
  fields?: FieldError[] | undefined;
  headers?: Headers | undefined;
  requestId?: string | undefined;
  /** The parsed error body, or the raw text when it was not JSON. */
  body?: unknown;
  cause?: unknown;
  /** For a POST: the Idempotency-Key its attempts carried. */
  idempotencyKey?: string | undefined;
  /** For a POST: whether an attempt ended without a definite answer (no answer, 5xx), so it may have run. */
  mayHaveBeenProcessed?: boolean | undefined;
  /** Why there was no usable answer: none came, it took too long, the caller aborted, its body was too large, it redirected. */
  failure?: 'connection' | 'timeout' | 'aborted' | 'too_large' | 'redirect' | undefined;
  /** For a redirect not followed: the origin (only) it pointed at. */
  locationOrigin?: string | undefined;
}

/**
 * A request failed: the API answered with an error status, there was no answer, or the client refused
 * to send it. Carries what the error envelope said, the response's headers (empty when there was no
 * answer) and, for a POST, the idempotency key every attempt carried.
 */
export class APIError extends FloraError {
  override name = 'APIError';
  /** HTTP status; undefined when there was no answer or nothing was sent. */
  readonly status: number | undefined;
  /** The envelope's `error.code` (e.g. `rate_limited`); undefined when the body was not an envelope. */
  readonly code: string | undefined;
  /** Per-field problems, from a 400 `input_validation_error` or from client-side validation. */
  readonly fields: FieldError[] | undefined;
  /** The response's headers; empty when there was no answer. */
  readonly headers: Headers;
  /** The `x-request-id` (or `request-id`) response header, to quote to FLORA support; the message ends with it. */
  readonly requestId: string | undefined;
  /** The error body as received: the parsed envelope, or text when it was not JSON. */
  readonly body: unknown;
  /**
   * For a POST: the Idempotency-Key every attempt carried (generated when you gave none). When
   * `mayHaveBeenProcessed` is true the run may have started: retry with this key, never without one.
   */
  readonly idempotencyKey: string | undefined;
  /** For a POST: true when an attempt ended without a definite answer (no answer or a 5xx). */
  readonly mayHaveBeenProcessed: boolean;
  /**
   * The wait the server asked for before another try (`retry-after-ms` or `Retry-After`), in seconds,
   * when it said: also when it asked for longer than the client waits by itself (60 s) or than the call's
   * `deadline` left, which is why the call stopped.
   */
  readonly retryAfter: number | undefined;

  constructor(init: APIErrorInit) {
    const message = init.requestId ? `${init.message} [request id ${init.requestId}]` : init.message;
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields;
    this.headers = init.headers ?? new Headers();
    this.requestId = init.requestId;
    this.body = init.body;
    this.idempotencyKey = init.idempotencyKey;
    this.mayHaveBeenProcessed = init.mayHaveBeenProcessed ?? false;
    const ms = retryAfterMs(this.headers);
    this.retryAfter = ms === undefined ? undefined : ms / 1000;
  }

  /**
   * The error for an answer's status and code, or for no answer (`failure`); unknown 4xx stay
   * `APIError`. `retried` says the call had retried after an attempt that may have been processed, so
   * a 409 `idempotency_duplicate` is that attempt's own key coming back.
   */
  static generate(init: APIErrorInit & { retried?: boolean; callStartedAt?: number }): APIError {
    const { status, code } = init;
    if (init.failure === 'too_large') return new ResponseTooLargeError(init);
    if (init.failure === 'redirect') return new RedirectError(init);
    if (status === undefined) {
      if (init.failure === 'aborted') return new APIUserAbortError(init);
      if (init.failure === 'timeout') return new APIConnectionTimeoutError(init);
      if (init.failure === 'connection') return new APIConnectionError(init);
      return new InputValidationError(init);
    }
    if (status === 400) return code === 'input_validation_error' || init.fields ? new InputValidationError(init) : new BadRequestError(init);
    if (status === 401) return new AuthenticationError(init);
    if (status === 402) return new InsufficientCreditsError(init);
    if (status === 403) return new PermissionDeniedError(init);
    if (status === 404) return new NotFoundError(init);
    if (status === 409 && code === 'idempotency_duplicate') {
      return new IdempotencyDuplicateError({ ...init, acceptedEarlier: init.retried === true && init.mayHaveBeenProcessed === true });
    }
    if (status === 409) return new ConflictError(init);
    if (status === 422) return new UnprocessableEntityError(init);
    if (status === 429) return new RateLimitError(init);
    if (status >= 500) return new InternalServerError(init);
    return new APIError(init);
  }
}

/** 400: the API rejected the request. */
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}

/**
 * 400 `input_validation_error`: `fields` names each bad field. Also thrown before any request when the
 * client's own check of the request fails; then `status` is undefined and nothing was sent.
 */
export class InputValidationError extends BadRequestError {
  override name = 'InputValidationError';
  declare readonly fields: FieldError[];
  constructor(init: APIErrorInit) {
    super({ ...init, code: init.code ?? 'input_validation_error', fields: init.fields ?? [] });
  }
}

/** 401 `unauthorized`: the API key is missing or invalid. */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}

/** 402 `insufficient_credits`: the workspace cannot pay for this run. */
export class InsufficientCreditsError extends APIError {
  override name = 'InsufficientCreditsError';
}

/** 403 `forbidden`: the key may not do this. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}

/** 404 `not_found`: no such technique or run is visible to this key. */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}

/** 409 with a code other than `idempotency_duplicate`. */
export class ConflictError extends APIError {
  override name = 'ConflictError';
}

/**
 * 409 `idempotency_duplicate`: the Idempotency-Key was used in the last two hours, so this request was
 * not run. When `acceptedEarlier` is true, the client itself had sent this key on an earlier attempt of
 * the same call whose answer was lost: that attempt was accepted, the run exists once, and nothing was
 * charged twice.
 */
export class IdempotencyDuplicateError extends ConflictError {
  override name = 'IdempotencyDuplicateError';
  /** True when an earlier attempt of this same call, with this same key, was accepted. */
  readonly acceptedEarlier: boolean;
  /**
   * When the call's first attempt was sent (ms since the epoch), when the client knows: the accepted run
   * was created after it. `client.runs.findAccepted(error, ...)` searches from there.
   */
  readonly callStartedAt: number | undefined;
  constructor(init: APIErrorInit & { acceptedEarlier?: boolean; callStartedAt?: number | undefined }) {
    const accepted = init.acceptedEarlier ?? false;
    super(
      accepted
        ? {
            ...init,
            message:
              `${init.message}: an earlier attempt of this same call (Idempotency-Key ${init.idempotencyKey}) was accepted but its answer was lost, ` +
              'so the run was started once and not charged twice. Do not retry; find the run instead: ' +
              'client.runs.findAccepted(error, { techniqueId }) lists the runs the technique started since this call began.',
          }
        : init,
    );
    this.acceptedEarlier = accepted;
    this.callStartedAt = init.callStartedAt;
  }
}

/** 422: the request broke the spec in a way the API (or a Prism mock) reports as unprocessable. */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}

/** 429 `rate_limited`. `retryAfter` is the wait the server asked for, in seconds, when it said. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}

/** 5xx: the server failed (or a proxy in front of it did). Retried automatically. */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/**
 * An answer whose body was longer than `maxResponseBytes` (decoded bytes count): it was not read, so
 * nothing of it is here but `status` and `headers`. Never retried. After a POST answered 2xx the run may
 * exist: `idempotencyKey` finds it.
 */
export class ResponseTooLargeError extends APIError {
  override name = 'ResponseTooLargeError';
}

/**
 * A 3xx the client did not follow: it follows redirects only for GETs, within the API's own origin, so a
 * POST is never replayed and the key never sent elsewhere. `locationOrigin` is the origin the answer
 * pointed at (not the whole URL, which could carry a secret).
 */
export class RedirectError extends APIError {
  override name = 'RedirectError';
  readonly locationOrigin: string | undefined;
  constructor(init: APIErrorInit) {
    super(init);
    this.locationOrigin = init.locationOrigin;
  }
}

/**
 * No answer: DNS, refused or reset connection, TLS failure, a body cut off mid-way. Retried
 * automatically; `status` is undefined and `headers` empty. For a POST, `idempotencyKey` is the key
 * every attempt carried: the run may have started (the answer was lost), so retry with it, never
 * without one.
 */
export class APIConnectionError extends APIError {
  override name = 'APIConnectionError';
  constructor(init: Partial<APIErrorInit> = {}) {
    super({ message: 'Connection error.', ...init, status: undefined });
  }
}

/** An attempt took longer than the per-attempt `timeout`. Retried automatically. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
  constructor(init: Partial<APIErrorInit> = {}) {
    super({ message: 'Request timed out.', ...init });
  }
}

/** The caller's `signal` aborted the call. Never retried. */
export class APIUserAbortError extends APIError {
  override name = 'APIUserAbortError';
  constructor(init: Partial<APIErrorInit> = {}) {
    super({ message: 'Request was aborted.', ...init, status: undefined });
  }
}

/**
 * The server answered 2xx with a body the client cannot use: not JSON, not an object, a required field
 * missing or of the wrong JSON type (or, with `validate: 'strict'`, anything the spec does not allow).
 * `fields` says which field and why; `operation` and `status` say where. After a POST the run may exist:
 * `runId` is the body's `run_id` when it had one, and `idempotencyKey` the key the call carried.
 */
export class ResponseValidationError extends FloraError {
  override name = 'ResponseValidationError';
  readonly operation: string;
  readonly status: number;
  readonly fields: FieldError[];
  readonly requestId: string | undefined;
  readonly body: unknown;
  /** The answer's `run_id`, when it had a string one. */
  readonly runId: string | undefined;
  /** For a POST: the Idempotency-Key the call carried. */
  readonly idempotencyKey: string | undefined;
  constructor(init: {
    operation: string;
    status: number;
    fields: FieldError[];
    requestId?: string | undefined;
    body: unknown;
    runId?: string | undefined;
    idempotencyKey?: string | undefined;
  }) {
    const run = init.runId ? ` (run ${init.runId})` : '';
    super(`${init.operation} answered ${init.status} with a body the client cannot use${run}: ${describeFields(init.fields)}`);
    this.operation = init.operation;
    this.status = init.status;
    this.fields = init.fields;
    this.requestId = init.requestId;
    this.body = init.body;
    this.runId = init.runId;
    this.idempotencyKey = init.idempotencyKey;
  }
}
