/** Test helpers: a fetch that records requests and answers from a script, and settling promises. Not part of the package. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import { Flora, type ClientOptions } from './client.js';

export const TEST_KEY = 'flora_test_key_5ecr3t';

export interface Recorded {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

export type Answer = Response | Error | ((req: Recorded, signal: AbortSignal) => Response | Error | Promise<Response>);

/** A fetch answering each request with the next scripted answer (the last one repeats). */
export function scriptedFetch(...answers: Answer[]) {
  const requests: Recorded[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const rec = { method: request.method, url: request.url, headers: request.headers, body: await request.text() };
    requests.push(rec);
    const next = answers[Math.min(requests.length - 1, answers.length - 1)];
    const answer = typeof next === 'function' ? await next(rec, request.signal) : next;
    if (answer instanceof Error) throw answer;
    return answer!.clone();
  };
  return { fetch, requests };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export const envelope = (code: string, message: string, status: number, headers: Record<string, string> = {}, fields?: unknown) =>
  json({ error: { code, message, ...(fields ? { fields } : {}) } }, status, headers);

export const RUN = { created_at: 1767225600, progress: 0, run_id: 'run_abc123', status: 'pending' } as const;
export const STARTED = { charged_cost: 0.04, estimated_seconds: 45, run_id: 'run_abc123', type: 'technique' } as const;
export const NESTED_BODY = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a red fox' }], mode: 'async' as const };
export const TOP_BODY = { inputs: { prompt: 'a red fox' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' };

/** A client over a scripted fetch, logging nowhere unless asked. */
export function testClient(fetch: ClientOptions['fetch'], options: ClientOptions = {}) {
  return new Flora({ apiKey: TEST_KEY, fetch, logLevel: 'off', ...options });
}

/** Never settles unless aborted: a server that accepted the connection and went quiet. */
export const hang = (_req: Recorded, signal: AbortSignal) =>
  new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

/** What a promise came to: its value or its error, never a rejection. */
export async function outcome<T>(promise: PromiseLike<T> | (() => PromiseLike<T>)): Promise<{ result?: T; error?: unknown }> {
  try {
    return { result: await (typeof promise === 'function' ? promise() : promise) };
  } catch (error) {
    return { error: error ?? new Error('rejected with nothing') };
  }
}

/** Runs `promise` to completion under fake timers (every sleep the client asks for passes at once). */
export async function settle<T>(promise: PromiseLike<T>): Promise<{ result?: T; error?: unknown }> {
  const done = outcome(promise);
  await vi.runAllTimersAsync();
  return done;
}

/** A webhook receiver on a free loopback port: records each delivery's raw body and headers, answers `ok`. */
export async function startReceiver(): Promise<{ origin: string; received: { body: string; headers: IncomingHttpHeaders }[]; close(): Promise<void> }> {
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}
