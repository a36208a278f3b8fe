/**
 * One item's way through a batch, whichever store holds it: its key recorded, its start sent (`start.ts`),
 * its run id recorded, its run waited for, its end read (`policy.ts`) and recorded, or its next attempt
 * started. Each state change is written to the store (`ItemStore`) before anything acts on it. `runBatch`
 * (the SQLite journal) and the queue worker (a BullMQ job) supply the store and the hooks; neither repeats
 * these rules.
 */
import { fileFailureFor, uploadFailedEnd } from './file-policy.js';
import { FileUnavailableError, type FileStep } from './file-step.js';
import { hasFiles, withFileUrls } from './input-files.js';
import { itemKey } from './keys.js';
import { classifyEnd, type ItemState, type RetryRule, type RunEnd } from './policy.js';
import type { ItemEnd } from './result.js';
import { startItem, type StartHooks, type StartOutcome } from './start.js';

/** An item as the pipeline sees it; the store updates it as each change is recorded. */
export interface PipelineItem {
  readonly id: string;
  readonly inputs: unknown;
  state: ItemState;
  attempt: number;
  key: string | undefined;
  /** When the current key was first recorded (epoch ms): its age decides whether a resend is safe. */
  keyAt: number | undefined;
  /** The run confirmed last before this start: the run list is searched back to it for a lost answer. */
  anchorRunId: string | undefined;
  runId: string | undefined;
  quote: number | undefined;
}

/** Where an item's state changes are recorded, durably, before they are acted on. */
export interface ItemStore {
  /** pending → starting: the key, when it was first recorded, and the run confirmed last before it. */
  starting(item: PipelineItem, key: string, keyAt: number, anchorRunId: string | undefined): Promise<void>;
  /** starting → started: the run id (from the answer, or found in the run list). */
  started(item: PipelineItem, runId: string, quote: number | undefined, foundBy: 'answer' | 'lookup'): Promise<void>;
  /** → completed | failed | review: the item's end. */
  ended(item: PipelineItem, end: ItemEnd): Promise<void>;
  /** started → pending: its run failed and is retried with the next attempt's key. */
  retry(item: PipelineItem, attempt: number): Promise<void>;
  /** starting → pending: nothing ran (no credits); it waits for a later run of the batch. */
  putBack(item: PipelineItem): Promise<void>;
  /** The run confirmed last across the batch: a lost answer's run is looked for among the runs created after it. */
  lastConfirmed(): Promise<string | undefined> | string | undefined;
}

/** Why the batch starts no more runs. */
export interface BatchStop {
  reason: 'max_cost' | 'insufficient_credits';
  message: string;
}

/** What a runner supplies. */
export interface PipelineDeps {
  store: ItemStore;
  batchId: string;
  techniqueId: string;
  workspaceId: string | undefined;
  rule: RetryRule;
  now: () => number;
  /** Runs a start holding the batch's start lane (one start request in flight across the batch, by default). */
  inLane: (item: PipelineItem, fn: () => Promise<PipelineOutcome | undefined>) => Promise<PipelineOutcome | undefined>;
  /** Before a new start, in the lane: a reason the batch may not spend on it (its budget). */
  admit?: ((item: PipelineItem) => Promise<BatchStop | undefined> | BatchStop | undefined) | undefined;
  /** The newest run of the technique now: the anchor of a start made before the batch had a confirmed run. */
  horizon?: (() => Promise<string | undefined>) | undefined;
  /** The hooks of this item's start. */
  startHooks: (item: PipelineItem) => StartHooks;
  /** Resolves with the run's final state. */
  waitFor: (item: PipelineItem) => Promise<RunEnd & { run_id: string }>;
  /** The batch's file step: the local files an item names become ready assets before its start is sent. */
  files?: FileStep | undefined;
  /** A run ended (before its end is recorded): the runner counts its charge. */
  runEnded?: ((item: PipelineItem, run: RunEnd & { run_id: string }) => Promise<void> | void) | undefined;
}

/** How an item's way ended here: its end, or the batch stopped before it could start. */
export type PipelineOutcome = { kind: 'ended'; end: ItemEnd } | { kind: 'stopped'; stop: BatchStop };

/** Takes an item from wherever its store left it to its end (or to a stop of the batch). */
export async function processItem(item: PipelineItem, deps: PipelineDeps): Promise<PipelineOutcome> {
  for (;;) {
    if (item.state === 'pending' || item.state === 'starting') {
      // Outside the lane: an upload holds up no other item's start.
      const inputs = await inputsOf(item, deps);
      if (inputs.unavailable && fileFailureFor(item.state) === 'fail') {
        const end = uploadFailedEnd(inputs.unavailable.code, inputs.unavailable.message);
        await deps.store.ended(item, end);
        return { kind: 'ended', end };
      }
      const stopped = await deps.inLane(item, () => startPhase(item, deps, inputs));
      if (stopped) return stopped;
    }
    const run = await deps.waitFor(item);
    await deps.runEnded?.(item, run);
    const v = classifyEnd(run, item.attempt, deps.rule);
    if (v.do === 'retry') {
      await deps.store.retry(item, v.attempt);
      continue;
    }
    await deps.store.ended(item, v.end);
    return { kind: 'ended', end: v.end };
  }
}

/** What a start sends: the item's inputs with its files' URLs, or the file it cannot have. */
interface StartInputs {
  inputs: unknown;
  unavailable?: FileUnavailableError | undefined;
}

/** The item's inputs as its start sends them: every local file a ready asset's URL (the file step). */
async function inputsOf(item: PipelineItem, deps: PipelineDeps): Promise<StartInputs> {
  if (!deps.files || !hasFiles(item.inputs)) return { inputs: item.inputs };
  try {
    return { inputs: withFileUrls(item.inputs, await deps.files.urls(item.inputs)) };
  } catch (err) {
    if (err instanceof FileUnavailableError) return { inputs: item.inputs, unavailable: err };
    throw err;
  }
}

/** In the lane: the key recorded (a new start), the start sent, its outcome recorded. */
async function startPhase(item: PipelineItem, deps: PipelineDeps, given: StartInputs): Promise<PipelineOutcome | undefined> {
  let freshKey = false;
  if (item.state === 'pending') {
    const stop = await deps.admit?.(item);
    if (stop) return { kind: 'stopped', stop };
    const anchor = (await deps.store.lastConfirmed()) ?? (await deps.horizon?.());
    await deps.store.starting(item, itemKey(deps.batchId, item.id, item.attempt), deps.now(), anchor);
    freshKey = true;
  }
  const request = { techniqueId: deps.techniqueId, workspaceId: deps.workspaceId, inputs: given.inputs, key: item.key! };
  // A start sent before whose file cannot be had now is not sent again (not with other inputs): it is looked up.
  const noResend = given.unavailable && `its start was sent before, and its file cannot be uploaded now (${given.unavailable.message}), so it is not sent again`;
  const hooks = deps.startHooks(item);
  // A key FLORA had before this store sent it: its run is older than the start's anchor, which then no longer
  // bounds a lookup (now, or after a resume); the key is kept, the anchor dropped.
  const lookup: StartHooks['lookup'] = async (why, foreign) => {
    if (foreign && item.anchorRunId !== undefined) await deps.store.starting(item, item.key!, item.keyAt!, undefined);
    return hooks.lookup(why, foreign);
  };
  const out: StartOutcome = await startItem({ request, keyAt: item.keyAt!, freshKey, noResend }, { ...hooks, lookup });
  switch (out.kind) {
    case 'started':
      await deps.store.started(item, out.runId, out.quote, out.foundBy);
      return undefined;
    case 'ended':
      await deps.store.ended(item, out.end);
      return { kind: 'ended', end: out.end };
    case 'no_credits':
      await deps.store.putBack(item);
      return { kind: 'stopped', stop: { reason: 'insufficient_credits', message: out.message } };
  }
}
