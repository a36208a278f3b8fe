/**
 * One runner per journal: two processes running one batch would send the same keys at once and leave
 * starts only a run-list lookup can settle. The claim is a row of the journal's meta table naming the
 * process (and its host); it is renewed while the batch runs and given up when the journal closes.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { InputValidationError } from '../core/errors.js';
import type { Journal } from './journal.js';

/** A runner on another host that has not renewed its claim for this long is taken to be dead. */
export const RUNNER_STALE_MS = 15_000;
/** How often a runner renews its claim. */
export const RUNNER_RENEW_MS = 3_000;
/** On this host, with no start time to tell a reused pid apart, a claim not renewed for this long is taken to be dead. */
const LOCAL_STALE_MS = 10 * 60_000;
const PROCESS_ID = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

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

/** This process's claim on a journal. */
export class JournalClaim {
  #token: string | undefined;

  constructor(private readonly journal: Journal) {}

  /**
   * Makes this process the journal's one runner. Refused with `InputValidationError` (field `journal`)
   * while another live process holds it; a holder that died (on this host: its process is gone; on
   * another: it has not renewed its claim for `RUNNER_STALE_MS`) is taken over. The claim is given up when
   * the journal closes.
   */
  claim(): void {
    const db = this.journal.database;
    const me: Runner = { pid: process.pid, process: PROCESS_ID, started: startedAt(process.pid), host: hostname(), token: `${process.pid}-${Math.random().toString(36).slice(2)}`, at: Date.now() };
    db.transaction(() => {
      const r = db.prepare("SELECT value FROM meta WHERE key = 'runner'").get() as { value: string } | undefined;
      const held = r && (JSON.parse(r.value) as Runner);
      if (held && held.token !== this.#token && alive(held)) {
        const message = `${this.journal.path} is in use by process ${held.pid} on ${held.host} (its claim renewed ${Math.max(0, Math.round((Date.now() - held.at) / 1000))} s ago): one batch runs in one process at a time; stop that one first, or wait for it`;
        throw new InputValidationError({ status: undefined, message: `journal: ${message}`, fields: [{ field: 'journal', message }] });
      }
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('runner', ?)").run(JSON.stringify(me));
    }).immediate();
    this.#token = me.token;
    this.journal.onClose = () => this.release();
  }

  /** Renews this process's claim; false when another process has taken it over. */
  renew(): boolean {
    const db = this.journal.database;
    if (this.#token === undefined || !db.open) return false;
    return db.prepare("UPDATE meta SET value = json_set(value, '$.at', ?) WHERE key = 'runner' AND json_extract(value, '$.token') = ?").run(Date.now(), this.#token).changes === 1;
  }

  /** Gives the claim up, so the next run starts at once (a journal that can no longer be written keeps it: its holder is gone). */
  release(): void {
    const db = this.journal.database;
    if (this.#token === undefined || !db.open) return;
    try {
      db.prepare("DELETE FROM meta WHERE key = 'runner' AND json_extract(value, '$.token') = ?").run(this.#token);
    } catch {
      // A full disk or a damaged file: the next run finds this process gone and takes the claim over.
    }
    this.#token = undefined;
  }
}
