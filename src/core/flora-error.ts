/** The root of every error this package throws, and how messages list bad fields. */
import type { ErrorCode, FieldError } from '../../generated/openapi.js';

export type { ErrorCode, FieldError };

/** `inputs[0].type: must be one of ...; mode: Required`: how every message here lists bad fields. */
export function describeFields(fields: readonly FieldError[]): string {
  return fields.map((f) => `${f.field}: ${f.message}`).join('; ');
}

/** Base class of everything this package throws. */
export class FloraError extends Error {
  override name = 'FloraError';
}
