/**
 * Stable idempotency keys for batch items. A key is a pure function of the batch, the item id and the
 * attempt, so a process that restarts (or another BullMQ worker that takes over a job) sends the same key
 * for the same start and FLORA never runs it twice. Keys are hex and short, so they always pass the
 * client's Idempotency-Key checks (1 to 255 printable ASCII characters, `core/validation.ts`).
 */
import { createHash, randomUUID } from 'node:crypto';

/** FLORA remembers an idempotency key for two hours. */
export const IDEMPOTENCY_WINDOW_MS = 2 * 60 * 60 * 1000;
/**
 * A key older than this is treated as forgotten by FLORA: a start whose answer was lost is then looked up,
 * never sent again. Five minutes short of the window, so clock skew and a slow request cannot make a
 * resend land just after FLORA forgot the key.
 */
export const SAFE_RESEND_MS = IDEMPOTENCY_WINDOW_MS - 5 * 60 * 1000;

/** A new batch id: random, so two journals never share keys by accident. */
export const newBatchId = (): string => `b${randomUUID().replace(/-/g, '').slice(0, 20)}`;

/**
 * The key of one start: `fb1-<sha256(batch, item, attempt) in 40 hex digits>`. `attempt` is 1 for the first
 * run of an item; a retry of a failed run (a new run, on purpose) gets attempt 2, 3, ...
 */
export function itemKey(batchId: string, itemId: string, attempt = 1): string {
  const h = createHash('sha256').update(batchId).update('\0').update(itemId).update('\0').update(String(attempt)).digest('hex');
  return `fb1-${h.slice(0, 40)}`;
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
