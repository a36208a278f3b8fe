/**
 * The one list of errors worth waiting out: what every loop that polls or retries on its own (waits,
 * batches, their shared pollers) asks before it tries again. Apart from `retry.ts` (which answers the
 * client retries), because it names error classes and `errors.ts` already imports `retry.ts`.
 */
import { APIConnectionError, APIUserAbortError, InternalServerError, RateLimitError, ResponseValidationError } from './errors.js';

/** The API is away or busy (no answer, a 5xx, a 429), after the client's own retries: no one call is to blame. */
export function isOutage(err: unknown): boolean {
  if (err instanceof APIUserAbortError) return false;
  return err instanceof APIConnectionError || err instanceof InternalServerError || err instanceof RateLimitError;
}

/** A read worth making again: the API was away or busy, or its answer was unreadable (a body cut off). */
export function isTransient(err: unknown): boolean {
  return isOutage(err) || err instanceof ResponseValidationError;
}
