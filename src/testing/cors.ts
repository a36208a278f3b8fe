/**
 * Cross-origin requests, so a browser app can be tested against the simulator: a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) from an allowed origin is answered 204 with what the browser asks to send,
 * and every answer to an allowed origin says so (`Access-Control-Allow-Origin`) and lets the page read the
 * headers the client needs (request id, Retry-After). Which origins: by default only pages served from this
 * machine (`localhost`, `127.0.0.1`, `[::1]`, any port), since the simulator holds nothing secret but is
 * still a server on loopback; `true` any origin; a list exactly those; `false` none.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which page origins may call the simulator from a browser. Default: loopback origins only. */
export type CorsOption = boolean | readonly string[];

/** What the client reads from an answer besides its body. */
const EXPOSED = 'x-request-id, request-id, retry-after, retry-after-ms, x-should-retry';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks the option; a list must hold origins (`https://app.example.com`), as browsers send them. */
export function checkCors(option: unknown): CorsOption | undefined {
  if (option === undefined || typeof option === 'boolean') return option;
  if (Array.isArray(option) && option.every((o) => typeof o === 'string' && /^https?:\/\/[^/]+$/.test(o))) return option as string[];
  throw new RangeError('Invalid simulator option cors: true, false, or a list of origins such as "http://localhost:5173"');
}

function allowed(option: CorsOption | undefined, origin: string): boolean {
  if (option === true) return true;
  if (option === false) return false;
  if (option !== undefined) return option.includes(origin);
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Applies the policy to one request: sets the headers of an allowed cross-origin answer, and answers a
 * preflight itself. True when the request has been answered (a preflight); the pipeline goes on otherwise.
 */
export function handleCors(option: CorsOption | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (origin === undefined || option === false) return false;
  res.setHeader('vary', 'Origin');
  if (!allowed(option, origin)) {
    if (!preflight) return false;
    req.resume();
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`Origin ${origin.slice(0, 200)} may not call this simulator: start it with cors naming it (or --cors ${origin.slice(0, 200)}).`);
    return true;
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', EXPOSED);
  if (!preflight) return false;
  req.resume();
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, content-type, idempotency-key',
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
