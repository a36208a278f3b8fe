import type { FieldError } from '../../generated/openapi.js';

/** A path id must be a non-empty string: an empty one would silently address a different route. */
export function requireId(field: string, value: unknown): FieldError[] {
  if (typeof value !== 'string') return [{ field, message: 'Required' }];
  return value.trim() === '' ? [{ field, message: 'must not be empty' }] : [];
}

/** The Idempotency-Key header the spec allows: 1 to 255 characters. */
export function checkIdempotencyKey(value: string | undefined): FieldError[] {
  if (value === undefined) return [];
  return typeof value === 'string' && value.length >= 1 && value.length <= 255
    ? []
    : [{ field: 'idempotencyKey', message: 'must be a string of 1 to 255 characters' }];
}
