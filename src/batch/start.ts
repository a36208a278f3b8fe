/**
 * Starting one item's run: the request, sent with the item's key and no retries of the client's own (the
 * batch resends, keyed), and the ladder that acts on the policy's verdict for each failure. Both runners
 * use it; what differs between them (how a 429 pauses the batch, how a lost answer is looked up, what a
 * resend must renew) comes in as hooks.
 */
import type { Flora } from '../client.js';
import { sleep } from '../core/timers.js';
import { classifyStartError, mayResend, refusedEnd, reviewEnd } from './policy.js';
import type { ItemEnd } from './result.js';

/** What a start sends. */
export interface StartRequest {
  techniqueId: string;
  /** With it the top-level route (`runs.startTechnique`, map inputs); without, the nested one (array inputs). */
  workspaceId?: string | undefined;
  inputs: unknown;
  key: string;
}

/** How a start ended. */
export type StartOutcome =
  | { kind: 'started'; runId: string; quote: number | undefined; foundBy: 'answer' | 'lookup' }
  /** Refused for this item alone, or sent and never confirmed with its run not found (review). */
  | { kind: 'ended'; end: ItemEnd }
  /** The workspace cannot pay: nothing ran, and the batch starts nothing more. */
  | { kind: 'no_credits'; message: string };

/** What differs between the runners. */
export interface StartHooks {
  client: Flora;
  signal?: AbortSignal | undefined;
  now: () => number;
  /** Sends without an answer (no answer, a 5xx) before the start gives up. */
  maxStartAttempts: number;
  /** Each start request's limit in ms (the client's `timeout`), when not the client's own. */
  timeout?: number | undefined;
  /** Waits out the batch's pause (a 429 another start met) before each send. */
  ready?: (() => Promise<void>) | undefined;
  /** A 429 for this start: resolves once it may be sent again, or throws to hand the start back. */
  rateLimited: (ms: number) => Promise<void>;
  /**
   * Finds the run of a start whose answer was lost. `foreign`: FLORA had the key though this store never
   * sent it (the batch ran before with a store that is lost): the runner decides whether to look.
   */
  lookup: (why: string, foreign: boolean) => Promise<{ do: 'found'; runId: string } | { do: 'review'; message: string }>;
  /** Before each send (counting starts, marking the lane's pending start). */
  onSend?: (() => Promise<void> | void) | undefined;
  /** After the wait before a resend (a queue job renews its lock). */
  onResend?: (() => Promise<void>) | undefined;
}

/** One start: the request, when its key was first recorded, and whether this store had sent the key before. */
export interface StartPlan {
  request: StartRequest;
  keyAt: number;
  /** True when the key was recorded just now: a 409 on its first send means the key came from elsewhere. */
  freshKey: boolean;
  /** Why a start sent before cannot be sent again (its inputs cannot be had): it is looked up instead. */
  noResend?: string | undefined;
}

/** The route's start call, with the batch's key and no retries of the client's own. */
export function sendStart(client: Flora, req: StartRequest, signal?: AbortSignal, timeout?: number): Promise<{ run_id: string; charged_cost?: number | null }> {
  const options = { idempotencyKey: req.key, maxRetries: 0, signal, ...(timeout !== undefined ? { timeout } : {}) };
  if (req.workspaceId === undefined) return client.techniques.runs.create(req.techniqueId, { inputs: req.inputs as never, mode: 'async' }, options);
  return client.runs.startTechnique({ inputs: req.inputs as never, technique_id: req.techniqueId, workspace_id: req.workspaceId }, options);
}

/** Sends the start until it is confirmed, refused, looked up, or the batch must stop (thrown). */
export async function startItem(plan: StartPlan, hooks: StartHooks): Promise<StartOutcome> {
  const found = async (why: string, foreign: boolean): Promise<StartOutcome> => {
    const r = await hooks.lookup(why, foreign);
    return r.do === 'found' ? { kind: 'started', runId: r.runId, quote: undefined, foundBy: 'lookup' } : { kind: 'ended', end: reviewEnd(r.message) };
  };
  if (plan.noResend !== undefined && !plan.freshKey) return found(plan.noResend, false);
  if (!plan.freshKey && !mayResend(plan.keyAt, hooks.now())) {
    const minutes = Math.round((hooks.now() - plan.keyAt) / 60_000);
    return found(`its start was sent ${minutes} minutes ago and never confirmed; FLORA forgets idempotency keys after two hours, so it is not sent again`, false);
  }
  for (let unknownSends = 0; ; ) {
    await hooks.ready?.();
    if (!mayResend(plan.keyAt, hooks.now())) return found('its start kept failing until its idempotency key was nearly two hours old; it is not sent again', false);
    try {
      await hooks.onSend?.();
      const answer = await sendStart(hooks.client, plan.request, hooks.signal, hooks.timeout);
      return { kind: 'started', runId: answer.run_id, quote: typeof answer.charged_cost === 'number' ? answer.charged_cost : undefined, foundBy: 'answer' };
    } catch (err) {
      const v = classifyStartError(err, { unknownSends, freshKey: plan.freshKey, maxAttempts: hooks.maxStartAttempts, aborted: hooks.signal?.aborted ?? false });
      switch (v.do) {
        case 'confirm':
          return { kind: 'started', runId: v.runId, quote: undefined, foundBy: 'answer' };
        case 'pause':
          await hooks.rateLimited(v.ms);
          continue;
        case 'lookup':
          return found(v.why, false);
        case 'foreign':
          return found(v.why, true);
        case 'no_credits':
          return { kind: 'no_credits', message: v.message };
        case 'refuse':
          return { kind: 'ended', end: refusedEnd(v.code, v.message) };
        case 'resend':
          unknownSends++;
          await sleep(v.afterMs, hooks.signal);
          await hooks.onResend?.();
          continue;
        case 'stop':
          throw v.error;
      }
    }
  }
}
