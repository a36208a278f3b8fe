/**
 * The bytes of the simulator's run outputs: real small files of each output type (a PNG that decodes, an
 * MP4 with the ISO box structure and `ftyp` signature, MPEG audio frames, a PDF, UTF-8 text), grown to
 * any size by padding each format allows (PNG ancillary chunks, an MP4 `mdat` box, more silent MP3
 * frames, an unreferenced PDF stream, more lines of text). A file is a list of parts, each a buffer
 * repeated some times, so a 1 GiB output costs a few MiB of memory and any byte range is cheap to serve.
 */
import { deflateSync } from 'node:zlib';
import type { OutputType } from '../../generated/openapi.js';

/** One piece of a file: `data`, `repeat` times in a row. */
export interface MediaPart {
  data: Buffer;
  repeat: number;
}

/** A generated file: its type, its parts, and their total length. */
export interface MediaFile {
  contentType: string;
  size: number;
  parts: MediaPart[];
}

/** File extension and content type of each output type's file. */
export const MEDIA_FORMATS: Record<OutputType, { ext: string; contentType: string }> = {
  imageUrl: { ext: 'png', contentType: 'image/png' },
  videoUrl: { ext: 'mp4', contentType: 'video/mp4' },
  audioUrl: { ext: 'mp3', contentType: 'audio/mpeg' },
  text: { ext: 'txt', contentType: 'text/plain; charset=utf-8' },
  documentUrl: { ext: 'pdf', contentType: 'application/pdf' },
};

/** Padding comes in blocks of this many bytes (one buffer, repeated). */
const BLOCK = 1024 * 1024;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (as PNG uses it) of `bufs`, in order. */
export function crc32(...bufs: Buffer[]): number {
  let c = -1;
  for (const b of bufs) for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

function pngChunk(type: string, data: Buffer): Buffer {
  const t = Buffer.from(type, 'latin1');
  return Buffer.concat([u32(data.length), t, data, u32(crc32(t, data))]);
}

/** A stable 32-bit number from text: the colour of an image, the tone of a file. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Splits `bytes` of padding into whole blocks and a remainder, each made by `block(size)`. */
function padding(bytes: number, overhead: number, block: (dataBytes: number) => Buffer): MediaPart[] {
  const parts: MediaPart[] = [];
  if (bytes <= overhead) return parts;
  const full = Math.floor(bytes / (BLOCK + overhead));
  if (full > 0) parts.push({ data: block(BLOCK), repeat: full });
  const rest = bytes - full * (BLOCK + overhead) - overhead;
  if (rest > 0) parts.push({ data: block(rest), repeat: 1 });
  return parts;
}

const paddingBlocks = new Map<string, Buffer>();
/** Padding blocks are the same for every file of a format and size: made once. */
function cachedBlock(key: string, make: () => Buffer): Buffer {
  let b = paddingBlocks.get(key);
  if (!b) {
    if (paddingBlocks.size > 64) paddingBlocks.clear();
    paddingBlocks.set(key, (b = make()));
  }
  return b;
}

/** A 64x64 RGB PNG, a diagonal gradient in a colour of `label`, with `label` in a tEXt chunk. */
function png(label: string, minBytes: number): MediaPart[] {
  const size = 64;
  const h = hash(label);
  const [r, g, b] = [h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff];
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3); // filter byte 0 (None), then the row's pixels
    for (let x = 0; x < size; x++) {
      const shade = (x + y) / (2 * size);
      raw[row + 1 + x * 3] = r * shade;
      raw[row + 2 + x * 3] = g * shade;
      raw[row + 3 + x * 3] = b * shade;
    }
  }
  const ihdr = Buffer.concat([u32(size), u32(size), Buffer.from([8, 2, 0, 0, 0])]); // 8-bit RGB, no interlace
  const head = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', Buffer.from(`Comment\0${label}`, 'latin1')),
    pngChunk('IDAT', deflateSync(raw)),
  ]);
  const end = pngChunk('IEND', Buffer.alloc(0));
  // "flPd": ancillary, private, safe to copy: every decoder skips it.
  const pad = padding(minBytes - head.length - end.length, 12, (n) => cachedBlock(`png${n}`, () => pngChunk('flPd', Buffer.alloc(n))));
  return [{ data: head, repeat: 1 }, ...pad, { data: end, repeat: 1 }];
}

function box(type: string, data: Buffer): Buffer {
  return Buffer.concat([u32(8 + data.length), Buffer.from(type, 'latin1'), data]);
}

/** An ISO base media file: `ftyp` (the signature players sniff), a `free` box naming it, an `mdat` of padding. */
function mp4(label: string, minBytes: number): MediaPart[] {
  const ftyp = box('ftyp', Buffer.concat([Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'latin1')]));
  const free = box('free', Buffer.from(label, 'utf8'));
  const mdatBytes = Math.max(0, minBytes - ftyp.length - free.length - 8);
  const mdat = Buffer.concat([u32(8 + mdatBytes), Buffer.from('mdat', 'latin1')]);
  const parts: MediaPart[] = [{ data: Buffer.concat([ftyp, free, mdat]), repeat: 1 }];
  const full = Math.floor(mdatBytes / BLOCK);
  if (full > 0) parts.push({ data: cachedBlock(`zero${BLOCK}`, () => Buffer.alloc(BLOCK)), repeat: full });
  if (mdatBytes % BLOCK > 0) parts.push({ data: Buffer.alloc(mdatBytes % BLOCK), repeat: 1 });
  return parts;
}

/** Silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, 417 bytes each), after an ID3v2 tag naming it. */
function mp3(label: string, minBytes: number): MediaPart[] {
  const frame = cachedBlock('mp3frame', () => Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)]));
  const text = Buffer.concat([Buffer.from([3]), Buffer.from(label, 'utf8')]); // encoding 3: UTF-8
  const tit2 = Buffer.concat([Buffer.from('TIT2', 'latin1'), u32(text.length), Buffer.from([0, 0]), text]);
  // ID3v2.3 header: the tag's size as four 7-bit bytes.
  const n = tit2.length;
  const id3 = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([3, 0, 0, (n >>> 21) & 0x7f, (n >>> 14) & 0x7f, (n >>> 7) & 0x7f, n & 0x7f]), tit2]);
  return [{ data: id3, repeat: 1 }, { data: frame, repeat: Math.max(4, Math.ceil((minBytes - id3.length) / frame.length)) }];
}

/** A one-page PDF saying `label`, with an unreferenced stream of padding before its cross-reference table. */
function pdf(label: string, minBytes: number): MediaPart[] {
  const safe = label.replace(/[()\\]/g, '_');
  const content = `BT /F1 18 Tf 40 100 Td (FLORA simulator: ${safe}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let head = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (const [i, body] of objects.entries()) {
    offsets.push(head.length);
    head += `${i + 1} 0 obj\n${body}\nendobj\n`;
  }
  const padBytes = Math.max(0, minBytes - head.length - 200);
  const padOpen = `6 0 obj\n<< /Length ${padBytes} >>\nstream\n`;
  const padClose = '\nendstream\nendobj\n';
  offsets.push(head.length);
  const xrefAt = head.length + padOpen.length + padBytes + padClose.length;
  const xref = `xref\n0 7\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const parts: MediaPart[] = [{ data: Buffer.from(head + padOpen, 'latin1'), repeat: 1 }];
  const full = Math.floor(padBytes / BLOCK);
  if (full > 0) parts.push({ data: cachedBlock(`space${BLOCK}`, () => Buffer.alloc(BLOCK, 0x20)), repeat: full });
  if (padBytes % BLOCK > 0) parts.push({ data: Buffer.alloc(padBytes % BLOCK, 0x20), repeat: 1 });
  parts.push({ data: Buffer.from(padClose + xref, 'latin1'), repeat: 1 });
  return parts;
}

/** The text of a simulated text output (also what the live profile puts in its `url`). */
export function outputText(label: string): string {
  return `FLORA simulator text output for ${label}.\nThe composition is balanced; the red of the fox carries the frame.\n`;
}

function text(label: string, minBytes: number): MediaPart[] {
  const first = Buffer.from(outputText(label), 'utf8');
  const line = cachedBlock('textline', () => Buffer.from(`${'All work and no play makes a simulated text longer. '.repeat(20)}\n`, 'utf8'));
  const more = Math.max(0, Math.ceil((minBytes - first.length) / line.length));
  return more > 0 ? [{ data: first, repeat: 1 }, { data: line, repeat: more }] : [{ data: first, repeat: 1 }];
}

const BUILDERS: Record<OutputType, (label: string, minBytes: number) => MediaPart[]> = { imageUrl: png, videoUrl: mp4, audioUrl: mp3, text, documentUrl: pdf };

/** The file of an output of `type`, naming `label` (run and output), of at least about `minBytes` (0: as small as the format allows). */
export function mediaFile(type: OutputType, label: string, minBytes = 0): MediaFile {
  const parts = (BUILDERS[type] ?? BUILDERS.text)(label, minBytes);
  return { contentType: (MEDIA_FORMATS[type] ?? MEDIA_FORMATS.text).contentType, parts, size: parts.reduce((n, p) => n + p.data.length * p.repeat, 0) };
}

/** The bytes of `file` from `start` to `end` inclusive, as slices of its parts (no copies). */
export function* mediaSlices(file: MediaFile, start: number, end: number): Generator<Buffer> {
  let at = 0;
  for (const { data, repeat } of file.parts) {
    for (let i = 0; i < repeat; i++) {
      const next = at + data.length;
      if (next > start && at <= end) yield data.subarray(Math.max(0, start - at), Math.min(data.length, end - at + 1));
      at = next;
      if (at > end) return;
    }
  }
}
