/**
 * What `assets.upload` can send, turned into one shape: a name, a type, a size when known, and its bytes
 * as a stream that can be opened again from the start (a path, a `Blob`, bytes) or only once (a stream,
 * a `Response`). Nothing is read into memory but the first few MB of a stream of unknown length, which
 * decide whether it fits a direct upload.
 */
import { InputValidationError } from '../core/errors.js';

/**
 * Anything `assets.upload` takes (FLORA's SDK's `AssetUploadable`): an `http(s)://` URL (FLORA fetches
 * it server-side), a local path (Node), a `file:` URL, a `Blob` or `File`, bytes (`Buffer`, `Uint8Array`,
 * `ArrayBuffer`), a `ReadableStream`, a Node readable stream or any async iterable of bytes, or a fetch
 * `Response`. A path, a `Blob`, bytes and a Node `fs.ReadStream` (not yet read) can be read again, so a
 * failed upload of them is retried from the start; a stream can be read once, so it is not.
 */
export type AssetUploadable = string | URL | Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Response;

/** A file's bytes, ready to send. */
export interface UploadSource {
  /** The file's name, when the source has one. */
  name: string | undefined;
  /** Its media type, when the source says or its name's extension tells. */
  type: string | undefined;
  /** Its length in bytes, when known before reading it. */
  size: number | undefined;
  /** Whether `open()` may be called again, giving the bytes from the start. */
  reusable: boolean;
  /** Whether a yielded chunk is valid only until the next is asked for (see `FilePart.reusesBuffers`). */
  reusesBuffers?: boolean;
  /** How messages name it. */
  label: string;
  open(): AsyncIterable<Uint8Array>;
}

/** Chunks handed to the socket at a time: large enough for speed, small enough for memory. */
const CHUNK = 256 * 1024;
/** A file is read this much at a time, into one buffer. */
const FILE_CHUNK = 1024 * 1024;

const TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif', heic: 'image/heic', heif: 'image/heif',
  mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', mp3: 'audio/mpeg', wav: 'audio/wav', ogg: 'audio/ogg', pdf: 'application/pdf',
};

/** The media type a file name's extension says, among the types FLORA takes. */
export function typeOfName(name: string | undefined): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name ?? '')?.[1]?.toLowerCase();
  return ext ? TYPES[ext] : undefined;
}

const baseName = (path: string) => path.split(/[\\/]/).filter(Boolean).pop();

/** Whether `value` is an `http(s)://` URL for FLORA to fetch itself. */
export const isRemoteUrl = (value: unknown): value is string | URL =>
  (typeof value === 'string' && /^https?:\/\//i.test(value)) || (value instanceof URL && (value.protocol === 'http:' || value.protocol === 'https:'));

const refuse = (message: string): never => {
  throw new InputValidationError({ status: undefined, message: `Invalid file, nothing sent: ${message}`, fields: [{ field: 'file', message }] });
};

type NodeFs = typeof import('node:fs');

async function nodeFs(): Promise<NodeFs> {
  // A specifier in a variable: bundlers for browsers leave it alone; Node resolves its built-in.
  const specifier = 'node:fs';
  try {
    return (await import(specifier)) as NodeFs;
  } catch {
    return refuse('a file path can only be read in Node.js: pass a File, Blob, bytes or a stream instead');
  }
}

/**
 * A file on disk: stat now, opened afresh for every attempt, and read into one buffer over and over (a
 * new buffer per chunk would leave tens of MB of garbage before the collector runs).
 */
async function pathSource(path: string): Promise<UploadSource> {
  const fs = await nodeFs();
  const stat = await fs.promises.stat(path).catch((err: NodeJS.ErrnoException) => refuse(`${path} cannot be read (${err.code ?? err.message})`));
  if (!stat.isFile()) refuse(`${path} is not a file`);
  const name = baseName(path);
  return {
    name,
    type: typeOfName(name),
    size: stat.size,
    reusable: true,
    reusesBuffers: true,
    label: path,
    async *open() {
      const handle = await fs.promises.open(path, 'r');
      try {
        const buffer = new Uint8Array(FILE_CHUNK);
        for (let at = 0; ; ) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, at);
          if (bytesRead === 0) return;
          at += bytesRead;
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
    },
  };
}

function bytesSource(bytes: Uint8Array, name?: string, type?: string): UploadSource {
  return {
    name,
    type: type || typeOfName(name),
    size: bytes.byteLength,
    reusable: true,
    label: name ?? `${bytes.byteLength} bytes`,
    async *open() {
      for (let at = 0; at < bytes.byteLength; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
    },
  };
}

/** A stream that can be read once. */
function streamSource(stream: AsyncIterable<Uint8Array>, size: number | undefined, name?: string, type?: string): UploadSource {
  let opened = false;
  return {
    name,
    type: type || typeOfName(name),
    size,
    reusable: false,
    label: name ?? 'a stream',
    open() {
      if (opened) throw new Error('a one-shot stream cannot be read twice');
      opened = true;
      return stream;
    },
  };
}

/** A Node `fs.ReadStream` not yet read, over a whole file: its path, which can be read again. */
function unreadFileStream(value: object): string | undefined {
  const s = value as { path?: unknown; bytesRead?: unknown; start?: unknown; end?: unknown; destroy?: () => void };
  if (typeof s.path !== 'string' || s.bytesRead !== 0 || (s.start !== undefined && s.start !== 0) || (s.end !== undefined && s.end !== Infinity)) return undefined;
  return s.path;
}

/** `file` as a source, or the URL FLORA should fetch itself. */
export async function sourceOf(file: AssetUploadable, name?: string, type?: string): Promise<UploadSource | { url: string }> {
  if (isRemoteUrl(file)) return { url: String(file) };
  if (typeof file === 'string') return withName(await pathSource(file), name, type);
  if (file instanceof URL) {
    if (file.protocol !== 'file:') refuse(`${file.protocol} URLs cannot be uploaded: give an http(s) URL, a file: URL or a path`);
    const specifier = 'node:url';
    const { fileURLToPath } = (await import(specifier)) as typeof import('node:url');
    return withName(await pathSource(fileURLToPath(file)), name, type);
  }
  if (typeof Blob !== 'undefined' && file instanceof Blob) {
    const blobName = name ?? (typeof (file as File).name === 'string' && (file as File).name ? (file as File).name : undefined);
    return {
      name: blobName,
      type: type || file.type || typeOfName(blobName),
      size: file.size,
      reusable: true,
      label: blobName ?? `a ${file.size}-byte Blob`,
      open: () => file.stream() as unknown as AsyncIterable<Uint8Array>,
    };
  }
  if (file instanceof ArrayBuffer) return bytesSource(new Uint8Array(file), name, type);
  if (ArrayBuffer.isView(file)) return bytesSource(new Uint8Array(file.buffer, file.byteOffset, file.byteLength), name, type);
  if (typeof Response !== 'undefined' && file instanceof Response) {
    if (!file.body) return bytesSource(new Uint8Array(0), name, type);
    const length = file.headers.get('content-length');
    const fromUrl = file.url ? baseName(new URL(file.url).pathname) : undefined;
    return streamSource(file.body as unknown as AsyncIterable<Uint8Array>, length && /^\d+$/.test(length) && !file.headers.has('content-encoding') ? Number(length) : undefined, name ?? fromUrl, type || file.headers.get('content-type')?.split(';')[0] || undefined);
  }
  if (file && typeof file === 'object') {
    const path = unreadFileStream(file);
    if (path !== undefined) {
      // Read from the path (again on each attempt), not from the caller's stream, which is closed unread.
      (file as { destroy?: () => void }).destroy?.();
      return withName(await pathSource(path), name, type);
    }
    if (Symbol.asyncIterator in file) return streamSource(file as AsyncIterable<Uint8Array>, undefined, name, type);
    if (typeof (file as ReadableStream).getReader === 'function') return streamSource(file as unknown as AsyncIterable<Uint8Array>, undefined, name, type);
  }
  return refuse(`cannot upload a ${file === null ? 'null' : typeof file}: give a path, an http(s) URL, a Blob or File, bytes, or a stream`);
}

function withName(source: UploadSource, name?: string, type?: string): UploadSource {
  const n = name ?? source.name;
  return { ...source, name: n, type: type || (name ? typeOfName(name) : undefined) || source.type };
}

/**
 * A one-shot source of at most `limit` bytes (or of unknown length and found to be so) becomes those bytes,
 * which can be sent again; a longer one stays a one-shot stream, the bytes read so far sent first. A
 * source that can be read again passes through.
 */
export async function settleLength(source: UploadSource, limit: number): Promise<UploadSource> {
  if (source.reusable || (source.size !== undefined && source.size > limit)) return source;
  const iterator = source.open()[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let read = 0;
  for (;;) {
    const { done, value } = await iterator.next();
    if (done) {
      const bytes = new Uint8Array(read);
      let at = 0;
      for (const c of head) (bytes.set(c, at), (at += c.byteLength));
      return { ...bytesSource(bytes, source.name, source.type), label: source.label };
    }
    head.push(value);
    read += value.byteLength;
    if (read > limit) break;
  }
  const rest = streamSource(
    (async function* () {
      yield* head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
    source.size,
    source.name,
    source.type,
  );
  return { ...rest, label: source.label };
}
