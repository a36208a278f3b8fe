/**
 * The simulator's streaming multipart parser against the client's encoder (`core/multipart.ts`), for
 * generated fields, file names and contents cut into generated chunks: every field and every byte comes
 * back, whatever the chunk boundaries; a body cut short or without parts' headers is a `MultipartError`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyBytes, multipart } from '../core/multipart.js';
import { boundaryOf, fieldSink, MultipartError, parseMultipart } from './multipart.js';

/** `bytes` cut at `cuts` (fractions of its length). */
function* split(bytes: Uint8Array, cuts: number[]): Generator<Buffer> {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) yield Buffer.from(bytes.subarray(from, to));
    from = to;
  }
}

async function parse(chunks: Iterable<Buffer>, contentType: string) {
  const fields: Record<string, string> = {};
  const files: { name: string; filename?: string; type?: string; bytes: Buffer }[] = [];
  await parseMultipart(chunks, boundaryOf(contentType)!, (head) => {
    if (head.filename === undefined) return fieldSink(1 << 20, (v) => (fields[head.name] = v));
    const parts: Buffer[] = [];
    return { write: (c) => parts.push(Buffer.from(c)), end: () => files.push({ name: head.name, filename: head.filename, type: head.contentType, bytes: Buffer.concat(parts) }) };
  });
  return { fields, files };
}

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
// Contents that look like boundaries and line breaks are the hard case.
const content = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.constantFrom('\r\n', '--', '----FloraFormBoundary', '\r\n--', 'x'), { maxLength: 50 }).map((a) => new TextEncoder().encode(a.join(''))),
);

describe('the multipart parser reads what the encoder writes', () => {
  it('for any fields, file name and content, cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__'), text, { maxKeys: 5 }),
        text.filter((n) => n.length > 0),
        content,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        async (fields, fileName, bytes, cuts) => {
          const body = multipart(Object.entries(fields), { field: 'file', fileName, contentType: 'image/png', size: bytes.length, open: async function* () { yield bytes; } });
          const all = await bodyBytes(body);
          expect(all.length).toBe(body.length);
          const got = await parse(split(all, cuts), body.contentType);
          expect(got.fields).toEqual(fields);
          expect(got.files).toHaveLength(1);
          expect(got.files[0]).toMatchObject({ name: 'file', filename: fileName, type: 'image/png' });
          expect(Buffer.compare(got.files[0]!.bytes, Buffer.from(bytes))).toBe(0);
        },
      ),
      { numRuns: 300, seed: 22 },
    );
  });

  it('refuses a body cut short at any point', async () => {
    const body = multipart([['workspace_id', 'ws_abc123']], { field: 'file', fileName: 'a.png', contentType: 'image/png', size: 100, open: async function* () { yield new Uint8Array(100); } });
    const all = await bodyBytes(body);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: all.length - 3 }), async (end) => {
        await expect(parse([Buffer.from(all.subarray(0, end))], body.contentType)).rejects.toBeInstanceOf(MultipartError);
      }),
      { numRuns: 100, seed: 23 },
    );
  });

  it('knows a multipart content type and its boundary, and nothing else', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(boundaryOf('application/json')).toBeUndefined();
    expect(boundaryOf('multipart/form-data')).toBeUndefined();
  });
});
