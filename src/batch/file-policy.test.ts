/**
 * The file step's policy, table by table, with no Redis, no SQLite and no server: what a file's record
 * says to do, every error an upload can end with, the marker items keep their files in, and the key and
 * asset name a file gets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APIConnectionError, APIError, APIUserAbortError, AssetFailedError, AssetTimeoutError, FloraError, InputValidationError, UploadError } from '../core/errors.js';
import { assetFileName, classifyUploadError, fileFailureFor, fileVerdict, type FileRecord, type UploadAttempt } from './file-policy.js';
import { fileMarkers, isFileMarker, mapInputValues, withFilePlaceholders, withFileUrls, type FileMarker } from './input-files.js';
import { fileKey, SAFE_RESEND_MS } from './keys.js';
import { LocalFile } from '../resources/local-files.js';

const SHA = 'a'.repeat(64);
const record = (over: Partial<FileRecord> = {}): FileRecord => ({ sha256: SHA, key: 'fa1-k', keyAt: 0, ...over });

describe('fileVerdict: what a record says to do', () => {
  const table: [string, FileRecord | undefined, number, string, Record<string, unknown>?][] = [
    ['no record: nothing was sent', undefined, 0, 'upload'],
    ['ready: its URL', record({ assetId: 'ast_1', url: 'https://cdn/x.png' }), 10 * SAFE_RESEND_MS, 'use', { url: 'https://cdn/x.png' }],
    ['its asset known: resumed by id, even days later', record({ assetId: 'ast_1' }), 30 * SAFE_RESEND_MS, 'resume', { assetId: 'ast_1' }],
    ['keyed, its answer lost, FLORA still has the key: the same key again', record(), SAFE_RESEND_MS, 'resend'],
    ['keyed, past the key window: looked for before anything is sent', record(), SAFE_RESEND_MS + 1, 'find'],
  ];
  it.each(table)('%s', (_name, rec, now, verdict, fields) => {
    const v = fileVerdict(rec, now);
    expect(v.do).toBe(verdict);
    if (fields) expect(v).toMatchObject(fields);
  });
});

describe('classifyUploadError: one verdict for every error an upload can end with', () => {
  const at = (over: Partial<UploadAttempt> = {}): UploadAttempt => ({ failures: 0, maxAttempts: 10, aborted: false, random: () => 1, ...over });
  const api = (status: number | undefined, code?: string, failure?: 'connection' | 'timeout') => APIError.generate({ status, code, message: code ?? `status ${status}`, ...(failure ? { failure } : {}) });
  const storage = (status: number | undefined) => new UploadError({ status, message: `storage ${status}`, assetId: 'ast_1', headers: new Headers(), ...(status === undefined ? { failure: 'connection' as const } : {}) });
  const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  const asset = { asset_id: 'ast_1', status: 'failed', failure_message: 'bad image' };
  const table: [string, unknown, Partial<UploadAttempt>, string, Record<string, unknown>?][] = [
    ['the caller aborted', new APIUserAbortError({ message: 'aborted' }), {}, 'stop'],
    ['any error once the batch is aborted', api(500), { aborted: true }, 'stop'],
    ['a 401: the key', api(401, 'unauthorized'), {}, 'stop'],
    ['a 403', api(403, 'forbidden'), {}, 'stop'],
    ['the asset failed processing', new AssetFailedError(asset as never), {}, 'fail', { code: 'asset_failed' }],
    ['a 409 with no asset of its name in the list', api(409, 'idempotency_duplicate'), {}, 'fail', { code: 'asset_not_found' }],
    ['a journaled asset that is gone', api(404, 'not_found'), {}, 'fail', { code: 'asset_not_found' }],
    ['refused before sending (too large, unreadable)', new InputValidationError({ status: undefined, message: 'file: too large', fields: [{ field: 'file', message: 'too large' }] }), {}, 'fail'],
    ['a 422 from the API', api(422, 'unprocessable'), {}, 'fail', { code: 'unprocessable' }],
    ['the storage host refuses it (413)', storage(413), {}, 'fail', { code: 'http_413' }],
    ['the storage host is down (503), after the client retried', storage(503), {}, 'retry', { afterMs: 100 }],
    ['the storage host dropped the connection', storage(undefined), { failures: 2 }, 'retry', { afterMs: 400 }],
    ['no answer from the API', api(undefined, undefined, 'connection'), {}, 'retry'],
    ['a 500 from the API', api(500, 'internal_error'), {}, 'retry'],
    ['a 429', api(429, 'rate_limited'), {}, 'retry'],
    ['the asset not ready within the wait (it may still be)', new AssetTimeoutError('ast_1', 1000, undefined), {}, 'retry'],
    ['the retries ran out', api(undefined, undefined, 'connection'), { failures: 9 }, 'stop'],
    ['the file went away', enoent, {}, 'fail', { code: 'file_unreadable' }],
    ['a bug (not a FloraError)', new TypeError('x is undefined'), {}, 'stop'],
    ['a FloraError of no known kind', new FloraError('odd'), {}, 'retry'],
  ];
  it.each(table)('%s', (_name, error, over, verdict, fields) => {
    const v = classifyUploadError(error, at(over));
    expect(v.do).toBe(verdict);
    if (fields) expect(v).toMatchObject(fields);
    if (v.do === 'stop') expect(v.error).toBe(error);
  });

  it('an item whose file cannot be had fails when nothing was sent for it, and is looked up when its start was', () => {
    expect(fileFailureFor('pending')).toBe('fail');
    expect(fileFailureFor('starting')).toBe('lookup');
  });
});

describe('the marker a store keeps a file in', () => {
  const m = (n: number, path = `./f${n}.png`): FileMarker => ({ $file: path, sha256: String(n).repeat(64).slice(0, 64) });

  it('is exactly its fields with a real hash: no other value is taken for one', () => {
    expect(isFileMarker(m(1))).toBe(true);
    expect(isFileMarker({ ...m(1), content_type: 'image/png' })).toBe(true);
    for (const v of [null, 'x', [m(1)], { $file: './a', sha256: 'abc' }, { ...m(1), extra: 1 }, { $file: '', sha256: SHA }, { sha256: SHA }, { ...m(1), content_type: 3 }]) expect(isFileMarker(v), JSON.stringify(v)).toBe(false);
  });

  it('is found and replaced in both routes\' forms, arrays included, each file once', () => {
    const nested = [{ id: 'ref', type: 'imageUrl', value: m(1) }, { id: 'prompt', type: 'text', value: 'a fox' }, { id: 'more', type: 'imageUrl', value: [m(2), m(1), 'https://x/y.png'] }];
    expect(fileMarkers(nested).map((f) => f.sha256)).toEqual([m(1).sha256, m(2).sha256]);
    const urls = new Map([[m(1).sha256, 'https://cdn/1'], [m(2).sha256, 'https://cdn/2']]);
    expect(withFileUrls(nested, urls)).toEqual([{ id: 'ref', type: 'imageUrl', value: 'https://cdn/1' }, { id: 'prompt', type: 'text', value: 'a fox' }, { id: 'more', type: 'imageUrl', value: ['https://cdn/2', 'https://cdn/1', 'https://x/y.png'] }]);
    const map = { photo: m(3), prompt: 'p', nested: { $file: 'not a marker' } };
    expect(withFilePlaceholders(map)).toEqual({ photo: 'https://upload.invalid/local-file', prompt: 'p', nested: { $file: 'not a marker' } });
    // A flora.file() not yet hashed (the CLI checks its items file before the batch reads the files) reads as a file too.
    expect(withFilePlaceholders({ photo: new LocalFile('./a.png'), prompt: 'p' })).toEqual({ photo: 'https://upload.invalid/local-file', prompt: 'p' });
    const fields: string[] = [];
    mapInputValues(nested, isFileMarker, (_v, field) => void fields.push(field));
    expect(fields).toEqual(['inputs[0].value', 'inputs[2].value[0]', 'inputs[2].value[1]']);
    expect(() => withFileUrls(map, new Map())).toThrow(/no URL for the file/);
  });
});

describe('a file\'s key and asset name', () => {
  it('the key comes from the batch and the content alone, and is a key the client sends', () => {
    const k = fileKey('b0123456789abcdef0123', SHA);
    expect(k).toBe(`fa1-b0123456789abcdef0123-${'a'.repeat(40)}`);
    expect(fileKey('b0123456789abcdef0123', 'b'.repeat(64))).not.toBe(k);
    expect(fileKey('b0123456789abcdef0124', SHA)).not.toBe(k);
    // assets.upload takes keys of at most 200 characters (each step adds a suffix).
    expect(k.length).toBeLessThanOrEqual(200);
    expect(k).toMatch(/^[\x21-\x7e]+$/);
  });

  it('the asset name starts with the hash, keeps the extension, and holds no separator or control character', () => {
    expect(assetFileName(SHA, './shots/hero shot.png')).toBe('aaaaaaaaaaaa-hero shot.png');
    expect(assetFileName(SHA, 'C:\\shots\\a.JPG')).toBe('aaaaaaaaaaaa-a.JPG');
    expect(assetFileName(SHA, '/')).toBe('aaaaaaaaaaaa-file');
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom('', '.png', '.mp4'), (stem, ext) => {
        const name = assetFileName(SHA, `dir/${stem}${ext}`);
        expect(name.startsWith('aaaaaaaaaaaa-')).toBe(true);
        expect(name.length).toBeLessThanOrEqual(13 + 120);
        expect(name).not.toMatch(/[\x00-\x1f\x7f/\\"]/);
        if (ext && !/[\\/]/.test(stem) && name.length > 13 + 5) expect(name.endsWith(ext)).toBe(true);
      }),
    );
  });
});
