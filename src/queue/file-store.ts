/**
 * The batch's local files in Redis, for the file step (`batch/file-step.ts`): each file's record (its
 * upload key, asset id, URL) in one hash beside the batch's other state, and a lease per file so that one
 * worker uploads it while the others wait, then read its URL. A lease is short and renewed while held:
 * a worker killed mid-upload frees it within seconds, and the next holder resumes the upload from the
 * record (by asset id, or by the same key). A Redis that lost the records costs no second upload within
 * FLORA's two hours: the key is derived from the batch and the file's content, so FLORA answers 409 and
 * the asset is found by its name.
 */
import type { Redis } from 'ioredis';
import { FloraError } from '../core/errors.js';
import { sleep } from '../core/timers.js';
import type { FileRecord } from '../batch/file-policy.js';
import type { FileStore } from '../batch/file-step.js';
import type { BatchKeys } from './connection.js';
import { PUT_FILE, RENEW, UNLOCK } from './scripts.js';

const LEASE_MS = 3000;
const MAX_POLL_MS = 200;

export class RedisFileStore implements FileStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: BatchKeys,
    private readonly signal?: AbortSignal,
  ) {}

  async fileRecord(sha256: string): Promise<FileRecord | undefined> {
    return this.#read(sha256, await this.redis.hget(this.k.files, sha256));
  }

  #read(sha256: string, text: string | null): FileRecord | undefined {
    if (!text) return undefined;
    let v: Partial<FileRecord>;
    try {
      v = JSON.parse(text) as Partial<FileRecord>;
    } catch {
      throw new FloraError(`the batch's record of file ${sha256} in Redis (${this.k.files}) is not readable`);
    }
    if (typeof v.key !== 'string' || typeof v.keyAt !== 'number') throw new FloraError(`the batch's record of file ${sha256} in Redis (${this.k.files}) is damaged: ${text.slice(0, 200)}`);
    return { sha256, key: v.key, keyAt: v.keyAt, assetId: typeof v.assetId === 'string' ? v.assetId : undefined, url: typeof v.url === 'string' ? v.url : undefined };
  }

  async #put(sha256: string, fields: Partial<FileRecord>): Promise<void> {
    await this.redis.eval(PUT_FILE, 1, this.k.files, sha256, JSON.stringify(fields));
  }

  fileKeyed(sha256: string, key: string, keyAt: number): Promise<void> {
    return this.#put(sha256, { key, keyAt });
  }

  fileCreated(sha256: string, assetId: string): Promise<void> {
    return this.#put(sha256, { assetId });
  }

  fileReady(sha256: string, assetId: string, url: string): Promise<void> {
    return this.#put(sha256, { assetId, url });
  }

  /** Runs `fn` holding the file's lease; waits (from 10 to 200 ms between asks) while another worker holds it. */
  async withFile<T>(sha256: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${this.k.fileLock}${sha256}`;
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    for (let wait = 10; (await this.redis.set(lock, token, 'PX', LEASE_MS, 'NX')) !== 'OK'; wait = Math.min(wait * 2, MAX_POLL_MS)) await sleep(wait, this.signal);
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, lock, token, String(LEASE_MS)).catch(() => undefined), LEASE_MS / 3);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.redis.eval(UNLOCK, 1, lock, token).catch(() => undefined);
    }
  }
}
