/**
 * In-memory runs and idempotency keys. A run's whole timeline (start, end, outcome) is fixed when it is
 * created, so its state at any simulated time is a pure function: jumping the clock needs no bookkeeping.
 */
import type { OutputType, TechniqueRun } from '../../generated/openapi.js';
import type { Technique } from './catalog.js';
import { outputText } from './media-files.js';
import { mediaPath } from './media.js';
import type { Route } from './faults.js';

/** How long an idempotency key is remembered, in simulated seconds (two hours, as the API documents). */
export const IDEMPOTENCY_WINDOW_SECONDS = 2 * 60 * 60;

/** The error a failed run reports. */
export const RUN_FAILURE = { code: 'provider_error', message: 'The provider failed to complete the generation.' } as const;

/** A run as stored. Times are simulated unix seconds. */
export interface StoredRun {
  runId: string;
  apiKey: string;
  workspaceId: string;
  technique: Technique;
  startedVia: Exclude<Route, 'retrieve'>;
  pollUrl: string;
  /** Origin of the media host its output URLs point at. */
  mediaUrl: string;
  inputs: unknown;
  callbackUrl: string | undefined;
  idempotencyKey: string | undefined;
  createdAt: number;
  startedAt: number;
  /** Planned running time; progress is measured against it. */
  durationSeconds: number;
  /** When it completed or failed (a failed run stops part-way). */
  endsAt: number;
  outcome: 'completed' | 'failed';
  /** Whether its callback (if any) has been handed to the dispatcher. */
  callbackDispatched: boolean;
  /** Read as the live API answers (see `SimulatorOptions.profile`). */
  live: boolean;
  /** Its place in the order runs were stored (set by `RunStore.add`): what run-list cursors point at. */
  seq?: number;
}

/** In the live profile, how long after its end a run's charge stays the quote, in simulated seconds. */
export const CHARGE_SETTLES_SECONDS = 10;

/** The final charge of a completed live run: the quote plus the usage the quote did not foresee. */
export const finalCharge = (quote: number) => Math.round(quote * 1.25 * 10_000) / 10_000;

/**
 * Where output `index` of `run` is: a file on the media host, except that the live profile carries a text
 * output's text in `url` itself, as FLORA's SDK describes it ("Run output URL or text content").
 */
function outputUrlOf(run: StoredRun, index: number, type: OutputType): string {
  if (run.live && type === 'text') return outputText(`${run.runId}/output_${index}`);
  return run.mediaUrl + mediaPath(run.runId, index, type);
}

/** The `TechniqueRun` a GET answers for `run` at simulated time `now`. */
export function runView(run: StoredRun, now: number): TechniqueRun {
  const base = { run_id: run.runId, created_at: Math.floor(run.createdAt), poll_url: run.pollUrl };
  if (now < run.startedAt) return { ...base, status: 'pending', progress: 0 };
  const started_at = Math.floor(run.startedAt);
  const progressAt = (t: number) =>
    run.durationSeconds > 0 ? Math.min(99, Math.max(0, Math.floor(((t - run.startedAt) / run.durationSeconds) * 100))) : 0;
  if (now < run.endsAt) return { ...base, status: 'running', progress: progressAt(now), started_at };
  const completed_at = Math.floor(run.endsAt);
  // Live: the charge is the quote until it settles a little after the end, then the final figure.
  const settled = run.live && now >= run.endsAt + CHARGE_SETTLES_SECONDS;
  if (run.outcome === 'failed') {
    // A failed run is not charged (once settled, live); on the reference pages it keeps the progress it
    // had reached, on the live API it reads 100.
    return {
      ...base,
      status: 'failed',
      progress: run.live ? 100 : progressAt(run.endsAt),
      started_at,
      completed_at,
      charged_cost: run.live && !settled ? run.technique.cost : 0,
      error_code: RUN_FAILURE.code,
      error_message: RUN_FAILURE.message,
    };
  }
  return {
    ...base,
    status: 'completed',
    progress: 100,
    started_at,
    completed_at,
    charged_cost: settled ? finalCharge(run.technique.cost) : run.technique.cost,
    outputs: run.technique.outputTypes.map((type, i) => ({ output_id: `output_${i + 1}`, type, url: outputUrlOf(run, i + 1, type) })),
  };
}

/** Runs and idempotency keys, per API key. */
export class RunStore {
  private readonly runs = new Map<string, StoredRun>();
  private readonly idempotency = new Map<string, Map<string, number>>();

  private count = 0;

  /** Stores a run. */
  add(run: StoredRun): void {
    run.seq = this.count++;
    this.runs.set(run.runId, run);
  }

  /** Runs of `apiKey` stored before the one numbered `before` (all when undefined), newest first. */
  *newestFirst(apiKey: string, before: number | undefined): Generator<StoredRun> {
    const all = [...this.runs.values()];
    for (let i = all.length - 1; i >= 0; i--) {
      const r = all[i]!;
      if (r.apiKey === apiKey && (before === undefined || r.seq! < before)) yield r;
    }
  }

  /** A run by id, whoever owns it. */
  get(runId: string): StoredRun | undefined {
    return this.runs.get(runId);
  }

  /** Runs of one key, or all, oldest first. */
  list(apiKey?: string): StoredRun[] {
    const all = [...this.runs.values()];
    return apiKey === undefined ? all : all.filter((r) => r.apiKey === apiKey);
  }

  /** Runs with a callback that have ended by `now` and were not yet dispatched. */
  endedAwaitingCallback(now: number): StoredRun[] {
    const out: StoredRun[] = [];
    for (const r of this.runs.values()) if (r.callbackUrl && !r.callbackDispatched && r.endsAt <= now) out.push(r);
    return out;
  }

  /** Whether `key` was used by `apiKey` within the window before `now`. */
  isDuplicate(apiKey: string, key: string, now: number): boolean {
    const seen = this.idempotency.get(apiKey)?.get(key);
    return seen !== undefined && now - seen < IDEMPOTENCY_WINDOW_SECONDS;
  }

  /** Records `key` as used by `apiKey` at `now`, forgetting that key's expired entries on the way. */
  remember(apiKey: string, key: string, now: number): void {
    let keys = this.idempotency.get(apiKey);
    if (!keys) this.idempotency.set(apiKey, (keys = new Map()));
    // Entries are in the order they were remembered and simulated time never goes back, so the expired
    // ones are at the front: stop at the first live one instead of scanning every key on every request.
    for (const [k, at] of keys) {
      if (now - at < IDEMPOTENCY_WINDOW_SECONDS) break;
      keys.delete(k);
    }
    keys.delete(key); // re-inserted at the end, where its new time belongs
    keys.set(key, now);
  }
}

/** The project a workspace's runs are filed under (the simulator has one per workspace). */
export const projectOf = (workspaceId: string) => `prj_${workspaceId.replace(/^ws_/, '')}`;
