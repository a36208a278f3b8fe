/** One item's outcome, a line of RESULTS.jsonl: the one place a result is built, whichever runner ended it. */

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

/** How an item ended, as a store records it. */
export interface ItemEnd {
  state: 'completed' | 'failed' | 'review';
  /** The run's status (`completed`, `failed`), or what ended the item without a run (`refused`, `review`). */
  status: string;
  outputs?: unknown;
  chargedCost?: number | undefined;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
}

/** An ended item's result line. */
export function endedResult(id: string, runId: string | undefined, end: ItemEnd): ItemResult {
  return {
    id,
    run_id: runId ?? null,
    status: end.state,
    outputs: Array.isArray(end.outputs) ? (end.outputs as unknown[]) : null,
    charged_cost: end.chargedCost ?? null,
    ...(end.errorCode ? { error: { code: end.errorCode, message: end.errorMessage ?? '' } } : {}),
  };
}

/** The result of an item that has not ended: `code` says why (`not_started`, `max_cost`, `insufficient_credits`, `not_done`). */
export function openResult(id: string, runId: string | undefined, code: string, message: string): ItemResult {
  return { id, run_id: runId ?? null, status: 'not_started', outputs: null, charged_cost: null, error: { code, message } };
}
