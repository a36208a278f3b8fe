/**
 * An item's row kept in memory as one string (a JSON array of its fields), not as an object with its
 * inputs and outputs parsed: a 100,000-item batch keeps every row (a journal lost under it is written
 * again from them, and the outcome lists every item), and as objects they cost ~800 bytes each and let
 * the heap grow far past 256 MiB; packed they cost ~400. Only the items in flight are unpacked.
 */
import type { ItemRow, Row } from './journal-rows.js';

/** The fields' order in a packed row. */
const FIELDS = ['seq', 'id', 'line', 'inputs', 'digest', 'state', 'attempt', 'key', 'keyAt', 'anchorRunId', 'runId', 'quote', 'status', 'outputs', 'chargedCost', 'errorCode', 'errorMessage', 'foundBy', 'pastRuns'] as const;

/**
 * A string built by concatenation is a tree of its parts (a V8 cons string, more than twice the size);
 * reading a character flattens it into one sequential string, which is what is then kept.
 */
const flat = (s: string): string => (s.charCodeAt(0), s);

/** A row as the pipeline changed it, packed. */
export function packRow(row: ItemRow): string {
  return JSON.stringify(FIELDS.map((f) => row[f] ?? null));
}

/** A journal's raw row packed without parsing its JSON columns (their text is spliced in as it is). */
export function packColumns(r: Row): string {
  const v = (x: unknown) => (x === null || x === undefined ? 'null' : JSON.stringify(x));
  const json = (x: unknown, none: string) => (x === null || x === undefined ? none : (x as string));
  const parts = [v(r.seq), v(r.id), v(r.line), json(r.inputs, 'null'), v(r.digest), v(r.state), v(r.attempt), v(r.key), v(r.key_at), v(r.anchor_run_id), v(r.run_id), v(r.quote), v(r.status), json(r.outputs, 'null'), v(r.charged_cost), v(r.error_code), v(r.error_message), v(r.found_by), json(r.past_runs, '[]')];
  return flat(`[${parts.join(',')}]`);
}

/** A packed row as an object again (a missing value is `undefined`, as it reads from the journal). */
export function unpackRow(packed: string): ItemRow {
  const values = JSON.parse(packed) as unknown[];
  const row: Record<string, unknown> = {};
  FIELDS.forEach((f, i) => (row[f] = values[i] ?? undefined));
  row.pastRuns ??= [];
  return row as unknown as ItemRow;
}
