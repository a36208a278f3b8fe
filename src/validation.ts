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

/** A schema as generated (see `CHECKED` in scripts/generate.ts). */
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

/** A schema made ready once for checking: references resolved, patterns compiled, property lists made. */
interface Node {
  type?: string | undefined;
  enum?: Set<unknown> | undefined;
  enumText?: string;
  required?: string[] | undefined;
  properties: [string, Node][];
  known: Set<string>;
  /** `false`: no other properties; a node: what the others must match; undefined: anything goes. */
  extra?: false | Node | undefined;
  items?: Node | undefined;
  pattern?: RegExp | undefined;
  patternText?: string;
  uri: boolean;
  minLength?: number | undefined;
  maxLength?: number | undefined;
  minimum?: number | undefined;
}

const schemas = SCHEMAS as Record<string, Schema>;
const named = new Map<string, Node>();

function prepare(s: Schema): Node {
  if (s.$ref !== undefined) {
    // Eager: scripts/generate.ts refuses recursive schemas, which would never finish here.
    let node = named.get(s.$ref);
    if (!node) named.set(s.$ref, (node = prepare(schemas[s.$ref]!)));
    return node;
  }
  const props = Object.entries(s.properties ?? {});
  return {
    type: s.type,
    enum: s.enum && new Set(s.enum),
    enumText: s.enum && `must be one of: ${s.enum.join(', ')}`,
    required: s.required,
    properties: props.map(([k, p]) => [k, prepare(p)]),
    known: new Set(props.map(([k]) => k)),
    extra: s.additionalProperties === false ? false : s.additionalProperties === true || s.additionalProperties === undefined ? undefined : prepare(s.additionalProperties),
    items: s.items && prepare(s.items),
    pattern: s.pattern === undefined ? undefined : new RegExp(s.pattern, 'u'),
    patternText: s.pattern === undefined ? '' : patternMessage(s.pattern),
    uri: s.format === 'uri',
    minLength: s.minLength,
    maxLength: s.maxLength,
    minimum: s.minimum,
  };
}

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

/** Records a problem when collecting them; false, for `ok = problem(...)`. */
function problem(out: [string, string][] | undefined, field: string, message: string): false {
  out?.push([field, message]);
  return false;
}

/**
 * Whether `v` matches `s`. Without `out` it stops at the first problem and builds no paths (the hot path:
 * every answer is checked); with `out` it records every problem, in ajv's order, with its path.
 */
function check(s: Node, v: unknown, out?: [string, string][], at = ''): boolean {
  if (s.type !== undefined && !typeOk(s.type, v)) return problem(out, at, `must be ${s.type}`);
  // ajv's order: type, then the keywords for any type (enum), then those for the value's own type.
  let ok = true;
  if (s.enum !== undefined && !s.enum.has(v)) {
    ok = problem(out, at, s.enumText!);
    if (!out) return false;
  }
  if (typeof v === 'number' && isFinite(v)) {
    if (s.minimum !== undefined && !(v >= s.minimum)) ok = problem(out, at, `must be >= ${s.minimum}`);
  } else if (typeof v === 'string') {
    const length = s.maxLength !== undefined || s.minLength !== undefined ? [...v].length : 0;
    if (s.maxLength !== undefined && length > s.maxLength) ok = problem(out, at, `must NOT have more than ${s.maxLength} characters`);
    if (s.minLength !== undefined && length < s.minLength) ok = problem(out, at, `must NOT have fewer than ${s.minLength} characters`);
    if (s.pattern && !s.pattern.test(v)) ok = problem(out, at, s.patternText!);
    if (s.uri && !URI_FORMAT.test(v)) ok = problem(out, at, 'must match format "uri"');
  } else if (Array.isArray(v)) {
    for (let i = 0; s.items && i < v.length && (ok || out); i++) if (!check(s.items, v[i], out, out && child(at, i))) ok = false;
  } else if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (s.required) for (const k of s.required) if (o[k] === undefined) ok = problem(out, child(at, k), 'Required');
    if (s.extra !== undefined) {
      for (const k in o) {
        if (!ok && !out) return false;
        if (s.known.has(k)) continue;
        if (s.extra === false) ok = problem(out, child(at, k), 'Unknown field');
        else if (!check(s.extra, o[k], out, out && child(at, k))) ok = false;
      }
    }
    for (let i = 0; i < s.properties.length && (ok || out); i++) {
      const [k, p] = s.properties[i]!;
      if (o[k] !== undefined && !check(p, o[k], out, out && child(at, k))) ok = false;
    }
  }
  return ok;
}

/** The problems of `data` against schema `name`, one per field (empty when valid). */
export function validate(name: SchemaName, data: unknown): FieldError[] {
  const schema = named.get(name) ?? prepare({ $ref: name });
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
