/**
 * The storage host a signed upload's `upload.url` points at, on a loopback origin of its own (another
 * port), as S3 or GCS stand apart from FLORA's API: a multipart POST with the reservation's form fields and
 * then the file, streamed (counted and hashed as it arrives, never held whole), within the simulator's size
 * limit; 403 once the reservation has expired, as a presigned POST policy does. It records each request's
 * headers: an `Authorization` header (the API key sent where it must never go) is refused and counted. It
 * also serves stored assets' bytes at their URLs.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formFields, Received, type AssetStore } from './assets.js';
import type { SimClock } from './clock.js';
import { boundaryOf, fieldSink, MultipartError, parseMultipart } from './multipart.js';

/** One request the storage host received. */
export interface StorageRequest {
  method: string;
  path: string;
  /** Its header names, lower-cased, in order. */
  headerNames: string[];
  /** Whether it carried an `Authorization` header (it never should). */
  authorization: boolean;
  /** What the host answered. */
  status: number;
}

/** How the next uploads fail, for retry tests. */
export type UploadFault = 'serverError' | 'drop';

export interface StorageHost {
  url: string;
  requests: StorageRequest[];
  /** The next `count` uploads fail as `how` (a 503, or a connection dropped mid-body). */
  failNext(count: number, how: UploadFault): void;
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, body = '', type = 'application/xml'): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, body ? { 'content-type': type, 'content-length': Buffer.byteLength(body) } : {});
  res.end(body);
}

const s3Error = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** Starts the storage host on 127.0.0.1. */
export async function startStorageHost(assets: AssetStore, clock: SimClock, closed: () => boolean): Promise<StorageHost> {
  const requests: StorageRequest[] = [];
  const faults: UploadFault[] = [];

  async function upload(req: IncomingMessage, res: ServerResponse, token: string, record: (status: number) => void): Promise<void> {
    const asset = assets.byToken(token);
    const r = asset?.reservation;
    const refuse = (status: number, code: string, message: string) => {
      req.resume();
      record(status);
      answer(res, status, s3Error(code, message));
    };
    if (!asset || !r || r.token !== token) return refuse(404, 'NoSuchUpload', 'No such upload.');
    if (clock.now() > r.expiresAt) return refuse(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    const boundary = boundaryOf(req.headers['content-type']);
    if (!boundary) return refuse(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
    const fault = faults.shift();
    const expected = formFields(asset);
    const fields: Record<string, string> = {};
    const got = new Received(assets.settings.maxStoredBytes);
    let tooLarge = false;
    let files = 0;
    try {
      await parseMultipart(req as AsyncIterable<Buffer>, boundary, (head) => {
        if (head.filename === undefined) return fieldSink(16 * 1024, (v) => (fields[head.name] = v));
        if (head.name !== 'file' || ++files > 1) throw new MultipartError(`unexpected file part "${head.name}"`);
        // Every policy field comes before the file, as a presigned POST requires.
        for (const [k, v] of Object.entries(expected)) if (fields[k] !== v) throw new MultipartError(`form field ${k} is missing or does not match the policy`);
        return {
          write(chunk) {
            if (fault === 'drop' && got.size > 0) req.socket.destroy();
            if (got.size + chunk.length > assets.settings.maxUploadBytes) tooLarge = true;
            if (!tooLarge) got.write(chunk);
          },
          end() {},
        };
      });
    } catch (err) {
      if (req.destroyed) return void record(0);
      if (!(err instanceof MultipartError)) throw err;
      return refuse(400, 'MalformedPOSTRequest', err.message);
    }
    if (fault === 'drop') return void (record(0), req.socket.destroy());
    if (fault === 'serverError') return refuse(503, 'SlowDown', 'Please reduce your request rate.');
    if (files === 0) return refuse(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    if (tooLarge) return refuse(400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size (${assets.settings.maxUploadBytes} bytes).`);
    // The reservation may have been renewed while this upload was under way: then it no longer counts.
    if (asset.reservation?.token !== token) return refuse(403, 'AccessDenied', 'Invalid according to Policy: the upload was renewed.');
    assets.received(asset, got.finish());
    asset.reservation.received = true;
    asset.uploads++;
    record(204);
    answer(res, 204);
  }

  function media(res: ServerResponse, assetId: string, record: (status: number) => void): void {
    const bytes = assets.get(assetId)?.bytes;
    if (!bytes) return void (record(404), answer(res, 404, s3Error('NoSuchKey', 'The specified key does not exist.')));
    record(200);
    answer(res, 200, bytes as unknown as string, assets.get(assetId)!.contentType);
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const entry: StorageRequest = { method: req.method ?? 'GET', path, headerNames: Object.keys(req.headers), authorization: req.headers.authorization !== undefined, status: 0 };
    requests.push(entry);
    const record = (status: number) => void (entry.status = status);
    if (closed()) return void req.socket.destroy();
    // The storage host is not the API: a request carrying an Authorization header is refused outright.
    if (entry.authorization) return void (req.resume(), record(400), answer(res, 400, s3Error('InvalidArgument', 'Unsupported Authorization Type')));
    const uploadMatch = /^\/upload\/([\w-]+)$/.exec(path);
    const mediaMatch = /^\/media\/([\w-]+)\/[^/]+$/.exec(path);
    if (req.method === 'POST' && uploadMatch) {
      upload(req, res, uploadMatch[1]!, record).catch(() => req.socket.destroy());
      return;
    }
    if (req.method === 'GET' && mediaMatch) return media(res, mediaMatch[1]!, record);
    req.resume();
    record(404);
    answer(res, 404, s3Error('NoSuchKey', 'The specified key does not exist.'));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => (server.off('error', reject), resolve()));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    failNext(count, how) {
      for (let i = 0; i < count; i++) faults.push(how);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
