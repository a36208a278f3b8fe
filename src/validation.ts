/**
 * Checks data against the spec's schemas (`generated/schemas.ts`, reduced by `npm run generate` to the
 * keywords below; the generator refuses any other, so nothing in the spec goes unchecked). Problems come
 * back as `FieldError`s shaped like the server's: `{ field: 'inputs[0].type', message: 'must be one of:
 * text, imageUrl, videoUrl' }`.
 *
 * Why not ajv here: its precompiled validators and formats were two thirds of the client's bundle. This
 * walks the few keywords the spec uses with ajv's semantics (strict numbers, code-point lengths, unicode
 * patterns, keyword order) and is tested to agree with ajv, which stays the contract tests' judge.
 */
import type { FieldError } from '../generated/openapi.js';
import { SCHEMAS, URI_FORMAT, type ValidatedSchema } from '../generated/schemas.js';

export type SchemaName = ValidatedSchema;

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  pattern?: string;
  format?: 'uri';
  minLength?: number;
  maxLength?: number;
  minimum?: number;
}

const schemas = SCHEMAS as Record<string, Schema>;
const patterns = new Map<string, RegExp>();

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'number':
      return typeof v === 'number' && isFinite(v);
    case 'integer':
      return Number.isInteger(v);
    case 'null':
      return v === null;
    default:
      return typeof v === type;
  }
}

/** `inputs` + `0` -> `inputs[0]`, `inputs[0]` + `type` -> `inputs[0].type`. */
const child = (at: string, key: string | number) => (/^\d+$/.test(String(key)) ? `${at}[${key}]` : at ? `${at}.${key}` : String(key));

function patternMessage(pattern: string): string {
  const prefix = /^\^([\w-]+|https:\/\/)$/.exec(pattern)?.[1];
  return prefix ? `must start with ${prefix}` : `must match ${pattern}`;
}

/**
 * Whether `v` matches `s`. Without `out` it stops at the first problem and builds no paths (the hot path:
 * every answer is checked); with `out` it records every problem, in ajv's order, with its path.
 */
function check(s: Schema, v: unknown, out?: [string, string][], at = ''): boolean {
  if (s.$ref !== undefined) return check(schemas[s.$ref]!, v, out, at);
  const fail = (field: string, message: string) => (out?.push([field, message]), false);
  if (s.type !== undefined && !typeOk(s.type, v)) return fail(at, `must be ${s.type}`);
  let ok = true;
  if (typeof v === 'number' && s.minimum !== undefined && !(v >= s.minimum)) ok = fail(at, `must be >= ${s.minimum}`);
  if (typeof v === 'string') {
    const length = s.maxLength !== undefined || s.minLength !== undefined ? [...v].length : 0;
    if (s.maxLength !== undefined && length > s.maxLength) ok = fail(at, `must NOT have more than ${s.maxLength} characters`);
    if (s.minLength !== undefined && length < s.minLength) ok = fail(at, `must NOT have fewer than ${s.minLength} characters`);
    if (s.pattern !== undefined) {
      let re = patterns.get(s.pattern);
      if (!re) patterns.set(s.pattern, (re = new RegExp(s.pattern, 'u')));
      if (!re.test(v)) ok = fail(at, patternMessage(s.pattern));
    }
    if (s.format === 'uri' && !URI_FORMAT.test(v)) ok = fail(at, 'must match format "uri"');
  }
  if (!ok && !out) return false;
  if (Array.isArray(v)) {
    for (let i = 0; s.items && i < v.length; i++) {
      if (!check(s.items, v[i], out, out && child(at, i))) ok = false;
      if (!ok && !out) return false;
    }
  } else if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (s.required) for (const k of s.required) if (o[k] === undefined) ok = fail(child(at, k), 'Required');
    const extra = s.additionalProperties;
    if (extra !== undefined && extra !== true) {
      for (const k in o) {
        if (s.properties && Object.hasOwn(s.properties, k)) continue;
        if (extra === false) ok = fail(child(at, k), 'Unknown field');
        else if (!check(extra, o[k], out, out && child(at, k))) ok = false;
        if (!ok && !out) return false;
      }
    }
    if (s.properties) {
      for (const k in s.properties) {
        if (o[k] !== undefined && !check(s.properties[k]!, o[k], out, out && child(at, k))) ok = false;
        if (!ok && !out) return false;
      }
    }
  }
  if (s.enum !== undefined && !s.enum.includes(v)) ok = fail(at, `must be one of: ${s.enum.join(', ')}`);
  return ok;
}

/** The problems of `data` against schema `name`, one per field (empty when valid). */
export function validate(name: SchemaName, data: unknown): FieldError[] {
  const schema = schemas[name]!;
  if (check(schema, data)) return [];
  const found: [string, string][] = [];
  check(schema, data, found);
  const out = new Map<string, string>();
  for (const [field, message] of found) if (!out.has(field || '(body)')) out.set(field || '(body)', message);
  return [...out].map(([field, message]) => ({ field, message }));
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
