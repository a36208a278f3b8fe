/**
 * Checks data against the spec's schemas with the validators `npm run generate` precompiled (ajv
 * standalone), so nothing is compiled at start-up. Problems come back as `FieldError`s shaped like the
 * server's: `{ field: 'inputs[0].type', message: 'must be one of: text, imageUrl, videoUrl' }`.
 */
import type { ErrorObject } from 'ajv';
import validators from '../generated/validators.cjs';
import type { FieldError } from '../generated/openapi.js';

export type SchemaName = keyof typeof validators;

/** `/inputs/0/type` -> `inputs[0].type`. */
function fieldPath(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((path, p) => (/^\d+$/.test(p) ? `${path}[${p}]` : path ? `${path}.${p}` : p), '');
}

function describe(e: ErrorObject): FieldError {
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return { field: fieldPath(e.instancePath, p.missingProperty), message: 'Required' };
    case 'additionalProperties':
      return { field: fieldPath(e.instancePath, p.additionalProperty), message: 'Unknown field' };
    case 'enum':
      return { field: fieldPath(e.instancePath), message: `must be one of: ${p.allowedValues.join(', ')}` };
    case 'pattern': {
      const prefix = /^\^([\w-]+)$/.exec(p.pattern)?.[1] ?? /^\^(https:\/\/)$/.exec(p.pattern)?.[1];
      return { field: fieldPath(e.instancePath), message: prefix ? `must start with ${prefix}` : `must match ${p.pattern}` };
    }
    default:
      return { field: fieldPath(e.instancePath) || '(body)', message: e.message ?? e.keyword };
  }
}

/** The problems of `data` against schema `name`, one per field (empty when valid). */
export function validate(name: SchemaName, data: unknown): FieldError[] {
  const check = validators[name];
  if (check(data)) return [];
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of check.errors ?? []) {
    // `if`/`anyOf` wrappers repeat what their branches already said.
    if (e.keyword === 'if' || e.keyword === 'anyOf') continue;
    const f = describe(e);
    if (f.field === '') f.field = '(body)';
    if (seen.has(f.field)) continue;
    seen.add(f.field);
    out.push(f);
  }
  return out;
}

/** Loopback hosts: plain http to them never leaves the machine. */
export function isLoopback(url: string | URL): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Validates a nested run body. The spec demands an https `callback_url`; `allowLoopbackHttpCallback`
 * also accepts plain http to a loopback host, for a receiver in a local test (the simulator and a client
 * pointed at a loopback base URL use it; against any other server https is still required).
 */
export function validateRunCreateBody(body: unknown, options: { allowLoopbackHttpCallback?: boolean } = {}): FieldError[] {
  const cb = (body as { callback_url?: unknown } | null)?.callback_url;
  if (options.allowLoopbackHttpCallback && typeof cb === 'string' && cb.startsWith('http://') && isLoopback(cb)) {
    return validate('TechniqueRunCreateRequest', { ...(body as object), callback_url: `https://${cb.slice(7)}` });
  }
  return validate('TechniqueRunCreateRequest', body);
}
