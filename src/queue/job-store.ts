/**
 * A BullMQ job as the item pipeline's store (`ItemStore`): the item's key, run id and attempt are written
 * into the job's data (only while this worker holds the job's lock) before anything acts on them, and the
 * batch's shared state (the runs it claims, the run confirmed last, the start the lane is sending) beside
 * it in Redis. The item's end is the job's return value, which BullMQ stores when the job completes.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { FloraError } from '../core/errors.js';
import { itemKey } from '../batch/keys.js';
import type { ItemStore, PipelineItem } from '../batch/pipeline.js';
import type { ItemResult } from '../batch/result.js';
import type { BatchKeys } from './connection.js';
import { WRITE_JOB } from './scripts.js';

/** A job's data: the item, and what its worker learnt, written before it acts on it. */
export interface ItemJobData {
  id: string;
  line: number;
  inputs: unknown;
  techniqueId: string;
  workspaceId?: string | undefined;
  key: string;
  /** When the key was first sent (epoch ms). */
  keyAt?: number | undefined;
  /** The run confirmed last (across the batch) before this start: a lookup searches back to it. */
  anchorRunId?: string | null | undefined;
  runId?: string | undefined;
  quote?: number | undefined;
  foundBy?: 'answer' | 'lookup' | undefined;
  /** 1 for the item's first run; a retried failed run (`retryFailed`) is 2, 3, ..., with its own key. */
  attempt?: number | undefined;
}

/** How a run is found in the list: its technique, and a creation time at or before its own (unix seconds). */
export const openEntry = (techniqueId: string, since: number) => ({ technique_id: techniqueId, created_at: Math.floor(since / 1000) - 5 });

/** The item a job holds, as the pipeline sees it. */
export function itemOfJob(d: ItemJobData): PipelineItem {
  return {
    id: d.id,
    inputs: d.inputs,
    state: d.runId !== undefined ? 'started' : d.keyAt !== undefined ? 'starting' : 'pending',
    attempt: d.attempt ?? 1,
    key: d.keyAt !== undefined ? d.key : undefined,
    keyAt: d.keyAt,
    anchorRunId: d.anchorRunId ?? undefined,
    runId: d.runId,
    quote: d.quote,
  };
}

/** The job's lock was lost (another worker holds it now) or the job is gone from Redis: this worker lets it go. */
export class JobLostError extends FloraError {
  override name = 'JobLostError';
}

export class JobStore implements ItemStore {
  /** The run confirmed last across the batch, as the lane read it when this start took the lane. */
  lastRun: string | undefined;

  constructor(
    private readonly job: Job<ItemJobData, ItemResult>,
    private readonly token: string | undefined,
    private readonly redis: Redis,
    private readonly k: BatchKeys,
    private readonly jobKey: string,
    private readonly batchId: string,
    /** Called as a run is confirmed: the worker keeps what it knows, to tell it again if Redis loses it. */
    private readonly remember: (itemId: string, runId: string, attempt: number) => void,
  ) {}

  get data(): ItemJobData {
    return this.job.data;
  }

  /** Writes the job's data while this worker holds the job; a stalled worker whose job moved on stops here. */
  async #write(data: ItemJobData): Promise<void> {
    if (this.token === undefined) {
      await this.job.updateData(data);
      return;
    }
    const done = (await this.redis.eval(WRITE_JOB, 2, this.jobKey, `${this.jobKey}:lock`, JSON.stringify(data), this.token)) as number;
    if (done === -1) throw new JobLostError(`job ${this.job.id}: Redis no longer has it (restarted without its data?); its run is not lost: enqueue the items again`);
    if (done !== 1) throw new JobLostError(`job ${this.job.id}: another worker holds it now (this one stalled past its lock); it goes on there`);
    this.job.data = data;
  }

  async starting(item: PipelineItem, key: string, keyAt: number, anchorRunId: string | undefined): Promise<void> {
    await this.#write({ ...this.data, key, keyAt, anchorRunId: anchorRunId ?? null, attempt: item.attempt });
    Object.assign(item, { state: 'starting', key, keyAt, anchorRunId });
  }

  async started(item: PipelineItem, runId: string, quote: number | undefined, foundBy: 'answer' | 'lookup'): Promise<void> {
    // Remembered first: the run exists whatever Redis keeps of it. Then the job: a worker that dies right
    // after leaves the run id where the next one looks.
    this.remember(item.id, runId, item.attempt);
    await this.#write({ ...this.data, attempt: item.attempt, key: item.key ?? itemKey(this.batchId, item.id, item.attempt), keyAt: item.keyAt ?? this.data.keyAt, runId, quote, foundBy });
    const d = this.data;
    await this.redis
      .multi()
      .sadd(this.k.claimed, runId)
      .set(this.k.last, runId)
      .del(this.k.pending)
      .hdel(this.k.resolved, this.job.id!)
      .hset(this.k.open, runId, JSON.stringify(openEntry(d.techniqueId, d.keyAt ?? Date.now() - 2 * 3600_000)))
      .exec();
    Object.assign(item, { state: 'started', runId, quote });
  }

  async ended(item: PipelineItem, end: { state: 'completed' | 'failed' | 'review' }): Promise<void> {
    // Refused, or for review: nothing is in flight for this start any more. (A run's end is the job's return value.)
    if (item.state === 'starting') await this.redis.del(this.k.pending);
    item.state = end.state;
  }

  async retry(item: PipelineItem, attempt: number): Promise<void> {
    // The next run's key is in the job before it is sent; a worker that dies after this starts that run, once.
    await this.#write({ ...this.data, attempt, key: itemKey(this.batchId, item.id, attempt), keyAt: undefined, anchorRunId: undefined, runId: undefined, quote: undefined, foundBy: undefined });
    Object.assign(item, { state: 'pending', attempt, key: undefined, keyAt: undefined, anchorRunId: undefined, runId: undefined, quote: undefined });
  }

  async putBack(item: PipelineItem): Promise<void> {
    await this.redis.del(this.k.pending); // no credits: nothing was started
    item.state = 'pending';
  }

  lastConfirmed(): string | undefined {
    return this.lastRun;
  }
}
