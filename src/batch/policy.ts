/**
 * The item policy: what happens to one item of a batch, whichever store holds it (the SQLite journal of
 * `runBatch`, a BullMQ job of the queue). Pure decisions, no I/O: the states an item moves through and
 * which moves are allowed, what a start's answer or error means, whether a key may be sent again, and what
 * a run's end means. `start.ts` and `pipeline.ts` act on these verdicts; the stores record them.
 *
 *   pending ──send──▶ starting ──confirm──▶ started ──end──▶ completed | failed
 *    ▲  │                │  │                  │
 *    │  │                │  ├──refuse──▶ failed └──retry──▶ pending (the next attempt, a new key)
 *    │  │                │  └──review──▶ review (sent, never confirmed, its run not found)
 *    └──┼──put back──────┘
 *       └──fail_upload──▶ failed (a local file it names could not be uploaded: nothing was sent)
 */
import {
  APIError,
  APIUserAbortError,
  AuthenticationError,
  FloraError,
  IdempotencyDuplicateError,
  InputValidationError,
  InsufficientCreditsError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
} from '../core/errors.js';
import { backoffMs } from '../core/retry.js';
import type { ItemEnd } from './result.js';
import { SAFE_RESEND_MS } from './keys.js';

/** What an item is doing. */
export type ItemState =
  /** Not started (or put back after a start refused for the whole batch). */
  | 'pending'
  /** Its key is recorded and a start request was (maybe) sent; no run id is known yet. */
  | 'starting'
  /** Its run id is known; the run has not ended (as far as the store knows). */
  | 'started'
  | 'completed'
  | 'failed'
  /** Its start was sent but never confirmed, and the run could not be found: a person must look. */
  | 'review';

export const ITEM_STATES: readonly ItemState[] = ['pending', 'starting', 'started', 'completed', 'failed', 'review'];

/** What moves an item: each store records one of these per state change. */
export type ItemEvent = 'send' | 'confirm' | 'end' | 'retry' | 'put_back' | 'refuse' | 'review' | 'fail_upload';

/** The state each event leads to, from the states it may happen in. */
export const TRANSITIONS: Readonly<Record<ItemEvent, { from: readonly ItemState[]; to: readonly ItemState[] }>> = {
  send: { from: ['pending'], to: ['starting'] },
  confirm: { from: ['starting'], to: ['started'] },
  end: { from: ['started'], to: ['completed', 'failed'] },
  retry: { from: ['started'], to: ['pending'] },
  put_back: { from: ['starting'], to: ['pending'] },
  refuse: { from: ['starting'], to: ['failed'] },
  review: { from: ['starting'], to: ['review'] },
  fail_upload: { from: ['pending'], to: ['failed'] },
};

/** Whether `event` may move an item from `from` to `to`. */
export function canMove(from: ItemState, event: ItemEvent, to: ItemState): boolean {
  const t = TRANSITIONS[event];
  return t.from.includes(from) && t.to.includes(to);
}

/** The states an item is done in: a result line that no later run of the batch changes. */
export const isEnded = (state: ItemState): state is 'completed' | 'failed' | 'review' => state === 'completed' || state === 'failed' || state === 'review';

/** Whether a start with a key first recorded at `keyAt` may be sent (again) at `now`: FLORA must still remember the key. */
export const mayResend = (keyAt: number, now: number): boolean => now - keyAt <= SAFE_RESEND_MS;

/** What to do after a start request failed. */
export type StartVerdict =
  /** The answer was unreadable but named the run: it started. */
  | { do: 'confirm'; runId: string }
  /** Rate limited: every start of the batch waits this long, then this one is sent again. */
  | { do: 'pause'; ms: number }
  /** FLORA already had the key from an earlier send of this start: the run exists; find it in the run list. */
  | { do: 'lookup'; why: string }
  /** FLORA already had the key, yet this store never sent it: the batch ran before with a store that is lost (or another one). */
  | { do: 'foreign'; why: string }
  /** The workspace cannot pay: nothing ran; no more starts for the batch. */
  | { do: 'no_credits'; message: string }
  /** Refused for this item alone (its inputs, say): nothing ran, and sending it again would not help. */
  | { do: 'refuse'; code: string; message: string }
  /** No answer (or a 5xx, or an unreadable one): the run may exist; the same key makes a resend safe. */
  | { do: 'resend'; afterMs: number }
  /** The batch cannot go on (the key is refused, the technique unknown, the caller stopped it, the resends ran out). */
  | { do: 'stop'; error: unknown };

/** Where a start stands when its request failed. */
export interface StartAttempt {
  /** Sends of this key so far whose outcome is unknown (no answer, a 5xx, an unreadable one). */
  unknownSends: number;
  /** True when this store had never sent this key before this start began (it recorded the key just now). */
  freshKey: boolean;
  /** Resends without an answer allowed before the start gives up. */
  maxAttempts: number;
  /** The caller stopped the batch. */
  aborted: boolean;
  random?: () => number;
}

/** The start-error ladder: one verdict for every error a start can end with. */
export function classifyStartError(err: unknown, at: StartAttempt): StartVerdict {
  if (err instanceof ResponseValidationError && err.runId) return { do: 'confirm', runId: err.runId };
  if (at.aborted || err instanceof APIUserAbortError) return { do: 'stop', error: err };
  if (err instanceof RateLimitError) return { do: 'pause', ms: err.retryAfter !== undefined ? Math.ceil(err.retryAfter * 1000) : backoffMs(1, at.random) };
  if (err instanceof IdempotencyDuplicateError) {
    if (at.freshKey && at.unknownSends === 0) {
      return { do: 'foreign', why: 'FLORA already had its idempotency key, which this store had never sent: the batch ran before with a journal or Redis that is lost, or another one runs it' };
    }
    return { do: 'lookup', why: 'FLORA already had its idempotency key: an earlier start was accepted but its answer was lost' };
  }
  if (err instanceof InsufficientCreditsError) return { do: 'no_credits', message: `FLORA answered insufficient_credits: the workspace cannot pay for more runs; no more runs are started (${err.message})` };
  if (err instanceof AuthenticationError || err instanceof PermissionDeniedError || err instanceof NotFoundError) return { do: 'stop', error: err };
  if (err instanceof InputValidationError || (err instanceof APIError && err.status !== undefined && err.status < 500 && err.status !== 408)) {
    const e = err as APIError;
    return { do: 'refuse', code: e.code ?? `http_${e.status}`, message: e.message };
  }
  if (!(err instanceof FloraError)) return { do: 'stop', error: err };
  if (at.unknownSends + 1 >= at.maxAttempts) return { do: 'stop', error: err };
  return { do: 'resend', afterMs: backoffMs(at.unknownSends + 1, at.random) };
}

/** A run's end as the policy reads it. */
export interface RunEnd {
  status: string;
  charged_cost?: number | null | undefined;
  outputs?: unknown;
  error_code?: string | null | undefined;
  error_message?: string | null | undefined;
}

/** Which failed runs are started again (a new run, with the next attempt's key). */
export interface RetryRule {
  /** Retries after the first run, at most. */
  retryFailed: number;
  /** The `error_code`s worth a retry. */
  retryable: ReadonlySet<string>;
}

/** The `error_code`s `retryFailed` retries by default. */
export const DEFAULT_RETRYABLE: readonly string[] = ['provider_error', 'timeout', 'rate_limited', 'unknown_error'];

/** What a run's end means: the item's result, or another run with the next attempt's key. */
export type EndVerdict = { do: 'retry'; attempt: number } | { do: 'end'; end: ItemEnd };

/** The retry rule, in one place: a failed run with a retryable code is retried while attempts are left. */
export function classifyEnd(run: RunEnd, attempt: number, rule: RetryRule): EndVerdict {
  const code = run.error_code ?? undefined;
  if (run.status === 'failed' && attempt <= rule.retryFailed && code !== undefined && rule.retryable.has(code)) return { do: 'retry', attempt: attempt + 1 };
  const cost = typeof run.charged_cost === 'number' ? run.charged_cost : undefined;
  if (run.status === 'completed') return { do: 'end', end: { state: 'completed', status: 'completed', outputs: run.outputs ?? undefined, chargedCost: cost } };
  return { do: 'end', end: { state: 'failed', status: run.status, chargedCost: cost, errorCode: code ?? 'unknown', errorMessage: run.error_message ?? undefined } };
}

/** The end of an item whose start FLORA refused for it alone. */
export const refusedEnd = (code: string, message: string): ItemEnd => ({ state: 'failed', status: 'refused', errorCode: code, errorMessage: message });

/** The end of an item whose start was sent, never confirmed, and whose run could not be told apart. */
export const reviewEnd = (message: string): ItemEnd => ({ state: 'review', status: 'review', errorCode: 'unconfirmed_start', errorMessage: message });

/** One run of the run list, as a lookup reads it. */
export interface ListedRun {
  run_id: string;
  created_at?: number | undefined;
}

/**
 * Where a lookup stops reading the run list (newest first): at the run the batch confirmed last before
 * the lost start (`anchorRunId`), or, without one, at runs created before `sinceMs`.
 */
export interface LookupBound {
  anchorRunId?: string | undefined;
  sinceMs: number;
}

/** A lookup's reading so far: the runs no item claims, and whether it reached its bound. */
export interface LookupScan {
  orphans: ListedRun[];
  reached: boolean;
  pages: number;
}

/**
 * Reads one page of the run list into the scan; true when the bound was reached on it (read no further).
 * `claimed[i]` says whether the page's i-th run belongs to an item of the batch already.
 */
export function scanPage(scan: LookupScan, runs: readonly ListedRun[], claimed: readonly boolean[], bound: LookupBound): boolean {
  scan.pages++;
  for (const [i, run] of runs.entries()) {
    const past = bound.anchorRunId !== undefined ? run.run_id === bound.anchorRunId : typeof run.created_at === 'number' && run.created_at * 1000 < bound.sinceMs;
    if (past) return (scan.reached = true);
    if (!claimed[i]) scan.orphans.push(run);
  }
  return false;
}

/**
 * The run of a start whose answer was lost, found by elimination: exactly one run since the bound that no
 * item claims, the bound reached. None, or several: a person must look (the message says where).
 */
export function lookupVerdict(scan: LookupScan, why: string, key: string): { do: 'found'; runId: string } | { do: 'review'; message: string } {
  if (scan.orphans.length === 1 && scan.reached) return { do: 'found', runId: scan.orphans[0]!.run_id };
  const o = scan.orphans;
  const found = o.length === 0 ? 'no run of the technique is unaccounted for' : `${o.length} runs are unaccounted for (${o.slice(0, 5).map((r) => r.run_id).join(', ')}${o.length > 5 ? ', ...' : ''})`;
  const searched = scan.reached ? '' : ` (searched ${scan.pages} pages without reaching the batch's previous run)`;
  return { do: 'review', message: `${why}; in the run list ${found}${searched}: check it by hand (idempotency key ${key})` };
}
