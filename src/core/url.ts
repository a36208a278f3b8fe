/**
 * URLs of operations: the base URL, the operation's path template with each parameter made one safe path
 * segment, and the query. A segment that could address another route (empty, `.` or `..`) or cannot be
 * encoded (a lone surrogate) is refused whether validation is on or not.
 */
import type { FieldError } from '../../generated/openapi.js';
import type { OperationSpec } from '../../generated/operations.js';

const NONE: FieldError[] = [];
/** Ids as FLORA makes them: nothing in them can address another route. */
const SAFE = /^[\w-]+$/;
/** encodeURIComponent throws on these. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with `value` as path parameter `field`; empty when it is a safe segment. */
export function segmentProblems(field: string, value: unknown): FieldError[] {
  if (typeof value !== 'string') return [{ field, message: 'Required' }];
  if (SAFE.test(value)) return NONE;
  if (value.trim() === '') return [{ field, message: 'must not be empty' }];
  // `.` and `..` survive URL encoding and would be resolved away, addressing another route.
  if (value === '.' || value === '..') return [{ field, message: 'must not be "." or ".."' }];
  return LONE_SURROGATE.test(value) ? [{ field, message: 'must be valid Unicode (it holds a lone surrogate)' }] : [];
}


/** The problems of every path parameter `op` needs (the same empty array when there are none). */
export function pathProblems(op: OperationSpec, params: Record<string, unknown> | undefined): FieldError[] {
  let out = NONE;
  for (const name of op.pathParams) {
    const found = segmentProblems(name, params?.[name]);
    if (found.length > 0) out = [...out, ...found];
  }
  return out;
}

/** Each operation's path template, split once into literal parts and parameter names, alternately. */
const templates = new WeakMap<OperationSpec, string[]>();

/** The path of `op` with `params` filled in, each one encoded segment. */
function pathOf(op: OperationSpec, params: Record<string, string> | undefined): string {
  if (op.pathParams.length === 0) return op.path;
  let parts = templates.get(op);
  if (!parts) templates.set(op, (parts = op.path.split(/\{(\w+)\}/)));
  let path = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) path += encodeURIComponent(params![parts[i]!]!) + parts[i + 1]!;
  return path;
}

/** `baseUrl` + the path with `params` filled in (checked by `pathProblems` first) + the query. */
export function operationUrl(baseUrl: string, op: OperationSpec, params?: Record<string, string>, query?: Record<string, unknown>): string {
  let url = baseUrl + pathOf(op, params);
  if (query) {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) search.append(k, String(v));
    const text = search.toString();
    if (text) url += `?${text}`;
  }
  return url;
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
