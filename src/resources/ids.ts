import type { FieldError } from '../../generated/openapi.js';

/** A path id must be a non-empty string: an empty one would silently address a different route. */
export function requireId(field: string, value: unknown): FieldError[] {
  if (typeof value !== 'string') return [{ field, message: 'Required' }];
  if (value.trim() === '') return [{ field, message: 'must not be empty' }];
  // `.` and `..` survive URL encoding and would be resolved away, addressing another route.
  return value === '.' || value === '..' ? [{ field, message: 'must not be "." or ".."' }] : [];
}

/**
 * An idempotency key travels in the Idempotency-Key header: 1 to 255 characters (the spec's limit), and
 * printable ASCII, since a header cannot carry other characters (`Headers` would throw a TypeError).
 */
export function checkIdempotencyKey(value: unknown, field = 'idempotencyKey'): FieldError[] {
  if (value === undefined) return [];
  if (typeof value !== 'string' || value.length < 1 || value.length > 255) {
    return [{ field, message: 'must be a string of 1 to 255 characters' }];
  }
  return /^[\x20-\x7e]+$/.test(value) ? [] : [{ field, message: 'must be printable ASCII (it is sent in the Idempotency-Key header)' }];
}
