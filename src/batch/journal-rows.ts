/** The journal's table layout and how its rows read and write: one item a row, the batch in a meta table. */
import type { FileRecord } from './file-policy.js';
import type { PipelineItem } from './pipeline.js';
import type { ItemState } from './policy.js';

/** The batch a journal belongs to. */
export interface JournalMeta {
  batchId: string;
  /** The batch's name its id derives from (journals made before names were kept have none). */
  name?: string | undefined;
  techniqueId: string;
  workspaceId: string | undefined;
  route: 'nested' | 'top';
  createdAt: number;
  itemCount: number;
}

/** One item as journaled: what the pipeline reads and changes (`PipelineItem`), and the rest of its row. */
export interface ItemRow extends PipelineItem {
  seq: number;
  line: number;
  digest: string;
  status: string | undefined;
  outputs: unknown;
  chargedCost: number | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  /** How the run id became known: `answer` (the start's answer), `lookup` (found in the run list) or `results` (a rebuilt journal's). */
  foundBy: string | undefined;
  /** Runs of earlier attempts (failed runs retried with a new key). */
  pastRuns: string[];
}

/** Counts by state and the cost so far: what `flora batch status` prints. */
export interface JournalStatus {
  meta: JournalMeta;
  counts: Record<ItemState, number>;
  /** Sum of `charged_cost` of ended runs. */
  spent: number;
}

export const FORMAT = 'flora-batch-journal/1';
/** The batch's local files, one row per distinct content (journals made before files were kept gain it when opened). */
export const FILES_SCHEMA = `
CREATE TABLE IF NOT EXISTS files (sha256 TEXT PRIMARY KEY, key TEXT NOT NULL, key_at INTEGER NOT NULL, asset_id TEXT, url TEXT, updated_at INTEGER NOT NULL);
`;
export const COLUMNS = ['seq', 'id', 'line', 'inputs', 'digest', 'state', 'attempt', 'key', 'key_at', 'anchor_run_id', 'run_id', 'quote', 'status', 'outputs', 'charged_cost', 'error_code', 'error_message', 'found_by', 'past_runs', 'confirm_no', 'updated_at'];
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, line INTEGER NOT NULL, inputs TEXT NOT NULL, digest TEXT NOT NULL,
  state TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 1, key TEXT, key_at INTEGER, anchor_run_id TEXT, run_id TEXT,
  quote REAL, status TEXT, outputs TEXT, charged_cost REAL, error_code TEXT, error_message TEXT, found_by TEXT,
  past_runs TEXT NOT NULL DEFAULT '[]', confirm_no INTEGER, updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS items_state ON items (state);
${FILES_SCHEMA}`;

export type Row = Record<string, unknown>;

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

export function toItem(r: Row): ItemRow {
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

/** A file's record written whole (its row made, or changed). */
export const FILE_UPSERT = `INSERT INTO files (sha256, key, key_at, asset_id, url, updated_at) VALUES (@sha256, @key, @key_at, @asset_id, @url, @updated_at)
  ON CONFLICT (sha256) DO UPDATE SET key = excluded.key, key_at = excluded.key_at, asset_id = excluded.asset_id, url = excluded.url, updated_at = excluded.updated_at`;
export const fileValues = (f: FileRecord) => ({ sha256: f.sha256, key: f.key, key_at: f.keyAt, asset_id: f.assetId ?? null, url: f.url ?? null, updated_at: Date.now() });

/** A file row as the file step reads it. */
export const toFile = (r: Row): FileRecord => ({ sha256: r.sha256 as string, key: r.key as string, keyAt: r.key_at as number, assetId: opt(r.asset_id), url: opt(r.url) });

/** An item row as its columns, for writing a whole journal (`Journal.restore`). */
export const toColumns = (r: ItemRow, confirmNo: number | null, now: number): unknown[] => [
  r.seq, r.id, r.line, JSON.stringify(r.inputs), r.digest, r.state, r.attempt, r.key ?? null, r.keyAt ?? null, r.anchorRunId ?? null, r.runId ?? null, r.quote ?? null,
  r.status ?? null, r.outputs === undefined ? null : JSON.stringify(r.outputs), r.chargedCost ?? null, r.errorCode ?? null, r.errorMessage ?? null, r.foundBy ?? null,
  JSON.stringify(r.pastRuns), confirmNo, now,
];
