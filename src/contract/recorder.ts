/**
 * A fetch for the checks' client that keeps every answer it passes on: the operation it answered (from the
 * generated table), its status, content type, request id and body, redacted as it is recorded, so no
 * report or saved answer can hold the key. Retries and polls are recorded too: every answer counts.
 */
import { OPERATIONS, type OperationId } from '../../generated/operations.js';
import { readText, TooLarge } from '../core/body.js';
import type { Redactor } from '../core/redact.js';
import type { RecordedAnswer } from './judge.js';

/** The most of one body the checks keep: the client's own default limit. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The operation a method and path (after the base URL) address. */
export function operationOf(method: string, path: string): OperationId | undefined {
  const bare = path.split(/[?#]/)[0]!;
  return (Object.keys(OPERATIONS) as OperationId[]).find((id) => OPERATIONS[id].method === method && OPERATIONS[id].pathPattern.test(bare));
}

export class Recorder {
  readonly answers: RecordedAnswer[] = [];
  #step = '';

  constructor(
    private readonly baseUrl: string,
    private readonly redactor: Redactor,
    private readonly inner: (request: Request) => Promise<Response> = (r) => globalThis.fetch(r),
  ) {}

  /** The fetch to give the client. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const response = await this.inner(request);
    const url = request.url.startsWith(this.baseUrl) ? request.url.slice(this.baseUrl.length) : new URL(request.url).pathname;
    const text = await readText(response.clone(), MAX_BODY_BYTES, false);
    const requestId = response.headers.get('x-request-id') ?? response.headers.get('request-id') ?? undefined;
    this.answers.push({
      step: this.#step,
      operationId: operationOf(request.method, url),
      method: request.method,
      path: this.redactor.text(url),
      status: response.status,
      contentType: response.headers.get('content-type') ?? undefined,
      ...(requestId ? { requestId: this.redactor.text(requestId) } : {}),
      ...(text instanceof TooLarge ? {} : { text: this.redactor.body(text) }),
    });
    return response;
  };

  /**
   * Runs one step of the checks; its answers carry its name, and the last one `expect` (a repeated key
   * must answer 409). A failure without an answer (no connection) is returned, never thrown; a step's
   * API errors are what it records.
   */
  async step(name: string, run: () => Promise<unknown>, expect?: RecordedAnswer['expect']): Promise<{ error?: unknown }> {
    this.#step = name;
    const before = this.answers.length;
    let error: unknown;
    try {
      await run();
    } catch (err) {
      error = err;
    }
    const last = this.answers.length > before ? this.answers.at(-1) : undefined;
    if (last && expect) last.expect = expect;
    return error === undefined ? {} : { error };
  }
}
