/**
 * One process's run of a batch over its journal: the adapter between the item pipeline (`pipeline.ts`)
 * and this process. It schedules items (at most `concurrency` in flight, starts through one lane), gives
 * the pipeline its hooks (the shared 429 pause, lookups holding the whole lane, the run watcher, the
 * budget), and reports progress and results.
 */
import type { Flora } from '../client.js';
import { APIUserAbortError } from '../core/errors.js';
import { FileStep } from './file-step.js';
import { IDEMPOTENCY_WINDOW_MS } from './keys.js';
import type { ItemRow } from './journal.js';
import type { JournalStore } from './journal-store.js';
import { Lane, SharedPause } from './lane.js';
import { findLostRun, LOOKUP_SLACK_MS, newestRun } from './lookup.js';
import { processItem, type BatchStop, type PipelineDeps, type PipelineItem } from './pipeline.js';
import { isEnded, type RetryRule, type RunEnd } from './policy.js';
import { endedResult, openResult, type ItemResult } from './result.js';
import type { ResultsFile } from './results-file.js';
import { RunWatcher } from './run-watcher.js';
import { BatchStoreError } from './store-error.js';
import type { BatchOutcome, BatchProgress } from './types.js';
import type { StartHooks } from './start.js';

export interface RunnerOptions {
  now: () => number;
  concurrency: number;
  startConcurrency: number;
  pollInterval: number;
  rule: RetryRule;
  maxStartAttempts: number;
  maxCost: number | undefined;
  recover: boolean;
  signal: AbortSignal | undefined;
  onProgress: ((p: BatchProgress) => void) | undefined;
  onResult: ((r: ItemResult) => void) | undefined;
  results: ResultsFile | undefined;
  started: number;
}

/** An item's result from its journal row. */
export function resultOf(row: ItemRow, stopped?: BatchStop): ItemResult {
  if (isEnded(row.state)) return endedResult(row.id, row.runId, { state: row.state, status: row.status ?? row.state, outputs: row.outputs, chargedCost: row.chargedCost, errorCode: row.errorCode, errorMessage: row.errorMessage });
  const why = stopped ?? { reason: 'not_started', message: 'the batch stopped before this item started' };
  return openResult(row.id, row.runId, why.reason, why.message);
}

export class BatchRunner {
  readonly #abort = new AbortController();
  readonly #lane: Lane;
  readonly #slots: Lane;
  readonly #pause = new SharedPause();
  readonly #watcher: RunWatcher;
  readonly #files: FileStep;
  readonly #inFlight = new Set<string>();
  #stopped: BatchStop | undefined;
  #fatal: unknown;
  #spent = 0;
  #baseQuote: number | undefined;
  /** The largest final charge seen as a multiple of its quote: the quote alone can be short. */
  #chargeRatio = 1;
  #endedHere = 0;
  /** Charges of runs that ended whose item's change is not committed yet: progress counts them with the item (never spend ahead of done). */
  readonly #uncommitted = new Map<string, number>();
  /** Items ended, by how: counted as they end (a count over every row per change grows with the batch). */
  readonly #ended = { completed: 0, failed: 0, review: 0 };
  #startRequests = 0;
  #lookups = 0;
  #resumed = 0;

  constructor(
    private readonly client: Flora,
    private readonly store: JournalStore,
    private readonly o: RunnerOptions,
  ) {
    const outer = o.signal;
    if (outer?.aborted) this.#abort.abort(outer.reason);
    else outer?.addEventListener('abort', () => this.#abort.abort(outer.reason), { once: true });
    this.#lane = new Lane(o.startConcurrency, this.#signal);
    this.#slots = new Lane(o.concurrency, this.#signal);
    this.#watcher = new RunWatcher(client, { pollInterval: o.pollInterval, workspaceId: this.#meta.workspaceId, signal: this.#signal });
    const workspaceId = this.#meta.workspaceId;
    this.#files = new FileStep({
      client,
      store,
      batchId: this.#meta.batchId,
      workspace: () => (workspaceId ? Promise.resolve(workspaceId) : client.fileWorkspace({ signal: this.#signal })),
      now: o.now,
      signal: this.#signal,
      maxAttempts: o.maxStartAttempts,
    });
  }

  get #signal(): AbortSignal {
    return this.#abort.signal;
  }

  get #meta() {
    return this.store.journal.meta;
  }

  /** Called by the store as each change is committed. */
  changed(row: ItemRow): void {
    this.#uncommitted.delete(row.id);
    if (isEnded(row.state)) {
      this.#ended[row.state]++;
      this.#inFlight.delete(row.id);
      this.#endedHere++;
      const result = resultOf(row);
      this.o.results?.append(result);
      this.o.onResult?.(result);
    }
    this.#progress();
  }

  async run(): Promise<BatchOutcome> {
    // Starts sent but not confirmed first (their lookups search back to the runs confirmed before them), then
    // the runs already started, then the rest in the items' order: kept as the items' places, not their rows.
    const byState = this.store.opened;
    this.#ended.completed += byState.completed;
    this.#ended.failed += byState.failed;
    this.#ended.review += byState.review;
    this.#spent += byState.spent;
    this.#baseQuote ??= byState.quote;
    if (this.o.maxCost !== undefined && this.#baseQuote === undefined) {
      // A first estimate of what a run costs, before any start has quoted one.
      const technique = await this.client.techniques.retrieve(this.#meta.techniqueId, { signal: this.#signal }).catch(() => undefined);
      const cost = (technique as { run_cost?: unknown } | undefined)?.run_cost;
      if (typeof cost === 'number') this.#baseQuote = cost;
    }
    const queue = [...byState.starting, ...byState.started, ...byState.pending];
    this.#resumed = byState.starting.length + byState.started.length;
    this.#progress();
    const tasks = new Set<Promise<void>>();
    try {
      for (const place of queue) {
        await this.#slots.acquire();
        // Taken as an object while in flight; packed again once it leaves (`settle`).
        const row = this.store.take(place);
        if (this.#fatal !== undefined || (this.#stopped && row.state === 'pending')) {
          this.store.settle(row.id);
          this.#slots.release();
          if (this.#fatal !== undefined) break;
          continue;
        }
        this.#inFlight.add(row.id);
        const task: Promise<void> = processItem(row, this.#deps)
          .then((out) => {
            if (out.kind === 'stopped') this.#stopped ??= out.stop;
          })
          .catch((err: unknown) => {
            this.#fatal ??= this.#signal.aborted && !(err instanceof BatchStoreError) ? this.#signal.reason : err;
            this.#abort.abort(err);
          })
          .finally(() => {
            // An item that leaves without ending (stopped by the budget, put back) is no longer running:
            // say so, or the last progress a stopped batch reports counts it as running.
            if (this.#inFlight.delete(row.id)) this.#progress();
            this.store.settle(row.id);
            this.#slots.release();
            tasks.delete(task);
          });
        tasks.add(task);
      }
    } catch (err) {
      // The slots reject once the batch is aborted.
      this.#fatal ??= err;
    }
    await Promise.allSettled([...tasks]);
    if (this.#fatal !== undefined) throw this.#stopError(this.#fatal);
    return this.#outcome();
  }

  /** What the batch stopped with: the caller's abort as `APIUserAbortError` saying how to resume. */
  #stopError(err: unknown): unknown {
    if (this.o.signal?.aborted && !(err instanceof BatchStoreError)) {
      return err instanceof APIUserAbortError ? err : new APIUserAbortError({ message: 'Batch stopped: aborted. Run it again with the same journal to resume.', cause: this.o.signal.reason });
    }
    return err;
  }

  get #deps(): PipelineDeps {
    const meta = this.#meta;
    return {
      store: this.store,
      batchId: meta.batchId,
      techniqueId: meta.techniqueId,
      workspaceId: meta.workspaceId,
      rule: this.o.rule,
      now: this.o.now,
      // A stop (no credits) is known before the lane passes to the next start.
      inLane: (_item, fn) =>
        this.#lane.with(async () => {
          const out = await fn();
          if (out?.kind === 'stopped') this.#stopped ??= out.stop;
          return out;
        }),
      admit: (item) => this.#overBudget(item),
      horizon: () => newestRun(this.client, meta.techniqueId, meta.workspaceId, this.#signal),
      startHooks: (item) => this.#startHooks(item),
      files: this.#files,
      waitFor: (item) => this.#watcher.waitFor(item.runId!, meta.techniqueId),
      runEnded: (item, run) => this.#runEnded(item, run),
    };
  }

  #startHooks(item: PipelineItem): StartHooks {
    return {
      client: this.client,
      signal: this.#signal,
      now: this.o.now,
      maxStartAttempts: this.o.maxStartAttempts,
      ready: () => this.#pause.ready(this.#signal),
      // Every start waits: the pause is the batch's, not this item's.
      rateLimited: async (ms) => this.#pause.pause(ms),
      onSend: () => void this.#startRequests++,
      lookup: (why, foreign) => {
        if (foreign && !this.o.recover) {
          const j = this.store.journal.path;
          throw new BatchStoreError('lost', j, `batch ${this.#meta.name ?? this.#meta.batchId}: FLORA already had the idempotency key of item ${item.id}, which the journal ${j} never sent: the batch ran before with a journal that is lost (or another journal with the same batch name runs it). Nothing was started twice. To pick the batch up, run it again in recovery mode (--recover): what FLORA ran already is looked for in the run list.`);
        }
        // The whole lane: a start of another item in flight would add a run to the list.
        return this.#lane.exclusive(() => {
          this.#lookups++;
          const bound = foreign ? { sinceMs: this.o.now() - IDEMPOTENCY_WINDOW_MS - LOOKUP_SLACK_MS } : { anchorRunId: item.anchorRunId, sinceMs: item.keyAt! - LOOKUP_SLACK_MS };
          return findLostRun(this.client, { techniqueId: this.#meta.techniqueId, workspaceId: this.#meta.workspaceId, key: item.key!, why, bound }, (ids) => ids.map((id) => this.store.claimed.has(id)), this.#signal);
        });
      },
    };
  }

  #runEnded(item: PipelineItem, run: RunEnd): void {
    const cost = typeof run.charged_cost === 'number' ? run.charged_cost : undefined;
    if (cost === undefined) return;
    this.#spent += cost;
    this.#uncommitted.set(item.id, (this.#uncommitted.get(item.id) ?? 0) + cost);
    const quote = item.quote ?? this.#baseQuote;
    if (quote && run.status === 'completed') this.#chargeRatio = Math.max(this.#chargeRatio, cost / quote);
  }

  /** What starting `item` could bring the spend to, when over `maxCost`. */
  #overBudget(item: PipelineItem): BatchStop | undefined {
    const max = this.o.maxCost;
    if (max === undefined) return this.#stopped;
    if (this.#stopped) return this.#stopped;
    const estimate = (row: PipelineItem | undefined) => (row?.quote ?? this.#baseQuote ?? 0) * this.#chargeRatio;
    let inFlight = 0;
    for (const id of this.#inFlight) {
      const row = this.store.row(id);
      if (id !== item.id && (row.state === 'starting' || row.state === 'started')) inFlight += estimate(row);
    }
    const next = estimate(item);
    if (this.#spent + inFlight + next <= max + 1e-9) return undefined;
    return {
      reason: 'max_cost',
      message: `stopped starting runs: ${this.#spent.toFixed(4)} USD spent plus ${inFlight.toFixed(4)} in flight plus ${next.toFixed(4)} for the next run would pass --max-cost ${max}`,
    };
  }

  #progress(): void {
    if (!this.o.onProgress) return;
    const { completed, failed, review } = this.#ended;
    const total = this.store.size;
    const done = completed + failed + review;
    const elapsedMs = Date.now() - this.o.started;
    const etaMs = this.#endedHere > 0 ? ((total - done) * elapsedMs) / this.#endedHere : undefined;
    let uncommitted = 0;
    for (const cost of this.#uncommitted.values()) uncommitted += cost;
    this.o.onProgress({ total, done, completed, failed, review, running: this.#inFlight.size, pending: total - done - this.#inFlight.size, spent: this.#spent - uncommitted, elapsedMs, etaMs });
  }

  #outcome(): BatchOutcome {
    const results = Array.from(this.store.rows(), (r) => resultOf(r, this.#stopped));
    const { completed, failed, review } = this.#ended;
    this.o.results?.finish(results);
    return {
      results,
      summary: {
        batchId: this.#meta.batchId,
        name: this.#meta.name,
        techniqueId: this.#meta.techniqueId,
        total: results.length,
        completed,
        failed,
        review,
        notStarted: results.filter((r) => r.status === 'not_started').length,
        spent: Math.round(this.#spent * 1e6) / 1e6,
        stopped: this.#stopped,
        elapsedMs: Date.now() - this.o.started,
        startRequests: this.#startRequests,
        lookups: this.#lookups,
        uploads: this.#files.uploads,
        resumed: this.#resumed,
      },
    };
  }
}
