/**
 * `flora-runs-client/batch`: `runBatch()` runs a technique once per item through a crash-safe journal
 * (a local SQLite file, via the optional peer dependency better-sqlite3): a restarted batch resumes, never
 * starts a second run for an item, and never loses a result.
 */
export { runBatch, resultOf, RunWatcher, SharedPause, type BatchOutcome, type BatchProgress, type BatchStop, type BatchSummary, type ItemResult, type RunBatchOptions } from './run-batch.js';
export { checkItems, parseItemsJsonl, type BatchItem, type BatchRoute, type CheckedItem } from './items.js';
export { Journal, ITEM_STATES, type ItemRow, type ItemState, type JournalMeta, type JournalStatus } from './journal.js';
export { itemKey, inputsDigest, IDEMPOTENCY_WINDOW_MS, SAFE_RESEND_MS } from './keys.js';
