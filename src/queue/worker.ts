/**
 * `startBatchWorker()`: takes the batch's jobs and runs each item through the item pipeline
 * (`batch/pipeline.ts`) with a job as its store (`job-store.ts`): the start lane, the 429 pause (BullMQ's
 * queue-wide rate limit for a long one), the budget and the polling are shared with the other workers
 * through Redis. A worker killed at any moment loses nothing: BullMQ's stalled-job check hands its jobs to
 * another worker, which finds the run id in the job and waits, or resends the start with the same key, or
 * looks the run up. A worker keeps the run of every item it confirmed: if Redis loses the batch (restarted
 * without persistence), it tells them again, so the jobs enqueued again find their runs instead of paying.
 */
import type { Job, Worker as BullWorker } from 'bullmq';
import type { Flora } from '../client.js';
import { APIError, AuthenticationError, NotFoundError, PermissionDeniedError } from '../core/errors.js';
import { sleep } from '../core/timers.js';
import { msProblems, refuseOptions } from '../core/validation.js';
import { batchIdOf, IDEMPOTENCY_WINDOW_MS } from '../batch/keys.js';
import { findLostRun, LOOKUP_SLACK_MS, newestRun } from '../batch/lookup.js';
import { processItem, type PipelineDeps, type PipelineItem } from '../batch/pipeline.js';
import { DEFAULT_RETRYABLE } from '../batch/policy.js';
import { endedResult, type ItemResult } from '../batch/result.js';
import { FileStep } from '../batch/file-step.js';
import { hasFiles } from '../batch/input-files.js';
import { startItem, type StartHooks } from '../batch/start.js';
import { batchKeys, checkTarget, loadBullmq, queueName, readMeta, redisClient, redisOptions, type QueueTarget } from './connection.js';
import { RedisFileStore } from './file-store.js';
import { itemOfJob, JobStore, openEntry, type ItemJobData } from './job-store.js';
import { RESERVE, SETTLE, TELL } from './scripts.js';
import { startSharedWait } from './shared-wait.js';
import { StartLane, type LaneHold } from './start-lane.js';

export interface BatchWorkerOptions extends QueueTarget {
  /** Jobs (runs) this worker has in flight at most. Default 16. */
  concurrency?: number | undefined;
  /** The batch's budget in USD, shared by every worker through Redis. */
  maxCost?: number | undefined;
  /** BullMQ's limiter, shared by every worker: at most `max` jobs started per `duration` ms. */
  rateLimit?: { max: number; duration: number } | undefined;
  /** Ms between the batch's polling rounds (one worker polls each round for all of them). Default 1000. */
  pollInterval?: number | undefined;
  /** Ms after which a dead worker's jobs go to another worker (BullMQ's lockDuration and stalledInterval). Default 30 000. */
  stalledInterval?: number | undefined;
  /** Runs that fail with a retryable code are started again (a new run, with a new key) up to this many times. Default 0. */
  retryFailed?: number | undefined;
  /** The `error_code`s `retryFailed` retries. Default: as `runBatch`'s. */
  retryableCodes?: readonly string[] | undefined;
  /** Start requests that may go without an answer (no answer, a 5xx) before the job is handed back to BullMQ. Default 10. */
  maxStartAttempts?: number | undefined;
  /** Called with each item's result once its job's completion is stored in Redis. */
  onResult?: ((result: ItemResult) => void) | undefined;
  /** Called with what a person should know: Redis lost the batch, say. */
  onWarning?: ((message: string) => void) | undefined;
}

export interface BatchWorker {
  readonly worker: BullWorker<ItemJobData, ItemResult>;
  /** Stops taking jobs and closes the connections; jobs in flight go to another worker once stalled. */
  close(): Promise<void>;
}

/** Micro-USD in Redis: integer sums, no float drift. */
const micro = (usd: number) => Math.round(usd * 1e6);
/** How often a worker checks that Redis still has the batch. */
const EPOCH_CHECK_MS = 500;

/** Starts a worker for the batch; it runs until `close()`. */
export async function startBatchWorker(client: Flora, options: BatchWorkerOptions): Promise<BatchWorker> {
  checkTarget(options);
  const pollInterval = options.pollInterval ?? 1000;
  const retryFailed = options.retryFailed ?? 0;
  const rule = { retryFailed, retryable: new Set(options.retryableCodes ?? DEFAULT_RETRYABLE) };
  refuseOptions([
    ...msProblems('pollInterval', pollInterval, { min: 50, infinite: false }),
    ...(Number.isInteger(retryFailed) && retryFailed >= 0 ? [] : [{ field: 'retryFailed', message: `must be a whole number >= 0; got ${retryFailed}` }]),
  ]);
  const redis = await redisClient(options.redis);
  const { Queue, Worker, UnrecoverableError } = await loadBullmq();
  const connection = redisOptions(options.redis);
  const k = batchKeys(options.batch);
  const queue = new Queue(queueName(options.batch), { connection });
  const stalledInterval = options.stalledInterval ?? 30_000;
  const abort = new AbortController();
  const shared = startSharedWait(client, redis, k, pollInterval);
  const lane = new StartLane(redis, k, abort.signal);
  let ratio = 1;
  let baseQuote: number | undefined;
  let worker!: BullWorker<ItemJobData, ItemResult>;

  // What this worker confirmed, to tell Redis again if it loses the batch; and the batch's record as last seen.
  const known = new Map<string, { runId: string; attempt: number }>();
  let meta = await readMeta(redis, k).catch(() => undefined);
  let told: string | undefined;
  const tell = async () => {
    const entries = [...known.entries()];
    for (let i = 0; i < entries.length; i += 300) {
      const args = entries.slice(i, i + 300).flatMap(([id, r]) => [id, r.runId, String(r.attempt)]);
      await redis.eval(TELL, 2, k.resolved, k.claimed, ...args);
    }
    if (entries.length > 0) options.onWarning?.(`Redis no longer had batch ${options.batch} (restarted without its data?): this worker told it again the runs of the ${entries.length} items it started; enqueue the items again to finish the batch, and nothing is paid twice`);
  };
  const watch = setInterval(() => {
    void (async () => {
      const now = await readMeta(redis, k);
      // Gone, or made again (another epoch): Redis lost the batch. Tell it what this worker knows, once each time.
      const lostAs = now === undefined ? 'none' : meta !== undefined && now.epoch !== meta.epoch ? now.epoch : undefined;
      if (now) meta = now;
      if (lostAs !== undefined && known.size > 0 && told !== lostAs) {
        told = lostAs;
        await tell();
      }
    })().catch(() => undefined);
  }, EPOCH_CHECK_MS);
  watch.unref();

  const batchIdFor = (d: ItemJobData) => meta?.batchId ?? batchIdOf({ name: options.batch, techniqueId: d.techniqueId, workspaceId: d.workspaceId });
  // The items' local files: one upload per file across the workers, its record and lease in Redis.
  let files: FileStep | undefined;
  const filesFor = (d: ItemJobData) =>
    (files ??= new FileStep({
      client,
      store: new RedisFileStore(redis, k, abort.signal),
      batchId: batchIdFor(d),
      workspace: () => (d.workspaceId ? Promise.resolve(d.workspaceId) : client.fileWorkspace({ signal: abort.signal })),
      now: Date.now,
      signal: abort.signal,
      maxAttempts: options.maxStartAttempts ?? 10,
    }));

  const deps = (job: Job<ItemJobData, ItemResult>, store: JobStore, token: string | undefined): PipelineDeps => {
    const d = job.data;
    // The lane as this job holds it now (each turn in the lane is a new hold).
    let hold: LaneHold | undefined;
    return {
      store,
      batchId: batchIdFor(d),
      techniqueId: d.techniqueId,
      workspaceId: d.workspaceId,
      rule,
      now: Date.now,
      inLane: (item, fn) =>
        lane.with(async (turn) => {
          hold = turn;
          // What the lane's state says, in one round trip: every start of the batch waits on this lane.
          const [pendingText, resolved, lastRun] = ((await redis.multi().get(k.pending).hget(k.resolved, job.id!).get(k.last).exec()) ?? []).map(([, v]) => v as string | null);
          store.lastRun = lastRun ?? undefined;
          // A holder that died between sending its start and confirming it left its job's start pending: settle
          // it for that job now (`settleDeadHolder`), before this start makes a second unclaimed run.
          if (pendingText) await settleDeadHolder(JSON.parse(pendingText) as ItemJobData & { jobId: string }, job.id!, turn);
          const r = readResolved(resolved ?? null);
          // (A run found for an earlier attempt of this job is no answer for this one.)
          if (r && (r.attempt === undefined || r.attempt >= item.attempt)) {
            if (r.attempt !== undefined && r.attempt > item.attempt) item.attempt = r.attempt;
            await store.started(item, r.runId, undefined, 'lookup');
            return undefined;
          }
          return fn();
        }),
      admit: async (item) => {
        if (options.maxCost === undefined) return undefined;
        const estimate = (item.quote ?? baseQuote ?? 0) * ratio;
        const ok = await redis.eval(RESERVE, 3, k.charged, k.reserved, k.spent, String(micro(options.maxCost)), String(micro(estimate)), job.id!);
        return ok === 1 ? undefined : { reason: 'max_cost', message: `stopped starting runs: spent plus in-flight cost would pass the batch's max cost of ${options.maxCost} USD` };
      },
      horizon: () => newestRun(client, d.techniqueId, d.workspaceId, abort.signal),
      startHooks: (item) => startHooks(job, item, token, () => hold!),
      files: filesFor(d),
      waitFor: (item) => shared.waitFor(item.runId!, openEntry(d.techniqueId, item.keyAt ?? Date.now() - IDEMPOTENCY_WINDOW_MS)),
      runEnded: async (item, run) => {
        const cost = typeof run.charged_cost === 'number' ? run.charged_cost : undefined;
        if (item.quote !== undefined) baseQuote ??= item.quote;
        if (cost !== undefined && item.quote) ratio = Math.max(ratio, cost / item.quote);
        await redis.eval(SETTLE, 4, k.charged, k.reserved, k.ended, k.spent, item.attempt === 1 ? job.id! : `${job.id}#${item.attempt}`, String(micro(cost ?? 0)), run.run_id, job.id!);
      },
    };
  };

  const readResolved = (text: string | null): { runId: string; attempt?: number } | undefined => {
    if (!text) return undefined;
    if (!text.startsWith('{')) return { runId: text };
    const v = JSON.parse(text) as { run?: unknown; attempt?: unknown };
    return typeof v.run === 'string' ? { runId: v.run, ...(typeof v.attempt === 'number' ? { attempt: v.attempt } : {}) } : undefined;
  };

  const claimedOf = (ids: string[]) => (ids.length ? redis.smismember(k.claimed, ...ids).then((f) => f.map(Boolean)) : []);

  /**
   * Another job's start was pending when this one took the lane: its holder died (or lost the lane) between
   * sending it and recording the answer. Its request may still reach FLORA at any moment, so telling its run
   * apart by elimination can fail either way (not there yet; there after the next start). Instead the start
   * is sent again with its own key: FLORA makes the run now, or answers that it has it (then it is the one
   * unclaimed run since the start's anchor), and the run is recorded for its job before any other start.
   */
  const settleDeadHolder = async (p: ItemJobData & { jobId: string }, mine: string, hold: LaneHold) => {
    if (p.jobId === mine) return;
    const bound = { anchorRunId: p.anchorRunId ?? undefined, sinceMs: (p.keyAt ?? Date.now()) - LOOKUP_SLACK_MS };
    const why = 'its worker died while starting it';
    const lookup = async () => {
      const r = await findLostRun(client, { techniqueId: p.techniqueId, workspaceId: p.workspaceId, key: p.key, why, bound }, claimedOf, abort.signal);
      await hold.check();
      return r;
    };
    // (A start with local files sent their assets' URLs, which its job's data does not hold: found as before.)
    const out =
      p.keyAt === undefined || hasFiles(p.inputs)
        ? await lookup().then((r) => (r.do === 'found' ? { kind: 'started' as const, runId: r.runId } : { kind: 'ended' as const }))
        : await startItem(
            { request: { techniqueId: p.techniqueId, workspaceId: p.workspaceId, inputs: p.inputs, key: p.key }, keyAt: p.keyAt, freshKey: false },
            { client, signal: abort.signal, now: Date.now, maxStartAttempts: options.maxStartAttempts ?? 10, timeout: 20_000, rateLimited: (ms) => sleep(ms, abort.signal), lookup, onSend: () => hold.sending(JSON.stringify(p)) },
          );
    const tx = redis.multi().del(k.pending);
    if (out.kind === 'started') tx.hset(k.resolved, p.jobId, JSON.stringify({ run: out.runId, attempt: p.attempt ?? 1 })).sadd(k.claimed, out.runId).set(k.last, out.runId);
    await tx.exec();
  };

  const startHooks = (job: Job<ItemJobData, ItemResult>, item: PipelineItem, token: string | undefined, hold: () => LaneHold): StartHooks => ({
    client,
    signal: abort.signal,
    now: Date.now,
    maxStartAttempts: options.maxStartAttempts ?? 10,
    timeout: 20_000,
    rateLimited: async (ms) => {
      // A short wait is waited out holding the lane: every start of the batch goes through it, so every worker
      // pauses together, and the job is not bounced through BullMQ (which costs far more than the few ms a rate
      // limit's next token is usually away). A long one pauses every worker through BullMQ's queue-wide limit.
      if (ms <= 5_000) return sleep(ms, abort.signal);
      await redis.del(k.pending); // a 429 started nothing
      await worker.rateLimit(ms);
      throw Worker.RateLimitError();
    },
    // Sent only while the lane is still this worker's (else `LaneLostError`: the lane is taken again, then the start resumes).
    onSend: () => hold().sending(JSON.stringify({ ...job.data, jobId: job.id })),
    onResend: async () => {
      if (token !== undefined) await job.extendLock(token, stalledInterval).catch(() => undefined);
    },
    lookup: async (why, foreign) => {
      if (foreign) {
        // FLORA had the key and Redis did not: Redis lost the batch. Workers that still know the item's run tell
        // it again within a moment; only then is the run list searched back two hours.
        await sleep(EPOCH_CHECK_MS * 3, abort.signal);
        const r = readResolved(await redis.hget(k.resolved, job.id!));
        if (r) {
          if (r.attempt !== undefined && r.attempt > item.attempt) item.attempt = r.attempt;
          return { do: 'found', runId: r.runId };
        }
      }
      const bound = foreign ? { sinceMs: Date.now() - IDEMPOTENCY_WINDOW_MS - LOOKUP_SLACK_MS } : { anchorRunId: item.anchorRunId, sinceMs: (item.keyAt ?? Date.now()) - LOOKUP_SLACK_MS };
      const r = await findLostRun(client, { techniqueId: job.data.techniqueId, workspaceId: job.data.workspaceId, key: item.key!, why, bound }, claimedOf, abort.signal);
      // A verdict reached while another worker could start runs beside it is no verdict: look again holding the lane.
      await hold().check();
      return r;
    },
  });

  const processor = async (job: Job<ItemJobData, ItemResult>, token?: string): Promise<ItemResult> => {
    const store = new JobStore(job, token, redis, k, worker.toKey(job.id!), batchIdFor(job.data), (id, runId, attempt) => {
      const had = known.get(id);
      if (!had || had.attempt <= attempt) known.set(id, { runId, attempt });
    });
    const item = itemOfJob(job.data);
    try {
      const out = await processItem(item, deps(job, store, token));
      if (out.kind === 'ended') return endedResult(item.id, item.runId, out.end);
      if (out.stop.reason === 'insufficient_credits') {
        // Stop the whole batch at once: no worker takes another job until someone resumes the queue.
        await queue.pause();
        throw new UnrecoverableError(`insufficient_credits: ${out.stop.message}; the queue is paused`);
      }
      throw new UnrecoverableError(`max_cost: ${out.stop.message}`);
    } catch (err) {
      if (err instanceof AuthenticationError || err instanceof PermissionDeniedError || err instanceof NotFoundError) throw new UnrecoverableError(`${(err as APIError).code ?? err.name}: ${err.message}`);
      throw err;
    }
  };

  worker = new Worker<ItemJobData, ItemResult>(queueName(options.batch), processor, {
    connection,
    concurrency: options.concurrency ?? 16,
    lockDuration: stalledInterval,
    stalledInterval,
    // A job may outlive several dead workers; it is never failed for that (its run id is in its data).
    maxStalledCount: 1000,
    ...(options.rateLimit ? { limiter: options.rateLimit } : {}),
  });
  worker.on('error', () => undefined);
  // A result is told once it is stored: a job Redis lost on the way is not reported done.
  worker.on('completed', (_job, result) => options.onResult?.(result));
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      clearInterval(watch);
      await worker.close();
      abort.abort();
      await shared.close();
      redis.disconnect();
      await queue.close();
    },
  };
}
