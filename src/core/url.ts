/**
 * URLs of operations: the base URL, the operation's path template with each parameter made one safe path
 * segment, and the query. A segment that could address another route (empty, `.` or `..`) or cannot be
 * encoded (a lone surrogate) is refused whether validation is on or not.
 */
import type { FieldError } from '../../generated/openapi.js';
import type { OperationSpec } from '../../generated/operations.js';

/** encodeURIComponent throws on these. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with `value` as path parameter `field`; empty when it is a safe segment. */
export function segmentProblems(field: string, value: unknown): FieldError[] {
  if (typeof value !== 'string') return [{ field, message: 'Required' }];
  if (value.trim() === '') return [{ field, message: 'must not be empty' }];
  // `.` and `..` survive URL encoding and would be resolved away, addressing another route.
  if (value === '.' || value === '..') return [{ field, message: 'must not be "." or ".."' }];
  return LONE_SURROGATE.test(value) ? [{ field, message: 'must be valid Unicode (it holds a lone surrogate)' }] : [];
}

/** The problems of every path parameter `op` needs. */
export function pathProblems(op: OperationSpec, params: Record<string, unknown> | undefined): FieldError[] {
  return op.pathParams.flatMap((name) => segmentProblems(name, params?.[name]));
}

/** `baseUrl` + the path with `params` filled in (checked by `pathProblems` first) + the query. */
export function operationUrl(baseUrl: string, op: OperationSpec, params?: Record<string, string>, query?: Record<string, unknown>): string {
  let url = baseUrl + (op.pathParams.length === 0 ? op.path : op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params![name]!)));
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
