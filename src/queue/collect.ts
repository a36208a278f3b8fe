/**
 * `collectResults()`: waits until no job of the batch is left to do, then reads every job's result. It
 * never calls a lost or partial batch finished: a batch Redis has no record of is refused (unknown, or
 * lost), and one with fewer jobs than were enqueued (Redis lost some) is an error saying to enqueue the
 * items again.
 */
import type { Job } from 'bullmq';
import { InputValidationError } from '../core/errors.js';
import { sleep } from '../core/timers.js';
import { endedResult, openResult, type ItemResult } from '../batch/result.js';
import { BatchStoreError } from '../batch/store-error.js';
import type { BatchProgress, BatchSummary } from '../batch/types.js';
import { batchKeys, checkTarget, loadBullmq, queueName, readMeta, redactUrl, redisClient, redisOptions, type QueueTarget } from './connection.js';
import type { ItemJobData } from './job-store.js';

const OPEN = ['waiting', 'active', 'delayed', 'paused', 'prioritized', 'waiting-children'] as const;

/** An item's result from its job: its return value once completed, else why it has none. */
function resultOfJob(job: Job<ItemJobData, ItemResult>): ItemResult {
  const d = job.data;
  if (job.finishedOn && !job.failedReason && job.returnvalue) return job.returnvalue;
  if (job.failedReason) {
    const [code, ...rest] = job.failedReason.split(': ');
    const notStarted = d.runId === undefined && (code === 'max_cost' || code === 'insufficient_credits');
    const error = { code: /^[a-z_]+$/.test(code!) ? code! : 'job_failed', message: rest.length ? rest.join(': ') : job.failedReason };
    return notStarted ? openResult(d.id, d.runId, error.code, error.message) : endedResult(d.id, d.runId, { state: 'failed', status: 'failed', errorCode: error.code, errorMessage: error.message });
  }
  return openResult(d.id, d.runId, 'not_done', 'its job had not finished when the results were collected');
}

/** Waits (unless `wait: false`) until no job of the batch is waiting, delayed or active, then reads every result. */
export async function collectResults(
  target: QueueTarget,
  options: { wait?: boolean; signal?: AbortSignal; pollInterval?: number; onProgress?: (p: BatchProgress) => void } = {},
): Promise<{ summary: Pick<BatchSummary, 'total' | 'completed' | 'failed' | 'review' | 'notStarted' | 'spent'>; results: ItemResult[] }> {
  checkTarget(target);
  const redis = await redisClient(target.redis);
  const { Queue } = await loadBullmq();
  const queue = new Queue<ItemJobData, ItemResult>(queueName(target.batch), { connection: redisOptions(target.redis) });
  const k = batchKeys(target.batch);
  const where = `batch ${target.batch} in Redis at ${redactUrl(target.redis)}`;
  const started = Date.now();
  /** Whether this collect has seen the batch's record: if it goes, Redis lost the batch (it is not unknown). */
  let seen = false;
  const spentNow = async () => Object.values(await redis.hgetall(k.charged)).reduce((a, v) => a + Number(v), 0) / 1e6;
  try {
    for (;;) {
      const [meta, c] = await Promise.all([readMeta(redis, k), queue.getJobCounts(...OPEN, 'completed', 'failed')]);
      const open = OPEN.reduce((a, s) => a + (c[s] ?? 0), 0);
      const done = (c.completed ?? 0) + (c.failed ?? 0);
      if (meta) seen = true;
      if (meta === undefined && open + done === 0 && !seen) {
        throw new InputValidationError({
          status: undefined,
          message: `batch: no ${where}: nothing was enqueued under that name, or Redis lost it; enqueue the items (again) first`,
          fields: [{ field: 'batch', message: `no such batch in Redis at ${redactUrl(target.redis)}` }],
        });
      }
      if (meta === undefined) throw new BatchStoreError('lost', redactUrl(target.redis), `Redis no longer has the record of ${where} (${open + done} of its jobs are there): it lost data (restarted without persistence?). Enqueue the items again: the jobs it lost are added back under the same keys, and nothing is paid twice.`);
      if (meta.items !== undefined && open + done < meta.items) {
        throw new BatchStoreError('lost', redactUrl(target.redis), `Redis holds ${open + done} of the ${meta.items} jobs of ${where}: it lost some (restarted without persistence?). Enqueue the items again: the jobs it lost are added back under the same keys, and nothing is paid twice.`);
      }
      options.onProgress?.({ total: open + done, done, completed: c.completed ?? 0, failed: c.failed ?? 0, review: 0, running: c.active ?? 0, pending: open - (c.active ?? 0), spent: await spentNow(), elapsedMs: Date.now() - started, etaMs: undefined });
      if (open === 0 || options.wait === false) break;
      await sleep(options.pollInterval ?? 500, options.signal);
    }
    const jobs = (await queue.getJobs([...OPEN, 'completed', 'failed'], 0, -1)).filter(Boolean);
    jobs.sort((a, b) => a.data.line - b.data.line);
    const results = jobs.map(resultOfJob);
    const count = (s: ItemResult['status']) => results.filter((r) => r.status === s).length;
    // Every run's charge, failed runs that were retried included (a result line shows its last run's).
    const spent = await spentNow();
    return { summary: { total: results.length, completed: count('completed'), failed: count('failed'), review: count('review'), notStarted: count('not_started'), spent: Math.round(spent * 1e6) / 1e6 }, results };
  } finally {
    redis.disconnect();
    await queue.close();
  }
}
