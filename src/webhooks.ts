/**
 * Signing and verification of FLORA's run-ended webhooks (spec: `webhooks.runEnded`).
 *
 * `Flora-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, where each hex is the HMAC-SHA256 of
 * `<t>.<raw body>` keyed with the workspace's whole `whsec_...` secret. Several `v1` values appear while a
 * secret is being rotated; any one matching is enough.
 */
import type { RunWebhookEvent } from '../generated/answers.js';
import { schemaProblems } from '../generated/validators.js';
import { InputValidationError } from './core/api-errors.js';
import { WebhookVerificationError } from './core/webhook-error.js';
import { anyHmacMatches, hmacSha256Hex } from './core/hmac.js';

export { WebhookVerificationError, type WebhookVerificationReason } from './core/webhook-error.js';

/** Name of the header that carries the timestamp and signatures. */
export const SIGNATURE_HEADER = 'Flora-Signature';
/** Name of the header that carries the event id (stable across delivery attempts, for de-duplication). */
export const WEBHOOK_ID_HEADER = 'Flora-Webhook-Id';
/** Name of the header that carries the event type. */
export const EVENT_HEADER = 'Flora-Event';
/** Default accepted distance, in seconds, between the signature's timestamp and now. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A raw webhook body as received, as FLORA's SDK takes it: text, or bytes (`Uint8Array`, Node's `Buffer`, an `ArrayBuffer`). */
export type WebhookPayload = string | Uint8Array | ArrayBuffer;

/**
 * Headers as the Fetch API, Node's `IncomingHttpHeaders`, or a plain record give them; or the
 * `Flora-Signature` value alone, as FLORA's SDK also takes it.
 */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined> | string;

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** Largest accepted |now - t|, in seconds. Default 300. `Infinity` disables the check (not advised). */
  toleranceSeconds?: number;
  /** The current time in unix seconds; defaults to the wall clock. For tests. */
  now?: number;
  /**
   * How the event is read once its signature holds: `tolerant` (default) accepts what can be used, as the
   * client reads API answers (an event type or run type it does not know, extra fields); `strict` only
   * what the spec allows.
   */
  validate?: 'tolerant' | 'strict';
}

/** A caller's value that cannot be used: nothing was verified. */
function refuse(field: string, message: string): never {
  throw new InputValidationError({ status: undefined, message: `Invalid ${field}: ${message}`, fields: [{ field, message }] });
}

function requireSecret(secret: unknown): asserts secret is string {
  // An empty key is public knowledge: signing or accepting with it would authenticate nothing.
  if (typeof secret !== 'string' || secret.length === 0) refuse('secret', 'a webhook secret is required');
}

/** The body as bytes are hashed as received, so a receiver never has to re-encode (and possibly alter) them. */
function payload(rawBody: unknown): string | Uint8Array {
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  refuse('rawBody', 'must be the raw body as received: a string, a Uint8Array (or Buffer) or an ArrayBuffer');
}

/**
 * The `Flora-Signature` header value for `rawBody` signed at `timestamp` (unix seconds) with `secret`:
 * the same HMAC FLORA sends, for tests of a receiver. Asynchronous because Web Crypto is.
 */
export async function signWebhook(rawBody: WebhookPayload, secret: string, timestamp: number): Promise<string> {
  requireSecret(secret);
  if (!Number.isInteger(timestamp) || timestamp < 0) refuse('timestamp', 'must be a non-negative integer of unix seconds');
  return `t=${timestamp},v1=${await hmacSha256Hex(secret, `${timestamp}.`, payload(rawBody))}`;
}

/** The signature header's value; repeated headers are joined, so every `v1` they carry counts. */
function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers === 'string') return headers;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}

interface ParsedSignature {
  timestamp: number;
  signatures: string[];
}

/**
 * `t=<seconds>,v1=<hex>[,v1=<hex>...]`, read as FLORA's SDK reads it: parts split on commas and trimmed,
 * parts without `=` and unknown schemes (v0, a future v2) ignored, the last `t` counting. `v1` values
 * that are not 64 lower-case hex digits can match nothing and are dropped.
 */
function parseSignatureHeader(value: string): ParsedSignature {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (key === 't' && val !== '' && Number.isFinite(Number(val))) timestamp = Number(val);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(val)) signatures.push(val);
  }
  if (timestamp === undefined) throw new WebhookVerificationError('malformed_header', `No timestamp (t=<unix seconds>) in the ${SIGNATURE_HEADER} header.`);
  if (signatures.length === 0) throw new WebhookVerificationError('malformed_header', `No v1=<64 hex digits> signature in the ${SIGNATURE_HEADER} header.`);
  return { timestamp, signatures };
}

function parseBody(rawBody: string | Uint8Array): unknown {
  let text: string;
  try {
    text = typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch (cause) {
    throw new WebhookVerificationError('invalid_body', 'Webhook body is not valid UTF-8.', { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new WebhookVerificationError('invalid_body', 'Webhook body is not valid JSON.', { cause });
  }
}

/**
 * Checks a run-ended webhook and returns its event. Pass the raw request body exactly as received (not
 * re-serialized JSON: any byte changed breaks the signature), the request's headers (or the
 * `Flora-Signature` value) and the secret. The signature is compared in constant time and checked before
 * the timestamp, so only authentic requests learn more than "mismatch". The event's `created_at` is in
 * unix milliseconds, as FLORA's SDK documents it. Asynchronous because Web Crypto is: it runs wherever the
 * client does (Node, Bun, Deno, workerd, browsers); the Node builds hash with `node:crypto`.
 * @throws {WebhookVerificationError} with `reason` saying what was wrong.
 * @throws {InputValidationError} for a missing secret or a bad option.
 */
export async function verifyWebhook(
  rawBody: WebhookPayload,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<RunWebhookEvent> {
  requireSecret(secret);
  const body = payload(rawBody);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || !(tolerance >= 0)) refuse('toleranceSeconds', 'must be a number >= 0 (or Infinity)');
  const now = options.now ?? Date.now() / 1000;
  if (typeof now !== 'number' || !Number.isFinite(now)) refuse('now', 'must be a finite number of unix seconds');

  const header = headerValue(headers, SIGNATURE_HEADER);
  if (header === undefined || header.trim() === '') {
    throw new WebhookVerificationError('missing_header', `Missing ${SIGNATURE_HEADER} header.`);
  }
  const { timestamp, signatures } = parseSignatureHeader(header);

  if (!(await anyHmacMatches(secret, `${timestamp}.`, body, signatures))) {
    throw new WebhookVerificationError(
      'signature_mismatch',
      `No v1 signature in the ${SIGNATURE_HEADER} header matches the body. Check the webhook secret, and pass the raw request body, not re-serialized JSON.`,
    );
  }

  const skew = now - timestamp;
  if (Math.abs(skew) > tolerance) {
    const when = skew > 0 ? `${Math.round(skew)}s old` : `${Math.round(-skew)}s in the future`;
    throw new WebhookVerificationError(
      'timestamp_outside_tolerance',
      `Webhook timestamp ${timestamp} is ${when}; the tolerance is ${tolerance}s. Replayed or delayed event, or a wrong clock.`,
    );
  }

  const event = parseBody(body);
  const problems = schemaProblems('RunWebhookEvent', event).filter((p) => options.validate === 'strict' || !p.tolerable);
  const first = problems[0];
  if (first) {
    const fields = problems.map(({ field, message }) => ({ field, message }));
    throw new WebhookVerificationError('invalid_body', `Webhook body is not a usable RunWebhookEvent: ${first.field}: ${first.message}`, { fields });
  }
  return event as RunWebhookEvent;
}
