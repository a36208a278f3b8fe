/** Shared helpers of the reliability suite: a bounded pool, an instrumented fetch, tables, leak checks. */
import { inspect } from 'node:util';

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; resolves when all settle. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** One attempt as seen by the fetch the client was given. */
export interface Attempt {
  /** Which logical call (the `x-call` header the test sets), when set. */
  call: number | undefined;
  method: string;
  url: string;
  idempotencyKey: string | undefined;
  /** performance.now() when the client called fetch. */
  start: number;
  /** performance.now() when fetch settled (headers received, or rejected). */
  end: number;
  /** The status, or `error` when fetch rejected (dropped connection, timeout abort). */
  status: number | 'error';
  /** The headers the client received (after any `transform`). */
  headers: Headers | undefined;
}

export interface InstrumentOptions {
  /** Called on every response before the client sees it; may return a replacement. */
  transform?: (response: Response, request: Request) => Response;
}

/**
 * Wraps `fetch` (the global one by default) to record every attempt: start, end, status, headers and
 * the Idempotency-Key, grouped by key and by the test's `x-call` header.
 */
export function instrumentedFetch(options: InstrumentOptions = {}, inner: (r: Request) => Promise<Response> = (r) => fetch(r)) {
  const attempts: Attempt[] = [];
  const byKey = new Map<string, Attempt[]>();
  const byCall = new Map<number, Attempt[]>();
  const record = async (request: Request): Promise<Response> => {
    const callHeader = request.headers.get('x-call');
    const a: Attempt = {
      call: callHeader === null ? undefined : Number(callHeader),
      method: request.method,
      url: request.url,
      idempotencyKey: request.headers.get('idempotency-key') ?? undefined,
      start: performance.now(),
      end: Number.NaN,
      status: 'error',
      headers: undefined,
    };
    attempts.push(a);
    if (a.idempotencyKey !== undefined) {
      let list = byKey.get(a.idempotencyKey);
      if (!list) byKey.set(a.idempotencyKey, (list = []));
      list.push(a);
    }
    if (a.call !== undefined) {
      let list = byCall.get(a.call);
      if (!list) byCall.set(a.call, (list = []));
      list.push(a);
    }
    try {
      let response = await inner(request);
      if (options.transform) response = options.transform(response, request);
      a.status = response.status;
      a.headers = response.headers;
      return response;
    } finally {
      a.end = performance.now();
    }
  };
  return { fetch: record, attempts, byKey, byCall };
}

/** The wait a response asked for, as the spec says: `retry-after-ms`, else `Retry-After` seconds. */
export function askedWaitMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Number(ms);
  const s = headers?.get('retry-after');
  if (s != null && /^\s*\d+(\.\d+)?\s*$/.test(s)) return Number(s) * 1000;
  return undefined;
}

/** A markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Listens for unhandled rejections until `stop()`. */
export function trackUnhandledRejections() {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => void seen.push(reason);
  process.on('unhandledRejection', onRejection);
  return {
    seen,
    stop: () => void process.off('unhandledRejection', onRejection),
  };
}

/** Everything an error could show someone: message, stack, inspect (depth 10), JSON, String, causes. */
export function everythingAbout(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    parts.push(String(e));
    if (e instanceof Error) parts.push(e.message, e.stack ?? '');
    parts.push(inspect(e, { depth: 10, showHidden: false, getters: true }));
    try {
      parts.push(JSON.stringify(e) ?? '');
    } catch {
      // A circular structure: inspect above already showed it.
    }
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

/** Percentile (0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The class name of what a call threw (`non-Error` for anything else). */
export const className = (e: unknown): string => (e instanceof Error ? e.constructor.name : `non-Error ${typeof e}`);

/** `text` with JSON string escapes undone. */
const jsonUnescape = (text: string) =>
  text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\([\\/"bfnrt])/g, (_, c: string) => ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' })[c] ?? c);
/** `text` with percent-encoding undone, byte by byte. */
const percentDecode = (text: string) => text.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/**
 * Whether `text` shows `secret` to someone who reads it with care: as it is in any letter case, behind
 * JSON escapes or percent-encoding (a few layers deep), or inside base64 (standard or URL-safe, at any
 * offset). Written apart from the client's redaction, so it does not share its blind spots.
 */
export function exposes(text: string, secret: string): boolean {
  const wanted = secret.toLowerCase();
  const views: string[] = [text];
  let v = text;
  for (let i = 0; i < 4 && /[\\%]/.test(v); i++) {
    const next = percentDecode(jsonUnescape(v));
    if (next === v) break;
    views.push((v = next));
  }
  for (const view of views) if (view.toLowerCase().includes(wanted)) return true;
  for (const view of views) {
    for (const run of view.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
      const std = run.replace(/-/g, '+').replace(/_/g, '/');
      for (let offset = 0; offset < 4; offset++) {
        const bytes = Buffer.from(std.slice(offset), 'base64').toString('latin1');
        if (bytes.toLowerCase().includes(wanted)) return true;
        const plain = percentDecode(jsonUnescape(bytes));
        if (plain !== bytes && plain.toLowerCase().includes(wanted)) return true;
      }
    }
  }
  return false;
}
