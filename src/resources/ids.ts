import type { FieldError } from '../../generated/openapi.js';

/** A path id must be a non-empty string: an empty one would silently address a different route. */
export function requireId(field: string, value: unknown): FieldError[] {
  if (typeof value !== 'string') return [{ field, message: 'Required' }];
  return value.trim() === '' ? [{ field, message: 'must not be empty' }] : [];
}
