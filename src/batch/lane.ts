/**
 * The start lane of one process's batch: a counting semaphore whose holder can briefly take every permit
 * (a lookup of a lost answer needs no other start in flight), and the pause a 429 puts on every start.
 */
import { sleep } from '../core/timers.js';

/** One pause for every start of the batch: a 429 for one start holds back all of them for its Retry-After. */
export class SharedPause {
  #until = 0;
  pause(ms: number): void {
    this.#until = Math.max(this.#until, Date.now() + ms);
  }
  async ready(signal?: AbortSignal): Promise<void> {
    for (let left = this.#until - Date.now(); left > 0; left = this.#until - Date.now()) await sleep(left, signal);
  }
}

/**
 * A counting semaphore whose holder can briefly take every permit (`exclusive`), so nothing else starts
 * meanwhile. Once `signal` aborts, every wait for it rejects with the signal's reason (the batch stops).
 */
export class Lane {
  #free: number;
  readonly #waiters: { n: number; go: () => void; fail: (err: unknown) => void }[] = [];
  #busy = false;
  readonly #turns: { go: () => void; fail: (err: unknown) => void }[] = [];
  constructor(
    readonly size: number,
    private readonly signal?: AbortSignal,
  ) {
    this.#free = size;
    signal?.addEventListener(
      'abort',
      () => {
        for (const w of [...this.#waiters.splice(0), ...this.#turns.splice(0)]) w.fail(signal.reason);
      },
      { once: true },
    );
  }
  acquire(n = 1, first = false): Promise<void> {
    if (this.signal?.aborted) return Promise.reject(this.signal.reason);
    if (this.#waiters.length === 0 && this.#free >= n) {
      this.#free -= n;
      return Promise.resolve();
    }
    return new Promise((go, fail) => (first ? this.#waiters.unshift({ n, go, fail }) : this.#waiters.push({ n, go, fail })));
  }
  release(n = 1): void {
    this.#free += n;
    while (this.#waiters.length > 0 && this.#free >= this.#waiters[0]!.n) {
      const w = this.#waiters.shift()!;
      this.#free -= w.n;
      w.go();
    }
  }
  /**
   * For a holder of one permit: runs `fn` holding every permit, so no other start is in flight meanwhile.
   * One exclusive holder at a time; a second one gives its permit to the first while it waits (else each
   * would wait for the other's), and is handed every permit when the first is done.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.size === 1) return fn();
    if (this.#busy) {
      this.release(1);
      await new Promise<void>((go, fail) => (this.signal?.aborted ? fail(this.signal.reason) : this.#turns.push({ go, fail })));
    } else {
      this.#busy = true;
      await this.acquire(this.size - 1, true);
    }
    let handedOver = false;
    try {
      return await fn();
    } finally {
      const next = this.#turns.shift();
      if (next) {
        handedOver = true;
        next.go();
      } else {
        this.#busy = false;
        this.release(this.size - 1);
      }
      // The caller still holds one permit when this returns.
      if (handedOver) await this.acquire(1);
    }
  }

  /** Runs `fn` holding one permit. */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
