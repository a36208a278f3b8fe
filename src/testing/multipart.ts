/**
 * A streaming multipart/form-data parser for the simulator (its own, so the `/testing` entry needs no
 * dependency): parts are handed to a sink as their bytes arrive, so a gigabyte upload is never held in
 * memory, and its limits (header size, number of parts) are the simulator's.
 */

/** A part's headers. */
export interface PartHead {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
}

/** Where one part's bytes go. */
export interface PartSink {
  write(chunk: Buffer): void;
  end(): void;
}

/** The body is not the multipart/form-data it claims to be. */
export class MultipartError extends Error {
  override name = 'MultipartError';
}

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_PARTS = 64;

/** The boundary of a `multipart/form-data` content type, if it is one. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType ?? '')) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType!);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** A quoted or bare parameter of a header value (`name="a%22b"` gives `a"b`, decoded as form encoders encode it). */
function param(value: string, name: string): string | undefined {
  // Form encoders percent-encode a quote and never backslash-escape: a quoted value ends at the next quote.
  const m = new RegExp(`;\\s*${name}="([^"]*)"|;\\s*${name}=([^;\\s]*)`, 'i').exec(value);
  const raw = m ? (m[1] ?? m[2]) : undefined;
  return raw?.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

function readHead(text: string): PartHead {
  let disposition = '';
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at <= 0) throw new MultipartError(`a part header is not "name: value": ${JSON.stringify(line.slice(0, 80))}`);
    const key = line.slice(0, at).trim().toLowerCase();
    const value = line.slice(at + 1).trim();
    if (key === 'content-disposition') disposition = value;
    if (key === 'content-type') contentType = value;
  }
  if (!/^form-data\s*;/i.test(disposition)) throw new MultipartError('a part has no Content-Disposition: form-data');
  const name = param(disposition, 'name');
  if (name === undefined) throw new MultipartError('a part has no name');
  return { name, filename: param(disposition, 'filename'), contentType };
}

/** Parses `body`, handing each part to the sink `onPart` gives for it; rejects with `MultipartError` for a malformed body. */
export async function parseMultipart(body: AsyncIterable<Buffer> | Iterable<Buffer>, boundary: string, onPart: (head: PartHead) => PartSink): Promise<void> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length - 1;
  // A leading CRLF, so the first boundary matches the delimiter like every later one.
  let buf: Buffer = Buffer.from('\r\n');
  type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'done';
  let state = 'preamble' as State;
  let sink: PartSink | undefined;
  let parts = 0;
  const step = (): void => {
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          // Everything but what could be the start of a delimiter is part data (or preamble, dropped).
          if (buf.length > keep) {
            if (state === 'body') sink!.write(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
          }
          return;
        }
        if (state === 'body') {
          if (at > 0) sink!.write(buf.subarray(0, at));
          sink!.end();
        }
        buf = buf.subarray(at + delimiter.length);
        state = 'delimiter';
      }
      if (state === 'delimiter') {
        if (buf.length < 2) return;
        if (buf[0] === 0x2d && buf[1] === 0x2d) return void (state = 'done');
        const eol = buf.indexOf('\r\n');
        if (eol < 0) {
          if (buf.length > 256) throw new MultipartError('a boundary line does not end');
          return;
        }
        buf = buf.subarray(eol + 2);
        state = 'headers';
      }
      if (state === 'headers') {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw new MultipartError(`a part's headers are over ${MAX_HEADER_BYTES} bytes`);
          return;
        }
        if (++parts > MAX_PARTS) throw new MultipartError(`more than ${MAX_PARTS} parts`);
        sink = onPart(readHead(buf.subarray(0, end).toString('utf8')));
        buf = buf.subarray(end + 4);
        state = 'body';
      }
      if (state === 'done') return;
    }
  };
  for await (const chunk of body) {
    if (state === 'done') continue; // the epilogue: drained, ignored
    buf = buf.length > 0 ? Buffer.concat([buf, chunk]) : chunk;
    step();
  }
  if (state !== 'done') throw new MultipartError('the body ended before its closing boundary');
}

/** A sink keeping a text field (at most `limit` bytes; more is an error). */
export function fieldSink(limit: number, done: (value: string) => void): PartSink {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    write(chunk) {
      size += chunk.length;
      if (size > limit) throw new MultipartError(`a form field is over ${limit} bytes`);
      chunks.push(chunk);
    },
    end: () => done(Buffer.concat(chunks).toString('utf8')),
  };
}
