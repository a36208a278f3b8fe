/**
 * Checks of what a caller asks to send, beyond the path (`url.ts`): the body against the operation's
 * schema (`generated/validators.ts`, compiled from the spec and tested to agree with ajv) and the
 * idempotency key. Problems come back as `FieldError`s shaped like the server's:
 * `{ field: 'inputs[0].type', message: 'must be one of: text, imageUrl, videoUrl' }`.
 */
import type { FieldError } from '../../generated/openapi.js';
import { validate, type SchemaName } from '../../generated/validators.js';
import { describeFields, InputValidationError } from './errors.js';
import { isLoopback } from './url.js';

export { validate, type SchemaName };

const NONE: FieldError[] = [];

/** URL fields the server calls or fetches: a test's own server on loopback may be plain http. */
const LOOPBACK_URL_FIELDS = ['callback_url', 'source'] as const;

/**
 * The problems of `body` against `schema`. The spec demands https for `callback_url` (a run's callback)
 * and an asset's `source` (a server-side fetch); `allowLoopbackHttpCallback` also accepts plain http to a
 * loopback host there, for a receiver or file server in a local test (a client pointed at a loopback base
 * URL uses it; against any other server https is still required).
 */
export function bodyProblems(schema: SchemaName, body: unknown, options: { allowLoopbackHttpCallback?: boolean } = {}): FieldError[] {
  if (options.allowLoopbackHttpCallback && body && typeof body === 'object') {
    let local: Record<string, unknown> | undefined;
    for (const field of LOOPBACK_URL_FIELDS) {
      const v = (body as Record<string, unknown>)[field];
      if (typeof v === 'string' && v.startsWith('http://') && isLoopback(v)) (local ??= { ...(body as object) })[field] = `https://${v.slice(7)}`;
    }
    if (local) return validate(schema, local);
  }
  return validate(schema, body);
}

/**
 * An idempotency key travels in the Idempotency-Key header: 1 to 255 characters (the spec's limit), and
 * printable ASCII, since a header cannot carry other characters.
 */
export function idempotencyKeyProblems(value: unknown, field: string): FieldError[] {
  if (value === undefined) return NONE;
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) return [{ field, message: 'must be a string of 1 to 255 characters' }];
  return /^[\x20-\x7e]+$/.test(value) ? NONE : [{ field, message: 'must be printable ASCII (it is sent in the Idempotency-Key header)' }];
}

/** Header values must be text a header can carry: no line breaks or other control characters. */
export function headerProblems(headers: Record<string, string | undefined> | undefined): FieldError[] {
  if (!headers) return NONE;
  const out: FieldError[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) out.push({ field: `headers.${name}`, message: 'is not a valid header name' });
    else if (typeof value !== 'string' || !/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) out.push({ field: `headers.${name}`, message: 'must be text without line breaks or control characters' });
  }
  return out;
}

/** Throws `InputValidationError` naming each bad option: nothing is sent. */
export function refuseOptions(fields: FieldError[]): void {
  if (fields.length > 0) throw new InputValidationError({ status: undefined, message: `Invalid options, nothing sent: ${describeFields(fields)}`, fields });
}

/** A duration option in ms: a number of at least `min` (`Infinity` when `infinite`), else a problem naming it. */
export function msProblems(field: string, value: unknown, { min = Number.MIN_VALUE, infinite = true } = {}): FieldError[] {
  const ok = typeof value === 'number' && value >= min && (infinite || Number.isFinite(value));
  return ok ? NONE : [{ field, message: `must be a number of milliseconds >= ${min === Number.MIN_VALUE ? '0 (not 0)' : min}${infinite ? ', or Infinity' : ''}; got ${String(value)}` }];
}

/** `value` when it is a duration as `msProblems` wants it; else `InputValidationError`. */
export function checkMs(field: string, value: unknown, rules?: { min?: number; infinite?: boolean }): number {
  refuseOptions(msProblems(field, value, rules));
  return value as number;
}
