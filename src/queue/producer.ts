/**
 * `enqueueItems()`: each item a job of the batch's queue, whose id is the item id (adding again is a no-op)
 * and whose data carries its idempotency key, derived from the batch's name and technique: enqueueing the
 * items again after Redis lost them re-adds only the jobs Redis no longer has, under the same keys, so a
 * run FLORA already started is found, not paid for twice.
 */
import { randomUUID } from 'node:crypto';
import type { Queue as BullQueue } from 'bullmq';
import { refuseOptions } from '../core/validation.js';
import { prepareItemFiles } from '../batch/hash-files.js';
import { checkItems, refuseItems, type BatchItem, type BatchRoute } from '../batch/items.js';
import { batchIdOf, itemKey } from '../batch/keys.js';
import type { ItemResult } from '../batch/result.js';
import { batchKeys, checkTarget, loadBullmq, queueName, readMeta, redisClient, redisOptions, type BatchMeta, type QueueTarget } from './connection.js';
import type { ItemJobData } from './job-store.js';

/**
 * Adds the items as jobs of the batch's queue. The first call records the batch (its technique, and so
 * the id every key derives from); a later one with the same name must name the same technique, and adds
 * only items not yet there (job id = item id). Resolves with how many jobs the queue now holds. Local
 * files in the items (`flora.file(path)`) are hashed here, and each is uploaded once by the workers, which
 * must see the same paths.
 */
export async function enqueueItems(target: QueueTarget, items: Iterable<BatchItem & { line?: number }>, options: { techniqueId: string; workspaceId?: string | undefined }): Promise<{ batch: string; batch_id: string; items: number; jobs: number }> {
  checkTarget(target);
  const route: BatchRoute = options.workspaceId ? 'top' : 'nested';
  // Local files hashed here: each job carries its files' hashes, and the workers upload each file once.
  const checked = checkItems(await prepareItemFiles(items), route, options);
  // BullMQ refuses job ids that are whole numbers or hold a colon.
  refuseItems(
    checked.flatMap((i) => (/^\d+$/.test(i.id) || i.id.includes(':') ? [{ field: `line ${i.line}.id`, message: 'a queued item id must not be a whole number or hold ":" (BullMQ job ids)' }] : [])),
    'items',
  );
  const redis = await redisClient(target.redis);
  let queue: BullQueue<ItemJobData, ItemResult> | undefined;
  try {
    const { Queue } = await loadBullmq();
    queue = new Queue<ItemJobData, ItemResult>(queueName(target.batch), { connection: redisOptions(target.redis) });
    const k = batchKeys(target.batch);
    const fresh: BatchMeta = { name: target.batch, batchId: batchIdOf({ name: target.batch, ...options }), techniqueId: options.techniqueId, workspaceId: options.workspaceId ?? null, items: 0, epoch: randomUUID() };
    await redis.set(k.meta, JSON.stringify(fresh), 'NX');
    const meta = (await readMeta(redis, k))!;
    if (meta.techniqueId !== fresh.techniqueId || (meta.workspaceId ?? null) !== fresh.workspaceId) {
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
    const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
    // The batch's size as collect checks it: fewer jobs later means Redis lost some.
    await redis.set(k.meta, JSON.stringify({ ...meta, items: Math.max(meta.items ?? 0, jobs) }));
    return { batch: target.batch, batch_id: meta.batchId, items: checked.length, jobs };
  } finally {
    redis.disconnect();
    await queue?.close();
  }
}
