/**
 * A batch's journal from its path: made on the first run, checked to be this batch's on the next, refused
 * when what is on disk says the batch ran before and its journal is gone or damaged (never started again
 * from zero: that would lose which runs are paid for), rebuilt in recovery mode, and written again from
 * memory when it is lost under the running batch.
 */
import { existsSync, renameSync } from 'node:fs';
import { InputValidationError } from '../core/errors.js';
import type { FileRecord } from './file-policy.js';
import { hasFiles } from './input-files.js';
import type { CheckedItem } from './items.js';
import { Journal, journalFiles, type ItemRow, type JournalMeta } from './journal.js';
import { batchIdOf } from './keys.js';
import { resultIds } from './results-file.js';
import { readFileSync } from 'node:fs';
import type { ItemResult } from './result.js';

const refuse = (message: string): never => {
  throw new InputValidationError({ status: undefined, message: `journal: ${message}`, fields: [{ field: 'journal', message }] });
};

/** The batch a journal is opened for. */
export interface JournalFor {
  /** The batch's name (default: the journal's full path). */
  name: string;
  /** True when the caller named the batch (then a journal of another name is another batch's). */
  named: boolean;
  techniqueId: string;
  workspaceId: string | undefined;
  route: 'nested' | 'top';
  /** RESULTS.jsonl beside the journal, if any: results of these items there mean the batch ran before. */
  results: string | undefined;
  recover: boolean;
}

/** Moves a journal's files aside (kept, never deleted), returning the names they now have. */
export function keepAside(path: string, why: 'damaged' | 'lost'): string[] {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const kept: string[] = [];
  for (const [suffix, file] of [['', path], ['-wal', `${path}-wal`], ['-shm', `${path}-shm`]] as const) {
    if (!existsSync(file)) continue;
    const to = `${path}.${why}-${stamp}${suffix}`;
    renameSync(file, to);
    kept.push(to);
  }
  return kept;
}

/** The results of ended items in a results file (a rebuilt journal starts from them). */
function endedResults(path: string | undefined): Map<string, ItemResult> {
  const ended = new Map<string, ItemResult>();
  if (!path || !existsSync(path)) return ended;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const r = JSON.parse(line) as ItemResult;
      if (typeof r?.id === 'string' && typeof r.run_id === 'string' && (r.status === 'completed' || r.status === 'failed')) ended.set(r.id, r);
    } catch {
      // not a result line
    }
  }
  return ended;
}

/** A new journal for the batch; in recovery mode its items start from the results already written. */
async function create(path: string, items: CheckedItem[], b: JournalFor): Promise<Journal> {
  const meta: JournalMeta = { batchId: batchIdOf(b), name: b.name, techniqueId: b.techniqueId, workspaceId: b.workspaceId, route: b.route, createdAt: Date.now(), itemCount: items.length };
  const done = b.recover ? endedResults(b.results) : new Map<string, ItemResult>();
  if (done.size === 0) return Journal.create(path, meta, items);
  const rows = items.map((item, seq): ItemRow => {
    const r = done.get(item.id);
    const base = { seq, id: item.id, line: item.line, inputs: item.inputs, digest: item.digest, attempt: 1, key: undefined, keyAt: undefined, anchorRunId: undefined, quote: undefined, foundBy: undefined, pastRuns: [] };
    if (!r) return { ...base, state: 'pending', runId: undefined, status: undefined, outputs: undefined, chargedCost: undefined, errorCode: undefined, errorMessage: undefined };
    return { ...base, state: r.status as 'completed' | 'failed', runId: r.run_id!, status: r.status, outputs: r.outputs ?? undefined, chargedCost: r.charged_cost ?? undefined, errorCode: r.error?.code, errorMessage: r.error?.message, foundBy: 'results' };
  });
  return Journal.restore(path, meta, rows, []);
}

/** The journal of this batch: a new one, or the existing one after checking it is the same batch. */
export async function openJournal(path: string, items: CheckedItem[], b: JournalFor): Promise<Journal> {
  if (!existsSync(path)) {
    const files = journalFiles(path);
    const strays = [files.wal, files.shm].filter((f) => existsSync(f));
    if (b.recover) keepAside(path, 'lost');
    else if (strays.length > 0) {
      refuse(`${path} is missing, but ${strays.join(' and ')} is there: the journal was removed after its batch ran, and starting it again from zero could pay twice for its items. Put the journal back, or run the batch in recovery mode (--recover), which looks for what FLORA ran already.`);
    } else if (b.results) {
      const ids = resultIds(b.results);
      const known = items.filter((i) => ids.has(i.id)).length;
      if (known > 0) {
        refuse(`${path} is missing, but ${b.results} holds results of ${known} of its items: the batch ran before and its journal is lost; starting it again from zero could pay twice. Put the journal back, or run the batch in recovery mode (--recover), which looks for what FLORA ran already.`);
      }
    }
    // Another process may create it at the same moment: then its journal is the one (and the claim decides who runs it).
    const made = await create(path, items, b).catch((err: unknown) => {
      if (existsSync(path) && err instanceof InputValidationError && /already exists/.test(err.message)) return undefined;
      throw err;
    });
    if (made) return made;
  }
  let journal: Journal;
  try {
    journal = await Journal.open(path);
  } catch (err) {
    if (!b.recover || !(err instanceof InputValidationError) || !/damaged|cannot be read/.test(err.message)) {
      if (err instanceof InputValidationError && /damaged|cannot be read/.test(err.message)) refuse(`${err.message.replace(/^journal: /, '')}. Nothing was started. Run the batch in recovery mode (--recover) to keep this file aside and rebuild the journal from what FLORA ran.`);
      throw err;
    }
    keepAside(path, 'damaged');
    journal = await create(path, items, b);
  }
  const m = journal.meta;
  const other = (what: string): never => {
    journal.close();
    return refuse(`${path} belongs to another batch: ${what}`);
  };
  if (m.techniqueId !== b.techniqueId || (m.workspaceId ?? null) !== (b.workspaceId ?? null) || m.route !== b.route) {
    other(`it ran technique ${m.techniqueId}${m.workspaceId ? ` in ${m.workspaceId}` : ''}, not ${b.techniqueId}${b.workspaceId ? ` in ${b.workspaceId}` : ''}`);
  }
  if (b.named && m.name !== b.name) other(`it is batch ${JSON.stringify(m.name ?? m.batchId)}, not ${JSON.stringify(b.name)}`);
  // Digests only: reading every row (inputs and outputs parsed) to compare them cost a resumed 100,000-item
  // journal a second or more and ~100 MiB, before the store reads them all again.
  const rows = journal.digests();
  for (const item of items) {
    const digest = rows.get(item.id);
    if (digest === undefined) other(`line ${item.line}: item ${JSON.stringify(item.id)} is not one of its ${rows.size} items`);
    else if (digest !== item.digest) other(`line ${item.line}: item ${JSON.stringify(item.id)} has other inputs than it recorded${hasFiles(item.inputs) ? ' (or a file it names holds other content than when the batch started)' : ''}`);
  }
  if (items.length !== rows.size) {
    const given = new Set(items.map((i) => i.id));
    const missing = [...rows.keys()].find((id) => !given.has(id));
    other(`its item ${JSON.stringify(missing)} is missing from the items`);
  }
  return journal;
}

/**
 * Writes the journal again from the rows a process still holds, after the one on disk was lost or damaged
 * under it (what is left of it kept aside). Resolves with what to tell the user.
 */
export async function rescueJournal(path: string, meta: JournalMeta, rows: Iterable<ItemRow>, confirmOrder: readonly string[], files: readonly FileRecord[] = []): Promise<string> {
  try {
    const kept = keepAside(path, 'lost');
    const j = await Journal.restore(path, meta, rows, confirmOrder, files);
    j.close();
    return `This process still knew every item's key and run, and wrote them to a new journal at ${path}${kept.length ? ` (what was left of the old one is kept as ${kept.join(', ')})` : ''}: run the batch again to resume, and nothing is paid twice.`;
  } catch (err) {
    return `Writing it again failed too (${err instanceof Error ? err.message : String(err)}): run the batch again in recovery mode (--recover); within two hours of its starts FLORA pays nothing twice.`;
  }
}
