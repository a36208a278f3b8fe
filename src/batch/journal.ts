/**
 * The batch journal: one SQLite file (better-sqlite3) holding the batch's identity and every item's state.
 * Every state change is committed with `synchronous = FULL` in WAL mode, so it is on disk (fsync) before
 * the batch acts on it: the idempotency key before the start request is sent, the run id as soon as it is
 * known, the result as soon as the run ends. A process killed at any moment leaves a journal that the
 * next one resumes from. The CLI (`flora batch status`) and the library read the same file.
 *
 * A journal can be lost under its batch: before and after each commit the file, its `-wal` and `-shm` are checked to
 * be the ones it opened, none shorter than it last saw them, and SQLite's own complaints (a full disk, a
 * damaged file) become a `BatchStoreError` naming the file. Nothing is acted on that was not committed to
 * the file the journal still is.
 */
import { constants, copyFileSync, existsSync, linkSync, rmSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { InputValidationError } from '../core/errors.js';
import { ITEM_STATES, type ItemState } from './policy.js';
import type { FileRecord } from './file-policy.js';
import { COLUMNS, FILE_UPSERT, FILES_SCHEMA, FORMAT, SCHEMA, fileValues, toColumns, toFile, toItem, type ItemRow, type JournalMeta, type JournalStatus, type Row } from './journal-rows.js';
import type { ItemEnd } from './result.js';
import { BatchStoreError, sqliteFault } from './store-error.js';
import { journalFiles, JournalFileWatch } from './journal-files.js';

export { ITEM_STATES, journalFiles, type ItemRow, type ItemState, type JournalMeta, type JournalStatus };

type Db = BetterSqlite3.Database;

/** Loads better-sqlite3, which is an optional peer dependency: only batches need it. */
async function sqlite(): Promise<typeof BetterSqlite3> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (err) {
    throw new InputValidationError({ status: undefined, message: `The batch journal needs the better-sqlite3 package: npm install better-sqlite3@12 (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, fields: [{ field: 'better-sqlite3', message: 'is not installed: npm install better-sqlite3@12' }] });
  }
}

const refuse = (field: string, message: string): never => {
  throw new InputValidationError({ status: undefined, message: `${field}: ${message}`, fields: [{ field, message }] });
};

/** A batch journal file. Open it with `Journal.open` (an existing file), `Journal.create` or `Journal.restore`. */
export class Journal {
  readonly #db: Db;
  readonly meta: JournalMeta;
  readonly path: string;
  /** The files as this journal last saw them: one removed, replaced or shorter is a journal lost under it. */
  readonly #files: JournalFileWatch;

  private constructor(path: string, db: Db, meta: JournalMeta) {
    this.path = path;
    this.#db = db;
    this.meta = meta;
    this.#files = new JournalFileWatch(path);
  }

  static async #connect(path: string): Promise<Db> {
    const Database = await sqlite();
    const db = new Database(path);
    // WAL with FULL sync: each commit is fsynced before it returns, so a state is durable before it is acted on.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    return db;
  }

  /** Opens an existing journal; `InputValidationError` (field `journal`) when it is missing, damaged or not a batch journal. */
  static async open(path: string): Promise<Journal> {
    if (!existsSync(path)) refuse('journal', `no journal at ${path}`);
    const Database = await sqlite();
    let db: Db | undefined;
    try {
      db = await Journal.#connect(path);
      const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
      const m = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      if (m.format !== FORMAT) throw new Error(`format ${m.format ?? 'missing'}`);
      const meta = JSON.parse(m.batch!) as JournalMeta;
      // Every item row readable, as many as it was made with: a truncated file fails here, not mid-batch.
      const n = (db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n;
      if (n !== meta.itemCount) throw new Error(`it holds ${n} of its ${meta.itemCount} items`);
      // A journal made before files were kept gains their table (before its files' sizes are taken).
      db.exec(FILES_SCHEMA);
      return new Journal(path, db, meta);
    } catch (err) {
      db?.close();
      if (err instanceof InputValidationError) throw err;
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      if (err instanceof Database.SqliteError && sqliteFault(err) !== 'damaged') return refuse('journal', `${path} cannot be read (${why})`);
      return refuse('journal', `${path} is damaged or not a flora batch journal (${why})`);
    }
  }

  /**
   * Creates a journal for a new batch with its items. It is written under a temporary name and linked into
   * place once complete, so a process killed while creating it leaves no half-made journal behind.
   */
  static async create(path: string, meta: JournalMeta, items: readonly { id: string; line: number; inputs: unknown; digest: string }[]): Promise<Journal> {
    const now = Date.now();
    return Journal.#make(path, meta, (add) => items.forEach((item, i) => add([i, item.id, item.line, JSON.stringify(item.inputs), item.digest, 'pending', 1, null, null, null, null, null, null, null, null, null, null, null, '[]', null, now])));
  }

  /** Writes a whole journal from rows (the state a process knew when its journal was lost under it), its files' records too. */
  static async restore(path: string, meta: JournalMeta, rows: Iterable<ItemRow>, confirmOrder: readonly string[], files: readonly FileRecord[] = []): Promise<Journal> {
    const now = Date.now();
    const order = new Map(confirmOrder.map((runId, i) => [runId, i + 1]));
    const fill = (add: (values: unknown[]) => void) => {
      for (const r of rows) add(toColumns(r, r.runId !== undefined ? (order.get(r.runId) ?? null) : null, now));
    };
    return Journal.#make(path, meta, fill, files);
  }

  static async #make(path: string, meta: JournalMeta, fill: (add: (values: unknown[]) => void) => void, files: readonly FileRecord[] = []): Promise<Journal> {
    if (existsSync(path)) refuse('journal', `${path} already exists`);
    const temp = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.new`;
    try {
      const db = await Journal.#connect(temp);
      try {
        db.transaction(() => {
          db.exec(SCHEMA);
          const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
          setMeta.run('format', FORMAT);
          setMeta.run('batch', JSON.stringify(meta));
          const add = db.prepare(`INSERT INTO items (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
          fill((values) => add.run(...values));
          const file = db.prepare(FILE_UPSERT);
          for (const f of files) file.run(fileValues(f));
        })();
      } finally {
        // Closing checkpoints the WAL into the file, so the link holds everything.
        db.close();
      }
      // A link, not a rename: of two processes creating the same journal at once, the second fails here
      // instead of replacing the first's journal under it.
      try {
        linkSync(temp, path);
      } catch (err) {
        // A file system without hard links: a copy that also refuses to replace an existing file.
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
        copyFileSync(temp, path, constants.COPYFILE_EXCL);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') refuse('journal', `${path} already exists`);
      if (sqliteFault(err) === 'full' || (err as NodeJS.ErrnoException).code === 'ENOSPC') throw new BatchStoreError('full', path, `the journal ${path} could not be written: the disk is full (${(err as Error).message}); free some space and run the batch again`, { cause: err });
      throw err;
    } finally {
      for (const extra of ['', '-wal', '-shm']) rmSync(`${temp}${extra}`, { force: true });
    }
    return Journal.open(path);
  }

  /** @internal The database, for the journal's claim (`journal-claim.ts`). */
  get database(): Db {
    return this.#db;
  }

  /** Every item, in the items file's order, read row by row (`all()` held every raw row beside the items too). */
  items(): ItemRow[] {
    return this.#read(() => Array.from(this.#db.prepare('SELECT * FROM items ORDER BY seq').iterate() as Iterable<Row>, toItem));
  }

  /** Every item's raw row (JSON columns unparsed), in the items file's order, one at a time. */
  *rawItems(): Generator<Row> {
    const rows = this.#read(() => this.#db.prepare('SELECT * FROM items ORDER BY seq').iterate() as IterableIterator<Row>);
    for (;;) {
      const next = this.#read(() => rows.next());
      if (next.done) return;
      yield next.value;
    }
  }

  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  /**
   * `text` prepared once: a statement prepared per call costs ~30 µs plus native memory only the garbage
   * collector gives back (300,000 updates: 127 MiB RSS, against 64 MiB with one statement kept).
   */
  #sql(text: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(text);
    if (!statement) this.#statements.set(text, (statement = this.#db.prepare(text)));
    return statement;
  }

  item(id: string): ItemRow | undefined {
    return this.#read(() => {
      const r = this.#sql('SELECT * FROM items WHERE id = ?').get(id) as Row | undefined;
      return r && toItem(r);
    });
  }

  /** Each item's inputs digest by id: what a resumed batch is checked against, without reading every row's inputs. */
  digests(): Map<string, string> {
    return this.#read(() => new Map(this.#db.prepare('SELECT id, digest FROM items').raw().all() as [string, string][]));
  }

  /** The runs in the order their starts were confirmed: a restored journal keeps the anchors' order. */
  confirmOrder(): string[] {
    return this.#read(() => (this.#db.prepare('SELECT run_id FROM items WHERE confirm_no IS NOT NULL ORDER BY confirm_no').all() as { run_id: string }[]).map((r) => r.run_id));
  }

  #update(id: string, fields: Record<string, unknown>): void {
    const names = Object.keys(fields);
    const sql = `UPDATE items SET ${names.map((n) => `${n} = @${n}`).join(', ')}, updated_at = @updated_at WHERE id = @id`;
    const values: Record<string, unknown> = { id, updated_at: Date.now() };
    for (const n of names) values[n] = fields[n] === undefined ? null : fields[n];
    this.#write(() => {
      if (this.#sql(sql).run(values).changes !== 1) throw new Error(`journal: no item ${id}`);
    });
  }

  /** Records the key (and when it was first sent) before the start request goes out. */
  starting(id: string, key: string, attempt: number, keyAt: number, anchorRunId: string | undefined): void {
    this.#update(id, { state: 'starting', key, attempt, key_at: keyAt, anchor_run_id: anchorRunId, error_code: undefined, error_message: undefined });
  }

  /** The run id is known: from the start's answer, or found in the run list. */
  started(id: string, runId: string, quote: number | undefined, foundBy: 'answer' | 'lookup'): void {
    this.#write(() => {
      const next = (this.#sql('SELECT COALESCE(MAX(confirm_no), 0) + 1 AS n FROM items').get() as { n: number }).n;
      this.#sql('UPDATE items SET state = ?, run_id = ?, quote = ?, found_by = ?, confirm_no = ?, updated_at = ? WHERE id = ?').run('started', runId, quote ?? null, foundBy, next, Date.now(), id);
    });
  }

  /** The run whose start was confirmed last: a lost answer's run is looked for among the runs created after it. */
  lastConfirmedRunId(): string | undefined {
    return this.#read(() => {
      const r = this.#db.prepare('SELECT run_id FROM items WHERE confirm_no IS NOT NULL ORDER BY confirm_no DESC LIMIT 1').get() as { run_id: string | null } | undefined;
      return r?.run_id ?? undefined;
    });
  }

  /** The run ended (or the start was refused for this item alone, or its run could not be found). */
  ended(id: string, end: ItemEnd): void {
    this.#update(id, { state: end.state, status: end.status, outputs: end.outputs === undefined ? undefined : JSON.stringify(end.outputs), charged_cost: end.chargedCost, error_code: end.errorCode, error_message: end.errorMessage });
  }

  /** Every file's record. */
  files(): FileRecord[] {
    return this.#read(() => (this.#db.prepare('SELECT * FROM files ORDER BY sha256').all() as Row[]).map(toFile));
  }

  /** A file's record as it now is (its key, then its asset, then its URL). */
  putFile(file: FileRecord): void {
    this.#write(() => void this.#db.prepare(FILE_UPSERT).run(fileValues(file)));
  }

  /** Back to pending: a start the API refused for the whole batch (no credits), or a failed run to retry with a new key. */
  pending(id: string, attempt: number): void {
    const row = this.item(id);
    const past = row?.runId ? [...row.pastRuns, row.runId] : (row?.pastRuns ?? []);
    this.#update(id, { state: 'pending', attempt, past_runs: JSON.stringify(past), confirm_no: undefined, key: undefined, key_at: undefined, anchor_run_id: undefined, run_id: undefined, status: undefined, outputs: undefined, charged_cost: undefined, found_by: undefined });
  }

  #depth = 0;

  /** Runs `fn`'s changes as one transaction: one durable commit (one fsync) for all of them. */
  transaction(fn: () => void): void {
    this.#write(() => this.#db.transaction(fn)());
  }

  /** A write, its SQLite errors named, and the files checked after it commits: nothing is acted on that went to a lost file. */
  #write(fn: () => void): void {
    // Before as well as after: SQLite writing on would grow a truncated -wal back past the size last seen.
    if (this.#depth === 0) this.check();
    this.#depth++;
    try {
      fn();
    } catch (err) {
      throw this.#fault(err);
    } finally {
      this.#depth--;
    }
    if (this.#depth === 0) this.check();
  }

  #read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw this.#fault(err);
    }
  }

  /** A SQLite error as a `BatchStoreError` naming the journal (else unchanged). */
  #fault(err: unknown): unknown {
    const fault = sqliteFault(err);
    if (fault === undefined || err instanceof BatchStoreError) return err;
    const what = err instanceof Error ? err.message : String(err);
    const text = fault === 'full' ? `the disk is full (${what})` : fault === 'missing' ? `it was removed or moved (${what})` : fault === 'damaged' ? `it is damaged (${what})` : `the disk failed (${what})`;
    return new BatchStoreError(fault, this.path, `the journal ${this.path} could not be written: ${text}`, { cause: err });
  }

  /** Throws `BatchStoreError` when the journal's files are not the ones it opened (`journal-files.ts`). Called around every commit. */
  check(): void {
    this.#files.check();
  }

  /** Counts by state and the cost so far. */
  status(): JournalStatus {
    return this.#read(() => {
      const counts = Object.fromEntries(ITEM_STATES.map((s) => [s, 0])) as Record<ItemState, number>;
      for (const r of this.#db.prepare('SELECT state, COUNT(*) AS n FROM items GROUP BY state').all() as { state: ItemState; n: number }[]) counts[r.state] = r.n;
      const spent = (this.#db.prepare('SELECT COALESCE(SUM(charged_cost), 0) AS s FROM items').get() as { s: number }).s;
      return { meta: this.meta, counts, spent };
    });
  }

  /** Closes the file (a claim held is given up first, when it can be). */
  close(): void {
    if (!this.#db.open) return;
    this.onClose?.();
    this.#db.close();
  }

  /** @internal Called before the file closes (the claim gives itself up). */
  onClose: (() => void) | undefined;
}
