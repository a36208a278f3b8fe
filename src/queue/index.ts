/**
 * `flora-runs-client/queue`: a batch across many machines, on BullMQ and Redis (bullmq is an optional peer
 * dependency, loaded when a function here is first called).
 *
 *  - `enqueueItems()` adds each item as a job whose id is the item id (adding again is a no-op) and whose
 *    data carries its stable idempotency key.
 *  - `startBatchWorker()` takes jobs: it starts the job's run with that key, writes the run id into the job
 *    (`job.updateData`) before waiting, and completes the job with the item's result. A worker killed at any
 *    moment loses nothing: BullMQ's stalled-job check hands its jobs to another worker, which finds the run
 *    id and waits, or resends the start with the same key (FLORA runs a key once), or looks the run up.
 *  - `collectResults()` waits until every job is done and reads the results.
 *
 * Shared through Redis: the rate limit (BullMQ's limiter, and `worker.rateLimit()` on a 429 so every worker
 * pauses for its Retry-After), the cost budget, polling (one worker a round reads the runs every worker is
 * waiting for), and one lane for start requests across the batch, so that
 * a start whose answer was lost is the only one that can have made an unknown run, and the run list (which
 * carries no idempotency key) finds it without guessing.
 */
import type { Job, Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TechniqueRunListItem } from '../../generated/answers.js';
import type { Flora } from '../client.js';
import {
  APIError,
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
import { checkItems, refuseItems, type BatchItem, type BatchRoute } from '../batch/items.js';
import { itemKey, newBatchId, SAFE_RESEND_MS } from '../batch/keys.js';
import { msProblems, refuseOptions } from '../core/validation.js';
import { RENEW, UNLOCK } from './leases.js';
import { startSharedWait } from './shared-wait.js';
import { DEFAULT_RETRYABLE, withRetries, type BatchProgress, type BatchSummary, type ItemResult } from '../batch/run-batch.js';

/** Where the batch lives: a Redis URL and the batch's name (one BullMQ queue). */
export interface QueueTarget {
  /** `redis://[user:password@]host:port[/db]`. */
  redis: string;
  /** Letters, digits, `.`, `_`, `-`; at most 100. */
  batch: string;
}

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
  /** Called with each item's result as its job completes here. */
  onResult?: ((result: ItemResult) => void) | undefined;
}

export interface BatchWorker {
  readonly worker: BullWorker<ItemJobData, ItemResult>;
  /** Stops taking jobs and closes the connections; jobs in flight go to another worker once stalled. */
  close(): Promise<void>;
}

type Bull = typeof import('bullmq');

/** A plain ioredis connection for the batch's own keys (BullMQ's client wrapper exposes only what BullMQ uses). */
async function redisClient(url: string): Promise<Redis> {
  await loadBullmq();
  const { Redis: IORedis } = await import('ioredis');
  const redis = new IORedis({ ...redisOptions(url), lazyConnect: true });
  redis.on('error', () => undefined);
  await redis.connect();
  return redis;
}

let bullmq: Promise<Bull> | undefined;
/** bullmq is an optional peer dependency: loaded on first use, with a clear error when it is missing. */
function loadBullmq(): Promise<Bull> {
  bullmq ??= import('bullmq').catch((err: unknown) => {
    bullmq = undefined;
    throw new FloraError(`flora-runs-client/queue needs the bullmq package (npm install bullmq@5): ${err instanceof Error ? err.message : String(err)}`);
  });
  return bullmq;
}


/** ioredis options from a `redis://` URL; BullMQ workers need `maxRetriesPerRequest: null`. */
export function redisOptions(url: string) {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return refuseOptions([{ field: 'redis', message: `must be a redis:// URL; got ${JSON.stringify(url)}` }]) as never;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') refuseOptions([{ field: 'redis', message: `must be a redis:// or rediss:// URL; got ${u.protocol}` }]);
  const db = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

function checkTarget(t: QueueTarget): void {
  refuseOptions(typeof t.batch === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(t.batch) ? [] : [{ field: 'batch', message: 'must be 1 to 100 letters, digits, ".", "_" or "-"' }]);
}

const queueName = (batch: string) => `flora-batch-${batch}`;
/** Redis keys of the batch's shared state, beside BullMQ's own. */
const keys = (batch: string) => {
  const base = `flora-batch:{${batch}}`;
  return {
    meta: `${base}:meta`,
    lock: `${base}:lock`,
    last: `${base}:last`,
    claimed: `${base}:claimed`,
    charged: `${base}:charged`,
    // The sum of `charged` (micro-USD), kept by SETTLE: the budget and the collector's progress read it
    // instead of summing a hash with an entry per run.
    spent: `${base}:spent`,
    reserved: `${base}:reserved`,
    // The start the lane's holder is sending, until it is confirmed; and runs found for jobs whose holder died.
    pending: `${base}:pending`,
    resolved: `${base}:resolved`,
    // The batch's runs being waited for (run id -> what the list needs to reach it), the final states the
    // batch's poller has read, and the lease of the current polling round.
    open: `${base}:open`,
    ended: `${base}:ended`,
    poll: `${base}:poll`,
  };
};

interface BatchMeta {
  batchId: string;
  techniqueId: string;
  workspaceId: string | null;
}

/**
 * Adds the items as jobs of the batch's queue. The first call fixes the batch (its id, which every key
 * derives from, and its technique); a later one with the same name must name the same technique, and adds
 * only items not yet there (job id = item id). Resolves with how many jobs the queue now holds.
 */
export async function enqueueItems(target: QueueTarget, items: Iterable<BatchItem & { line?: number }>, options: { techniqueId: string; workspaceId?: string | undefined }): Promise<{ batch: string; batch_id: string; items: number; jobs: number }> {
  checkTarget(target);
  const route: BatchRoute = options.workspaceId ? 'top' : 'nested';
  const checked = checkItems(items, route, options);
  // BullMQ refuses job ids that are whole numbers or hold a colon.
  refuseItems(
    checked.flatMap((i) => (/^\d+$/.test(i.id) || i.id.includes(':') ? [{ field: `line ${i.line}.id`, message: 'a queued item id must not be a whole number or hold ":" (BullMQ job ids)' }] : [])),
    'items',
  );
  const { Queue } = await loadBullmq();
  const queue = new Queue<ItemJobData, ItemResult>(queueName(target.batch), { connection: redisOptions(target.redis) });
  const redis = await redisClient(target.redis);
  try {
    const k = keys(target.batch);
    const fresh: BatchMeta = { batchId: newBatchId(), techniqueId: options.techniqueId, workspaceId: options.workspaceId ?? null };
    await redis.set(k.meta, JSON.stringify(fresh), 'NX');
    const meta = JSON.parse((await redis.get(k.meta))!) as BatchMeta;
    if (meta.techniqueId !== fresh.techniqueId || meta.workspaceId !== fresh.workspaceId) {
      refuseOptions([{ field: 'batch', message: `batch ${target.batch} runs technique ${meta.techniqueId}${meta.workspaceId ? ` in ${meta.workspaceId}` : ''}; use another --batch name` }]);
    }
    for (let i = 0; i < checked.length; i += 500) {
      await queue.addBulk(
        checked.slice(i, i + 500).map((item) => ({
          name: 'item',
          data: { id: item.id, line: item.line, inputs: item.inputs, techniqueId: meta.techniqueId, workspaceId: meta.workspaceId ?? undefined, key: itemKey(meta.batchId, item.id) },
          // Transient failures (no answer) are retried by BullMQ with the same key; results are kept for collect.
          opts: { jobId: item.id, attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
        })),
      );
    }
    const counts = await queue.getJobCounts();
    return { batch: target.batch, batch_id: meta.batchId, items: checked.length, jobs: Object.values(counts).reduce((a, b) => a + b, 0) };
  } finally {
    redis.disconnect();
    await queue.close();
  }
}

/** Reserves a run's expected cost against the budget: 1 when it fits (or is already reserved), 0 when not. */
const RESERVE = `
local mine = redis.call('HGET', KEYS[2], ARGV[3])
if mine then return 1 end
local spent = tonumber(redis.call('GET', KEYS[3]) or '0')
local reserved = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do reserved = reserved + tonumber(v) end
if spent + reserved + tonumber(ARGV[2]) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[2])
return 1`;
/**
 * A run's final charge, once per run of a job (ARGV[1]: the job id, then `#2`, `#3` for retried runs),
 * whichever worker sees its end (a resumed job may see it twice), added to the batch's total; the job's
 * reservation (ARGV[4]) ends.
 */
const SETTLE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('INCRBY', KEYS[4], ARGV[2]) end
redis.call('HDEL', KEYS[2], ARGV[4])
redis.call('HDEL', KEYS[3], ARGV[3])
return 1`;

/** Micro-USD in Redis: integer sums, no float drift. */
const micro = (usd: number) => Math.round(usd * 1e6);

const LOCK_TTL_MS = 3000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** How a run is found in the list: its technique, and a creation time at or before its own (unix seconds). */
const openEntry = (techniqueId: string, since: number) => ({ technique_id: techniqueId, created_at: Math.floor(since / 1000) - 5 });

/** Starts a worker for the batch; it runs until `close()`. */
export async function startBatchWorker(client: Flora, options: BatchWorkerOptions): Promise<BatchWorker> {
  checkTarget(options);
  const pollInterval = options.pollInterval ?? 1000;
  const retryFailed = options.retryFailed ?? 0;
  const retryable = new Set(options.retryableCodes ?? DEFAULT_RETRYABLE);
  refuseOptions([
    ...msProblems('pollInterval', pollInterval, { min: 50, infinite: false }),
    ...(Number.isInteger(retryFailed) && retryFailed >= 0 ? [] : [{ field: 'retryFailed', message: `must be a whole number >= 0; got ${retryFailed}` }]),
  ]);
  const { Queue, Worker, UnrecoverableError } = await loadBullmq();
  const connection = redisOptions(options.redis);
  const name = queueName(options.batch);
  const k = keys(options.batch);
  const queue: BullQueue = new Queue(name, { connection });
  const redis = await redisClient(options.redis);
  const stalledInterval = options.stalledInterval ?? 30_000;
  const shared = startSharedWait(client, redis, k, pollInterval);
  let ratio = 1;
  let baseQuote: number | undefined;
  let worker!: BullWorker<ItemJobData, ItemResult>;

  /**
   * The batch's one start lane: a Redis lock with a short TTL, renewed while held, so a dead holder frees it
   * soon. A worker's own jobs queue for it in the process first, so one of them at a time asks Redis: a
   * few hundred jobs each polling the lock would flood Redis and hold every start up.
   */
  let local: Promise<unknown> = Promise.resolve();
  const withLane = <T>(fn: () => Promise<T>): Promise<T> => {
    const mine = local.then(() => withRedisLane(fn));
    local = mine.catch(() => undefined);
    return mine;
  };
  const withRedisLane = async <T>(fn: () => Promise<T>): Promise<T> => {
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    while ((await redis.set(k.lock, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') await sleep(1);
    const renew = setInterval(() => void redis.eval(RENEW, 1, k.lock, token, String(LOCK_TTL_MS)).catch(() => undefined), LOCK_TTL_MS / 3);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await redis.eval(UNLOCK, 1, k.lock, token);
    }
  };

  const result = (d: ItemJobData, end: Partial<ItemResult> & Pick<ItemResult, 'status'>): ItemResult => ({ id: d.id, run_id: d.runId ?? null, outputs: null, charged_cost: null, ...end });

  /** The run of a start whose answer was lost: the one run created after the anchor that no job claims (see runBatch). */
  const lookup = async (d: Pick<ItemJobData, 'id' | 'key' | 'techniqueId' | 'workspaceId' | 'anchorRunId' | 'keyAt' | 'runId'>, why: string): Promise<string | ItemResult> => {
    const orphans: TechniqueRunListItem[] = [];
    let reached = false;
    let pages = 0;
    let page = await withRetries(() => client.techniques.runs.list({ technique_id: d.techniqueId, ...(d.workspaceId ? { workspace_id: d.workspaceId } : {}), limit: 100 }));
    scan: for (;;) {
      pages++;
      const ids = page.technique_runs.map((r) => r.run_id);
      const claimed = ids.length ? await redis.smismember(k.claimed, ...ids) : [];
      for (const [i, run] of page.technique_runs.entries()) {
        if (d.anchorRunId && run.run_id === d.anchorRunId) {
          reached = true;
          break scan;
        }
        if (!d.anchorRunId && run.created_at * 1000 < d.keyAt! - 10 * 60_000) {
          reached = true;
          break scan;
        }
        if (!claimed[i]) orphans.push(run);
      }
      if (!page.hasNextPage()) {
        reached = true;
        break;
      }
      if (pages >= 30) break;
      const current = page;
      page = await withRetries(() => current.getNextPage());
    }
    if (orphans.length === 1 && reached) return orphans[0]!.run_id;
    const found = orphans.length === 0 ? 'no run of the technique is unaccounted for' : `${orphans.length} runs are unaccounted for (${orphans.slice(0, 5).map((r) => r.run_id).join(', ')})`;
    return result(d as ItemJobData, { status: 'review', error: { code: 'unconfirmed_start', message: `${why}; in the run list ${found}: check it by hand (idempotency key ${d.key})` } });
  };

  /** Sends the start (holding the lane) until it is confirmed; the run id goes into the job before anything else. */
  const start = (job: Job<ItemJobData>, token: string | undefined): Promise<string | ItemResult> =>
    withLane(async () => {
      // What the lane's state says, in one round trip: every start of the batch waits on this lane.
      const [pendingText, resolved, lastRun] = ((await redis.multi().get(k.pending).hget(k.resolved, job.id!).get(k.last).exec()) ?? []).map(([, v]) => v as string | null);
      if (job.data.keyAt === undefined) {
        await job.updateData({ ...job.data, keyAt: Date.now(), anchorRunId: lastRun ?? null });
      }
      const d = job.data;
      const confirm = async (runId: string, quote: number | undefined, foundBy: 'answer' | 'lookup') => {
        // The job first: a worker that dies right after leaves the run id where the next one looks.
        await job.updateData({ ...job.data, runId, quote, foundBy });
        await redis.multi().sadd(k.claimed, runId).set(k.last, runId).del(k.pending).hdel(k.resolved, job.id!).hset(k.open, runId, JSON.stringify(openEntry(d.techniqueId, d.keyAt!))).exec();
        if (quote !== undefined) baseQuote ??= quote;
        return runId;
      };
      const found = async (why: string) => {
        const r = await lookup(d, why);
        return typeof r === 'string' ? confirm(r, undefined, 'lookup') : r;
      };
      // A holder that died between sending its start and confirming it left its job's start pending: with one
      // lane, the one unclaimed run since that start's anchor is its run. Claim it for that job now, before
      // this start makes a second unclaimed run and the two could no longer be told apart.
      if (pendingText) {
        const p = JSON.parse(pendingText) as ItemJobData & { jobId: string };
        if (p.jobId !== job.id) {
          const r = await lookup(p, 'its worker died while starting it');
          const tx = redis.multi().del(k.pending);
          if (typeof r === 'string') tx.hset(k.resolved, p.jobId, r).sadd(k.claimed, r).set(k.last, r);
          await tx.exec();
        }
      }
      if (resolved) return confirm(resolved, undefined, 'lookup');
      if (Date.now() - d.keyAt! > SAFE_RESEND_MS) return found('its start was sent over two hours ago and never confirmed, so it is not sent again');
      await redis.set(k.pending, JSON.stringify({ ...d, jobId: job.id }));
      for (let failures = 0; ; ) {
        try {
          const opts = { idempotencyKey: d.key, maxRetries: 0, timeout: 20_000 };
          const answer =
            d.workspaceId === undefined
              ? await client.techniques.runs.create(d.techniqueId, { inputs: d.inputs as never, mode: 'async' }, opts)
              : await client.runs.startTechnique({ inputs: d.inputs as never, technique_id: d.techniqueId, workspace_id: d.workspaceId }, opts);
          return confirm(answer.run_id, typeof answer.charged_cost === 'number' ? answer.charged_cost : undefined, 'answer');
        } catch (err) {
          if (err instanceof ResponseValidationError && err.runId) return confirm(err.runId, undefined, 'answer');
          if (err instanceof RateLimitError) {
            const wait = err.retryAfter !== undefined ? Math.ceil(err.retryAfter * 1000) : 1000;
            // A short wait is waited out holding the lane: every start of the batch goes through it, so every
            // worker pauses together, and the job is not bounced through BullMQ (which costs far more than
            // the few ms a rate limit's next token is usually away).
            if (wait <= 5_000) {
              await sleep(wait);
              continue;
            }
            // A long one pauses every worker through BullMQ's queue-wide rate limit; the job goes back to wait.
            await redis.del(k.pending); // a 429 started nothing
            await worker.rateLimit(wait);
            throw Worker.RateLimitError();
          }
          if (err instanceof IdempotencyDuplicateError) return found('FLORA already had its idempotency key: an earlier start was accepted but its answer was lost');
          if (err instanceof InsufficientCreditsError) {
            // Stop the whole batch at once: no worker takes another job until someone resumes the queue.
            await queue.pause();
            throw new UnrecoverableError(`insufficient_credits: ${err.message}; the queue is paused`);
          }
          if (err instanceof AuthenticationError || err instanceof PermissionDeniedError || err instanceof NotFoundError) throw new UnrecoverableError(`${err.code ?? err.name}: ${err.message}`);
          if (err instanceof InputValidationError || (err instanceof APIError && err.status !== undefined && err.status < 500 && err.status !== 408)) {
            await redis.del(k.pending); // refused: nothing was started
            return result(d, { status: 'failed', error: { code: (err as APIError).code ?? `http_${(err as APIError).status}`, message: err.message } });
          }
          // No answer: resend with the same key (safe: FLORA runs a key once), a few times, then let BullMQ retry the job.
          if (++failures >= 6) throw err;
          await sleep(Math.min(100 * 2 ** (failures - 1), 4000));
          if (token !== undefined) await job.extendLock(token, stalledInterval).catch(() => undefined);
        }
      }
    });

  const processor = async (job: Job<ItemJobData, ItemResult>, token?: string): Promise<ItemResult> => {
    for (;;) {
      const end = await once(job, token);
      if (end !== 'retry') return end;
    }
  };
  /** The job's current run, started if need be, to its end; 'retry' once a failed run's retry is in the job. */
  const once = async (job: Job<ItemJobData, ItemResult>, token?: string): Promise<ItemResult | 'retry'> => {
    if (job.data.runId === undefined) {
      if (options.maxCost !== undefined) {
        const estimate = (job.data.quote ?? baseQuote ?? 0) * ratio;
        const ok = await redis.eval(RESERVE, 3, k.charged, k.reserved, k.spent, String(micro(options.maxCost)), String(micro(estimate)), job.id!);
        if (ok !== 1) throw new UnrecoverableError(`max_cost: stopped starting runs: spent plus in-flight cost would pass the batch's max cost of ${options.maxCost} USD`);
      }
      const started = await start(job, token);
      if (typeof started !== 'string') return started;
    }
    const d = job.data;
    const run = await shared.waitFor(d.runId!, openEntry(d.techniqueId, d.keyAt ?? Date.now()));
    const cost = typeof run.charged_cost === 'number' ? run.charged_cost : undefined;
    if (cost !== undefined && d.quote) ratio = Math.max(ratio, cost / d.quote);
    const attempt = d.attempt ?? 1;
    await redis.eval(SETTLE, 4, k.charged, k.reserved, k.ended, k.spent, attempt === 1 ? job.id! : `${job.id}#${attempt}`, String(micro(cost ?? 0)), d.runId!, job.id!);
    const code = run.error_code ?? undefined;
    if (run.status === 'failed' && attempt <= retryFailed && code !== undefined && retryable.has(code)) {
      // The next run's key is in the job before it is sent; a worker that dies after this starts that run, once.
      const meta = JSON.parse((await redis.get(k.meta)) ?? 'null') as BatchMeta | null;
      if (meta) {
        await job.updateData({ ...d, attempt: attempt + 1, key: itemKey(meta.batchId, d.id, attempt + 1), keyAt: undefined, anchorRunId: undefined, runId: undefined, quote: undefined, foundBy: undefined });
        return 'retry';
      }
    }
    const end: ItemResult =
      run.status === 'completed'
        ? result(d, { status: 'completed', outputs: (run.outputs as unknown[] | undefined) ?? null, charged_cost: cost ?? null })
        : result(d, { status: 'failed', charged_cost: cost ?? null, error: { code: run.error_code ?? 'unknown', message: run.error_message ?? '' } });
    options.onResult?.(end);
    return end;
  };

  worker = new Worker<ItemJobData, ItemResult>(name, processor, {
    connection,
    concurrency: options.concurrency ?? 16,
    lockDuration: stalledInterval,
    stalledInterval,
    // A job may outlive several dead workers; it is never failed for that (its run id is in its data).
    maxStalledCount: 1000,
    ...(options.rateLimit ? { limiter: options.rateLimit } : {}),
  });
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await shared.close();
      redis.disconnect();
      await queue.close();
    },
  };
}

/** A job's item result: its return value, or what its failure or state says. */
function jobResult(job: Job<ItemJobData, ItemResult>): ItemResult {
  const d = job.data;
  if (job.finishedOn && !job.failedReason && job.returnvalue) return job.returnvalue;
  if (job.failedReason) {
    const [code, ...rest] = job.failedReason.split(': ');
    const notStarted = d.runId === undefined && (code === 'max_cost' || code === 'insufficient_credits');
    return { id: d.id, run_id: d.runId ?? null, status: notStarted ? 'not_started' : 'failed', outputs: null, charged_cost: null, error: { code: /^[a-z_]+$/.test(code!) ? code! : 'job_failed', message: rest.length ? rest.join(': ') : job.failedReason } };
  }
  return { id: d.id, run_id: d.runId ?? null, status: 'not_started', outputs: null, charged_cost: null, error: { code: 'not_done', message: 'its job had not finished when the results were collected' } };
}

/** Waits (unless `wait: false`) until no job of the batch is waiting, delayed or active, then reads every result. */
export async function collectResults(
  target: QueueTarget,
  options: { wait?: boolean; signal?: AbortSignal; pollInterval?: number; onProgress?: (p: BatchProgress) => void } = {},
): Promise<{ summary: Pick<BatchSummary, 'total' | 'completed' | 'failed' | 'review' | 'notStarted' | 'spent'>; results: ItemResult[] }> {
  checkTarget(target);
  const { Queue } = await loadBullmq();
  const queue = new Queue<ItemJobData, ItemResult>(queueName(target.batch), { connection: redisOptions(target.redis) });
  const started = Date.now();
  const redis = await redisClient(target.redis);
  try {
    for (;;) {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'paused', 'prioritized', 'waiting-children', 'completed', 'failed');
      const open = (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.paused ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0);
      const done = (c.completed ?? 0) + (c.failed ?? 0);
      // The running total: summing the per-run hash on every poll cost O(items) a poll, in Redis and here.
      const spent = Number((await redis.get(keys(target.batch).spent)) ?? 0) / 1e6;
      const elapsedMs = Date.now() - started;
      options.onProgress?.({ total: open + done, done, completed: c.completed ?? 0, failed: c.failed ?? 0, review: 0, running: c.active ?? 0, pending: open - (c.active ?? 0), spent, elapsedMs, etaMs: undefined });
      if (open === 0 || options.wait === false) break;
      if (options.signal?.aborted) throw options.signal.reason;
      await sleep(options.pollInterval ?? 500);
    }
    // The ids in one read, then the jobs 500 at a time, each made into its result at once: every job (data,
    // options, return value) read in one call held them all at once, several hundred MiB at 100,000 items.
    const ids = [...new Set(await queue.getRanges(['completed', 'failed', 'waiting', 'active', 'delayed', 'paused', 'prioritized'], 0, -1, true))];
    const lines: { line: number; result: ItemResult }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      for (const job of await Promise.all(ids.slice(i, i + 500).map((id) => queue.getJob(id)))) if (job) lines.push({ line: job.data.line, result: jobResult(job) });
    }
    lines.sort((a, b) => a.line - b.line);
    const results = lines.map((l) => l.result);
    const count = (s: ItemResult['status']) => results.filter((r) => r.status === s).length;
    // Every run's charge, failed runs that were retried included (a result line shows its last run's).
    const spent = Object.values(await redis.hgetall(keys(target.batch).charged)).reduce((a, v) => a + Number(v), 0) / 1e6;
    return { summary: { total: results.length, completed: count('completed'), failed: count('failed'), review: count('review'), notStarted: count('not_started'), spent: Math.round(spent * 1e6) / 1e6 }, results };
  } finally {
    redis.disconnect();
    await queue.close();
  }
}
