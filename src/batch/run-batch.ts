/**
 * `runBatch()`: many runs of one technique, one per item, through a journal that makes the batch survive
 * a crash. The order of things per item is what makes it safe (`pipeline.ts`):
 *
 *  1. the item's idempotency key (from the batch's name, technique and item id, `keys.ts`) is journaled,
 *     then the start is sent;
 *  2. the run id is journaled as soon as the answer brings it;
 *  3. the run is waited for with every other in-flight run (`client.runs.waitAll`, one list request per
 *     100 runs a round), and its end is journaled, and appended to the results file.
 *
 * A restarted batch resumes from the journal: an item whose start was sent but not confirmed is sent again
 * with the same key while FLORA still remembers it (two hours), so it cannot run twice; if FLORA answers
 * `idempotency_duplicate`, or the key is too old to resend, the run is looked for in the run list and, if
 * it cannot be found, marked for review. A journal lost or damaged under the batch stops it at once.
 */
import { resolve } from 'node:path';
import type { Flora } from '../client.js';
import { FloraError } from '../core/errors.js';
import { msProblems, refuseOptions } from '../core/validation.js';
import { prepareItemFiles } from './hash-files.js';
import { checkItems, type BatchItem, type BatchRoute } from './items.js';
import { JournalClaim, RUNNER_RENEW_MS, RUNNER_STALE_MS } from './journal-claim.js';
import { JournalStore } from './journal-store.js';
import { batchNameProblems } from './keys.js';
import { openJournal, rescueJournal } from './open-journal.js';
import { DEFAULT_RETRYABLE, isEnded } from './policy.js';
import { ResultsFile } from './results-file.js';
import { BatchRunner, resultOf } from './runner.js';
import { BatchStoreError } from './store-error.js';
import type { BatchOutcome, RunBatchOptions } from './types.js';

export { DEFAULT_RETRYABLE, resultOf };
export { RunWatcher } from './run-watcher.js';
export type { BatchOutcome, BatchProgress, BatchStop, BatchSummary, ItemResult, RunBatchOptions } from './types.js';

const refuse = (field: string, message: string): never => refuseOptions([{ field, message }]) as never;

/**
 * Runs one technique once per item, resumably: see the module's comment. Resolves with the summary and
 * every item's result once every item has ended (or the batch stopped starting: `maxCost`, no credits);
 * rejects with `APIUserAbortError` when `signal` aborts (the journal resumes it), with `BatchStoreError`
 * when the journal is lost, damaged or full under it (its message says how to resume), and with the
 * error when the batch cannot go on (a bad key, an unknown technique). Bad items are refused before
 * anything is sent: `InputValidationError` naming each bad line.
 *
 * An item's input may be a local file, `flora.file('shots/hero.png')` (a path): each distinct file is read
 * (SHA-256) before anything is sent, uploaded once per batch however many items name it, and journaled like
 * a start; the item's run starts with its asset's URL once the asset is ready. An item whose file cannot
 * become an asset ends `failed` (`input_upload_failed`) with no run.
 *
 * ```ts
 * const { summary, results } = await runBatch(flora, items, { techniqueId: 'art-directors-critique', journal: 'shots.journal' });
 * ```
 */
export async function runBatch(client: Flora, items: Iterable<BatchItem>, options: RunBatchOptions): Promise<BatchOutcome> {
  const started = Date.now();
  const concurrency = options.concurrency ?? 16;
  const startConcurrency = options.startConcurrency ?? 1;
  const pollInterval = options.pollInterval ?? 1000;
  const retryFailed = options.retryFailed ?? 0;
  if (typeof options.techniqueId !== 'string' || options.techniqueId === '') refuse('techniqueId', 'must be a technique slug or id');
  if (typeof options.journal !== 'string' || options.journal === '') refuse('journal', 'must be a file path');
  if (!Number.isInteger(concurrency) || concurrency < 1) refuse('concurrency', `must be a whole number >= 1; got ${concurrency}`);
  if (!Number.isInteger(startConcurrency) || startConcurrency < 1) refuse('startConcurrency', `must be a whole number >= 1; got ${startConcurrency}`);
  refuseOptions([...msProblems('pollInterval', pollInterval, { min: 50, infinite: false }), ...(options.batch !== undefined ? batchNameProblems('batch', options.batch) : [])]);
  if (!Number.isInteger(retryFailed) || retryFailed < 0) refuse('retryFailed', `must be a whole number >= 0; got ${retryFailed}`);
  if (options.maxCost !== undefined && !(options.maxCost >= 0)) refuse('maxCost', `must be a number of USD >= 0; got ${options.maxCost}`);
  const route: BatchRoute = options.workspaceId ? 'top' : 'nested';
  // Local files hashed first: an item's identity (its digest) covers its files' content. The checked copies
  // are not kept in a variable, and the caller's items are let go of before the journal is awaited: a
  // suspended async function keeps its locals and parameters, and the journal holds the items once it is open.
  const opening = openJournal(options.journal, checkItems(await prepareItemFiles(items), route, { techniqueId: options.techniqueId, workspaceId: options.workspaceId }), {
    name: options.batch ?? resolve(options.journal),
    named: options.batch !== undefined,
    techniqueId: options.techniqueId,
    workspaceId: options.workspaceId,
    route,
    results: options.results,
    recover: options.recover ?? false,
  });
  items = [];
  const journal = await opening;
  // One process runs a journal at a time; a claim not renewed (this process stalled past the stale limit)
  // may be taken over by another, and then this one stops rather than run the batch beside it. The renewal
  // also checks the journal's files: a journal lost while nothing is written stops the batch within seconds.
  const lost = new AbortController();
  const claim = new JournalClaim(journal);
  let renew: NodeJS.Timeout | undefined;
  let store: JournalStore | undefined;
  let results: ResultsFile | undefined;
  let failure: unknown;
  try {
    claim.claim();
    let renewed = Date.now();
    renew = setInterval(() => {
      let mine: boolean;
      try {
        journal.check();
        mine = claim.renew();
        renewed = Date.now();
      } catch (err) {
        if (err instanceof BatchStoreError) return void lost.abort(err);
        // Busy or failing for now: the claim stays good for a while and the next tick tries again, but not
        // for so long that another host could take the journal over while this process goes on.
        if (Date.now() - renewed < RUNNER_STALE_MS - 2 * RUNNER_RENEW_MS) return;
        lost.abort(new FloraError(`Batch stopped: its journal ${options.journal} could not be written for ${Math.round((Date.now() - renewed) / 1000)} s (${err instanceof Error ? err.message : String(err)}); run it again to resume.`));
        return;
      }
      if (!mine) lost.abort(new FloraError(`Batch stopped: another process took over ${options.journal} while this one had stalled; it runs the batch now.`));
    }, RUNNER_RENEW_MS);
    renew.unref();
    let runner: BatchRunner | undefined;
    store = new JournalStore(journal, (row) => runner?.changed(row));
    if (options.results) {
      const ended = [];
      for (const r of store.rows()) if (isEnded(r.state)) ended.push(resultOf(r));
      results = ResultsFile.open(options.results, ended);
    }
    runner = new BatchRunner(client, store, {
      now: options.now ?? Date.now,
      concurrency,
      startConcurrency,
      pollInterval,
      rule: { retryFailed, retryable: new Set(options.retryableCodes ?? DEFAULT_RETRYABLE) },
      maxStartAttempts: options.maxStartAttempts ?? 10,
      maxCost: options.maxCost,
      recover: options.recover ?? false,
      signal: options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal,
      onProgress: options.onProgress,
      onResult: options.onResult,
      results,
      started,
    });
    return await runner.run();
  } catch (err) {
    failure = lost.signal.aborted && !(err instanceof BatchStoreError) ? lost.signal.reason : err;
  } finally {
    clearInterval(renew);
    results?.close();
    try {
      journal.close();
    } catch {
      // a journal lost under the batch may not close cleanly; its rows are still in `store`
    }
  }
  // Lost or damaged under the batch: written again from what this process knew (after the old connection
  // closed, so nothing of it touches the new files).
  if (failure instanceof BatchStoreError && (failure.fault === 'missing' || failure.fault === 'damaged') && store) {
    const rescued = await rescueJournal(options.journal, journal.meta, store.rows(), store.confirmOrder, store.files);
    throw new BatchStoreError(failure.fault, failure.file, `${failure.message}. The batch stopped at once. ${rescued}`, { cause: failure.cause });
  }
  throw failure;
}
