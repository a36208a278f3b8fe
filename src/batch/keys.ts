/**
 * A batch's identity and its items' idempotency keys, derived from what the user gives: the batch's name,
 * its technique (and workspace), each item's id and the attempt. Nothing random and nothing kept only in a
 * store: a lost journal or a Redis that restarted empty gives the same keys again, so FLORA (which runs a
 * key once within two hours) answers a repeated start with `idempotency_duplicate` instead of charging a
 * second run. Keys are hex and short, so they always pass the client's Idempotency-Key checks (1 to 255
 * printable ASCII characters, `core/validation.ts`).
 */
import { createHash } from 'node:crypto';
import type { FieldError } from '../../generated/openapi.js';

/** FLORA remembers an idempotency key for two hours. */
export const IDEMPOTENCY_WINDOW_MS = 2 * 60 * 60 * 1000;
/**
 * A key older than this is treated as forgotten by FLORA: a start whose answer was lost is then looked up,
 * never sent again. Five minutes short of the window, so clock skew and a slow request cannot make a
 * resend land just after FLORA forgot the key.
 */
export const SAFE_RESEND_MS = IDEMPOTENCY_WINDOW_MS - 5 * 60 * 1000;

/** What names a batch: the user's name for it and what it runs. */
export interface BatchIdentity {
  name: string;
  techniqueId: string;
  workspaceId?: string | undefined;
}

/**
 * The batch id every key of the batch derives from: `b` and 20 hex digits of a digest of its name,
 * technique and workspace. The same batch named again (after its store was lost) gets the same id.
 */
export function batchIdOf(batch: BatchIdentity): string {
  const h = createHash('sha256').update('flora-batch/1').update('\0').update(batch.name).update('\0').update(batch.techniqueId).update('\0').update(batch.workspaceId ?? '');
  return `b${h.digest('hex').slice(0, 20)}`;
}

/** A batch name given by the user (`--batch`): what a queue name and a Redis key can hold. */
export function batchNameProblems(field: string, name: unknown): FieldError[] {
  return typeof name === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(name) ? [] : [{ field, message: 'must be 1 to 100 letters, digits, ".", "_" or "-"' }];
}

/**
 * The key of one start: `fb1-<sha256(batch, item, attempt) in 40 hex digits>`. `attempt` is 1 for the first
 * run of an item; a retry of a failed run (a new run, on purpose) gets attempt 2, 3, ...
 */
export function itemKey(batchId: string, itemId: string, attempt = 1): string {
  const h = createHash('sha256').update(batchId).update('\0').update(itemId).update('\0').update(String(attempt)).digest('hex');
  return `fb1-${h.slice(0, 40)}`;
}

/**
 * The idempotency key of one file's upload in a batch: `fa1-<batch id>-<first 40 hex digits of the file's
 * SHA-256>`. From the batch and the file's content alone, so every item naming the file, every worker and
 * every later process (a lost journal or Redis included) sends the same key, and FLORA makes one asset.
 */
export function fileKey(batchId: string, sha256: string): string {
  return `fa1-${batchId}-${sha256.slice(0, 40)}`;
}

/** A digest of an item's inputs, to notice an items file that is not the one the journal was made from. */
export function inputsDigest(inputs: unknown): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted, so equal values give equal text whatever order their keys were written in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
