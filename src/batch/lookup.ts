/**
 * Finding the run of a start whose answer was lost. The run list carries no idempotency key, so the run is
 * found by elimination (`policy.ts` decides): runs of the technique created since the lost start's bound
 * that no item of the batch claims. The caller makes sure no other start of the batch is in flight
 * meanwhile (its start lane), so a second unclaimed run cannot be another item's.
 */
import type { Flora } from '../client.js';
import { RateLimitError } from '../core/errors.js';
import { backoffMs } from '../core/retry.js';
import { sleep } from '../core/timers.js';
import { isTransient } from '../core/transient.js';
import { lookupVerdict, scanPage, type LookupBound, type LookupScan } from './policy.js';

/** How far back (ms) the run list is searched for a lost answer's run when no run of the batch was confirmed before it. */
export const LOOKUP_SLACK_MS = 10 * 60 * 1000;
/** Most run-list pages one lookup reads. */
export const LOOKUP_PAGES = 30;

/** `fn` again after a transient failure, up to `attempts` times: for reads, which are safe to repeat. */
export async function withRetries<T>(fn: () => Promise<T>, signal?: AbortSignal, attempts = 8): Promise<T> {
  for (let failures = 0; ; ) {
    try {
      return await fn();
    } catch (err) {
      if (signal?.aborted || !isTransient(err) || ++failures >= attempts) throw err;
      await sleep(err instanceof RateLimitError && err.retryAfter !== undefined ? err.retryAfter * 1000 : backoffMs(failures), signal);
    }
  }
}

/** The run-list query of a technique's runs (in a workspace, when the batch names one), `limit` a page. */
const runsOf = (techniqueId: string, workspaceId: string | undefined, limit: number) => ({ technique_id: techniqueId, ...(workspaceId ? { workspace_id: workspaceId } : {}), limit });

/**
 * The newest run of the technique now (one read of the run list), or undefined when there is none or it
 * cannot be read: the anchor of a start made before any run of the batch was confirmed, so that a lost
 * answer's lookup stops there and the account's other recent runs are not taken for candidates.
 */
export async function newestRun(client: Flora, techniqueId: string, workspaceId: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return (await withRetries(() => client.techniques.runs.list(runsOf(techniqueId, workspaceId, 1), { signal }), signal, 3)).technique_runs[0]?.run_id;
  } catch (err) {
    if (signal?.aborted) throw err;
    return undefined; // The lookup then searches back from the start's time, as without an anchor.
  }
}

/** What a lookup looks for. */
export interface LostStart {
  techniqueId: string;
  workspaceId?: string | undefined;
  /** The start's idempotency key (named in a review message). */
  key: string;
  /** Why it is looked up (the start of the review message). */
  why: string;
  bound: LookupBound;
}

/**
 * Reads the run list back to the bound (at most `LOOKUP_PAGES` pages) and resolves with the run found, or
 * the review message. `claimed` says, for a page's run ids, which belong to items of the batch already.
 */
export async function findLostRun(
  client: Flora,
  lost: LostStart,
  claimed: (runIds: string[]) => Promise<boolean[]> | boolean[],
  signal?: AbortSignal,
): Promise<{ do: 'found'; runId: string } | { do: 'review'; message: string }> {
  const scan: LookupScan = { orphans: [], reached: false, pages: 0 };
  const query = runsOf(lost.techniqueId, lost.workspaceId, 100);
  let page = await withRetries(() => client.techniques.runs.list(query, { signal }), signal);
  for (;;) {
    const runs = page.technique_runs;
    if (scanPage(scan, runs, await claimed(runs.map((r) => r.run_id)), lost.bound)) break;
    if (!page.hasNextPage()) {
      scan.reached = true;
      break;
    }
    if (scan.pages >= LOOKUP_PAGES) break;
    const current = page;
    page = await withRetries(() => current.getNextPage(), signal);
  }
  return lookupVerdict(scan, lost.why, lost.key);
}
