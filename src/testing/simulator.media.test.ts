/** The simulator's media host: real files behind completed runs' output URLs, ranges, and seeded faults. */
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { TechniqueRun } from '../../generated/openapi.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator, type SimulatorOptions } from './index.js';
import { crc32 } from './media-files.js';
import { parseRange } from './media.js';
import { call, CREATE_BODY } from './spec-check.test-helper.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const start = async (options: SimulatorOptions = {}) => (sim = await startSimulator({ seed: 3, runDurationSeconds: 10, ...options }));

/** A completed run of `technique`: its outputs. */
async function completed(s: Simulator, technique: string): Promise<NonNullable<TechniqueRun['outputs']>> {
  const created = await call<TechniqueRun>(s.url, 'POST', `/techniques/${technique}/runs`, { body: CREATE_BODY });
  s.advance(60);
  const done = await call<TechniqueRun>(s.url, 'GET', `/techniques/${technique}/runs/${created.body.run_id}`);
  expect(done.body.status).toBe('completed');
  return done.body.outputs!;
}

const bytes = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
};

/** Walks a PNG's chunks, checking every CRC; returns the decompressed image data and the chunk types. */
function readPng(buf: Buffer): { types: string[]; width: number; height: number; pixels: Buffer; comment: string } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const types: string[] = [];
  const idat: Buffer[] = [];
  let at = 8;
  let width = 0;
  let height = 0;
  let comment = '';
  while (at < buf.length) {
    const len = buf.readUInt32BE(at);
    const type = buf.subarray(at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    expect(buf.readUInt32BE(at + 8 + len), `CRC of ${type}`).toBe(crc32(type, data));
    types.push(type.toString('latin1'));
    if (types.at(-1) === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (types.at(-1) === 'IDAT') idat.push(data);
    if (types.at(-1) === 'tEXt') comment = data.toString('latin1');
    at += 12 + len;
  }
  expect(at).toBe(buf.length);
  return { types, width, height, pixels: inflateSync(Buffer.concat(idat)), comment };
}

describe('simulator: media host', () => {
  it('serves every output type as a real file of its format from a second loopback origin', async () => {
    const s = await start();
    expect(s.mediaUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.mediaUrl).not.toBe(new URL(s.url).origin);
    const outputs = [...(await completed(s, 'art-directors-critique')), ...(await completed(s, 'storyboard-to-video')), ...(await completed(s, 'brand-guidelines'))];
    const byType = new Map(outputs.map((o) => [o.type, o]));
    expect([...byType.keys()].sort()).toEqual(['audioUrl', 'documentUrl', 'imageUrl', 'text', 'videoUrl']);
    for (const o of outputs) {
      const { res, body } = await bytes(o.url);
      expect(res.status, o.url).toBe(200);
      expect(Number(res.headers.get('content-length'))).toBe(body.length);
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('etag')).toMatch(/^".+"$/);
    }
    const png = readPng((await bytes(byType.get('imageUrl')!.url)).body);
    expect(png.types).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    expect(png.pixels.length).toBe(png.height * (1 + png.width * 3));
    expect(png.comment).toContain('output_2');
    const mp4 = (await bytes(byType.get('videoUrl')!.url)).body;
    expect(mp4.subarray(4, 8).toString('latin1')).toBe('ftyp');
    let box = 0;
    while (box < mp4.length) box += mp4.readUInt32BE(box); // ISO boxes tile the file exactly
    expect(box).toBe(mp4.length);
    const mp3 = (await bytes(byType.get('audioUrl')!.url)).body;
    expect(mp3.subarray(0, 3).toString('latin1')).toBe('ID3');
    const tag = 10 + ((mp3[6]! << 21) | (mp3[7]! << 14) | (mp3[8]! << 7) | mp3[9]!);
    expect([mp3[tag], mp3[tag + 1]! & 0xe0]).toEqual([0xff, 0xe0]); // an MPEG frame sync right after the tag
    const pdf = (await bytes(byType.get('documentUrl')!.url)).body.toString('latin1');
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)?.[1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe('xref');
    const text = await bytes(byType.get('text')!.url);
    expect(text.res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.body.toString('utf8')).toContain('FLORA simulator text output');
  });

  it('grows files to the size asked, still valid, and serves byte ranges of them', async () => {
    const s = await start({ media: { bytes: { imageUrl: 3 * 1024 * 1024 + 5 } } });
    const image = (await completed(s, 'product-shot'))[0]!;
    const whole = await bytes(image.url);
    expect(whole.body.length).toBeGreaterThanOrEqual(3 * 1024 * 1024 + 5);
    expect(readPng(whole.body).types.filter((t) => t === 'flPd').length).toBeGreaterThan(1);
    const etag = whole.res.headers.get('etag')!;
    const size = whole.body.length;
    const part = await bytes(image.url, { range: 'bytes=1000-2099999' });
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get('content-range')).toBe(`bytes 1000-2099999/${size}`);
    expect(part.body.equals(whole.body.subarray(1000, 2100000))).toBe(true);
    const tail = await bytes(image.url, { range: `bytes=${size - 10}-`, 'if-range': etag });
    expect(tail.res.status).toBe(206);
    expect(tail.body.equals(whole.body.subarray(size - 10))).toBe(true);
    expect((await bytes(image.url, { range: 'bytes=-4' })).body.equals(whole.body.subarray(size - 4))).toBe(true);
    // A validator that no longer matches gets the whole file; a start past the end gets 416.
    expect((await bytes(image.url, { range: 'bytes=10-', 'if-range': '"other"' })).res.status).toBe(200);
    const past = await bytes(image.url, { range: `bytes=${size}-` });
    expect([past.res.status, past.res.headers.get('content-range')]).toEqual([416, `bytes */${size}`]);
    const head = await fetch(image.url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(size)]);
    expect(s.stats().media).toMatchObject({ rangeRequests: 5, credentialed: 0, requests: { 200: 3, 206: 3, 416: 1 } });
  });

  it('answers ranges whole when told not to support them', async () => {
    const s = await start({ media: { ranges: false } });
    const image = (await completed(s, 'product-shot'))[0]!;
    const res = await fetch(image.url, { headers: { range: 'bytes=5-' } });
    expect([res.status, res.headers.get('accept-ranges')]).toEqual([200, 'none']);
  });

  it('has nothing for a run that has not completed, another path, or another method', async () => {
    const s = await start({ failureRate: 1 });
    const created = await call<TechniqueRun>(s.url, 'POST', '/techniques/product-shot/runs', { body: CREATE_BODY });
    const url = `${s.mediaUrl}/media/${created.body.run_id}/output_1.png`;
    expect((await fetch(url)).status).toBe(404);
    s.advance(60);
    expect((await fetch(url)).status).toBe(404); // it failed
    expect((await fetch(`${s.mediaUrl}/media/../etc/passwd`)).status).toBe(404);
    expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('applies seeded faults: a 503, a body cut off half way; and counts requests that carry a key', async () => {
    const s = await start({ media: { faults: { serverErrorRate: 0.5, dropMidBodyRate: 0.5 }, bytes: 64 * 1024 } });
    const image = (await completed(s, 'product-shot'))[0]!;
    let dropped = 0;
    for (let i = 0; i < 12; i++) {
      const res = await fetch(image.url, { headers: i === 0 ? { authorization: `Bearer ${DEFAULT_API_KEY}` } : { 'x-note': `key ${DEFAULT_API_KEY}` } });
      if (res.status === 503) {
        expect(res.headers.get('retry-after-ms')).toBe('10');
        await res.arrayBuffer();
        continue;
      }
      expect(res.status).toBe(200);
      await expect(res.arrayBuffer()).rejects.toThrow();
      dropped++;
    }
    const media = s.stats().media;
    expect(dropped).toBe(media.faults.dropMidBody);
    expect(media.faults.serverError + media.faults.dropMidBody).toBe(12);
    expect(Math.min(media.faults.serverError, media.faults.dropMidBody)).toBeGreaterThan(0);
    expect(media.credentialed).toBe(12);
  });

  it('puts a text output in `url` itself in the live profile, as FLORA\'s SDK describes', async () => {
    const s = await start({ profile: 'live' });
    const [text, image] = await completed(s, 'art-directors-critique');
    expect(text!.type).toBe('text');
    expect(text!.url).toMatch(/^FLORA simulator text output for run_\w+\/output_1\./);
    expect(image!.url.startsWith(s.mediaUrl)).toBe(true);
  });

  it('refuses media options it could not honour when it starts', async () => {
    await expect(startSimulator({ media: { bytesPerSecond: 0 } })).rejects.toThrow(/media\.bytesPerSecond/);
    await expect(startSimulator({ media: { faults: { dropMidBodyRate: 2 } } })).rejects.toThrow(/media\.faults\.dropMidBodyRate/);
    await expect(startSimulator({ media: { bytes: { imageUrl: -1 } } })).rejects.toThrow(/media\.bytes/);
  });

  it('parses single byte ranges as RFC 9110 says, and answers the rest whole', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual([0, 9]);
    expect(parseRange('bytes=90-200', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=-5', 100)).toEqual([95, 99]);
    expect(parseRange('bytes=-500', 100)).toEqual([0, 99]);
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    for (const whole of [undefined, '', 'bytes=-', 'bytes=5-2', 'bytes=0-1,4-5', 'items=0-1']) expect(parseRange(whole, 100)).toBeUndefined();
  });
});
