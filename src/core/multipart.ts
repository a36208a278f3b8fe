/**
 * multipart/form-data bodies that stream: text fields, then one file part whose bytes are read from its
 * source as they are sent (never all in memory), with the body's length known in advance when the file's
 * is, so the request can carry a `Content-Length` (storage hosts require one). Names and file names are
 * escaped as the WHATWG form encoder escapes them.
 */

/** A file to send as a form part. */
export interface FilePart {
  /** The form field it goes in. */
  field: string;
  fileName: string;
  contentType: string;
  /** Its length in bytes, when known. */
  size: number | undefined;
  /** Its bytes, from the start. */
  open(): AsyncIterable<Uint8Array>;
  /**
   * True when a chunk `open()` yields is valid only until the next is asked for (the source reads into
   * one buffer again and again, which keeps memory flat): a consumer must be done with it, or copy it.
   */
  reusesBuffers?: boolean | undefined;
}

/** A multipart body: its `Content-Type` (with the boundary), its length when known, and its bytes. */
export interface MultipartBody {
  contentType: string;
  length: number | undefined;
  open(): AsyncIterable<Uint8Array>;
  /** As `FilePart.reusesBuffers`. */
  reusesBuffers?: boolean | undefined;
}

const encoder = new TextEncoder();
/** `"`, CR and LF in a name would end the header: percent-encoded, as browsers do. */
const escapeName = (s: string) => s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** The file's bytes, refusing a source that yields more or fewer than it said (a file changed on disk while sent). */
async function* exactly(file: FilePart): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for await (const chunk of file.open()) {
    sent += chunk.byteLength;
    if (file.size !== undefined && sent > file.size) throw new Error(`${file.fileName} grew while it was being sent (more than its ${file.size} bytes)`);
    yield chunk;
  }
  if (file.size !== undefined && sent !== file.size) throw new Error(`${file.fileName} shrank while it was being sent (${sent} of its ${file.size} bytes)`);
}

/** A body of `fields` (in order) and then `file`. */
export function multipart(fields: readonly (readonly [string, string])[], file: FilePart): MultipartBody {
  const boundary = `----FloraFormBoundary${crypto.randomUUID().replace(/-/g, '')}`;
  let head = '';
  for (const [name, value] of fields) head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n${value}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(file.field)}"; filename="${escapeName(file.fileName)}"\r\nContent-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`;
  const headBytes = encoder.encode(head);
  const tailBytes = encoder.encode(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: file.size === undefined ? undefined : headBytes.byteLength + file.size + tailBytes.byteLength,
    reusesBuffers: file.reusesBuffers,
    async *open() {
      yield headBytes;
      yield* exactly(file);
      yield tailBytes;
    },
  };
}

/** The whole body in one buffer: for small bodies only (a direct upload, at most a few MB). */
export async function bodyBytes(body: MultipartBody): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body.open()) {
    // A copy: the source may read its next chunk into the same buffer.
    chunks.push(chunk.slice());
    size += chunk.byteLength;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
