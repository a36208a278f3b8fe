/** The public types of `runBatch`: its options, progress, summary and outcome. */
import type { BatchStop } from './pipeline.js';
import type { ItemResult } from './result.js';

export type { BatchStop, ItemResult };

/** Options of `runBatch`. */
export interface RunBatchOptions {
  /** The technique: a slug or id for the nested route, a `tech_` id with `workspaceId` for the top-level one. */
  techniqueId: string;
  /** With it, runs start through `runs.startTechnique` (inputs are maps); without, `techniques.runs.create` (inputs are arrays). */
  workspaceId?: string | undefined;
  /** The journal file. Created on the first run; the same path resumes the batch. */
  journal: string;
  /**
   * The batch's name: with the technique (and workspace) it makes the batch's id, and so every item's
   * idempotency key, which therefore survive the loss of the journal. Letters, digits, `.`, `_`, `-`.
   * Default: the journal's full path. A journal keeps the name it was made with.
   */
  batch?: string | undefined;
  /**
   * RESULTS.jsonl: each item's line is appended as it ends, and the file written whole (every item, in
   * the items' order) at the end. A missing journal with results of these items beside it is refused
   * (the batch ran before; its journal is lost), rather than started again.
   */
  results?: string | undefined;
  /**
   * Picks up a batch whose journal was lost: a new journal is made (a damaged one is kept aside), and a
   * start FLORA already had the key of is looked for in the run list instead of stopping the batch. Within
   * FLORA's two-hour window nothing is paid twice; a run that cannot be told apart from the batch's other
   * unaccounted runs is marked for review.
   */
  recover?: boolean | undefined;
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

/** What `runBatch` resolves with. */
export interface BatchSummary {
  batchId: string;
  /** The batch's name its id derives from (undefined for a journal made before names were kept). */
  name: string | undefined;
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
  /** Uploads of the items' local files this process sent or resumed (each distinct file once per batch). */
  uploads: number;
  /** Items this process resumed: starts it confirmed again, runs it waited for that an earlier process started. */
  resumed: number;
}

export interface BatchOutcome {
  summary: BatchSummary;
  /** Every item's result, in the items' order. */
  results: ItemResult[];
}
