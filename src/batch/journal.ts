/**
 * The batch journal: one SQLite file (better-sqlite3) holding the batch's identity and every item's state.
 * Every state change is one transaction, committed with `synchronous = FULL` in WAL mode, so it is on disk
 * (fsync) before the batch acts on it: the idempotency key before the start request is sent, the run id as
 * soon as it is known, the result as soon as the run ends. A process killed at any moment leaves a journal
 * that the next one resumes from. The CLI (`flora batch status`) and the library read the same file.
 */
import { constants, copyFileSync, existsSync, linkSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import type BetterSqlite3 from 'better-sqlite3';
import { InputValidationError } from '../core/errors.js';

/** What an item is doing. */
export type ItemState =
  /** Not started (or put back after a refused start). */
  | 'pending'
  /** Its key is recorded and a start request was (maybe) sent; no run id is known yet. */
  | 'starting'
  /** Its run id is known; the run has not ended (as far as the journal knows). */
  | 'started'
  | 'completed'
  | 'failed'
  /** Its start was sent but never confirmed, and the run could not be found: a person must look. */
  | 'review';

export const ITEM_STATES: readonly ItemState[] = ['pending', 'starting', 'started', 'completed', 'failed', 'review'];

/** The batch a journal belongs to. */
export interface JournalMeta {
  batchId: string;
  techniqueId: string;
  workspaceId: string | undefined;
  route: 'nested' | 'top';
  createdAt: number;
  itemCount: number;
}

/** One item as journaled. */
export interface ItemRow {
  seq: number;
  id: string;
  line: number;
  inputs: unknown;
  digest: string;
  state: ItemState;
  attempt: number;
  key: string | undefined;
  /** When the current key was first recorded (epoch ms): its age decides whether a resend is safe. */
  keyAt: number | undefined;
  /** The run confirmed last before this start: the run list is searched back to it for a lost answer. */
  anchorRunId: string | undefined;
  runId: string | undefined;
  quote: number | undefined;
  status: string | undefined;
  outputs: unknown;
  chargedCost: number | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  /** How the run id became known: `answer` (the start's answer) or `lookup` (found in the run list). */
  foundBy: string | undefined;
  /** Runs of earlier attempts (failed runs retried with a new key). */
  pastRuns: string[];
}

/** What a runner keeps of an item it is not working on: no inputs, no outputs (see `Journal.briefs`). */
export interface ItemBrief {
  id: string;
  state: ItemState;
  runId: string | undefined;
  pastRuns: string[];
  quote: number | undefined;
  chargedCost: number | undefined;
}

/** Counts by state and the cost so far: what `flora batch status` prints. */
export interface JournalStatus {
  meta: JournalMeta;
  counts: Record<ItemState, number>;
  /** Sum of `charged_cost` of ended runs. */
  spent: number;
}

const FORMAT = 'flora-batch-journal/1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  line INTEGER NOT NULL,
  inputs TEXT NOT NULL,
  digest TEXT NOT NULL,
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 1,
  key TEXT,
  key_at INTEGER,
  anchor_run_id TEXT,
  run_id TEXT,
  quote REAL,
  status TEXT,
  outputs TEXT,
  charged_cost REAL,
  error_code TEXT,
  error_message TEXT,
  found_by TEXT,
  past_runs TEXT NOT NULL DEFAULT '[]',
  confirm_no INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS items_state ON items (state);
CREATE INDEX IF NOT EXISTS items_confirm ON items (confirm_no);
`;

type Db = BetterSqlite3.Database;
type Row = Record<string, unknown>;

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

function toItem(r: Row): ItemRow {
  return {
    seq: r.seq as number,
    id: r.id as string,
    line: r.line as number,
    inputs: JSON.parse(r.inputs as string),
    digest: r.digest as string,
    state: r.state as ItemState,
    attempt: r.attempt as number,
    key: opt(r.key),
    keyAt: opt(r.key_at),
    anchorRunId: opt(r.anchor_run_id),
    runId: opt(r.run_id),
    quote: opt(r.quote),
    status: opt(r.status),
    outputs: r.outputs === null || r.outputs === undefined ? undefined : JSON.parse(r.outputs as string),
    chargedCost: opt(r.charged_cost),
    errorCode: opt(r.error_code),
    errorMessage: opt(r.error_message),
    foundBy: opt(r.found_by),
    pastRuns: JSON.parse((r.past_runs as string | null) ?? '[]') as string[],
  };
}

/** Loads better-sqlite3, which is an optional peer dependency: only batches need it. */
async function sqlite(): Promise<typeof BetterSqlite3> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (err) {
    throw new Error(`The batch journal needs the better-sqlite3 package (npm install better-sqlite3@12): ${err instanceof Error ? err.message : String(err)}`);
  }
}

const refuse = (field: string, message: string): never => {
  throw new InputValidationError({ status: undefined, message: `${field}: ${message}`, fields: [{ field, message }] });
};

/** A batch journal file. Open it with `Journal.open` (an existing file) or `Journal.create`. */
export class Journal {
  readonly #db: Db;
  readonly meta: JournalMeta;
  readonly path: string;

  private constructor(path: string, db: Db, meta: JournalMeta) {
    this.path = path;
    this.#db = db;
    this.meta = meta;
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

  /** Opens an existing journal; `InputValidationError` (field `journal`) when it is missing or not a batch journal. */
  static async open(path: string): Promise<Journal> {
    if (!existsSync(path)) refuse('journal', `no journal at ${path}`);
    let db: Db;
    try {
      db = await Journal.#connect(path);
      const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
      const m = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      if (m.format !== FORMAT) throw new Error(`format ${m.format ?? 'missing'}`);
      return new Journal(path, db, JSON.parse(m.batch!) as JournalMeta);
    } catch (err) {
      if (err instanceof InputValidationError) throw err;
      return refuse('journal', `${path} is not a flora batch journal (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
  }

  /**
   * Creates a journal for a new batch with its items. It is written under a temporary name and renamed into
   * place once complete, so a process killed while creating it leaves no half-made journal behind.
   */
  static async create(path: string, meta: JournalMeta, items: readonly { id: string; line: number; inputs: unknown; digest: string }[]): Promise<Journal> {
    if (existsSync(path)) refuse('journal', `${path} already exists`);
    const temp = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.new`;
    const db = await Journal.#connect(temp);
    const now = Date.now();
    db.transaction(() => {
      db.exec(SCHEMA);
      const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      setMeta.run('format', FORMAT);
      setMeta.run('batch', JSON.stringify(meta));
      const add = db.prepare("INSERT INTO items (seq, id, line, inputs, digest, state, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)");
      items.forEach((item, i) => add.run(i, item.id, item.line, JSON.stringify(item.inputs), item.digest, now));
    })();
    // Closing checkpoints the WAL into the file, so the link holds everything. A link, not a rename: of two
    // processes creating the same journal at once, the second fails here instead of replacing the first's
    // journal (and batch id, so every item's key) under it.
    db.close();
    try {
      try {
        linkSync(temp, path);
      } catch (err) {
        // A file system without hard links: a copy that also refuses to replace an existing file.
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
        copyFileSync(temp, path, constants.COPYFILE_EXCL);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') refuse('journal', `${path} already exists`);
      throw err;
    } finally {
      for (const extra of ['', '-wal', '-shm']) rmSync(`${temp}${extra}`, { force: true });
    }
    return Journal.open(path);
  }

  /** Every item, in the items file's order. */
  items(): ItemRow[] {
    return (this.#db.prepare('SELECT * FROM items ORDER BY seq').all() as Row[]).map(toItem);
  }

  /**
   * Every item, in the items file's order, read one row at a time: a 100,000-item batch's results are
   * built without holding every row at once. Consume it in one synchronous loop: the journal runs no other
   * statement until it is done.
   */
  *eachItem(): Generator<ItemRow> {
    for (const r of this.#db.prepare('SELECT * FROM items ORDER BY seq').iterate() as Iterable<Row>) yield toItem(r);
  }

  /** What a runner needs of every item to resume it, without inputs or outputs, in the items file's order (consume it as `eachItem`). */
  *briefs(): Generator<ItemBrief> {
    const rows = this.#db.prepare('SELECT id, state, run_id, past_runs, quote, charged_cost FROM items ORDER BY seq').iterate() as Iterable<Row>;
    for (const r of rows) {
      yield { id: r.id as string, state: r.state as ItemState, runId: opt(r.run_id), pastRuns: JSON.parse((r.past_runs as string | null) ?? '[]') as string[], quote: opt(r.quote), chargedCost: opt(r.charged_cost) };
    }
  }

  /** Each item's inputs digest by id: what a resumed batch is checked against. */
  digests(): Map<string, string> {
    return new Map(this.#db.prepare('SELECT id, digest FROM items').raw().all() as [string, string][]);
  }

  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  /**
   * The statement for `text`, prepared once: the per-item reads and writes run several times an item, and
   * a statement prepared per call costs ~30 µs plus native memory that only the garbage collector gives back
   * (about 60 MiB of RSS at 300,000 updates). Not for `iterate()`, which keeps its statement busy.
   */
  #sql(text: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(text);
    if (!statement) this.#statements.set(text, (statement = this.#db.prepare(text)));
    return statement;
  }

  item(id: string): ItemRow | undefined {
    const r = this.#sql('SELECT * FROM items WHERE id = ?').get(id) as Row | undefined;
    return r && toItem(r);
  }

  #update(id: string, fields: Record<string, unknown>): void {
    const names = Object.keys(fields);
    const sql = `UPDATE items SET ${names.map((n) => `${n} = @${n}`).join(', ')}, updated_at = @updated_at WHERE id = @id`;
    const values: Record<string, unknown> = { id, updated_at: Date.now() };
    for (const n of names) values[n] = fields[n] === undefined ? null : fields[n];
    if (this.#sql(sql).run(values).changes !== 1) throw new Error(`journal: no item ${id}`);
  }

  /** Records the key (and when it was first sent) before the start request goes out. */
  starting(id: string, key: string, attempt: number, keyAt: number, anchorRunId: string | undefined): void {
    this.#update(id, { state: 'starting', key, attempt, key_at: keyAt, anchor_run_id: anchorRunId, error_code: undefined, error_message: undefined });
  }

  /** The run id is known: from the start's answer, or found in the run list. */
  started(id: string, runId: string, quote: number | undefined, foundBy: 'answer' | 'lookup'): void {
    const next = (this.#sql('SELECT COALESCE(MAX(confirm_no), 0) + 1 AS n FROM items').get() as { n: number }).n;
    this.#update(id, { state: 'started', run_id: runId, quote, found_by: foundBy, confirm_no: next });
  }

  /** The run whose start was confirmed last: a lost answer's run is looked for among the runs created after it. */
  lastConfirmedRunId(): string | undefined {
    const r = this.#db.prepare('SELECT run_id FROM items WHERE confirm_no IS NOT NULL ORDER BY confirm_no DESC LIMIT 1').get() as { run_id: string | null } | undefined;
    return r?.run_id ?? undefined;
  }

  /** The run ended (or the start was refused for this item alone). */
  ended(id: string, end: { state: 'completed' | 'failed' | 'review'; status: string; outputs?: unknown; chargedCost?: number | undefined; errorCode?: string | undefined; errorMessage?: string | undefined }): void {
    this.#update(id, {
      state: end.state,
      status: end.status,
      outputs: end.outputs === undefined ? undefined : JSON.stringify(end.outputs),
      charged_cost: end.chargedCost,
      error_code: end.errorCode,
      error_message: end.errorMessage,
    });
  }

  /** Back to pending: a start the API refused for the whole batch (no credits), or a failed run to retry with a new key. */
  pending(id: string, attempt: number): void {
    const row = this.item(id);
    const past = row?.runId ? [...row.pastRuns, row.runId] : (row?.pastRuns ?? []);
    this.#update(id, { state: 'pending', attempt, past_runs: JSON.stringify(past), confirm_no: undefined, key: undefined, key_at: undefined, anchor_run_id: undefined, run_id: undefined, status: undefined, outputs: undefined, charged_cost: undefined, found_by: undefined });
  }

  /** Runs `fn`'s changes as one transaction: one durable commit (one fsync) for all of them. */
  transaction(fn: () => void): void {
    this.#db.transaction(fn)();
  }

  /** Counts by state and the cost so far. */
  status(): JournalStatus {
    const counts = Object.fromEntries(ITEM_STATES.map((s) => [s, 0])) as Record<ItemState, number>;
    for (const r of this.#db.prepare('SELECT state, COUNT(*) AS n FROM items GROUP BY state').all() as { state: ItemState; n: number }[]) counts[r.state] = r.n;
    const spent = (this.#db.prepare('SELECT COALESCE(SUM(charged_cost), 0) AS s FROM items').get() as { s: number }).s;
    return { meta: this.meta, counts, spent };
  }

  /**
   * Makes this process the journal's one runner: two processes running one batch would send the same keys
   * at once and leave starts only a run-list lookup can settle. Refused with `InputValidationError` (field
   * `journal`) while another live process holds it; a holder that died (on this host: its process is gone;
   * on another: it has not renewed its claim for `RUNNER_STALE_MS`) is taken over. Renew with `renew()`,
   * give up with `release()`.
   */
  claim(): void {
    const me: Runner = { pid: process.pid, process: PROCESS_ID, started: startedAt(process.pid), host: hostname(), token: `${process.pid}-${Math.random().toString(36).slice(2)}`, at: Date.now() };
    this.#db.transaction(() => {
      const held = this.#runner();
      if (held && held.token !== this.#token && alive(held)) {
        refuse('journal', `${this.path} is in use by process ${held.pid} on ${held.host} (its claim renewed ${Math.max(0, Math.round((Date.now() - held.at) / 1000))} s ago): one batch runs in one process at a time; stop that one first, or wait for it`);
      }
      this.#db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('runner', ?)").run(JSON.stringify(me));
    }).immediate();
    this.#token = me.token;
  }

  /** Renews this process's claim (see `claim`); false when another process has taken it over. */
  renew(): boolean {
    if (this.#token === undefined || !this.#db.open) return false;
    return this.#db.prepare("UPDATE meta SET value = json_set(value, '$.at', ?) WHERE key = 'runner' AND json_extract(value, '$.token') = ?").run(Date.now(), this.#token).changes === 1;
  }

  /** Gives the claim up, so the next run starts at once. */
  release(): void {
    if (this.#token === undefined || !this.#db.open) return;
    this.#db.prepare("DELETE FROM meta WHERE key = 'runner' AND json_extract(value, '$.token') = ?").run(this.#token);
    this.#token = undefined;
  }

  #token: string | undefined;

  #runner(): Runner | undefined {
    const r = this.#db.prepare("SELECT value FROM meta WHERE key = 'runner'").get() as { value: string } | undefined;
    return r && (JSON.parse(r.value) as Runner);
  }

  close(): void {
    if (this.#db.open) {
      this.release();
      this.#db.close();
    }
  }
}

/** The process running a batch, as its journal records it. */
interface Runner {
  pid: number;
  /** This process among all that had its pid (a restarted container's runner is pid 1 again). */
  process?: string;
  /** Where the system says when a process started (Linux): the boot and the start time of its pid. */
  started?: string | undefined;
  host: string;
  token: string;
  /** When it last renewed its claim (epoch ms). */
  at: number;
}

/** A runner on another host that has not renewed its claim for this long is taken to be dead. */
export const RUNNER_STALE_MS = 15_000;
const PROCESS_ID = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
/** How often a runner renews its claim. */
export const RUNNER_RENEW_MS = 3_000;

/** Where the system can say so (Linux), the boot and start time of a process: a pid reused by another process differs. */
function startedAt(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (start time in clock ticks since boot), counted after the command name's closing parenthesis.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${start}`;
  } catch {
    return undefined;
  }
}

/** On this host, with no start time to tell a reused pid apart, a claim not renewed for this long is taken to be dead. */
const LOCAL_STALE_MS = 10 * 60_000;

/**
 * Whether the recorded runner may still be running. On this host, whether its process exists (one
 * suspended with Ctrl-Z still holds the journal), told apart from a later process given the same pid;
 * on another host, whether its claim is fresh.
 */
function alive(r: Runner): boolean {
  if (r.host !== hostname()) return Date.now() - r.at <= RUNNER_STALE_MS;
  if (r.pid === process.pid) return r.process === PROCESS_ID;
  try {
    process.kill(r.pid, 0);
  } catch (err) {
    // EPERM: a process of another user has that pid, so it exists.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startedAt(r.pid);
  if (r.started !== undefined && now !== undefined) return now === r.started;
  return Date.now() - r.at <= LOCAL_STALE_MS;
}
