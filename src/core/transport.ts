/**
 * One attempt of a request: fetch it and read the whole body within the attempt's deadline, stopping at
 * once when the caller aborts. A failure comes back as a value saying what happened (no answer, the
 * deadline, the caller), for the retry loop to decide on.
 */
import { readText, TooLarge } from './body.js';
import type { Redactor } from './redact.js';
import { deadline } from './timers.js';

/** The fetch signature the client calls: the standard one. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How attempts are made. */
export interface Transport {
  fetch: FetchLike;
  /** True when `fetch` is the caller's: it may ignore the abort signal, so attempts also race it. */
  custom: boolean;
  redactor: Redactor;
  /** The longest body read, in bytes once decoded. */
  maxResponseBytes: number;
}

/** A response whose body has been read (within the attempt's deadline). */
export interface Answer {
  response: Response;
  text: string;
}

/** An attempt that got no usable answer. `message` and `cause` are redacted. */
export type Failure =
  | { failure: 'connection' | 'timeout' | 'aborted'; message: string; cause?: Error }
  /** An answer whose body is over `maxResponseBytes`: not read, never retried. */
  | { failure: 'too_large'; message: string; response: Response };

/** Runs `work` under `signal`; rejects as soon as it aborts even if `work` ignores it. */
function race<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

async function fetchAndRead(t: Transport, url: string, init: RequestInit): Promise<Answer | Failure> {
  const response = await t.fetch(url, init);
  const text = await readText(response, t.maxResponseBytes, !t.custom, init.signal ?? undefined);
  if (text instanceof TooLarge) {
    return { failure: 'too_large', message: `the body is over the ${text.limit}-byte limit (maxResponseBytes); it was not read`, response };
  }
  return { response, text };
}

/** What an attempt that threw `err` came to: the caller aborted, its deadline passed, or no answer came. */
export function failureOf(t: Pick<Transport, 'redactor'>, err: unknown, signal: AbortSignal | undefined, limit: { expired: boolean }, timeoutMs: number, what = 'Request'): Failure & { failure: 'connection' | 'timeout' | 'aborted' } {
  if (signal?.aborted) return { failure: 'aborted', message: `${what} was aborted.` };
  if (limit.expired) return { failure: 'timeout', message: `${what} timed out after ${timeoutMs} ms.` };
  return { failure: 'connection', message: `Connection error: ${t.redactor.describe(err)}`, cause: t.redactor.error(err) };
}

/** One attempt: `init` is this call's alone (its signal is set here, per attempt). */
export async function attempt(t: Transport, url: string, init: RequestInit, timeoutMs: number, signal: AbortSignal | undefined): Promise<Answer | Failure> {
  const limit = deadline(timeoutMs, signal);
  try {
    init.signal = limit.signal;
    const work = fetchAndRead(t, url, init);
    // A caller's fetch may ignore the signal; and even the platform's can leave a read of a body it is
    // still decompressing pending after an abort (Node 20's undici, found by the generated adversary):
    // every attempt races its signal.
    return await (limit.signal ? race(work, limit.signal) : work);
  } catch (err) {
    return failureOf(t, err, signal, limit, timeoutMs);
  } finally {
    limit.clear();
  }
}
