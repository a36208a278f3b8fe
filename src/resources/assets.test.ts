/**
 * `client.assets` against the simulator and its storage host: every way `upload()` sends a file (direct,
 * signed, server-side fetch; from a path, bytes, a Blob, a stream), byte for byte; the API key never
 * reaching the storage host; retries that read the file again from its start; a one-shot stream not
 * retried; an expired reservation renewed; a lost create answer looked up, not repeated.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flora } from '../client.js';
import { APIConnectionError, AssetFailedError, InputValidationError, NotFoundError, UploadError } from '../core/errors.js';
import { DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID, startSimulator, type Simulator } from '../testing/index.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'flora-assets-'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** Bytes that differ from place to place, so a part sent twice or out of order shows in the hash. */
const bytes = (size: number, seed = 1) => {
  const b = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((x = (Math.imul(x, 1664525) + 1013904223) >>> 0), Math.min(i, size - 4));
  return b;
};
const write = (name: string, b: Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, b);
  return path;
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 22, timeScale: 60 });
});
afterAll(() => sim.close());

/** A client whose fetch records every request it makes (the API's and, with a custom fetch, the storage host's). */
function client(options: { fetch?: (r: Request, n: number) => Promise<Response> } = {}) {
  const seen: { method: string; url: string; headers: Headers }[] = [];
  const fetch = async (request: Request) => {
    seen.push({ method: request.method, url: request.url, headers: new Headers(request.headers) });
    return options.fetch ? options.fetch(request, seen.length) : globalThis.fetch(request);
  };
  return { flora: new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, fetch, logLevel: 'off', maxRetries: 2 }), seen };
}
const plain = () => new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
const ws = { workspace_id: DEFAULT_WORKSPACE_ID };
const storageSince = (n: number) => sim.storageRequests.slice(n);

describe('assets.upload picks the way by size and source, and the asset holds exactly the bytes', () => {
  it.each([
    ['a path of 1 MiB (direct)', MiB, 'direct', (b: Buffer) => write('small.png', b)],
    ['a path of 9 MiB (signed)', 9 * MiB, 'signed_url', (b: Buffer) => write('clip.mp4', b)],
    ['a Buffer of 4 MiB exactly (direct)', 4 * MiB, 'direct', (b: Buffer) => b],
    ['a Blob of 5 MiB (signed)', 5 * MiB, 'signed_url', (b: Buffer) => new Blob([new Uint8Array(b)], { type: 'video/mp4' })],
    ['a stream of 300 KiB, length unknown (direct)', 300 * 1024, 'direct', (b: Buffer) => Readable.from([b])],
    ['a stream of 6 MiB, length unknown (signed)', 6 * MiB, 'signed_url', (b: Buffer) => Readable.from(chunks(b))],
    ['an unread fs.ReadStream (read from its path)', 5 * MiB, 'signed_url', (b: Buffer) => createReadStream(write('read.mov', b))],
  ] as const)('%s', async (what, size, via, make) => {
    const content = bytes(size, what.length);
    const file = make(content);
    const asset = await plain().assets.upload(file as never, { ...ws, file_name: typeof file === 'string' ? undefined : 'upload.bin' });
    expect(asset.status).toBe('ready');
    expect(asset.uploaded_via).toBe(via);
    expect(sim.getAsset(asset.asset_id)).toMatchObject({ sizeBytes: size, sha256: sha(content) });
  });

  it('a URL is fetched server-side (loopback only in the simulator), and its asset is ready with those bytes', async () => {
    const body = bytes(200 * 1024, 9);
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/photos/fox.png`;
      const asset = await plain().assets.upload(url, ws);
      expect(asset).toMatchObject({ status: 'ready', uploaded_via: 'url', name: 'fox.png', content_type: 'image/png' });
      expect(sim.getAsset(asset.asset_id)!.sha256).toBe(sha(body));
      // The real API refuses loopback sources; the simulator refuses everything else, so no test leaves the machine.
      await expect(plain().assets.create({ source: 'https://example.com/fox.png', ...ws })).rejects.toMatchObject({ status: 400, fields: [{ field: 'source' }] });
    } finally {
      server.close();
    }
  });
});

function* chunks(b: Buffer, size = 100_000) {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe('the storage host never gets the API key', () => {
  it.each([
    ['through node:http (the default)', false],
    ["through the caller's fetch", true],
  ])('%s', async (_what, custom) => {
    const before = sim.storageRequests.length;
    const { flora, seen } = client();
    const upload = custom ? flora.assets.upload(bytes(5 * MiB), { ...ws, file_name: 'a.mp4' }) : plain().assets.upload(bytes(5 * MiB), { ...ws, file_name: 'a.mp4' });
    await upload;
    const requests = storageSince(before);
    expect(requests.map((r) => [r.method, r.status])).toEqual([['POST', 204]]);
    expect(requests[0]!.authorization).toBe(false);
    expect(requests[0]!.headerNames).not.toContain('authorization');
    if (custom) {
      const toStorage = seen.filter((r) => r.url.startsWith(sim.storageUrl));
      expect(toStorage).toHaveLength(1);
      toStorage[0]!.headers.forEach((value, name) => expect(`${name}: ${value}`).not.toContain(DEFAULT_API_KEY));
      // Every request to the API did carry it.
      for (const r of seen.filter((x) => x.url.startsWith(sim.url))) expect(r.headers.get('authorization')).toBe(`Bearer ${DEFAULT_API_KEY}`);
    }
  });
});

describe('retries', () => {
  it.each(['serverError', 'drop'] as const)('a failed upload (%s) is sent again from the start of the file, and the asset holds it once', async (how) => {
    const file = write(`retry-${how}.mp4`, bytes(6 * MiB, 10));
    const before = sim.storageRequests.length;
    sim.failNextUploads(1, how);
    const asset = await plain().assets.upload(file, ws);
    expect(storageSince(before).map((r) => r.status)).toEqual([how === 'drop' ? 0 : 503, 204]);
    expect(sim.getAsset(asset.asset_id)).toMatchObject({ uploads: 1, sizeBytes: 6 * MiB, sha256: sha(bytes(6 * MiB, 10)) });
  });

  it('a one-shot stream is not retried: the error says why, and the asset stays pending', async () => {
    const before = sim.storageRequests.length;
    sim.failNextUploads(1, 'serverError');
    const err = await plain().assets.upload(Readable.from(chunks(bytes(5 * MiB, 11))), { ...ws, file_name: 'once.mp4' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).message).toMatch(/Not retried: the file came as a stream, which cannot be read again/);
    expect((err as UploadError).status).toBe(503);
    expect(storageSince(before)).toHaveLength(1);
    expect(sim.getAsset((err as UploadError).assetId)!.status).toBe('pending_upload');
  });

  it('every attempt of a step carries the same key, one key per step, all derived from the upload key', async () => {
    sim.failNextUploads(1, 'serverError');
    const { flora, seen } = client({ fetch: (r, n) => (n === 1 ? Promise.reject(new TypeError('fetch failed')) : globalThis.fetch(r)) });
    const asset = await flora.assets.upload(bytes(5 * MiB, 12), { ...ws, file_name: 'keys.mp4' }, { idempotencyKey: 'upload-key-1' });
    const keys = seen.filter((r) => r.method === 'POST' && r.url.startsWith(sim.url)).map((r) => r.headers.get('idempotency-key'));
    // The create's first attempt got no answer: sent again with the same key, found, not repeated.
    expect(keys).toEqual(['upload-key-1', 'upload-key-1', 'upload-key-1:complete']);
    expect(sim.listAssets().filter((a) => a.name === 'keys.mp4')).toHaveLength(1);
    expect(asset.status).toBe('ready');
  });

  it('a create whose answer was lost is looked up in the asset list, not made twice', async () => {
    // The create reaches the simulator, then its answer is lost; the retry's 409 says it was accepted.
    let dropped = false;
    const { flora } = client({
      fetch: async (r) => {
        const res = await globalThis.fetch(r);
        if (!dropped && r.method === 'POST' && new URL(r.url).pathname.endsWith('/assets')) {
          dropped = true;
          throw new TypeError('fetch failed: socket hang up');
        }
        return res;
      },
    });
    const seen: string[] = [];
    const asset = await flora.assets.upload(write('lost.png', bytes(100_000, 13)), ws, { onCreated: (a) => void seen.push(a.asset_id) });
    expect(dropped).toBe(true);
    // The batch's journal hook hears of the asset once, the one found.
    expect(seen).toEqual([asset.asset_id]);
    expect(sim.listAssets().filter((a) => a.name === 'lost.png')).toHaveLength(1);
    expect(asset.asset_id).toBe(sim.listAssets().find((a) => a.name === 'lost.png')!.assetId);
  });

  it('resumes an asset by its id: a reservation whose bytes never came gets them, a direct one is only waited for', async () => {
    // The first process journals the asset id, then dies before a byte reaches the storage host.
    const file = write('resume.mp4', bytes(5 * MiB, 15));
    const dying = new AbortController();
    let journaled: string | undefined;
    const first = await client()
      .flora.assets.upload(file, ws, { signal: dying.signal, onCreated: async (a) => void ((journaled = a.asset_id), dying.abort()) })
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(sim.getAsset(journaled!)).toMatchObject({ status: 'pending_upload', uploads: 0 });
    // The next one, past the key's window (a new key here), resumes by id: no second asset.
    const { flora, seen } = client();
    const count = sim.listAssets().length;
    const asset = await flora.assets.upload(file, ws, { assetId: journaled });
    expect(asset.asset_id).toBe(journaled);
    expect(sim.listAssets()).toHaveLength(count);
    expect(sim.getAsset(journaled!)).toMatchObject({ status: 'ready', uploads: 1, renewals: 1, sha256: sha(bytes(5 * MiB, 15)) });
    expect(seen.filter((r) => r.method === 'POST' && new URL(r.url).pathname.endsWith('/assets'))).toHaveLength(0);
    // A direct asset's bytes came with its create: resuming it sends nothing.
    const direct = await flora.assets.upload(write('resume.png', bytes(1000, 16)), ws);
    const before = seen.length;
    expect((await flora.assets.upload(write('resume.png', bytes(1000, 16)), ws, { assetId: direct.asset_id })).asset_id).toBe(direct.asset_id);
    expect(seen.slice(before).every((r) => r.method === 'GET')).toBe(true);
  });

  it('a reservation that expired before the bytes came is renewed with retry, and the upload goes on', async () => {
    const { flora } = client({
      fetch: async (r) => {
        const res = await globalThis.fetch(r);
        // Time passes between the reservation and the upload: more than its hour.
        if (r.method === 'POST' && new URL(r.url).pathname.endsWith('/assets')) sim.advance(3700);
        return res;
      },
    });
    const before = sim.storageRequests.length;
    const asset = await flora.assets.upload(bytes(5 * MiB, 14), { ...ws, file_name: 'late.mp4' });
    expect(storageSince(before).map((r) => r.status)).toEqual([403, 204]);
    expect(sim.getAsset(asset.asset_id)).toMatchObject({ renewals: 1, uploads: 1, status: 'ready' });
  });

  it('gives up on a connection the storage host keeps dropping, naming the asset, after the retries', async () => {
    sim.failNextUploads(3, 'drop');
    const err = await new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', maxRetries: 2 }).assets.upload(bytes(5 * MiB), { ...ws, file_name: 'x.mp4' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).message).toMatch(/after 3 attempts/);
  });
});

describe('the asset operations', () => {
  it('create refuses a direct file over 4 MB before sending anything', async () => {
    const { flora, seen } = client();
    await expect(flora.assets.create({ file: bytes(4 * MiB + 1), ...ws })).rejects.toBeInstanceOf(InputValidationError);
    expect(seen).toHaveLength(0);
  });

  it('a failed asset is an AssetFailedError carrying it', async () => {
    const failing = await startSimulator({ seed: 3, timeScale: 60, assetFailureRate: 1 });
    try {
      const err = await new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: failing.url, logLevel: 'off' }).assets.upload(bytes(5 * MiB), { ...ws, file_name: 'bad.mp4' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AssetFailedError);
      expect((err as AssetFailedError).asset).toMatchObject({ status: 'failed', failure_message: expect.stringMatching(/seeded failure/) });
    } finally {
      await failing.close();
    }
  });

  it('retrieve, list (pages, filters), complete and retry answer as the spec says', async () => {
    const flora = plain();
    const reserved = await flora.assets.create({ source: 'signed-url', ...ws, file_name: 'manual.mp4', content_type: 'video/mp4' });
    expect(reserved).toMatchObject({ status: 'pending_upload', uploaded_via: 'signed_url', upload: { method: 'POST', file_field: 'file' } });
    expect(reserved.upload!.url.startsWith(sim.storageUrl)).toBe(true);
    await expect(flora.assets.complete(reserved.asset_id)).rejects.toMatchObject({ status: 400, fields: [{ field: 'upload' }] });
    const renewed = await flora.assets.retry(reserved.asset_id);
    expect(renewed.upload!.url).not.toBe(reserved.upload!.url);
    expect((await flora.assets.retrieve(reserved.asset_id)).status).toBe('pending_upload');
    const page = await flora.assets.list({ limit: 2, query: 'manual' });
    expect(page.assets.map((a) => a.asset_id)).toEqual([reserved.asset_id]);
    const all: string[] = [];
    for await (const a of flora.assets.list({ limit: 3 })) all.push(a.asset_id!);
    expect(all.length).toBe(sim.listAssets().length);
    expect(new Set(all).size).toBe(all.length);
    await expect(flora.assets.retrieve('asset_missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('no answer from the API at all is an APIConnectionError, nothing sent to the storage host', async () => {
    const before = sim.storageRequests.length;
    const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', maxRetries: 0, fetch: () => Promise.reject(new TypeError('fetch failed')) });
    await expect(flora.assets.upload(bytes(5 * MiB), { ...ws, file_name: 'n.mp4' })).rejects.toBeInstanceOf(APIConnectionError);
    expect(sim.storageRequests.length).toBe(before);
  });
});
