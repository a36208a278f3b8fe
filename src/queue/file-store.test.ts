/**
 * The batch's files in Redis (`RedisFileStore`) under the file step, against a real redis-server (started on
 * a free loopback port) and the simulator: workers asking for one file at once upload it once (one holds the
 * file's lease, the others read its URL); a Redis that lost everything costs no second upload (the same key,
 * FLORA's 409, the asset found); a holder that died with the lease is waited out, and what it recorded resumed.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasRedis, startRedis, type RedisServer } from '../../scripts/redis.js';
import { FileStep } from '../batch/file-step.js';
import type { FileMarker } from '../batch/input-files.js';
import { fileKey } from '../batch/keys.js';
import { Flora } from '../client.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';
import { batchKeys, redisClient } from './connection.js';
import { RedisFileStore } from './file-store.js';

const BATCH = 'b00000000000000000042';
let sim: Simulator;
let server: RedisServer | undefined;
let redis: Redis;
beforeAll(async () => {
  sim = await startSimulator({ seed: 9, timeScale: 60 });
  if (!hasRedis()) return;
  server = await startRedis();
  redis = await redisClient(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await Promise.all([sim?.close(), server?.stop()]);
});

const dir = mkdtempSync(join(tmpdir(), 'flora-file-store-'));
const file = (name: string, bytes: Buffer): FileMarker => {
  writeFileSync(join(dir, name), bytes);
  return { $file: join(dir, name), sha256: createHash('sha256').update(bytes).digest('hex') };
};
const k = batchKeys('files');
/** A worker's file step: its own client and store over the one Redis. */
const worker = () => {
  const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
  return new FileStep({ client, store: new RedisFileStore(redis, k), batchId: BATCH, workspace: async () => 'ws_abc123', now: Date.now, maxAttempts: 5 });
};

const noRedis = hasRedis() ? '' : ' (skipped: redis-server is not installed; .ci/run installs it)';
it.skipIf(!hasRedis())(`one upload per file across workers, none again after Redis lost its records, a dead holder's lease waited out${noRedis}`, async () => {
  const photo = file('photo.png', Buffer.alloc(5000, 3));
  const assets = () => sim.listAssets().filter((a) => a.sha256 === photo.sha256);
  // Three workers ask at once: one uploads, the others wait on its lease and read the URL it recorded.
  const workers = [worker(), worker(), worker()];
  const urls = await Promise.all(workers.map((w) => w.url(photo)));
  expect(new Set(urls).size).toBe(1);
  expect(workers.reduce((n, w) => n + w.uploads, 0)).toBe(1);
  expect(assets()).toHaveLength(1);
  expect(JSON.parse((await redis.hget(k.files, photo.sha256))!)).toMatchObject({ key: fileKey(BATCH, photo.sha256), assetId: assets()[0]!.assetId, url: urls[0] });

  // Redis restarted empty: a worker that knows nothing uploads with the same key; FLORA answers 409 and the asset is found.
  await redis.flushall();
  const fresh = worker();
  expect(await fresh.url(photo)).toBe(urls[0]);
  expect(fresh.uploads).toBe(1);
  expect(assets()).toHaveLength(1);
  expect(sim.stats().requests.createAsset?.['409']).toBe(1);

  // A holder died with the lease, after recording the asset: the next waits the lease out and resumes it by id.
  const other = file('other.png', Buffer.alloc(6000, 4));
  const made = await new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' }).assets.upload(other.$file, { workspace_id: 'ws_abc123' });
  await redis.hset(k.files, other.sha256, JSON.stringify({ key: fileKey(BATCH, other.sha256), keyAt: Date.now(), assetId: made.asset_id }));
  await redis.set(`${k.fileLock}${other.sha256}`, 'a-dead-worker', 'PX', 1000);
  const next = worker();
  const creates = sim.stats().requests.createAsset?.['200'];
  expect(await next.url(other)).toBe(made.url);
  expect(sim.stats().requests.createAsset?.['200']).toBe(creates);
  expect(sim.listAssets().filter((a) => a.sha256 === other.sha256)).toHaveLength(1);
});
