/**
 * `flora-runs-client/queue`: a batch across many machines, on BullMQ and Redis (bullmq and ioredis are
 * optional peer dependencies, loaded when a function here is first called).
 *
 *  - `enqueueItems()` (`producer.ts`) adds each item as a job whose id is the item id (adding again is a
 *    no-op) and whose data carries its idempotency key, derived from the batch's name and technique.
 *  - `startBatchWorker()` (`worker.ts`) takes jobs and runs each item through the item pipeline that
 *    `runBatch` uses too, with the job as its store (`job-store.ts`).
 *  - `collectResults()` (`collect.ts`) waits until every job is done and reads the results, and never
 *    calls a lost or partial batch finished.
 *
 * Shared through Redis: the rate limit (BullMQ's limiter, and `worker.rateLimit()` on a long 429 so every
 * worker pauses for its Retry-After), the cost budget, polling (`shared-wait.ts`: one worker a round reads
 * the runs every worker is waiting for), and one lane for start requests across the batch
 * (`start-lane.ts`, fenced: a holder whose lock ran out sends nothing), so that a start whose answer was
 * lost is the only one that can have made an unknown run, and the run list (which carries no idempotency
 * key) finds it without guessing; a start a dead holder left pending is sent again with its own key.
 */
export { redisOptions, redactUrl, type QueueTarget } from './connection.js';
export { enqueueItems } from './producer.js';
export { startBatchWorker, type BatchWorker, type BatchWorkerOptions } from './worker.js';
export { collectResults } from './collect.js';
export type { ItemJobData } from './job-store.js';
