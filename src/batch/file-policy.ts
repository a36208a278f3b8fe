/**
 * The file step's policy: what happens to one local file of a batch (one upload per distinct content),
 * whichever store keeps its record. Pure decisions, no I/O, as `policy.ts` is for starts. An upload is
 * journaled like a start: its key (derived from the batch and the file's hash, `keys.ts`) is recorded
 * before anything is sent, the asset's id as soon as it exists (before its bytes go), its URL once it is
 * ready; only then may a run be started with it.
 *
 *   (none) ──key──▶ keyed ──asset id──▶ created ──ready──▶ ready (its URL goes into runs)
 *
 * A record found keyed or created (a process died, an answer was lost) is never uploaded again blindly:
 * with an asset id it is resumed by id; within FLORA's two hours the same key is sent again (a create it
 * already had answers 409 and `assets.upload` finds the asset by its name); past them the asset list is
 * searched by the file's name (which holds its hash) before anything is sent.
 */
import {
  APIError,
  APIUserAbortError,
  AssetFailedError,
  AssetTimeoutError,
  AuthenticationError,
  FloraError,
  IdempotencyDuplicateError,
  InputValidationError,
  NotFoundError,
  PermissionDeniedError,
  UploadError,
} from '../core/errors.js';
import { backoffMs, isRetryable } from '../core/retry.js';
import { isTransient } from '../core/transient.js';
import { mayResend, type ItemState } from './policy.js';
import type { ItemEnd } from './result.js';

/** A file's record in the batch's store. */
export interface FileRecord {
  /** The file's SHA-256 (hex): the record's key. */
  sha256: string;
  /** The upload's idempotency key, recorded before anything was sent. */
  key: string;
  /** When the key was (last) recorded, epoch ms: its age decides whether it may be sent again. */
  keyAt: number;
  /** The asset, once it exists. */
  assetId?: string | undefined;
  /** The ready asset's URL: what the batch's runs are started with. */
  url?: string | undefined;
}

/** What to do for a file an item needs. */
export type FileVerdict =
  /** Ready: its URL goes into the run. */
  | { do: 'use'; url: string }
  /** Nothing was sent for it: record the key, then upload. */
  | { do: 'upload' }
  /** Its asset exists: resume it by id (send its bytes if they never arrived, complete, wait). */
  | { do: 'resume'; assetId: string }
  /** Keyed, no asset id, the key still remembered by FLORA: upload with the same key (a create it had answers 409, and the asset is found). */
  | { do: 'resend' }
  /** Keyed long ago, no asset id: FLORA forgot the key, so look for the asset in the list before sending anything. */
  | { do: 'find' };

/** The file's verdict from its record (or none) at `now`. */
export function fileVerdict(record: FileRecord | undefined, now: number): FileVerdict {
  if (!record) return { do: 'upload' };
  if (record.url) return { do: 'use', url: record.url };
  if (record.assetId) return { do: 'resume', assetId: record.assetId };
  return mayResend(record.keyAt, now) ? { do: 'resend' } : { do: 'find' };
}

/** What to do after an upload failed. */
export type UploadVerdict =
  /** The API or the storage host was away (after the client's own retries): try again, resuming. */
  | { do: 'retry'; afterMs: number }
  /** This file cannot become an asset (unreadable, refused, failed processing): the items naming it fail. */
  | { do: 'fail'; code: string; message: string }
  /** The batch cannot go on (the key refused, the caller stopped it, the retries ran out). */
  | { do: 'stop'; error: unknown };

/** Where an upload stands when it failed. */
export interface UploadAttempt {
  /** Failures of this file's upload so far in this process. */
  failures: number;
  /** Failures allowed before the batch stops. */
  maxAttempts: number;
  aborted: boolean;
  random?: () => number;
}

/** One verdict for every error an upload can end with. */
export function classifyUploadError(err: unknown, at: UploadAttempt): UploadVerdict {
  if (at.aborted || err instanceof APIUserAbortError) return { do: 'stop', error: err };
  if (err instanceof AuthenticationError || err instanceof PermissionDeniedError) return { do: 'stop', error: err };
  if (err instanceof AssetFailedError) return { do: 'fail', code: 'asset_failed', message: err.message };
  if (err instanceof IdempotencyDuplicateError) {
    // FLORA had the key, and no asset of the file's name was in the list: a person must look.
    return { do: 'fail', code: 'asset_not_found', message: `${err.message}; FLORA already had this file's upload key, yet no asset of its name is in the asset list` };
  }
  if (err instanceof NotFoundError) return { do: 'fail', code: 'asset_not_found', message: err.message };
  if (err instanceof InputValidationError) return { do: 'fail', code: err.code ?? 'invalid_file', message: err.message };
  const transient = isTransient(err) || err instanceof AssetTimeoutError || (err instanceof UploadError && (err.status === undefined || isRetryable(err.status, err.headers)));
  if (!transient && err instanceof APIError && err.status !== undefined && err.status < 500 && err.status !== 408) return { do: 'fail', code: err.code ?? `http_${err.status}`, message: err.message };
  if (!transient && !(err instanceof FloraError)) {
    // The file itself (unreadable now, say): its items fail; anything else stops the batch.
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? { do: 'fail', code: 'file_unreadable', message: (err as Error).message } : { do: 'stop', error: err };
  }
  if (at.failures + 1 >= at.maxAttempts) return { do: 'stop', error: err };
  return { do: 'retry', afterMs: backoffMs(at.failures + 1, at.random) };
}

/**
 * What an item whose file cannot be had does: a `pending` one ends failed (nothing ran, nothing was
 * charged); a `starting` one was maybe started already, with a URL its store no longer has, so it is not
 * sent again but looked up in the run list, as a start whose answer was lost.
 */
export const fileFailureFor = (state: ItemState): 'fail' | 'lookup' => (state === 'starting' ? 'lookup' : 'fail');

/** The end of an item whose file could not be uploaded: no run was started. */
export const uploadFailedEnd = (code: string, message: string): ItemEnd => ({ state: 'failed', status: 'failed', errorCode: 'input_upload_failed', errorMessage: `${code}: ${message}` });

/**
 * The asset's name: the first 12 hex digits of the file's hash, then its base name, made safe (no control
 * characters or separators, at most 120 characters, its extension kept). The hash makes the name say
 * which content it holds, so a lookup by name finds this file's asset and no other.
 */
export function assetFileName(sha256: string, path: string): string {
  const base = (path.split(/[\\/]/).filter(Boolean).pop() ?? '').replace(/[\x00-\x1f\x7f"]/g, '').trim() || 'file';
  const ext = /\.[A-Za-z0-9]{1,10}$/.exec(base)?.[0] ?? '';
  const safe = base.length <= 120 ? base : base.slice(0, 120 - ext.length) + ext;
  return `${sha256.slice(0, 12)}-${safe}`;
}
