/**
 * The simulator's media host: a second loopback origin serving the files its completed runs' output URLs
 * point at (`media-files.ts` makes them), as a CDN would: `Content-Length`, `ETag`, `Last-Modified`,
 * single `Range` requests (206, 416, `If-Range`), HEAD, and seeded faults (a 503, a connection dropped
 * mid-body). It is another origin than the API on purpose: it counts every request that carries
 * credentials, so a test can prove the client never sends the API key there. No key is needed to read it.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutputType } from '../../generated/openapi.js';
import type { SimClock } from './clock.js';
import { MEDIA_FORMATS, mediaFile, mediaSlices, type MediaFile } from './media-files.js';
import type { Random } from './random.js';
import type { RunStore } from './runs.js';

/** Seeded faults of the media host (0..1 each, stacked in this order). */
export interface MediaFaultOptions {
  /** Answer 503 with `retry-after-ms: 10`, sending nothing of the file. */
  serverErrorRate?: number;
  /** Send the headers and about half of the bytes asked for, then close the connection. */
  dropMidBodyRate?: number;
}

/** How the media host serves output files. */
export interface MediaOptions {
  /**
   * The size of each output file in bytes, for every type or per type: at least this, rounded up by the
   * format's padding. Default: as small as the format allows (under 1 KiB).
   */
  bytes?: number | Partial<Record<OutputType, number>>;
  /** Whether `Range` requests are honoured (206); false answers every GET whole. Default true. */
  ranges?: boolean;
  /** The fastest a body is sent, in bytes per real second (a slow link, for tests that stop a download half way). Default: unlimited. */
  bytesPerSecond?: number;
  /** Seeded faults. Default: none. */
  faults?: MediaFaultOptions;
}

/** What the media host has done since start. */
export interface MediaStats {
  /** GET and HEAD requests by status (`dropped` when the body was cut off). */
  requests: Record<string, number>;
  /** GETs that asked for a range. */
  rangeRequests: number;
  /** Body bytes sent. */
  bytesSent: number;
  /** Faults applied, by kind. */
  faults: { serverError: number; dropMidBody: number };
  /** Requests that carried an `Authorization` or `Cookie` header, or an API key anywhere in a header: should stay 0. */
  credentialed: number;
}

/** The path of an output's file on the media host. */
export const mediaPath = (runId: string, index: number, type: OutputType) => `/media/${runId}/output_${index}.${(MEDIA_FORMATS[type] ?? MEDIA_FORMATS.text).ext}`;

const PATH = /^\/media\/([\w-]+)\/output_(\d+)\.(\w+)$/;

/** What the host needs from the simulator. */
export interface MediaContext {
  store: RunStore;
  clock: SimClock;
  /** Every API key the simulator knows now, to spot one sent here. */
  apiKeys(): Iterable<string>;
  random: Random;
}

/** A running media host. */
export interface MediaHost {
  /** Its origin, e.g. `http://127.0.0.1:53212`. */
  readonly url: string;
  stats(): MediaStats;
  close(): Promise<void>;
}

function checkRate(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`Invalid simulator option media.faults.${name}: ${value}`);
  return value;
}

/** The single byte range a `Range` header asks for within `size`: `[start, end]`, `'unsatisfiable'`, or undefined for the whole file. */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  // Absent, malformed or several ranges: RFC 9110 lets a server answer those whole.
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  return end < start ? undefined : [start, end];
}

/** Bytes a throttled body sends at a time. */
const THROTTLED_PIECE = 16 * 1024;

/** Waits `ms` of real time (not at all when 0 or less), on a timer that keeps no process alive. */
const pause = (ms: number) => (ms > 0 ? new Promise<void>((resume) => setTimeout(resume, ms).unref()) : Promise.resolve());

/** Resolves when `res` can take more, or has closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resume) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resume();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Starts the media host on a free loopback port. */
export async function startMediaHost(options: MediaOptions, ctx: MediaContext): Promise<MediaHost> {
  const serverErrorRate = checkRate('serverErrorRate', options.faults?.serverErrorRate);
  const dropRate = checkRate('dropMidBodyRate', options.faults?.dropMidBodyRate);
  const sizes = options.bytes ?? 0;
  for (const v of typeof sizes === 'number' ? [sizes] : Object.values(sizes)) {
    if (!Number.isFinite(v) || v! < 0) throw new RangeError(`Invalid simulator option media.bytes: ${v}`);
  }
  const ranges = options.ranges ?? true;
  const rate = options.bytesPerSecond;
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) throw new RangeError(`Invalid simulator option media.bytesPerSecond: ${rate}`);
  const stats: MediaStats = { requests: {}, rangeRequests: 0, bytesSent: 0, faults: { serverError: 0, dropMidBody: 0 }, credentialed: 0 };
  const count = (status: number | 'dropped') => void (stats.requests[status] = (stats.requests[status] ?? 0) + 1);

  /** The file at `pathname`, if it names an output of a run that has completed by now. */
  const lookup = (pathname: string): { file: MediaFile; etag: string; modified: string } | undefined => {
    const m = PATH.exec(pathname);
    const run = m ? ctx.store.get(m[1]!) : undefined;
    if (!m || !run || run.outcome !== 'completed' || ctx.clock.now() < run.endsAt) return undefined;
    const index = Number(m[2]);
    const type = run.technique.outputTypes[index - 1];
    if (!type || (MEDIA_FORMATS[type] ?? MEDIA_FORMATS.text).ext !== m[3]) return undefined;
    const bytes = typeof sizes === 'number' ? sizes : (sizes[type] ?? 0);
    const file = mediaFile(type, `${run.runId}/output_${index}`, bytes);
    return { file, etag: `"${run.runId}-${index}-${file.size}"`, modified: new Date(Math.floor(run.endsAt) * 1000).toUTCString() };
  };

  const credentialed = (req: IncomingMessage): boolean => {
    if (req.headers.authorization !== undefined || req.headers.cookie !== undefined) return true;
    const values = Object.values(req.headers).flat().join('\n');
    for (const key of ctx.apiKeys()) if (values.includes(key)) return true;
    return false;
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    req.resume();
    if (credentialed(req)) stats.credentialed++;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      count(405);
      return void res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' }).end();
    }
    const found = lookup(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (!found) {
      count(404);
      return void res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '10' }).end('Not found\n');
    }
    const { file, etag, modified } = found;
    const head = req.method === 'HEAD';
    const u = head ? 1 : ctx.random.float();
    if (u < serverErrorRate) {
      stats.faults.serverError++;
      count(503);
      return void res.writeHead(503, { 'content-type': 'text/plain', 'content-length': '12', 'retry-after-ms': '10' }).end('Unavailable\n');
    }
    const asked = typeof req.headers.range === 'string';
    if (asked && !head) stats.rangeRequests++;
    const ifRange = req.headers['if-range'];
    const honoured = ranges && (ifRange === undefined || ifRange === etag || ifRange === modified);
    const range = honoured ? parseRange(req.headers.range, file.size) : undefined;
    const common = { 'content-type': file.contentType, etag, 'last-modified': modified, 'accept-ranges': ranges ? 'bytes' : 'none', 'cache-control': 'public, max-age=31536000, immutable' };
    if (range === 'unsatisfiable') {
      count(416);
      return void res.writeHead(416, { ...common, 'content-range': `bytes */${file.size}`, 'content-length': '0' }).end();
    }
    const [start, end] = range ?? [0, file.size - 1];
    const status = range ? 206 : 200;
    res.writeHead(status, { ...common, 'content-length': String(end - start + 1), ...(range ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {}) });
    if (head) {
      count(status);
      return void res.end();
    }
    const drop = u < serverErrorRate + dropRate;
    // A dropped body stops half way through what was asked (at least one byte short of it).
    const last = drop ? start + Math.floor((end - start) / 2) - 1 : end;
    const began = Date.now();
    let sent = 0;
    for (const slice of last >= start ? mediaSlices(file, start, last) : []) {
      // Throttled, a slice goes out in small pieces, each when the rate allows it.
      for (let at = 0; at < slice.length; at += rate ? THROTTLED_PIECE : slice.length) {
        const piece = rate ? slice.subarray(at, at + THROTTLED_PIECE) : slice;
        if (rate) await pause(began + (sent / rate) * 1000 - Date.now());
        if (res.destroyed) return void count('dropped');
        stats.bytesSent += piece.length;
        sent += piece.length;
        if (!res.write(piece)) await drained(res);
      }
    }
    if (drop) {
      stats.faults.dropMidBody++;
      count('dropped');
      // Let what was written reach the client first, then cut the connection.
      await new Promise<void>((flushed) => res.write('', () => flushed()));
      return void res.socket?.destroy();
    }
    count(status);
    res.end();
  };

  const server = http.createServer((req, res) => {
    serve(req, res).catch(() => res.destroy());
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    stats: () => ({ ...stats, requests: { ...stats.requests }, faults: { ...stats.faults } }),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
