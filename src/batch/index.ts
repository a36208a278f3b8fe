/**
 * `flora-runs-client/batch`: `runBatch()` runs a technique once per item through a crash-safe journal
 * (a local SQLite file, via the optional peer dependency better-sqlite3): a restarted batch resumes, never
 * starts a second run for an item, and never loses a result.
 */
export { runBatch, resultOf, RunWatcher, type BatchOutcome, type BatchProgress, type BatchStop, type BatchSummary, type ItemResult, type RunBatchOptions } from './run-batch.js';
export { SharedPause } from './lane.js';
export { BatchStoreError, type StoreFault } from './store-error.js';
export { DEFAULT_RETRYABLE, TRANSITIONS, canMove, classifyEnd, classifyStartError, type ItemEvent, type RetryRule, type StartVerdict, type EndVerdict } from './policy.js';
export { checkItems, parseItemsJsonl, type BatchItem, type BatchRoute, type CheckedItem } from './items.js';
export { Journal, ITEM_STATES, type ItemRow, type ItemState, type JournalMeta, type JournalStatus } from './journal.js';
export { batchIdOf, itemKey, inputsDigest, IDEMPOTENCY_WINDOW_MS, SAFE_RESEND_MS } from './keys.js';
