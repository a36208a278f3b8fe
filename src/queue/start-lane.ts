/**
 * The batch's one start lane across its workers: a Redis lock with a short TTL, renewed while held, so a
 * dead holder frees it soon. A worker's own jobs queue for it in the process first, so one of them at a
 * time asks Redis; that one asks again after a wait that grows from 1 to 25 ms while another worker holds
 * it (a few hundred jobs each polling every millisecond would flood Redis and hold every start up).
 *
 * A TTL can run out under a holder that is alive but was not scheduled for a while (a loaded machine, a
 * stopped process): another worker then takes the lane. So the holder acts on its hold only after Redis
 * confirms it: each start request is sent only if the lock is still its own (checked in the same script
 * that marks the start pending), and a lookup's verdict is kept only if the lock was its own throughout
 * (a lock is never given back to a token that lost it, so still holding it means never having lost it).
 * When it was lost, `LaneLostError` ends the turn and the lane is taken again; the work resumes from what
 * the store recorded, so nothing is sent while another start may be in flight, and no lookup decides
 * among runs another holder may have started meanwhile.
 */
import type { Redis } from 'ioredis';
import { sleep } from '../core/timers.js';
import type { BatchKeys } from './connection.js';
import { MARK_SENDING, RENEW, UNLOCK } from './scripts.js';

const LOCK_TTL_MS = 3000;
const MAX_POLL_MS = 25;

/** The lane's lock ran out while this worker held it: another worker may hold it now. */
export class LaneLostError extends Error {
  override name = 'LaneLostError';
}

/** What a holder can ask of its hold. */
export interface LaneHold {
  /** Marks `pending` as the start about to be sent, if the lane is still this holder's; else throws `LaneLostError`. */
  sending(pending: string): Promise<void>;
  /** Throws `LaneLostError` unless the lane has been this holder's since it took it. */
  check(): Promise<void>;
}

export class StartLane {
  #local: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly k: BatchKeys,
    private readonly signal?: AbortSignal,
  ) {}

  /** Runs `fn` holding the lane; if the lane is lost meanwhile (`LaneLostError`), takes it again and runs `fn` again. */
  with<T>(fn: (hold: LaneHold) => Promise<T>): Promise<T> {
    const mine = this.#local.then(async () => {
      for (;;) {
        try {
          return await this.#held(fn);
        } catch (err) {
          if (!(err instanceof LaneLostError) || this.signal?.aborted) throw err;
        }
      }
    });
    this.#local = mine.catch(() => undefined);
    return mine;
  }

  async #held<T>(fn: (hold: LaneHold) => Promise<T>): Promise<T> {
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    for (let wait = 1; (await this.redis.set(this.k.lock, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK'; wait = Math.min(wait * 2, MAX_POLL_MS)) await sleep(wait, this.signal);
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, this.k.lock, token, String(LOCK_TTL_MS)).catch(() => undefined), LOCK_TTL_MS / 3);
    const lost = () => new LaneLostError('the start lane ran out while this worker held it (it was not scheduled, or Redis was unreachable, for seconds); taking it again');
    const hold: LaneHold = {
      sending: async (pending) => {
        if ((await this.redis.eval(MARK_SENDING, 2, this.k.lock, this.k.pending, token, String(LOCK_TTL_MS), pending)) !== 1) throw lost();
      },
      check: async () => {
        if ((await this.redis.get(this.k.lock)) !== token) throw lost();
      },
    };
    try {
      return await fn(hold);
    } finally {
      clearInterval(renew);
      await this.redis.eval(UNLOCK, 1, this.k.lock, token).catch(() => undefined);
    }
  }
}
