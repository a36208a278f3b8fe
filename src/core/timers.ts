/** Timers for deadlines and waits: clamped to what setTimeout can do, and stopped by an abort signal. */

/** setTimeout's longest delay; a longer (or infinite) one would fire after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A signal that aborts when `ms` pass or `outer` aborts, whichever comes first. */
export interface Deadline {
  /** Undefined when nothing can abort (no deadline, no outer signal): a signal costs Node's fetch measurably. */
  readonly signal: AbortSignal | undefined;
  /** True once the time ran out (rather than `outer` aborting). */
  readonly expired: boolean;
  /** Stops the timer and lets go of `outer`. */
  clear(): void;
}

const NONE: Deadline = { signal: undefined, expired: false, clear() {} };

/** A deadline of `ms` (`Infinity`: none) that also follows `outer`, already aborted or not. */
export function deadline(ms: number, outer?: AbortSignal): Deadline {
  if (ms === Infinity && !outer) return NONE;
  const controller = new AbortController();
  let expired = false;
  const timer = ms === Infinity ? undefined : setTimeout(() => ((expired = true), controller.abort()), Math.min(ms, MAX_TIMER_MS));
  const onAbort = () => controller.abort(outer!.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
