/**
 * One URL into one file, as a careful downloader does it: the body is streamed to `<base>.part` (memory
 * stays at a chunk or two whatever the size), checked against the length the server announced and the
 * size cap, flushed to disk, and only then renamed to its final name, so a final name always holds a
 * whole file. A failed attempt (no answer, a connection cut mid-body, no byte for `timeout` ms, 408, 429,
 * 5xx) is retried with the client's backoff (`core/retry.ts`), and each retry resumes the `.part` with a
 * `Range` request (`If-Range` on the validator seen) where the server allows it; a server that answers
 * the whole file instead is read from the start. Nothing but `Range` and `If-Range` is ever sent: no key,
 * no cookie, no header of the client's.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { DownloadError, type DownloadFailure } from '../core/errors.js';
import { isRetryable, MAX_RETRY_AFTER_MS, retryAfterMs, retryDelayMs } from '../core/retry.js';
import { sleep } from '../core/timers.js';
import type { FetchOptions } from '../core/send.js';

/** How one file is fetched. */
export interface FetchFileOptions {
  /** The caller's fetch, given a `Request`; undefined: the platform's. */
  fetch: ((request: Request) => Promise<Response>) | undefined;
  /** Further options for the platform's fetch (a proxy's dispatcher); this module's own init wins. */
  fetchOptions: FetchOptions | undefined;
  maxBytes: number;
  maxRetries: number;
  /** Ms an attempt may go without a byte arriving (its answer's headers included). */
  timeout: number;
  signal: AbortSignal | undefined;
}

/** What is fetched, and where to. */
export interface FileTarget {
  url: string;
  dir: string;
  /** The file name without extension; the partial file is `<base>.part`. */
  base: string;
  /** The final name, once the answer's content type is known. */
  nameFor(contentType: string | undefined): string;
  /** For errors: the output, and the URL as it may be shown (origin and path). */
  outputId: string;
  shownUrl: string;
}

/** A file in place. */
export interface Fetched {
  path: string;
  bytes: number;
  contentType: string | undefined;
  /** Bytes that were already on disk from an earlier attempt or call and were kept (a resumed download). */
  resumedBytes: number;
}

/** An attempt that did not finish, and may be retried. */
interface Retry {
  reason: DownloadFailure;
  message: string;
  status?: number | undefined;
  askedMs?: number | undefined;
  cause?: unknown;
}

/** Bytes the file stream may hold before it makes the network wait. */
const WRITE_BUFFER = 1024 * 1024;

const partSize = async (path: string) => (await stat(path).catch(() => undefined))?.size ?? 0;

/** A Content-Range: `bytes a-b/total` (the total may be a star), or a star then the total (a 416's). */
function contentRange(header: string | null): { start?: number; end?: number; total?: number } | undefined {
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!m) return undefined;
  return { ...(m[1] !== undefined ? { start: Number(m[1]), end: Number(m[2]) } : {}), ...(m[3] !== '*' ? { total: Number(m[3]) } : {}) };
}

/** Stops reading `body` and lets go of the connection. */
const discard = (res: Response) => res.body?.cancel().catch(() => {});

/** Chunks of `body`; with `race`, each read also ends when `signal` aborts (a caller's fetch may ignore it). */
async function* chunks(body: ReadableStream<Uint8Array> | null, signal: AbortSignal, race: boolean): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  const aborted = race ? new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })) : undefined;
  aborted?.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await (aborted ? Promise.race([reader.read(), aborted]) : reader.read());
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Downloads `target` (see the module's description); throws `DownloadError` when it cannot. */
export async function fetchFile(target: FileTarget, o: FetchFileOptions): Promise<Fetched> {
  const part = join(target.dir, `${target.base}.part`);
  const fail = (reason: DownloadFailure, message: string, extra: { status?: number | undefined; cause?: unknown; bytes?: number } = {}) =>
    new DownloadError({ reason, message: `Output ${target.outputId} (${target.shownUrl}): ${message}`, outputId: target.outputId, path: part, url: target.shownUrl, ...extra });
  let validator: string | undefined;
  for (let retry = 0; ; retry++) {
    if (o.signal?.aborted) throw fail('aborted', 'the download was aborted; the partial file is kept', { bytes: await partSize(part) });
    const outcome = await attempt(target, part, await partSize(part), validator, o, fail, (v) => (validator = v));
    if (!('reason' in outcome)) return outcome;
    if (retry >= o.maxRetries || (outcome.askedMs ?? 0) > MAX_RETRY_AFTER_MS) {
      const tries = retry + 1;
      throw fail(outcome.reason, `${outcome.message} (after ${tries} attempt${tries === 1 ? '' : 's'})`, { status: outcome.status, cause: outcome.cause, bytes: await partSize(part) });
    }
    try {
      await sleep(retryDelayMs(retry, outcome.askedMs), o.signal);
    } catch {
      throw fail('aborted', 'the download was aborted; the partial file is kept', { bytes: await partSize(part) });
    }
  }
}

type Fail = (reason: DownloadFailure, message: string, extra?: { status?: number | undefined; cause?: unknown; bytes?: number }) => DownloadError;

/** One attempt: the file in place, a retry to make, or a `DownloadError` thrown for what no retry mends. */
async function attempt(t: FileTarget, part: string, have: number, validator: string | undefined, o: FetchFileOptions, fail: Fail, keep: (validator: string | undefined) => void): Promise<Fetched | Retry> {
  const controller = new AbortController();
  let idle = false;
  const timer = setTimeout(() => ((idle = true), controller.abort()), Math.min(o.timeout, 2 ** 31 - 1));
  const onAbort = () => controller.abort(o.signal!.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  /** What an exception during the attempt means. */
  const failed = async (err: unknown): Promise<Retry> => {
    if (err instanceof DownloadError) throw err;
    if (o.signal?.aborted) throw fail('aborted', 'the download was aborted; the partial file is kept', { bytes: await partSize(part) });
    if (idle) return { reason: 'timeout', message: `no data for ${o.timeout} ms` };
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && /^E(NOSPC|ACCES|PERM|ROFS|NOENT|NOTDIR|ISDIR|MFILE|DQUOT|IO)$/.test(code) && (err as { syscall?: unknown }).syscall) {
      throw fail('file_system', `the file could not be written (${code})`, { cause: err, bytes: await partSize(part) });
    }
    const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause;
    const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
    return { reason: 'connection', message: `connection failed (${detail})`, cause: err };
  };
  try {
    const headers: Record<string, string> = {};
    if (have > 0) {
      headers.range = `bytes=${have}-`;
      if (validator) headers['if-range'] = validator;
    }
    const init: RequestInit = { ...o.fetchOptions, headers, signal: controller.signal, redirect: 'follow' };
    const res = await (o.fetch ? o.fetch(new Request(t.url, init)) : fetch(t.url, init));
    timer.refresh();
    const status = res.status;
    if (status === 416) {
      await discard(res);
      // What is on disk may already be the whole file (an earlier call stopped just before renaming it).
      if (have > 0 && contentRange(res.headers.get('content-range'))?.total === have) return await finish(t, part, have, res.headers.get('content-type') ?? undefined, have);
      await rm(part, { force: true });
      return { reason: 'length_mismatch', message: 'the server refused the range of the partial file; starting again', status };
    }
    if (status !== 200 && status !== 206) {
      await discard(res);
      if (isRetryable(status, res.headers)) return { reason: 'http_status', message: `the media host answered ${status}`, status, askedMs: retryAfterMs(res.headers) };
      throw fail('http_status', `the media host answered ${status}`, { status });
    }
    let offset = 0;
    let expected: number | undefined;
    if (status === 206) {
      const range = contentRange(res.headers.get('content-range'));
      if (range?.start !== have || range.end === undefined) {
        await discard(res);
        await rm(part, { force: true });
        return { reason: 'length_mismatch', message: 'the server answered another range than the one asked for; starting again', status };
      }
      offset = have;
      expected = range.total ?? range.end + 1;
    } else {
      const length = res.headers.get('content-length');
      // With a content-encoding, the length is of the encoded bytes: nothing to check the decoded ones against.
      if (length !== null && /^\d+$/.test(length) && !res.headers.has('content-encoding')) expected = Number(length);
    }
    const etag = res.headers.get('etag');
    keep(etag && !etag.startsWith('W/') ? etag : (res.headers.get('last-modified') ?? undefined));
    if (expected !== undefined && expected > o.maxBytes) {
      await discard(res);
      await rm(part, { force: true });
      throw fail('too_large', `the file is ${expected} bytes, over the ${o.maxBytes}-byte limit (maxBytes)`, { status });
    }
    let written = offset;
    let cut: unknown;
    /**
     * Counts what passes, against the cap and the announced length, and keeps the idle timer from firing.
     * A body cut off (connection, idle timeout, abort) ends the stream here rather than failing it, so the
     * file stream writes out every byte that arrived before it closes, for the next attempt to resume.
     */
    const counted = async function* (source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of source) {
          timer.refresh();
          written += chunk.byteLength;
          if (written > o.maxBytes) throw fail('too_large', `the file is over the ${o.maxBytes}-byte limit (maxBytes); it was not kept`, { status });
          if (expected !== undefined && written > expected) return;
          yield chunk;
        }
      } catch (err) {
        if (err instanceof DownloadError) throw err;
        cut = err;
      }
    };
    // A write stream keeps a write in flight while the next chunk arrives; `flush` syncs the file to disk before it closes.
    const sink = createWriteStream(part, { flags: offset === 0 ? 'w' : 'a', flush: true, highWaterMark: WRITE_BUFFER });
    try {
      await pipeline(chunks(res.body, controller.signal, o.fetch !== undefined), counted, sink);
    } catch (err) {
      // The next attempt measures the .part: let any write still in flight land first.
      if (!sink.closed) await new Promise<void>((closed) => sink.once('close', () => closed()));
      if (err instanceof DownloadError && err.reason === 'too_large') await rm(part, { force: true });
      throw err;
    }
    if (cut !== undefined) return await failed(cut);
    if (expected !== undefined && written !== expected) {
      // Longer than announced: nothing of it can be trusted. Shorter without an error: resume it.
      if (written > expected) await rm(part, { force: true });
      return { reason: 'length_mismatch', message: `the server announced ${expected} bytes and sent ${written > expected ? 'more' : written}`, status };
    }
    return await finish(t, part, written, res.headers.get('content-type') ?? undefined, offset);
  } catch (err) {
    return failed(err);
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** Renames the complete `.part` into place. */
async function finish(t: FileTarget, part: string, bytes: number, contentType: string | undefined, resumedBytes: number): Promise<Fetched> {
  const path = join(t.dir, t.nameFor(contentType));
  await rename(part, path);
  return { path, bytes, contentType, resumedBytes };
}
