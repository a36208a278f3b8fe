/**
 * `runBatch()`: many runs of one technique, one per item, through a journal that makes the batch survive
 * a crash. The order of things per item is what makes it safe:
 *
 *  1. the item's idempotency key (from the batch and item id, `keys.ts`) is journaled, then the start is sent;
 *  2. the run id is journaled as soon as the answer brings it;
 *  3. the run is waited for with every other in-flight run (`client.runs.waitAll`, one list request per
 *     100 runs a round), and its end is journaled.
 *
 * A restarted batch resumes from the journal: an item whose start was sent but not confirmed is sent again
 * with the same key while FLORA still remembers it (two hours), so it cannot run twice; if FLORA answers
 * `idempotency_duplicate`, or the key is too old to resend, the run is looked for in the run list and, if
 * it cannot be found, marked for review. Runs already started are waited for before new ones start.
 */
import type { TechniqueRun, TechniqueRunListItem } from '../../generated/answers.js';
import type { Flora } from '../client.js';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  FloraError,
  IdempotencyDuplicateError,
  InputValidationError,
  InsufficientCreditsError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
} from '../core/errors.js';
import { checkItems, type BatchItem, type BatchRoute, type CheckedItem } from './items.js';
import { Journal, RUNNER_RENEW_MS, RUNNER_STALE_MS, type ItemRow, type JournalMeta } from './journal.js';
import { itemKey, newBatchId, SAFE_RESEND_MS } from './keys.js';
import { existsSync } from 'node:fs';
import { msProblems, refuseOptions } from '../core/validation.js';

/** Options of `runBatch`. */
export interface RunBatchOptions {
  /** The technique: a slug or id for the nested route, a `tech_` id with `workspaceId` for the top-level one. */
  techniqueId: string;
  /** With it, runs start through `runs.startTechnique` (inputs are maps); without, `techniques.runs.create` (inputs are arrays). */
  workspaceId?: string | undefined;
  /** The journal file. Created on the first run; the same path resumes the batch. */
  journal: string;
  /** Runs in flight (started, not ended) at most. Default 16. */
  concurrency?: number | undefined;
  /**
   * Start requests in flight at most. Default 1: a start whose answer is lost is then the only one that
   * can have made an unknown run, so it is found in the run list (which carries no idempotency key)
   * without guessing. More is faster against a distant API; a lost answer may then be marked for review.
   */
  startConcurrency?: number | undefined;
  /** Stop starting runs once the cost spent plus the in-flight runs' expected cost would pass this (USD). */
  maxCost?: number | undefined;
  /** Stops the batch (starts and waits) at once; the journal resumes it. */
  signal?: AbortSignal | undefined;
  /** Called whenever a run starts or ends. */
  onProgress?: ((progress: BatchProgress) => void) | undefined;
  /** Called with each item's result as it ends. */
  onResult?: ((result: ItemResult) => void) | undefined;
  /** Runs that fail with a retryable code are started again (a new run, with a new key) up to this many times. Default 0. */
  retryFailed?: number | undefined;
  /** The `error_code`s worth a retry. Default `['provider_error', 'timeout', 'rate_limited', 'unknown_error']`. */
  retryableCodes?: readonly string[] | undefined;
  /** Ms between wait rounds (each lists up to 100 runs a request). Default 1000, at least 50. */
  pollInterval?: number | undefined;
  /** Longest time a start request may keep failing without an answer (connection errors, 5xx) before the batch stops. Default 10 attempts. */
  maxStartAttempts?: number | undefined;
  /** @internal The clock keys are aged by (tests pretend hours passed). */
  now?: (() => number) | undefined;
}

/** One item's outcome: a line of RESULTS.jsonl. */
export interface ItemResult {
  id: string;
  run_id: string | null;
  /** `completed`, `failed`, `review` (start unconfirmed and the run not found), or `not_started` (the batch stopped first). */
  status: 'completed' | 'failed' | 'review' | 'not_started';
  outputs: unknown[] | null;
  charged_cost: number | null;
  error?: { code: string; message: string };
}

/** Where a batch is: what the progress display shows. */
export interface BatchProgress {
  total: number;
  done: number;
  completed: number;
  failed: number;
  review: number;
  running: number;
  pending: number;
  /** Charged cost of ended runs, USD. */
  spent: number;
  elapsedMs: number;
  /** Expected ms until the end, from this process's pace; undefined until something ended. */
  etaMs: number | undefined;
}

/** Why a batch stopped starting runs before every item had one. */
export interface BatchStop {
  reason: 'max_cost' | 'insufficient_credits';
  message: string;
}

/** What `runBatch` resolves with. */
export interface BatchSummary {
  batchId: string;
  techniqueId: string;
  total: number;
  completed: number;
  failed: number;
  review: number;
  notStarted: number;
  /** Sum of the charged cost the ended runs report, USD. */
  spent: number;
  stopped: BatchStop | undefined;
  elapsedMs: number;
  /** Start requests this process sent, and run-list lookups it made for lost answers. */
  startRequests: number;
  lookups: number;
  /** Items this process resumed: starts it confirmed again, runs it waited for that an earlier process started. */
  resumed: number;
}

export interface BatchOutcome {
  summary: BatchSummary;
  /** Every item's result, in the items' order. */
  results: ItemResult[];
}

/** The `error_code`s `retryFailed` retries by default. */
export const DEFAULT_RETRYABLE: readonly string[] = ['provider_error', 'timeout', 'rate_limited', 'unknown_error'];
/** How far back (ms) the run list is searched for a lost answer's run when no run of the batch was confirmed before it. */
const LOOKUP_SLACK_MS = 10 * 60 * 1000;
/** Most run-list pages one lookup reads. */
const LOOKUP_PAGES = 30;

const refuse = (field: string, message: string): never => refuseOptions([{ field, message }]) as never;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * The wait before resending a start that got no answer. Short at first: the lane of starts waits with it
 * (another start meanwhile could make a lost answer's run ambiguous), and a dropped connection is
 * usually fine on the next try.
 */
const backoff = (failures: number) => Math.min(100 * 2 ** (failures - 1), 8000) * (0.75 + Math.random() * 0.25);

/** One pause for every start of the batch: a 429 for one start holds back all of them for its Retry-After. */
export class SharedPause {
  #until = 0;
  pause(ms: number): void {
    this.#until = Math.max(this.#until, Date.now() + ms);
  }
  async ready(signal?: AbortSignal): Promise<void> {
    for (let left = this.#until - Date.now(); left > 0; left = this.#until - Date.now()) await sleep(left, signal);
  }
}

/** A counting semaphore whose holder can briefly take every permit (`exclusive`), so nothing else starts meanwhile. */
class Lane {
  #free: number;
  readonly #waiters: { n: number; go: () => void }[] = [];
  #busy = false;
  readonly #turns: (() => void)[] = [];
  constructor(readonly size: number) {
    this.#free = size;
  }
  acquire(n = 1, first = false): Promise<void> {
    if (this.#waiters.length === 0 && this.#free >= n) {
      this.#free -= n;
      return Promise.resolve();
    }
    return new Promise((go) => (first ? this.#waiters.unshift({ n, go }) : this.#waiters.push({ n, go })));
  }
  release(n = 1): void {
    this.#free += n;
    while (this.#waiters.length > 0 && this.#free >= this.#waiters[0]!.n) {
      const w = this.#waiters.shift()!;
      this.#free -= w.n;
      w.go();
    }
  }
  /**
   * For a holder of one permit: runs `fn` holding every permit, so no other start is in flight meanwhile.
   * One exclusive holder at a time; a second one gives its permit to the first while it waits (else each
   * would wait for the other's), and is handed every permit when the first is done.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.size === 1) return fn();
    if (this.#busy) {
      this.release(1);
      await new Promise<void>((r) => this.#turns.push(r));
    } else {
      this.#busy = true;
      await this.acquire(this.size - 1, true);
    }
    let handedOver = false;
    try {
      return await fn();
    } finally {
      const next = this.#turns.shift();
      if (next) {
        handedOver = true;
        next();
      } else {
        this.#busy = false;
        this.release(this.size - 1);
      }
      // The caller still holds one permit when this returns.
      if (handedOver) await this.acquire(1);
    }
  }
}

/**
 * Waits for a changing set of runs through `client.runs.waitAll`: runs added while a wait is going on join
 * its next round (`more`), so one list request a round covers up to 100 of them.
 */
export class RunWatcher {
  readonly #queue: { run_id: string; technique_id: string }[] = [];
  /** Runs added and not yet ended: what a wait that failed part-way resumes with. */
  readonly #open = new Map<string, { run_id: string; technique_id: string }>();
  #active: Promise<void> | undefined;
  #error: unknown;
  constructor(
    private readonly client: Flora,
    private readonly options: { pollInterval: number; workspaceId: string | undefined; signal: AbortSignal; onEnded: (run: TechniqueRun) => void; onError?: (err: unknown) => void },
  ) {}

  add(runId: string, techniqueId: string): void {
    const run = { run_id: runId, technique_id: techniqueId };
    this.#open.set(runId, run);
    this.#queue.push(run);
    this.#active ??= this.#loop();
  }

  /** Resolves once every added run has ended; rejects with what stopped the wait. */
  async idle(): Promise<void> {
    while (this.#active) await this.#active;
    if (this.#error !== undefined) throw this.#error;
  }

  /** The first error the wait stopped on, if any. */
  get error(): unknown {
    return this.#error;
  }

  async #loop(): Promise<void> {
    let failures = 0;
    try {
      while (this.#queue.length > 0) {
        const first = this.#queue.splice(0);
        try {
          await this.client.runs.waitAll(first, {
            more: () => this.#queue.splice(0),
            onEnded: (run) => {
              if (!this.#open.delete(run.run_id)) return;
              this.options.onEnded(run);
            },
            minInterval: this.options.pollInterval,
            maxInterval: this.options.pollInterval,
            waitTimeout: Infinity,
            workspaceId: this.options.workspaceId,
            signal: this.options.signal,
          });
          failures = 0;
        } catch (err) {
          // waitAll goes on through 429s, 5xx and lost connections; an unreadable answer (a body cut off)
          // ends it. The runs are still there: wait again for the ones that have not ended.
          if (this.options.signal.aborted || !isTransient(err) || ++failures > 10) throw err;
          this.#queue.splice(0, this.#queue.length, ...this.#open.values());
          await sleep(backoff(failures), this.options.signal);
        }
      }
    } catch (err) {
      this.#error ??= err;
      this.options.onError?.(err);
    } finally {
      this.#active = undefined;
    }
  }
}

/** An answer worth asking again for: none came, the server failed or was busy, or its body was unreadable. */
export function isTransient(err: unknown): boolean {
  if (err instanceof APIUserAbortError) return false;
  return err instanceof ResponseValidationError || err instanceof APIConnectionError || err instanceof InternalServerError || err instanceof RateLimitError;
}

/** `fn` again after a transient failure, up to `attempts` times: for reads, which are safe to repeat. */
export async function withRetries<T>(fn: () => Promise<T>, signal?: AbortSignal, attempts = 8): Promise<T> {
  for (let failures = 0; ; ) {
    try {
      return await fn();
    } catch (err) {
      if (signal?.aborted || !isTransient(err) || ++failures >= attempts) throw err;
      await sleep(err instanceof RateLimitError && err.retryAfter !== undefined ? err.retryAfter * 1000 : backoff(failures), signal);
    }
  }
}

/** The route's start call, with the batch's key and no retries of the client's own (the batch retries, keyed). */
function startCall(client: Flora, route: BatchRoute, meta: JournalMeta, row: ItemRow, key: string, signal: AbortSignal): Promise<{ run_id: string; charged_cost?: number | null }> {
  const options = { idempotencyKey: key, maxRetries: 0, signal };
  if (route === 'nested') return client.techniques.runs.create(meta.techniqueId, { inputs: row.inputs as never, mode: 'async' }, options);
  return client.runs.startTechnique({ inputs: row.inputs as never, technique_id: meta.techniqueId, workspace_id: meta.workspaceId! }, options);
}

/** The journal of this batch: a new one, or the existing one after checking it is the same batch. */
async function openJournal(path: string, items: CheckedItem[], meta: Omit<JournalMeta, 'batchId' | 'createdAt'>): Promise<Journal> {
  if (!existsSync(path)) {
    // Another process may create it at the same moment: then its journal is the one (and the claim decides who runs it).
    const made = await Journal.create(path, { ...meta, batchId: newBatchId(), createdAt: Date.now() }, items).catch((err: unknown) => {
      if (existsSync(path)) return undefined;
      throw err;
    });
    if (made) return made;
  }
  const journal = await Journal.open(path);
  const m = journal.meta;
  const other = (what: string): never => {
    journal.close();
    return refuse('journal', `${path} belongs to another batch: ${what}`);
  };
  if (m.techniqueId !== meta.techniqueId || (m.workspaceId ?? null) !== (meta.workspaceId ?? null) || m.route !== meta.route) {
    other(`it ran technique ${m.techniqueId}${m.workspaceId ? ` in ${m.workspaceId}` : ''}, not ${meta.techniqueId}${meta.workspaceId ? ` in ${meta.workspaceId}` : ''}`);
  }
  const rows = new Map(journal.items().map((r) => [r.id, r]));
  for (const item of items) {
    const row = rows.get(item.id);
    if (!row) other(`line ${item.line}: item ${JSON.stringify(item.id)} is not one of its ${rows.size} items`);
    else if (row.digest !== item.digest) other(`line ${item.line}: item ${JSON.stringify(item.id)} has other inputs than it recorded`);
  }
  if (items.length !== rows.size) {
    const given = new Set(items.map((i) => i.id));
    const missing = [...rows.keys()].find((id) => !given.has(id));
    other(`its item ${JSON.stringify(missing)} is missing from the items`);
  }
  return journal;
}

/** An item's result from its journal row. */
export function resultOf(row: ItemRow, stopped?: BatchStop): ItemResult {
  const error = row.errorCode ? { error: { code: row.errorCode, message: row.errorMessage ?? '' } } : {};
  if (row.state === 'completed' || row.state === 'failed' || row.state === 'review') {
    return { id: row.id, run_id: row.runId ?? null, status: row.state, outputs: (row.outputs as unknown[] | undefined) ?? null, charged_cost: row.chargedCost ?? null, ...error };
  }
  const why = stopped ?? { reason: 'not_started', message: 'the batch stopped before this item started' };
  return { id: row.id, run_id: row.runId ?? null, status: 'not_started', outputs: null, charged_cost: null, error: { code: why.reason, message: why.message } };
}

/**
 * Runs one technique once per item, resumably: see the module's comment. Resolves with the summary and
 * every item's result once every item has ended (or the batch stopped starting: `maxCost`, no credits);
 * rejects with `APIUserAbortError` when `signal` aborts (the journal resumes it), and with the error when
 * the batch cannot go on (a bad key, an unknown technique). Bad items are refused before anything is
 * sent: `InputValidationError` naming each bad line.
 *
 * ```ts
 * const { summary, results } = await runBatch(flora, items, { techniqueId: 'art-directors-critique', journal: 'shots.journal' });
 * ```
 */
export async function runBatch(client: Flora, items: Iterable<BatchItem>, options: RunBatchOptions): Promise<BatchOutcome> {
  const started = Date.now();
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 16;
  const startConcurrency = options.startConcurrency ?? 1;
  const pollInterval = options.pollInterval ?? 1000;
  const retryFailed = options.retryFailed ?? 0;
  const retryable = new Set(options.retryableCodes ?? DEFAULT_RETRYABLE);
  const maxStartAttempts = options.maxStartAttempts ?? 10;
  if (typeof options.techniqueId !== 'string' || options.techniqueId === '') refuse('techniqueId', 'must be a technique slug or id');
  if (typeof options.journal !== 'string' || options.journal === '') refuse('journal', 'must be a file path');
  if (!Number.isInteger(concurrency) || concurrency < 1) refuse('concurrency', `must be a whole number >= 1; got ${concurrency}`);
  if (!Number.isInteger(startConcurrency) || startConcurrency < 1) refuse('startConcurrency', `must be a whole number >= 1; got ${startConcurrency}`);
  refuseOptions(msProblems('pollInterval', pollInterval, { min: 50, infinite: false }));
  if (!Number.isInteger(retryFailed) || retryFailed < 0) refuse('retryFailed', `must be a whole number >= 0; got ${retryFailed}`);
  if (options.maxCost !== undefined && !(options.maxCost >= 0)) refuse('maxCost', `must be a number of USD >= 0; got ${options.maxCost}`);
  const route: BatchRoute = options.workspaceId ? 'top' : 'nested';
  const checked = checkItems(items, route, { techniqueId: options.techniqueId, workspaceId: options.workspaceId });
  const journal = await openJournal(options.journal, checked, { techniqueId: options.techniqueId, workspaceId: options.workspaceId, route, itemCount: checked.length });
  // One process runs a journal at a time; a claim not renewed (this process stalled past the stale limit)
  // may be taken over by another, and then this one stops rather than run the batch beside it.
  const lost = new AbortController();
  let renew: NodeJS.Timeout | undefined;
  try {
    journal.claim();
    let renewed = Date.now();
    renew = setInterval(() => {
      let mine: boolean;
      try {
        mine = journal.renew();
        renewed = Date.now();
      } catch (err) {
        // Busy or failing for now: the claim stays good for a while and the next tick tries again, but not
        // for so long that another host could take the journal over while this process goes on.
        if (Date.now() - renewed < RUNNER_STALE_MS - 2 * RUNNER_RENEW_MS) return;
        lost.abort(new FloraError(`Batch stopped: its journal ${options.journal} could not be written for ${Math.round((Date.now() - renewed) / 1000)} s (${err instanceof Error ? err.message : String(err)}); run it again to resume.`));
        return;
      }
      if (!mine) lost.abort(new FloraError(`Batch stopped: another process took over ${options.journal} while this one had stalled; it runs the batch now.`));
    }, RUNNER_RENEW_MS);
    renew.unref();
    return await new BatchRunner(client, journal, route, {
      now,
      concurrency,
      startConcurrency,
      pollInterval,
      retryFailed,
      retryable,
      maxStartAttempts,
      maxCost: options.maxCost,
      signal: options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal,
      onProgress: options.onProgress,
      onResult: options.onResult,
      started,
    }).run();
  } catch (err) {
    throw lost.signal.aborted ? lost.signal.reason : err;
  } finally {
    clearInterval(renew);
    journal.close();
  }
}

interface RunnerOptions {
  now: () => number;
  concurrency: number;
  startConcurrency: number;
  pollInterval: number;
  retryFailed: number;
  retryable: Set<string>;
  maxStartAttempts: number;
  maxCost: number | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((p: BatchProgress) => void) | undefined;
  onResult: ((r: ItemResult) => void) | undefined;
  started: number;
}

/** One process's run of a batch over its journal. */
class BatchRunner {
  readonly #rows = new Map<string, ItemRow>();
  readonly #byRun = new Map<string, string>();
  readonly #claimed = new Set<string>();
  readonly #inFlight = new Set<string>();
  readonly #queue: string[] = [];
  readonly #pause = new SharedPause();
  readonly #lane: Lane;
  readonly #abort = new AbortController();
  readonly #watcher: RunWatcher;
  #wake: (() => void) | undefined;
  #fatal: unknown;
  #stopped: BatchStop | undefined;
  #lastConfirmed: string | undefined;
  #spent = 0;
  #baseQuote: number | undefined;
  /** The largest final charge seen as a multiple of its quote: the quote alone can be short. */
  #chargeRatio = 1;
  #endedHere = 0;
  #startRequests = 0;
  #lookups = 0;
  #resumed = 0;

  constructor(
    private readonly client: Flora,
    private readonly journal: Journal,
    private readonly route: BatchRoute,
    private readonly o: RunnerOptions,
  ) {
    this.#lane = new Lane(o.startConcurrency);
    const outer = o.signal;
    if (outer?.aborted) this.#abort.abort(outer.reason);
    else outer?.addEventListener('abort', () => this.#abort.abort(outer.reason), { once: true });
    this.#watcher = new RunWatcher(client, {
      pollInterval: o.pollInterval,
      workspaceId: journal.meta.workspaceId,
      signal: this.#abort.signal,
      onEnded: (run) => this.#endedLater(run),
    });
  }

  get #signal(): AbortSignal {
    return this.#abort.signal;
  }

  async run(): Promise<BatchOutcome> {
    for (const row of this.journal.items()) {
      this.#rows.set(row.id, row);
      if (row.runId) this.#claim(row.id, row.runId);
      for (const past of row.pastRuns) this.#claimed.add(past);
      if (row.chargedCost !== undefined && (row.state === 'completed' || row.state === 'failed')) this.#spent += row.chargedCost;
      if (row.quote !== undefined) this.#baseQuote ??= row.quote;
    }
    this.#lastConfirmed = this.journal.lastConfirmedRunId();
    if (this.o.maxCost !== undefined && this.#baseQuote === undefined) {
      // A first estimate of what a run costs, before any start has quoted one.
      const technique = await this.client.techniques.retrieve(this.journal.meta.techniqueId, { signal: this.#signal }).catch(() => undefined);
      const cost = (technique as { run_cost?: unknown } | undefined)?.run_cost;
      if (typeof cost === 'number') this.#baseQuote = cost;
    }
    try {
      await this.#recover();
      await this.#main();
    } catch (err) {
      this.#abort.abort(err);
      throw this.#signalError(err);
    }
    if (this.#fatal !== undefined) throw this.#fatal;
    return this.#outcome();
  }

  #signalError(err: unknown): unknown {
    if (this.#fatal !== undefined) return this.#fatal;
    if (this.o.signal?.aborted) return err instanceof APIUserAbortError ? err : new APIUserAbortError({ message: 'Batch stopped: aborted. Run it again with the same journal to resume.', cause: this.o.signal.reason });
    return err;
  }

  #claim(itemId: string, runId: string): void {
    this.#claimed.add(runId);
    this.#byRun.set(runId, itemId);
  }

  /** Starts sent but not confirmed are settled first, one at a time; then the runs already started are waited for. */
  async #recover(): Promise<void> {
    const rows = [...this.#rows.values()];
    for (const row of rows.filter((r) => r.state === 'starting')) {
      this.#resumed++;
      this.#inFlight.add(row.id);
      await this.#lane.acquire();
      try {
        await this.#start(row.id);
      } finally {
        this.#lane.release();
      }
    }
    for (const row of rows.filter((r) => r.state === 'started')) {
      this.#resumed++;
      this.#inFlight.add(row.id);
      this.#watcher.add(row.runId!, this.journal.meta.techniqueId);
    }
    this.#progress();
    await this.#watcher.idle();
  }

  async #main(): Promise<void> {
    for (const row of this.#rows.values()) if (row.state === 'pending') this.#queue.push(row.id);
    const starts = new Set<Promise<void>>();
    for (;;) {
      if (this.#fatal !== undefined || this.#watcher.error !== undefined) break;
      if (this.#signal.aborted) throw this.#signal.reason;
      if (this.#queue.length === 0 || this.#stopped) {
        if (this.#inFlight.size === 0) break;
        await this.#changed();
        continue;
      }
      if (this.#inFlight.size >= this.o.concurrency) {
        await this.#changed();
        continue;
      }
      // The lane first, then the checks: a start that just ended may have stopped the batch (no credits).
      await this.#lane.acquire();
      const id = this.#queue[0];
      const over = id === undefined ? undefined : this.#overBudget(id);
      if (over) this.#stopped ??= over;
      if (id === undefined || this.#stopped || this.#fatal !== undefined || this.#signal.aborted) {
        this.#lane.release();
        continue;
      }
      this.#queue.shift();
      this.#inFlight.add(id);
      const task: Promise<void> = this.#start(id)
        .catch((err: unknown) => {
          if (!this.#signal.aborted) this.#fatal ??= err;
          this.#abort.abort(err);
        })
        .finally(() => {
          this.#lane.release();
          starts.delete(task);
          this.#poke();
        });
      starts.add(task);
    }
    await Promise.all(starts);
    await this.#watcher.idle();
  }

  #changed(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      // The watcher may stop (an error) without any item changing.
      const t = setTimeout(resolve, 250);
      t.unref?.();
    });
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** What starting `id` could bring the spend to, when over `maxCost`. */
  #overBudget(id: string): BatchStop | undefined {
    const max = this.o.maxCost;
    if (max === undefined) return undefined;
    const estimate = (row: ItemRow | undefined) => (row?.quote ?? this.#baseQuote ?? 0) * this.#chargeRatio;
    let inFlight = 0;
    for (const f of this.#inFlight) inFlight += estimate(this.#rows.get(f));
    const next = estimate(this.#rows.get(id));
    if (this.#spent + inFlight + next <= max + 1e-9) return undefined;
    return {
      reason: 'max_cost',
      message: `stopped starting runs: ${this.#spent.toFixed(4)} USD spent plus ${inFlight.toFixed(4)} in flight plus ${next.toFixed(4)} for the next run would pass --max-cost ${max}`,
    };
  }

  #row(id: string): ItemRow {
    return this.#rows.get(id)!;
  }

  #refresh(id: string): ItemRow {
    const row = this.journal.item(id)!;
    this.#rows.set(id, row);
    return row;
  }

  /** Starts one item (holding a lane permit): key journaled first, sent with it, the run id journaled. */
  async #start(id: string): Promise<void> {
    let row = this.#row(id);
    if (row.state === 'pending') {
      this.journal.starting(id, itemKey(this.journal.meta.batchId, id, row.attempt), row.attempt, this.o.now(), this.#lastConfirmed);
      row = this.#refresh(id);
    } else if (this.o.now() - row.keyAt! > SAFE_RESEND_MS) {
      return this.#lookup(id, `its start was sent ${Math.round((this.o.now() - row.keyAt!) / 60_000)} minutes ago and never confirmed; FLORA forgets idempotency keys after two hours, so it is not sent again`);
    }
    const key = row.key!;
    for (let failures = 0; ; ) {
      await this.#pause.ready(this.#signal);
      if (this.o.now() - row.keyAt! > SAFE_RESEND_MS) return this.#lookup(id, 'its start kept failing until its idempotency key was nearly two hours old; it is not sent again');
      try {
        this.#startRequests++;
        const answer = await startCall(this.client, this.route, this.journal.meta, row, key, this.#signal);
        return this.#confirmed(id, answer.run_id, typeof answer.charged_cost === 'number' ? answer.charged_cost : undefined, 'answer');
      } catch (err) {
        if (err instanceof ResponseValidationError && err.runId) return this.#confirmed(id, err.runId, undefined, 'answer');
        if (err instanceof RateLimitError) {
          // Every start waits: the pause is the batch's, not this item's.
          this.#pause.pause(err.retryAfter !== undefined ? err.retryAfter * 1000 : backoff(1));
          continue;
        }
        if (err instanceof IdempotencyDuplicateError) return this.#lookup(id, 'FLORA already had its idempotency key: an earlier start was accepted but its answer was lost');
        if (err instanceof InsufficientCreditsError) {
          // A definite "not run": the item waits for a later batch run with credits.
          this.journal.pending(id, row.attempt);
          this.#refresh(id);
          this.#queue.unshift(id);
          this.#inFlight.delete(id);
          this.#stopped ??= { reason: 'insufficient_credits', message: `FLORA answered insufficient_credits: the workspace cannot pay for more runs; no more runs are started (${err.message})` };
          return;
        }
        if (err instanceof AuthenticationError || err instanceof PermissionDeniedError || err instanceof NotFoundError) throw err;
        if (err instanceof APIUserAbortError || this.#signal.aborted) throw err;
        if (err instanceof InputValidationError || (err instanceof APIError && err.status !== undefined && err.status < 500 && err.status !== 408)) {
          // Refused for this item alone: nothing ran.
          this.journal.ended(id, { state: 'failed', status: 'refused', errorCode: (err as APIError).code ?? `http_${(err as APIError).status}`, errorMessage: err.message });
          return this.#finished(id);
        }
        if (!(err instanceof FloraError)) throw err;
        // No answer, a 5xx, an answer the client could not read: the run may exist; the same key makes a resend safe.
        if (++failures >= this.o.maxStartAttempts) throw err;
        await sleep(backoff(failures), this.#signal);
      }
    }
  }

  #confirmed(id: string, runId: string, quote: number | undefined, foundBy: 'answer' | 'lookup'): void {
    if (this.#claimed.has(runId) && this.#byRun.get(runId) !== id) throw new FloraError(`run ${runId} was given to two items (${this.#byRun.get(runId)} and ${id}); stopping the batch`);
    this.journal.started(id, runId, quote, foundBy);
    this.#refresh(id);
    this.#claim(id, runId);
    this.#lastConfirmed = runId;
    if (quote !== undefined) this.#baseQuote ??= quote;
    this.#watcher.add(runId, this.journal.meta.techniqueId);
    this.#progress();
  }

  /**
   * Finds the run of a start whose answer was lost. The run list carries no idempotency key, so it is
   * found by elimination: runs of the technique created after the last run the batch confirmed before this
   * start (`anchorRunId`) that no item of the batch claims. No other start runs meanwhile (every lane
   * permit is taken). Exactly one such run: it is this item's. None, or several: marked for review.
   */
  #lookup(id: string, why: string): Promise<void> {
    // The whole lane: a start of another item in flight would add a run to the list.
    return this.#lane.exclusive(() => this.#lookupAlone(id, why));
  }

  async #lookupAlone(id: string, why: string): Promise<void> {
    {
      this.#lookups++;
      const row = this.#row(id);
      const meta = this.journal.meta;
      const orphans: TechniqueRunListItem[] = [];
      let reachedAnchor = false;
      let pages = 0;
      const query = { technique_id: meta.techniqueId, ...(meta.workspaceId ? { workspace_id: meta.workspaceId } : {}), limit: 100 };
      let page = await withRetries(() => this.client.techniques.runs.list(query, { signal: this.#signal }), this.#signal);
      scan: for (;;) {
        pages++;
        for (const run of page.technique_runs) {
          if (row.anchorRunId !== undefined && run.run_id === row.anchorRunId) {
            reachedAnchor = true;
            break scan;
          }
          if (row.anchorRunId === undefined && typeof run.created_at === 'number' && run.created_at * 1000 < row.keyAt! - LOOKUP_SLACK_MS) {
            reachedAnchor = true;
            break scan;
          }
          if (!this.#claimed.has(run.run_id)) orphans.push(run);
        }
        if (!page.hasNextPage() || pages >= LOOKUP_PAGES) break;
        const current = page;
        page = await withRetries(() => current.getNextPage(), this.#signal);
      }
      if (!page.hasNextPage() && pages < LOOKUP_PAGES) reachedAnchor = true;
      if (orphans.length === 1 && reachedAnchor) return this.#confirmed(id, orphans[0]!.run_id, undefined, 'lookup');
      const found = orphans.length === 0 ? 'no run of the technique is unaccounted for' : `${orphans.length} runs are unaccounted for (${orphans.slice(0, 5).map((r) => r.run_id).join(', ')}${orphans.length > 5 ? ', ...' : ''})`;
      const searched = reachedAnchor ? '' : ` (searched ${pages} pages without reaching the batch's previous run)`;
      this.journal.ended(id, { state: 'review', status: 'review', errorCode: 'unconfirmed_start', errorMessage: `${why}; in the run list ${found}${searched}: check it by hand (idempotency key ${row.key})` });
      this.#finished(id);
    }
  }

  readonly #ends: TechniqueRun[] = [];

  /**
   * Runs seen ending in one wait round are journaled together, in one durable commit, before anything acts
   * on them: one fsync a round instead of one a run.
   */
  #endedLater(run: TechniqueRun): void {
    if (this.#ends.push(run) > 1) return;
    setImmediate(() => {
      const ends = this.#ends.splice(0);
      const finished: string[] = [];
      this.journal.transaction(() => {
        for (const r of ends) {
          const id = this.#ended(r);
          if (id !== undefined) finished.push(id);
        }
      });
      for (const id of finished) this.#finished(id);
      if (ends.length > finished.length) this.#poke();
    });
  }

  /** A run ended (as the watcher saw it): journaled (inside the round's transaction), then retried; returns the item to report. */
  #ended(run: TechniqueRun): string | undefined {
    const id = this.#byRun.get(run.run_id);
    if (id === undefined) return undefined;
    const row = this.#row(id);
    if (row.state !== 'started' || row.runId !== run.run_id) return undefined;
    const cost = typeof run.charged_cost === 'number' ? run.charged_cost : undefined;
    if (cost !== undefined) {
      const quote = row.quote ?? this.#baseQuote;
      if (quote && run.status === 'completed') this.#chargeRatio = Math.max(this.#chargeRatio, cost / quote);
    }
    const code = run.error_code ?? undefined;
    if (run.status === 'failed' && row.attempt <= this.o.retryFailed && code !== undefined && this.o.retryable.has(code)) {
      this.#spent += cost ?? 0;
      this.journal.pending(id, row.attempt + 1);
      this.#refresh(id);
      this.#inFlight.delete(id);
      this.#queue.unshift(id);
      this.#progress();
      return undefined;
    }
    this.journal.ended(id, {
      state: run.status === 'completed' ? 'completed' : 'failed',
      status: run.status,
      outputs: run.outputs ?? undefined,
      chargedCost: cost,
      errorCode: run.status === 'failed' ? (code ?? 'unknown') : undefined,
      errorMessage: run.status === 'failed' ? (run.error_message ?? undefined) : undefined,
    });
    return id;
  }

  #finished(id: string): void {
    const row = this.#refresh(id);
    // Counted as the item counts as done, so progress never shows spend ahead of what is done.
    this.#spent += row.chargedCost ?? 0;
    this.#inFlight.delete(id);
    this.#endedHere++;
    this.o.onResult?.(resultOf(row));
    this.#progress();
    this.#poke();
  }

  #counts() {
    let completed = 0;
    let failed = 0;
    let review = 0;
    for (const r of this.#rows.values()) {
      if (r.state === 'completed') completed++;
      else if (r.state === 'failed') failed++;
      else if (r.state === 'review') review++;
    }
    return { completed, failed, review };
  }

  #progress(): void {
    if (!this.o.onProgress) return;
    const { completed, failed, review } = this.#counts();
    const total = this.#rows.size;
    const done = completed + failed + review;
    const elapsedMs = Date.now() - this.o.started;
    const etaMs = this.#endedHere > 0 ? ((total - done) * elapsedMs) / this.#endedHere : undefined;
    this.o.onProgress({ total, done, completed, failed, review, running: this.#inFlight.size, pending: total - done - this.#inFlight.size, spent: this.#spent, elapsedMs, etaMs });
  }

  #outcome(): BatchOutcome {
    const results = this.journal.items().map((r) => resultOf(r, this.#stopped));
    const { completed, failed, review } = this.#counts();
    return {
      results,
      summary: {
        batchId: this.journal.meta.batchId,
        techniqueId: this.journal.meta.techniqueId,
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
        resumed: this.#resumed,
      },
    };
  }
}
