/**
 * The file step over an in-memory store and a scripted client, with no Redis, no SQLite and no server:
 * one upload per file however many items name it; the key, asset id and URL recorded in that order, the key
 * before anything is sent; every record a crash can leave resumed the way the policy says, never uploaded
 * blindly; a file that cannot be had failing the items that name it (a pending item fails, a starting one
 * is looked up, not sent again).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Flora } from '../client.js';
import { APIConnectionError, APIUserAbortError, AssetFailedError } from '../core/errors.js';
import type { FileRecord } from './file-policy.js';
import { FileStep, FileUnavailableError, type FileStore } from './file-step.js';
import { prepareItemFiles } from './hash-files.js';
import type { FileMarker } from './input-files.js';
import { fileKey, SAFE_RESEND_MS } from './keys.js';
import { processItem, type ItemStore, type PipelineItem } from './pipeline.js';
import { LocalFile } from '../resources/local-files.js';

const dir = mkdtempSync(join(tmpdir(), 'flora-file-step-'));
const file = (name: string, text: string): FileMarker => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { $file: path, sha256: createHash('sha256').update(text).digest('hex') };
};
const BATCH = 'b0123456789abcdef0123';

/** Records in memory, each change logged. */
class MemoryFiles implements FileStore {
  readonly records = new Map<string, FileRecord>();
  readonly log: string[] = [];
  fileRecord(sha256: string) {
    return this.records.get(sha256);
  }
  async fileKeyed(sha256: string, key: string, keyAt: number) {
    this.log.push(`keyed ${key}`);
    this.records.set(sha256, { sha256, key, keyAt });
  }
  async fileCreated(sha256: string, assetId: string) {
    this.log.push(`created ${assetId}`);
    this.records.set(sha256, { ...this.records.get(sha256)!, assetId });
  }
  async fileReady(sha256: string, assetId: string, url: string) {
    this.log.push(`ready ${url}`);
    this.records.set(sha256, { ...this.records.get(sha256)!, assetId, url });
  }
  withFile<T>(_sha256: string, fn: () => Promise<T>) {
    return fn();
  }
}

type Upload = { path: string; key: string | undefined; assetId: string | undefined; name: string };
/** A client whose uploads answer from a script: each step an asset id (made, onCreated told) or an error. */
function fakeClient(script: ('ok' | 'created-then-lost' | Error)[] = [], listed: { asset_id: string; name: string; created_at: number }[] = []) {
  const uploads: Upload[] = [];
  const lists: unknown[] = [];
  let n = 0;
  const client = {
    assets: {
      async upload(path: string, params: { file_name: string }, options: { idempotencyKey?: string; assetId?: string; onCreated?: (a: { asset_id: string }) => Promise<void> }) {
        uploads.push({ path, key: options.idempotencyKey, assetId: options.assetId, name: params.file_name });
        await new Promise((r) => setTimeout(r, 5));
        const step = script.shift() ?? 'ok';
        if (step instanceof Error) throw step;
        const id = options.assetId ?? `ast_${++n}`;
        if (!options.assetId) await options.onCreated?.({ asset_id: id });
        if (step === 'created-then-lost') throw new APIConnectionError({ message: 'socket hang up' });
        return { asset_id: id, status: 'ready', url: `https://cdn.test/${id}` };
      },
      list: async (query: unknown) => (lists.push(query), { assets: listed }),
    },
    fileWorkspace: async () => 'ws_1',
  } as unknown as Flora;
  return { client, uploads, lists };
}

const step = (client: Flora, store: FileStore, now = () => 1_000_000, signal?: AbortSignal) => new FileStep({ client, store, batchId: BATCH, workspace: async () => 'ws_1', now, signal, maxAttempts: 3 });

describe('the file step', () => {
  it('a file named by 200 items is uploaded once; its key is recorded before it is sent, then its asset, then its URL', async () => {
    const f = file('hero.png', 'hero');
    const { client, uploads } = fakeClient();
    const store = new MemoryFiles();
    const s = step(client, store);
    const inputs = [{ id: 'reference', type: 'imageUrl', value: f }];
    const urls = await Promise.all(Array.from({ length: 200 }, () => s.urls(inputs)));
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ key: fileKey(BATCH, f.sha256), assetId: undefined, name: `${f.sha256.slice(0, 12)}-hero.png` });
    expect(new Set(urls.map((u) => u.get(f.sha256)))).toEqual(new Set(['https://cdn.test/ast_1']));
    expect(store.log).toEqual([`keyed ${fileKey(BATCH, f.sha256)}`, 'created ast_1', 'ready https://cdn.test/ast_1']);
    // A later item (or a later process with the same store) reads the record: nothing is sent.
    expect((await step(client, store).urls(inputs)).get(f.sha256)).toBe('https://cdn.test/ast_1');
    expect(uploads).toHaveLength(1);
  });

  it('an answer lost after the asset was made: the retry resumes it by id, not a second asset', async () => {
    const f = file('lost.png', 'lost');
    const { client, uploads } = fakeClient(['created-then-lost', 'ok']);
    const store = new MemoryFiles();
    expect(await step(client, store).url(f)).toBe('https://cdn.test/ast_1');
    expect(uploads.map((u) => [u.key, u.assetId])).toEqual([[fileKey(BATCH, f.sha256), undefined], [fileKey(BATCH, f.sha256), 'ast_1']]);
  });

  describe('what a crash left in the store is resumed as the policy says', () => {
    const keyed = (f: FileMarker, over: Partial<FileRecord> = {}) => {
      const store = new MemoryFiles();
      store.records.set(f.sha256, { sha256: f.sha256, key: fileKey(BATCH, f.sha256), keyAt: 1_000_000, ...over });
      return store;
    };

    it('keyed, its answer never came, within the key window: the same key (FLORA answers 409 and the asset is found)', async () => {
      const f = file('a.png', 'a');
      const { client, uploads, lists } = fakeClient();
      await step(client, keyed(f), () => 1_000_000 + SAFE_RESEND_MS).url(f);
      expect(uploads).toEqual([expect.objectContaining({ key: fileKey(BATCH, f.sha256), assetId: undefined })]);
      expect(lists).toHaveLength(0);
    });

    it('its asset known: resumed by id, however old the key', async () => {
      const f = file('b.png', 'b');
      const { client, uploads } = fakeClient();
      await step(client, keyed(f, { assetId: 'ast_9' }), () => 1_000_000 + 10 * SAFE_RESEND_MS).url(f);
      expect(uploads).toEqual([expect.objectContaining({ assetId: 'ast_9' })]);
    });

    it('keyed past the window: the asset list is searched by the file\'s name first; found, it is resumed by id', async () => {
      const f = file('c.png', 'c');
      const name = `${f.sha256.slice(0, 12)}-c.png`;
      const { client, uploads, lists } = fakeClient([], [{ asset_id: 'ast_old', name: 'other.png', created_at: 1000 }, { asset_id: 'ast_7', name, created_at: 1000 }]);
      const store = keyed(f);
      await step(client, store, () => 1_000_000 + SAFE_RESEND_MS + 1).url(f);
      expect(lists).toEqual([{ query: name, limit: 100 }]);
      expect(store.log[0]).toBe('created ast_7');
      expect(uploads).toEqual([expect.objectContaining({ assetId: 'ast_7' })]);
    });

    it('keyed past the window and not in the list: the key (forgotten by FLORA) is recorded anew before the upload', async () => {
      const f = file('d.png', 'd');
      const { client, uploads } = fakeClient();
      const store = keyed(f);
      const later = 1_000_000 + SAFE_RESEND_MS + 1;
      await step(client, store, () => later).url(f);
      expect(store.log[0]).toBe(`keyed ${fileKey(BATCH, f.sha256)}`);
      expect(uploads).toEqual([expect.objectContaining({ key: fileKey(BATCH, f.sha256), assetId: undefined })]);
      expect(store.records.get(f.sha256)!.keyAt).toBe(later);
    });

    it('a store lost whole: the same key as before, from the batch and the content alone', async () => {
      const f = file('e.png', 'e');
      const { client, uploads } = fakeClient();
      await step(client, new MemoryFiles()).url(f);
      await step(client, new MemoryFiles()).url(f);
      expect(uploads.map((u) => u.key)).toEqual([fileKey(BATCH, f.sha256), fileKey(BATCH, f.sha256)]);
    });
  });

  it('a file that cannot be had fails for every item naming it, at once and once', async () => {
    const f = file('bad.png', 'bad');
    const failed = new AssetFailedError({ asset_id: 'ast_1', status: 'failed', failure_message: 'not an image' } as never);
    const { client, uploads } = fakeClient([failed]);
    const s = step(client, new MemoryFiles());
    const errors = await Promise.all(Array.from({ length: 5 }, () => s.url(f).catch((e: unknown) => e)));
    expect(uploads).toHaveLength(1);
    for (const e of errors) expect(e).toMatchObject({ name: 'FileUnavailableError', code: 'asset_failed' });
  });

  it('a file whose content changed since the items were read is not uploaded', async () => {
    const f = file('changed.png', 'before');
    writeFileSync(f.$file, 'after');
    const { client, uploads } = fakeClient();
    await expect(step(client, new MemoryFiles()).url(f)).rejects.toMatchObject({ code: 'file_changed' });
    expect(uploads).toHaveLength(0);
  });

  it('an outage is waited out, resuming; past the attempts allowed, or aborted, the batch stops', async () => {
    const f = file('flaky.png', 'flaky');
    const down = () => new APIConnectionError({ message: 'down' });
    const { client, uploads } = fakeClient([down(), down(), down()]);
    await expect(step(client, new MemoryFiles()).url(f)).rejects.toBeInstanceOf(APIConnectionError);
    expect(uploads).toHaveLength(3);
    const stop = new AbortController();
    stop.abort();
    const aborted = fakeClient([new APIUserAbortError({ message: 'aborted' })]);
    await expect(step(aborted.client, new MemoryFiles(), undefined, stop.signal).url(f)).rejects.not.toBeInstanceOf(FileUnavailableError);
  });
});

describe('processItem with files', () => {
  const item = (inputs: unknown, state: 'pending' | 'starting'): PipelineItem => ({ id: 'i1', inputs, state, attempt: 1, key: state === 'starting' ? 'fb1-k' : undefined, keyAt: state === 'starting' ? 1000 : undefined, anchorRunId: undefined, runId: undefined, quote: undefined });
  function run(it: PipelineItem, files: FileStep, lookup = false) {
    const moves: string[] = [];
    const sent: unknown[] = [];
    const store: ItemStore = {
      starting: async (i, key, keyAt) => void (moves.push('send'), Object.assign(i, { state: 'starting', key, keyAt })),
      started: async (i, runId) => void (moves.push('confirm'), Object.assign(i, { state: 'started', runId })),
      ended: async (i, end) => void (moves.push(`${i.state}->${end.state} ${end.errorCode ?? ''}`.trim()), (i.state = end.state)),
      retry: async () => undefined,
      putBack: async () => undefined,
      lastConfirmed: () => undefined,
    };
    const client = { techniques: { runs: { create: async (_t: string, body: { inputs: unknown }) => (sent.push(body.inputs), { run_id: 'run_1' }) } } } as unknown as Flora;
    const out = processItem(it, {
      store,
      batchId: BATCH,
      techniqueId: 't',
      workspaceId: undefined,
      rule: { retryFailed: 0, retryable: new Set() },
      now: () => 1000,
      inLane: (_i, fn) => fn(),
      files,
      startHooks: () => ({ client, now: () => 1000, maxStartAttempts: 3, rateLimited: async () => undefined, lookup: async (why) => (lookup ? { do: 'found', runId: 'run_found' } : { do: 'review', message: why }) }),
      waitFor: async (i) => ({ run_id: i.runId!, status: 'completed' }),
    });
    return { out, moves, sent };
  }

  it('the start carries the ready asset\'s URL, never the file', async () => {
    const f = file('ok.png', 'ok');
    const { client } = fakeClient();
    const r = run(item([{ id: 'reference', type: 'imageUrl', value: f }], 'pending'), step(client, new MemoryFiles()));
    expect(await r.out).toMatchObject({ kind: 'ended', end: { state: 'completed' } });
    expect(r.sent).toEqual([[{ id: 'reference', type: 'imageUrl', value: 'https://cdn.test/ast_1' }]]);
  });

  it('a pending item whose file cannot be had fails with nothing sent; a starting one is looked up, not sent again', async () => {
    const f = file('gone.png', 'gone');
    const failed = () => new AssetFailedError({ asset_id: 'ast_1', status: 'failed' } as never);
    const pending = run(item([{ id: 'reference', type: 'imageUrl', value: f }], 'pending'), step(fakeClient([failed()]).client, new MemoryFiles()));
    expect(await pending.out).toMatchObject({ kind: 'ended', end: { state: 'failed', errorCode: 'input_upload_failed' } });
    expect(pending.moves).toEqual(['pending->failed input_upload_failed']);
    expect(pending.sent).toHaveLength(0);
    const starting = run(item([{ id: 'reference', type: 'imageUrl', value: f }], 'starting'), step(fakeClient([failed()]).client, new MemoryFiles()), true);
    expect(await starting.out).toMatchObject({ kind: 'ended', end: { state: 'completed' } });
    expect(starting.moves).toEqual(['confirm', 'started->completed']);
    expect(starting.sent).toHaveLength(0);
  });
});

describe('prepareItemFiles', () => {
  it('turns flora.file(path) into markers, hashing each file once, and refuses what a batch cannot read again, naming the line', async () => {
    const f = file('p.png', 'p');
    const items = [
      { id: 'a', inputs: [{ id: 'reference', type: 'imageUrl', value: new LocalFile(f.$file) }] },
      { id: 'b', inputs: { photo: new LocalFile(f.$file, { content_type: 'image/png' }), prompt: 'x' } },
    ];
    const out = await prepareItemFiles(items);
    expect(out[0]!.inputs).toEqual([{ id: 'reference', type: 'imageUrl', value: { $file: f.$file, sha256: f.sha256 } }]);
    expect(out[1]!.inputs).toEqual({ photo: { $file: f.$file, sha256: f.sha256, content_type: 'image/png' }, prompt: 'x' });
    const bad = [
      { id: 'c', inputs: [{ id: 'r', type: 'imageUrl', value: new LocalFile(new Uint8Array(3)) }] },
      { id: 'd', inputs: [{ id: 'r', type: 'imageUrl', value: new LocalFile(join(dir, 'missing.png')) }] },
      { id: 'e', inputs: { r: new LocalFile('https://example.com/a.png') } },
    ];
    const err = await prepareItemFiles(bad).catch((e: unknown) => e);
    expect((err as { fields: { field: string; message: string }[] }).fields).toEqual([
      { field: 'line 1.inputs[0].value', message: expect.stringMatching(/must be a path/) },
      { field: 'line 3.inputs.r', message: expect.stringMatching(/http\(s\) URL/) },
      { field: 'line 2.inputs[0].value', message: expect.stringMatching(/missing\.png cannot be read: no such file/) },
    ]);
  });
});
