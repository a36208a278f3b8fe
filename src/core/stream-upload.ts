/**
 * One attempt of a streamed upload to a storage host (a presigned upload target, not the API): the body is
 * read from its source as the socket takes it, so memory stays bounded whatever the file's size. Node's
 * fetch (undici, Node 20) does not hold back a request body for a slow socket and buffers a fast file
 * whole, so in Node the attempt goes through `node:http(s)` with backpressure, or, when `fetchOptions`
 * name an undici dispatcher (a proxy's: a corporate proxy must see the upload too), through that
 * dispatcher's own `request`, which holds back as `node:http` does. A caller's own `fetch` and other
 * runtimes get a streamed `fetch` (with `fetchOptions`). The request carries no header the caller did not
 * give: the API key is never sent to a storage host.
 */
import type { MultipartBody } from './multipart.js';
import type { FetchOptions } from './send.js';
import { deadline } from './timers.js';
import { failureOf, type Transport } from './transport.js';

/** A storage host's answer: status, headers and (at most 64 KiB of) its body. */
export interface StorageAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** An attempt that got no answer. */
export interface StorageFailure {
  failure: 'connection' | 'timeout' | 'aborted';
  message: string;
  cause?: unknown;
}

/** The most of a storage host's answer kept: it is an acknowledgement or an error page. */
const MAX_ANSWER_BYTES = 64 * 1024;

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Reads at most MAX_ANSWER_BYTES of a body, dropping the rest. */
async function readSome(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for await (const chunk of chunks) {
    if (size >= MAX_ANSWER_BYTES) continue;
    size += chunk.byteLength;
    text += decoder.decode(chunk.subarray(0, Math.max(0, chunk.byteLength - Math.max(0, size - MAX_ANSWER_BYTES))), { stream: true });
  }
  return text + decoder.decode();
}

/** Node's header object (`node:http`, an undici dispatcher) as `Headers`. */
function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
  return h;
}

/** Writes `chunk` and resolves once it has left for the socket (or the request closed). */
function written(req: import('node:http').ClientRequest, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('close', done);
      resolve();
    };
    req.on('close', done);
    req.write(chunk, done);
  });
}

/** Through `node:http(s)`: each chunk written only when the socket has taken the one before. */
async function nodeAttempt(url: URL, method: string, headers: Record<string, string>, body: MultipartBody, signal: AbortSignal | undefined): Promise<StorageAnswer> {
  // A specifier in a variable: bundlers for other platforms leave it alone; Node resolves its built-in.
  const specifier = url.protocol === 'https:' ? 'node:https' : 'node:http';
  const http = (await import(specifier)) as typeof import('node:http');
  return new Promise<StorageAnswer>((resolve, reject) => {
    const req = http.request(url, { method, headers, signal });
    req.on('error', reject);
    req.on('response', (res) => {
      readSome(res as AsyncIterable<Uint8Array>).then((text) => {
        resolve({ status: res.statusCode ?? 0, headers: headersOf(res.headers), text });
      }, reject);
    });
    (async () => {
      for await (const chunk of body.open()) {
        if (req.destroyed) return;
        // The next chunk is asked for only once this one is with the kernel: then the source may reuse
        // its buffer, and at most one chunk is in this process's hands.
        await written(req, chunk);
      }
      req.end();
    })().catch((err: unknown) => req.destroy(err instanceof Error ? err : new Error(String(err))));
  });
}

/** What this module needs of an undici `Dispatcher` (any version's, or Node's own). */
interface Dispatcher {
  request(options: { origin: string; path: string; method: string; headers: Record<string, string>; body: AsyncIterable<Uint8Array>; signal?: AbortSignal | undefined }): Promise<{ statusCode: number; headers: Record<string, string | string[] | undefined>; body: AsyncIterable<Uint8Array> }>;
}

const dispatcherOf = (fetchOptions: FetchOptions | undefined): Dispatcher | undefined => {
  const d = fetchOptions?.dispatcher as Partial<Dispatcher> | null | undefined;
  return typeof d?.request === 'function' ? (d as Dispatcher) : undefined;
};

/** Through an undici dispatcher's `request`: it asks for the next chunk once the socket has taken this one. */
async function dispatcherAttempt(dispatcher: Dispatcher, url: URL, method: string, headers: Record<string, string>, body: MultipartBody, signal: AbortSignal | undefined): Promise<StorageAnswer> {
  const source = body.open();
  // The socket may still hold a chunk when the next is asked for: copy what the source will overwrite.
  const chunks = body.reusesBuffers ? (async function* () { for await (const chunk of source) yield chunk.slice(); })() : source;
  const res = await dispatcher.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method, headers, body: chunks, signal });
  const text = await readSome(res.body);
  return { status: res.statusCode, headers: headersOf(res.headers), text };
}

/** Through `fetch`, the body as a stream pulled as the request goes. */
async function fetchAttempt(t: Transport, url: URL, method: string, headers: Record<string, string>, body: MultipartBody, signal: AbortSignal | undefined, fetchOptions: FetchOptions | undefined): Promise<StorageAnswer> {
  const source = body.open()[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await source.next();
      if (done) controller.close();
      // fetch may hold on to a chunk after asking for the next: copy what the source will overwrite.
      else controller.enqueue(body.reusesBuffers ? value.slice() : value);
    },
    async cancel() {
      await source.return?.();
    },
  });
  // The client's own method, headers, body and signal win over fetchOptions', as for every API call.
  const response = await t.fetch(url.href, { ...fetchOptions, method, headers, body: stream, signal, duplex: 'half' } as RequestInit);
  const text = response.body ? await readSome(response.body as unknown as AsyncIterable<Uint8Array>) : '';
  return { status: response.status, headers: response.headers, text };
}

/**
 * One attempt of `method url` with `body`, within `timeoutMs` (`signal` stops it at once), with the
 * client's and the call's `fetchOptions` when there are any. A failure comes back as a value, for the
 * caller's retry policy.
 */
export async function streamAttempt(
  t: Transport,
  target: string,
  method: string,
  body: MultipartBody,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  fetchOptions?: FetchOptions | undefined,
): Promise<StorageAnswer | StorageFailure> {
  const url = new URL(target);
  const headers: Record<string, string> = { 'content-type': body.contentType };
  if (body.length !== undefined) headers['content-length'] = String(body.length);
  const limit = deadline(timeoutMs, signal);
  try {
    if (t.custom || !isNode()) return await fetchAttempt(t, url, method, headers, body, limit.signal, fetchOptions);
    const dispatcher = dispatcherOf(fetchOptions);
    return dispatcher ? await dispatcherAttempt(dispatcher, url, method, headers, body, limit.signal) : await nodeAttempt(url, method, headers, body, limit.signal);
  } catch (err) {
    return failureOf(t, err, signal, limit, timeoutMs, 'Upload');
  } finally {
    limit.clear();
  }
}
