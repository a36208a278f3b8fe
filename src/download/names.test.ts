/** File names from ids anyone chose: safe on every file system, and never two ids to one file. */
import { resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXTENSIONS, extensionFor } from './extensions.js';
import { fileBase, outputBases, safePart } from './names.js';

/** Ids as a hostile server or a careless user might write them: any Unicode, separators, dots, controls, lone surrogates, device names. */
const id = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('.', '/', '\\', '\0', '\n', ':', '*', '?', '"', '<', '>', '|', ' ', 'a', 'A', '~', '_', '-', '\uD800', 'é', 'e\u0301'), maxLength: 12 }),
  fc.constantFrom('..', '.', '', '__proto__', 'constructor', 'con', 'CON', 'nul', 'Com1', 'lpt9', 'aux', 'run_abc123', 'output_1', 'x'.repeat(64), 'x'.repeat(65)),
);

const SAFE_NAME = /^[A-Za-z0-9_~-]+\.[A-Za-z0-9_~-]+$/;

describe('download file names', () => {
  it('are made only of [A-Za-z0-9_~.-], with no "..", no device name, under 140 bytes, and stay inside the folder', () => {
    fc.assert(
      fc.property(id, id, fc.constantFrom(...EXTENSIONS, 'part'), (name, output, ext) => {
        const base = fileBase(name, output);
        const file = `${base}.${ext}`;
        expect(base).toMatch(SAFE_NAME);
        expect(file).not.toContain('..');
        expect(Buffer.byteLength(file)).toBeLessThan(140);
        for (const part of file.split('.')) expect(part).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/i);
        const dir = resolve('/tmp/out');
        expect(resolve(dir, file).startsWith(dir + sep)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never give two different (name, output id) pairs one file, even on a case-insensitive file system', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(id, id), { minLength: 2, maxLength: 30, selector: ([a, b]) => `${a}\u0001${b}` }), (pairs) => {
        const files = pairs.map(([a, b]) => fileBase(a, b).toLowerCase());
        expect(new Set(files).size).toBe(pairs.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('keep plainly safe ids as they are, and give every other one a readable part and a hash', () => {
    expect(fileBase('run_abc123', 'output_1')).toBe('run_abc123.output_1');
    expect(safePart('shot-7')).toBe('shot-7');
    expect(safePart('Shot-7')).toMatch(/^Shot-7~[0-9a-f]{12}$/);
    expect(safePart('../../etc/passwd')).toMatch(/^______etc_passwd~[0-9a-f]{12}$/);
    expect(safePart('con')).toMatch(/^con~[0-9a-f]{12}$/);
    expect(safePart('')).toMatch(/^_~[0-9a-f]{12}$/);
    expect(safePart('\uD800')).not.toBe(safePart('\uD801'));
  });

  it("give a run's repeated output ids one file each", () => {
    fc.assert(
      fc.property(id, fc.array(fc.constantFrom('output_1', 'OUTPUT_1', 'output_1\u00001\u00000', 'a', 'A'), { maxLength: 12 }), (name, ids) => {
        const bases = outputBases(name, ids);
        expect(bases).toHaveLength(ids.length);
        expect(new Set(bases.map((b) => b.toLowerCase())).size).toBe(ids.length);
        for (const b of bases) expect(b).toMatch(SAFE_NAME);
      }),
    );
  });

  it('take the extension from the content type, else the URL, else the output type; text is always .txt', () => {
    expect(extensionFor('imageUrl', 'image/jpeg; charset=binary', 'https://cdn/x.png')).toBe('jpg');
    expect(extensionFor('imageUrl', 'application/octet-stream', 'https://cdn/x.webp?sig=1')).toBe('webp');
    expect(extensionFor('imageUrl', 'text/html', 'https://cdn/x.html')).toBe('png');
    expect(extensionFor('videoUrl', undefined, 'https://cdn/x')).toBe('mp4');
    expect(extensionFor('text', 'text/html', 'https://cdn/x.html')).toBe('txt');
    expect(extensionFor('hologramUrl', null, undefined)).toBe('bin');
    expect(extensionFor('constructor', '__proto__', 'https://cdn/x.toString')).toBe('bin');
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (type, ct, url) => void expect(EXTENSIONS).toContain(extensionFor(type, ct, url))));
  });
});
