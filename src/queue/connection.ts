/**
 * Where a queued batch lives: its Redis (a URL, never printed with its password), its name (one BullMQ
 * queue, and the name its idempotency keys derive from), the Redis keys of its shared state, and the
 * optional peers (bullmq, ioredis) loaded on first use with a usage error naming the install command.
 */
import type { Redis } from 'ioredis';
import { FloraError, InputValidationError } from '../core/errors.js';
import { refuseOptions } from '../core/validation.js';
import { batchNameProblems } from '../batch/keys.js';
import { BatchStoreError } from '../batch/store-error.js';

/** Where the batch lives: a Redis URL and the batch's name (one BullMQ queue). */
export interface QueueTarget {
  /** `redis://[user:password@]host:port[/db]`. */
  redis: string;
  /** Letters, digits, `.`, `_`, `-`; at most 100. With the technique it makes every item's idempotency key. */
  batch: string;
}

/** How long a command waits for Redis to answer at start before it says it cannot reach it. */
export const CONNECT_TIMEOUT_MS = 5_000;

type Bull = typeof import('bullmq');

/** An optional peer that is not installed: a usage error (the CLI exits 2) naming the install command. */
const missingPeer = (name: string, version: string, err: unknown) =>
  new InputValidationError({
    status: undefined,
    message: `flora-runs-client/queue needs the ${name} package: npm install ${name}@${version} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    fields: [{ field: name, message: `is not installed: npm install ${name}@${version}` }],
  });

let bullmq: Promise<Bull> | undefined;
/** bullmq is an optional peer dependency: loaded on first use, with a usage error when it is missing. */
export function loadBullmq(): Promise<Bull> {
  bullmq ??= import('bullmq').catch((err: unknown) => {
    bullmq = undefined;
    throw missingPeer('bullmq', '5', err);
  });
  return bullmq;
}

async function loadIoredis(): Promise<{ Redis: typeof import('ioredis').Redis }> {
  try {
    const { Redis } = await import('ioredis');
    return { Redis };
  } catch (err) {
    throw missingPeer('ioredis', '5', err);
  }
}

/** The URL as it may be printed: any password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<a Redis URL that does not parse>';
  }
}

/** ioredis options from a `redis://` URL; BullMQ workers need `maxRetriesPerRequest: null`. */
export function redisOptions(url: string) {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return refuseOptions([{ field: 'redis', message: 'must be a redis:// URL' }]) as never;
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

/**
 * A plain ioredis connection for the batch's own keys, connected before anything else: a Redis that
 * cannot be reached at start fails within `CONNECT_TIMEOUT_MS` with an error naming the (redacted) URL,
 * instead of BullMQ waiting on it for ever. Once connected it reconnects by itself, as BullMQ does.
 */
export async function redisClient(url: string): Promise<Redis> {
  const options = redisOptions(url);
  // bullmq loads while Redis is asked (a missing peer still wins: it is the user's first fix).
  const bull = loadBullmq();
  bull.catch(() => undefined);
  const connected = connect(url, options);
  connected.catch(() => undefined);
  try {
    await bull;
  } catch (err) {
    void connected.then((r) => r.disconnect(), () => undefined);
    throw err;
  }
  return connected;
}

async function connect(url: string, options: ReturnType<typeof redisOptions>): Promise<Redis> {
  const { Redis: IORedis } = await loadIoredis();
  // A short disconnectTimeout: a socket to a Redis that stopped answering is not kept 2 s past the end.
  const redis = new IORedis({ ...options, lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, disconnectTimeout: 200, retryStrategy: () => null });
  let last: unknown;
  redis.on('error', (err) => (last = err));
  let timer: NodeJS.Timeout | undefined;
  try {
    // A Redis that accepts the connection but never answers (stopped, or a black hole) counts as unreachable too.
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS)));
    await Promise.race([redis.connect().then(() => redis.ping()), late]);
  } catch (err) {
    redis.disconnect();
    const cause = err instanceof Error && /no answer within/.test(err.message) ? err : (last ?? err);
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new BatchStoreError('unreachable', redactUrl(url), `cannot reach Redis at ${redactUrl(url)}: ${why.replaceAll(url, redactUrl(url))}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  redis.options.retryStrategy = (times) => Math.min(times * 100, 2000);
  return redis;
}

export function checkTarget(t: QueueTarget): void {
  refuseOptions([...(typeof t.redis === 'string' ? [] : [{ field: 'redis', message: 'must be a redis:// URL' }]), ...batchNameProblems('batch', t.batch)]);
}

export const queueName = (batch: string) => `flora-batch-${batch}`;

/** Redis keys of the batch's shared state, beside BullMQ's own. */
export const batchKeys = (batch: string) => {
  const base = `flora-batch:{${batch}}`;
  return {
    /** The batch: its name, technique, id, item count, and the epoch a Redis that lost its data does not have. */
    meta: `${base}:meta`,
    lock: `${base}:lock`,
    last: `${base}:last`,
    claimed: `${base}:claimed`,
    charged: `${base}:charged`,
    reserved: `${base}:reserved`,
    // The start the lane's holder is sending, until it is confirmed; and runs found for jobs whose holder
    // died, or told again by workers after Redis lost its data.
    pending: `${base}:pending`,
    resolved: `${base}:resolved`,
    // The batch's runs being waited for (run id -> what the list needs to reach it), the final states the
    // batch's poller has read, and the lease of the current polling round.
    open: `${base}:open`,
    ended: `${base}:ended`,
    poll: `${base}:poll`,
    // The batch's local files (hash -> record), and the lease of each file's one uploader.
    files: `${base}:files`,
    fileLock: `${base}:file-lock:`,
  };
};
export type BatchKeys = ReturnType<typeof batchKeys>;

/** The batch as `enqueue` records it in Redis. */
export interface BatchMeta {
  name: string;
  batchId: string;
  techniqueId: string;
  workspaceId: string | null;
  /** Jobs the batch had after its last enqueue: fewer now means Redis lost some. */
  items: number;
  /** Random, set when the record is made: another epoch means Redis lost the batch and it was enqueued again. */
  epoch: string;
}

/** The batch's record, or undefined when Redis has none (never enqueued, or lost). */
export async function readMeta(redis: Redis, k: BatchKeys): Promise<BatchMeta | undefined> {
  const text = await redis.get(k.meta);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as BatchMeta;
  } catch {
    throw new FloraError(`the batch's record in Redis (${k.meta}) is not readable`);
  }
}
