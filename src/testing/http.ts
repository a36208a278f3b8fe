/** Small HTTP helpers of the simulator: replies, the error envelope, bounded body reading. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode, ErrorEnvelope, FieldError } from '../../generated/openapi.js';

/** What a handler answers; the server turns it into a response (or, under a fault, into something worse). */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** An error reply in the spec's one envelope. */
export function errorReply(status: number, code: ErrorCode, message: string, extra: { fields?: FieldError[]; headers?: Record<string, string> } = {}): Reply {
  const body: ErrorEnvelope = { error: { code, message, ...(extra.fields ? { fields: extra.fields } : {}) } };
  return { status, body, ...(extra.headers ? { headers: extra.headers } : {}) };
}

/** A 400 `input_validation_error`; the message names the first field, as the API's does (`prompt: Required`). */
export function validationReply(fields: FieldError[]): Reply {
  const first = fields[0] ?? { field: '(body)', message: 'Invalid' };
  return errorReply(400, 'input_validation_error', `${first.field}: ${first.message}`, { fields });
}

/** The fixed error replies, with the API's messages. */
export const ERRORS = {
  unauthorized: () => errorReply(401, 'unauthorized', 'Invalid API key.'),
  insufficientCredits: () => errorReply(402, 'insufficient_credits', 'Insufficient credits.'),
  forbidden: () => errorReply(403, 'forbidden', 'Forbidden.'),
  notFound: (headers?: Record<string, string>) => errorReply(404, 'not_found', 'Not found.', headers ? { headers } : {}),
  duplicate: () => errorReply(409, 'idempotency_duplicate', 'Duplicate idempotency key.'),
  rateLimited: (headers: Record<string, string>) => errorReply(429, 'rate_limited', 'Rate limit exceeded.', { headers }),
  unknown: () => errorReply(500, 'unknown_error', 'An unknown error occurred.'),
};

/** Reads a request body, up to `limitBytes`; `undefined` when it is larger. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep draining (without storing) so the client is not cut off mid-send.
    if (size > limitBytes) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

/** A JSON body, or the 400 reply for one that is absent or not JSON. */
export function parseJsonBody(text: string): { ok: true; value: unknown } | { ok: false; reply: Reply } {
  if (text.trim() === '') return { ok: false, reply: validationReply([{ field: '(body)', message: 'Required' }]) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reply: validationReply([{ field: '(body)', message: 'must be valid JSON' }]) };
  }
}

/** Writes `reply` as JSON. */
export function send(res: ServerResponse, reply: Reply): void {
  writeJsonText(res, reply.status, JSON.stringify(reply.body), reply.headers);
}

/** Writes `reply` as a 200 whose JSON is cut in half: what a proxy that truncates bodies produces. */
export function sendMalformed(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  writeJsonText(res, reply.status, text.slice(0, Math.max(1, Math.floor(text.length / 2))), reply.headers);
}

/** Writes plain text: what the simulator answers outside the API's routes. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function writeJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}
