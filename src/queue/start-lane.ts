/**
 * The batch's one start lane across its workers: a Redis lock with a short TTL, renewed while held, so a
 * dead holder frees it soon. A worker's own jobs queue for it in the process first, so one of them at a
 * time asks Redis; that one asks again after a wait that grows from 1 to 25 ms while another worker holds
 * it (a few hundred jobs each polling every millisecond would flood Redis and hold every start up).
 */
import type { Redis } from 'ioredis';
import { sleep } from '../core/timers.js';
import type { BatchKeys } from './connection.js';
import { RENEW, UNLOCK } from './scripts.js';

const LOCK_TTL_MS = 3000;
const MAX_POLL_MS = 25;

export class StartLane {
  #local: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly k: BatchKeys,
    private readonly signal?: AbortSignal,
  ) {}

  /** Runs `fn` holding the lane. */
  with<T>(fn: () => Promise<T>): Promise<T> {
    const mine = this.#local.then(() => this.#held(fn));
    this.#local = mine.catch(() => undefined);
    return mine;
  }

  async #held<T>(fn: () => Promise<T>): Promise<T> {
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    for (let wait = 1; (await this.redis.set(this.k.lock, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK'; wait = Math.min(wait * 2, MAX_POLL_MS)) await sleep(wait, this.signal);
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, this.k.lock, token, String(LOCK_TTL_MS)).catch(() => undefined), LOCK_TTL_MS / 3);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.redis.eval(UNLOCK, 1, this.k.lock, token).catch(() => undefined);
    }
  }
}
