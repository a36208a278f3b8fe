/**
 * The file step of the item pipeline: before an item's start is sent, every local file its inputs name
 * becomes a ready asset, and the start carries the assets' URLs. Written once for both runners; what
 * differs (where a file's record is kept, and how one uploader is chosen across processes) comes in as a
 * `FileStore`. Each distinct file (by content) is uploaded once per batch: one upload in flight per file
 * in a process, and the store's `withFile` makes it one across a queue's workers. Every upload is
 * journaled as a start is (`file-policy.ts`), so neither a crash nor a lost answer uploads a file twice.
 */
import type { Flora } from '../client.js';
import { FloraError } from '../core/errors.js';
import { sleep } from '../core/timers.js';
import { assetFileName, classifyUploadError, fileVerdict, type FileRecord } from './file-policy.js';
import { hashFile } from './hash-files.js';
import { fileMarkers, type FileMarker } from './input-files.js';
import { fileKey } from './keys.js';
import { withRetries } from './lookup.js';

/** Where a batch keeps its files' records (the journal, or Redis), each write durable when it resolves. */
export interface FileStore {
  /** The file's record, if any. */
  fileRecord(sha256: string): Promise<FileRecord | undefined> | FileRecord | undefined;
  /** Before anything of an upload is sent: its key, and when it was recorded. */
  fileKeyed(sha256: string, key: string, keyAt: number): Promise<void>;
  /** The file's asset exists: its id, recorded before its bytes are sent. */
  fileCreated(sha256: string, assetId: string): Promise<void>;
  /** The asset is ready: its URL is what runs get. */
  fileReady(sha256: string, assetId: string, url: string): Promise<void>;
  /** Runs `fn` as the batch's one uploader of this file (a queue's workers take turns through Redis; one process needs nothing). */
  withFile<T>(sha256: string, fn: () => Promise<T>): Promise<T>;
}

/** A file the items naming it cannot have: they end failed (a pending item) or are looked up (a starting one). */
export class FileUnavailableError extends FloraError {
  override name = 'FileUnavailableError';
  constructor(
    readonly file: FileMarker,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file.$file}: ${message}`, options);
  }
}

/** What the step needs from its runner. */
export interface FileStepOptions {
  client: Flora;
  store: FileStore;
  batchId: string;
  /** The workspace files are uploaded to (asked for once, when the first file needs it). */
  workspace: () => Promise<string>;
  now: () => number;
  signal?: AbortSignal | undefined;
  /** Failures of one file's upload (after the client's own retries) before the batch stops. */
  maxAttempts: number;
  /** How long to wait for an asset to become ready, per upload (ms). */
  waitTimeout?: number | undefined;
}

export class FileStep {
  readonly #o: FileStepOptions;
  /** One upload in flight per file in this process; a file that cannot be had stays failed here. */
  readonly #files = new Map<string, Promise<string>>();
  /** Files checked to still hold what the batch hashed, once per process. */
  readonly #checked = new Map<string, Promise<void>>();
  #workspace: Promise<string> | undefined;
  /** Uploads this process sent (resumed ones included), for the summary. */
  uploads = 0;

  constructor(options: FileStepOptions) {
    this.#o = options;
  }

  /** The URL of every file `inputs` name, by hash: each ready before this resolves. */
  async urls(inputs: unknown): Promise<Map<string, string>> {
    const markers = fileMarkers(inputs);
    const urls = await Promise.all(markers.map((m) => this.url(m)));
    return new Map(markers.map((m, i) => [m.sha256, urls[i]!]));
  }

  /** The URL of one file's ready asset: from its record, or after its one upload. */
  url(file: FileMarker): Promise<string> {
    let url = this.#files.get(file.sha256);
    if (!url) {
      const { store } = this.#o;
      // A file another worker made ready is read without taking its lease.
      url = Promise.resolve(store.fileRecord(file.sha256)).then((r) => r?.url ?? store.withFile(file.sha256, () => this.#ensure(file)));
      this.#files.set(file.sha256, url);
      // A batch that stopped (or a holder that lost Redis) may try again later; a file that cannot be had stays so.
      url.catch((err: unknown) => {
        if (!(err instanceof FileUnavailableError)) this.#files.delete(file.sha256);
      });
    }
    return url;
  }

  async #ensure(file: FileMarker): Promise<string> {
    const { client, store, signal } = this.#o;
    const key = fileKey(this.#o.batchId, file.sha256);
    const name = assetFileName(file.sha256, file.$file);
    for (let failures = 0; ; ) {
      const record = await store.fileRecord(file.sha256);
      const v = fileVerdict(record, this.#o.now());
      if (v.do === 'use') return v.url;
      try {
        let assetId = v.do === 'resume' ? v.assetId : v.do === 'find' ? await this.#find(name, record!) : undefined;
        if (v.do === 'find' && assetId !== undefined) await store.fileCreated(file.sha256, assetId);
        // Nothing known was sent: the key first, durably, then the upload (a key FLORA forgot is free again).
        if (v.do === 'upload' || (v.do === 'find' && assetId === undefined)) await store.fileKeyed(file.sha256, key, this.#o.now());
        await this.#check(file);
        this.uploads++;
        const params = { workspace_id: await this.#workspaceId(), file_name: name, ...(file.content_type ? { content_type: file.content_type } : {}) };
        const asset = await client.assets.upload(file.$file, params, {
          idempotencyKey: key,
          assetId,
          signal,
          waitTimeout: this.#o.waitTimeout,
          onCreated: (a) => store.fileCreated(file.sha256, a.asset_id),
        });
        assetId = asset.asset_id;
        if (!asset.url) throw new FileUnavailableError(file, 'asset_without_url', `asset ${asset.asset_id} is ready but has no URL`);
        await store.fileReady(file.sha256, asset.asset_id, asset.url);
        return asset.url;
      } catch (err) {
        if (err instanceof FileUnavailableError) throw err;
        const u = classifyUploadError(err, { failures, maxAttempts: this.#o.maxAttempts, aborted: signal?.aborted ?? false });
        if (u.do === 'stop') throw u.error;
        if (u.do === 'fail') throw new FileUnavailableError(file, u.code, u.message, { cause: err });
        failures++;
        await sleep(u.afterMs, signal);
      }
    }
  }

  /** The newest asset of this name created since the record's key (FLORA forgot the key; the name holds the hash). */
  async #find(name: string, record: FileRecord): Promise<string | undefined> {
    const { client, signal } = this.#o;
    const since = record.keyAt / 1000 - 10 * 60;
    const page = await withRetries(() => client.assets.list({ query: name, limit: 100 }, { signal }), signal);
    return page.assets.find((a) => a.asset_id && a.name === name && a.status !== 'failed' && (typeof a.created_at !== 'number' || a.created_at >= since))?.asset_id ?? undefined;
  }

  /** The file still holds what the batch hashed when it read the items (else it is not this item's input any more). */
  #check(file: FileMarker): Promise<void> {
    let checked = this.#checked.get(file.sha256);
    if (!checked) {
      checked = hashFile(file.$file, this.#o.signal).then(
        ({ sha256 }) => {
          if (sha256 !== file.sha256) throw new FileUnavailableError(file, 'file_changed', `its content changed since the batch read it (sha256 ${file.sha256.slice(0, 12)}... then, ${sha256.slice(0, 12)}... now); its items are not sent with other content than they were made with`);
        },
        (err: NodeJS.ErrnoException) => {
          if (this.#o.signal?.aborted) throw err;
          throw new FileUnavailableError(file, 'file_unreadable', `cannot be read (${err.code ?? err.message})`, { cause: err });
        },
      );
      this.#checked.set(file.sha256, checked);
      checked.catch(() => this.#checked.delete(file.sha256));
    }
    return checked;
  }

  #workspaceId(): Promise<string> {
    this.#workspace ??= this.#o.workspace();
    this.#workspace.catch(() => (this.#workspace = undefined));
    return this.#workspace;
  }
}
