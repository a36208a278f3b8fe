/**
 * Reading an answer's body within a byte limit, so no server can exhaust memory or crash the process
 * (a body of gigabytes, one that never ends, a small gzip that inflates to gigabytes). Decoded bytes
 * count: fetch has already undone any content-encoding. Past the limit the body is cancelled.
 */

/** The default `maxResponseBytes`: far above any FLORA answer, far below what hurts a process. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** A body longer than the limit. */
export class TooLarge {
  constructor(readonly limit: number) {}
}

/**
 * The body as text (UTF-8, invalid bytes replaced), or `TooLarge`. `trustLength`: the response comes from
 * the platform's fetch, which never delivers more than its content-length (a caller's fetch might).
 * `signal`: the attempt's, whose abort cancels the body.
 */
export async function readText(response: Response, limit: number, trustLength: boolean, signal?: AbortSignal): Promise<string | TooLarge> {
  const length = response.headers.get('content-length');
  const declared = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  if (declared !== undefined && declared > limit) {
    await response.body?.cancel().catch(() => {});
    return new TooLarge(limit);
  }
  // Without a content-encoding, fetch delivers exactly content-length bytes or fails: read it whole.
  if (trustLength && declared !== undefined && !response.headers.has('content-encoding')) return response.text();
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  // On abort the body is cancelled here too: a pending read of a body fetch is still decompressing can
  // outlive the fetch's own abort, holding the stream (and its socket) open.
  const stop = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const decoder = new TextDecoder();
    let size = 0;
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return new TooLarge(limit);
      }
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
