/**
 * The journal as the item pipeline's store (`ItemStore`): each state change a write, each promise
 * resolving once its change is on disk. A start's changes (its key, its run id) are committed at once: the
 * start lane waits on them. Ends are committed together with the others asked for in the same turn of
 * the event loop (one fsync for a round of ended runs). The rows are also kept in memory, as committed: the
 * runner reads them without a query, and a journal lost under the batch is written again from them. They are
 * kept packed (`packed-row.ts`, one string a row); the runner `take`s a row as an object while its item is in
 * flight and `settle`s it back once the item leaves, so memory holds objects for the items in flight only.
 */
import { FloraError } from '../core/errors.js';
import type { FileRecord } from './file-policy.js';
import type { FileStore } from './file-step.js';
import type { ItemRow, Journal } from './journal.js';
import { packColumns, packRow, unpackRow } from './packed-row.js';
import type { ItemStore, PipelineItem } from './pipeline.js';
import { isEnded, type ItemState } from './policy.js';
import type { ItemEnd } from './result.js';

interface Change {
  write: () => void;
  apply: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class JournalStore implements ItemStore, FileStore {
  /**
   * Every item, as committed, in the items' order, packed (a row in flight is current in `#live` instead).
   * As bytes outside the JavaScript heap: V8 lets its heap grow to a multiple of what is live in it (at
   * 100,000 rows kept as strings, ~4x their 40 MiB), while a Buffer's bytes count once.
   */
  readonly #packed: Buffer[] = [];
  /** Each item's id, in the items' order (the same strings as `#index`'s keys). */
  readonly #ids: string[] = [];
  /** Each item's place in `#packed`, by id. */
  readonly #index = new Map<string, number>();
  /** The rows of the items in flight, as objects (the pipeline changes them). */
  readonly #live = new Map<string, ItemRow>();
  /** Every run of the batch (current and earlier attempts): what a lookup must not take for a lost answer's. */
  readonly claimed = new Set<string>();
  readonly #byRun = new Map<string, string>();
  readonly #confirmed: string[];
  /** The batch's files' records, as committed. */
  readonly #files = new Map<string, FileRecord>();
  #changes: Change[] = [];

  /**
   * Where the batch stood when the store opened, read from the raw rows (unpacking 100,000 rows again to
   * learn it cost a resumed batch ~0.3 s before its first start): the items' places by state, ends, spend.
   */
  readonly opened = { starting: [] as number[], started: [] as number[], pending: [] as number[], completed: 0, failed: 0, review: 0, spent: 0, quote: undefined as number | undefined };

  constructor(
    readonly journal: Journal,
    private readonly onChange: (row: ItemRow) => void = () => undefined,
  ) {
    this.#confirmed = journal.confirmOrder();
    for (const r of journal.rawItems()) {
      const id = r.id as string;
      this.#index.set(id, this.#packed.push(Buffer.from(packColumns(r))) - 1);
      this.#ids.push(id);
      const state = r.state as ItemState;
      const o = this.opened;
      if (isEnded(state)) o[state]++;
      else o[state].push(this.#ids.length - 1);
      if (typeof r.charged_cost === 'number' && (state === 'completed' || state === 'failed')) o.spent += r.charged_cost;
      if (typeof r.quote === 'number') o.quote ??= r.quote;
      const runId = r.run_id as string | null;
      if (runId) {
        this.claimed.add(runId);
        this.#byRun.set(runId, id);
      }
      if (r.past_runs && r.past_runs !== '[]') for (const past of JSON.parse(r.past_runs as string) as string[]) this.claimed.add(past);
    }
    for (const file of journal.files()) this.#files.set(file.sha256, file);
  }

  /** How many items the batch has. */
  get size(): number {
    return this.#packed.length;
  }

  /** Every item's row, as committed, in the items' order: each a new object (changing one changes nothing). */
  *rows(): Generator<ItemRow> {
    for (let i = 0; i < this.#packed.length; i++) yield this.#at(i);
  }

  #at(i: number): ItemRow {
    return this.#live.get(this.#ids[i]!) ?? unpackRow(this.#packed[i]!.toString());
  }

  /** The row of the `i`th item as an object the pipeline changes, until `settle` packs it back. */
  take(i: number): ItemRow {
    const row = this.#at(i);
    this.#live.set(row.id, row);
    return row;
  }

  /** The item left flight: its row is kept packed again. */
  settle(id: string): void {
    const row = this.#live.get(id);
    if (!row) return;
    this.#packed[this.#index.get(id)!] = Buffer.from(packRow(row));
    this.#live.delete(id);
  }

  /** Every file's record, as committed (a journal lost under the batch is written again with them). */
  get files(): FileRecord[] {
    return [...this.#files.values()];
  }

  /** The runs in the order their starts were confirmed (a restored journal keeps it). */
  get confirmOrder(): readonly string[] {
    return this.#confirmed;
  }

  /** An item's row: the live one while it is in flight. */
  row(id: string): ItemRow {
    return this.#live.get(id) ?? unpackRow(this.#packed[this.#index.get(id)!]!.toString());
  }

  /**
   * Queues a change for this turn's commit (`now`: commits it, with any queued, at once); resolves once it
   * is durable (and applied to the row).
   */
  #change(item: PipelineItem, write: () => void, apply: (row: ItemRow) => void, now = false): Promise<void> {
    return this.#queue(
      write,
      () => {
        const live = this.#live.get(item.id);
        if (live) return apply(live);
        // Not taken (a store used without the runner): changed and packed again.
        const row = this.row(item.id);
        apply(row);
        this.#packed[this.#index.get(item.id)!] = Buffer.from(packRow(row));
      },
      now,
    );
  }

  #queue(write: () => void, apply: () => void, now: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const first = this.#changes.push({ write, apply, resolve, reject }) === 1;
      if (now) this.#commit();
      else if (first) setImmediate(() => this.#commit());
    });
  }

  #commit(): void {
    const changes = this.#changes;
    this.#changes = [];
    if (changes.length === 0) return;
    try {
      this.journal.transaction(() => {
        for (const c of changes) c.write();
      });
    } catch (err) {
      for (const c of changes) c.reject(err);
      return;
    }
    for (const c of changes) {
      try {
        c.apply();
        c.resolve();
      } catch (err) {
        c.reject(err);
      }
    }
  }

  starting(item: PipelineItem, key: string, keyAt: number, anchorRunId: string | undefined): Promise<void> {
    return this.#change(
      item,
      () => this.journal.starting(item.id, key, item.attempt, keyAt, anchorRunId),
      (row) => {
        Object.assign(row, { state: 'starting', key, keyAt, anchorRunId, errorCode: undefined, errorMessage: undefined });
        this.onChange(row);
      },
      true,
    );
  }

  started(item: PipelineItem, runId: string, quote: number | undefined, foundBy: 'answer' | 'lookup'): Promise<void> {
    const owner = this.#byRun.get(runId);
    if (owner !== undefined && owner !== item.id) return Promise.reject(new FloraError(`run ${runId} was given to two items (${owner} and ${item.id}); stopping the batch`));
    return this.#change(
      item,
      () => this.journal.started(item.id, runId, quote, foundBy),
      (row) => {
        Object.assign(row, { state: 'started', runId, quote, foundBy });
        this.claimed.add(runId);
        this.#byRun.set(runId, item.id);
        this.#confirmed.push(runId);
        this.onChange(row);
      },
      true,
    );
  }

  ended(item: PipelineItem, end: ItemEnd): Promise<void> {
    return this.#change(
      item,
      () => this.journal.ended(item.id, end),
      (row) => {
        Object.assign(row, { state: end.state, status: end.status, outputs: end.outputs, chargedCost: end.chargedCost, errorCode: end.errorCode, errorMessage: end.errorMessage });
        this.onChange(row);
      },
    );
  }

  retry(item: PipelineItem, attempt: number): Promise<void> {
    return this.#back(item, attempt);
  }

  putBack(item: PipelineItem): Promise<void> {
    return this.#back(item, item.attempt);
  }

  #back(item: PipelineItem, attempt: number): Promise<void> {
    return this.#change(
      item,
      () => this.journal.pending(item.id, attempt),
      (row) => {
        const pastRuns = row.runId ? [...row.pastRuns, row.runId] : row.pastRuns;
        Object.assign(row, { state: 'pending', attempt, pastRuns, key: undefined, keyAt: undefined, anchorRunId: undefined, runId: undefined, quote: undefined, status: undefined, outputs: undefined, chargedCost: undefined, foundBy: undefined });
        this.onChange(row);
      },
    );
  }

  lastConfirmed(): string | undefined {
    return this.#confirmed.at(-1);
  }

  fileRecord(sha256: string): FileRecord | undefined {
    return this.#files.get(sha256);
  }

  fileKeyed(sha256: string, key: string, keyAt: number): Promise<void> {
    return this.#putFile({ sha256, key, keyAt });
  }

  fileCreated(sha256: string, assetId: string): Promise<void> {
    return this.#putFile({ ...this.#files.get(sha256)!, assetId });
  }

  fileReady(sha256: string, assetId: string, url: string): Promise<void> {
    return this.#putFile({ ...this.#files.get(sha256)!, assetId, url });
  }

  /** A file's change, committed at once (as a start's is): the upload waits on it. */
  #putFile(file: FileRecord): Promise<void> {
    return this.#queue(
      () => this.journal.putFile(file),
      () => void this.#files.set(file.sha256, file),
      true,
    );
  }

  /** One process runs a journal: the step's own one-upload-per-file is all it takes. */
  withFile<T>(_sha256: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }
}
