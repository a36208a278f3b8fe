/**
 * Delivers signed run-ended events to callback URLs, retrying with exponential backoff like FLORA does,
 * and records every attempt so tests can assert on deliveries.
 */
import http from 'node:http';
import https from 'node:https';
import type { RunWebhookEvent } from '../../generated/openapi.js';
import { DELIVERY_HEADERS, signature } from './signing.js';
import type { CallbackAttempt, SimulatorLogger } from './types.js';

/** Settings of a {@link CallbackDispatcher}. */
export interface DispatcherOptions {
  /** Real ms before the first retry; doubled for each later one. */
  backoffMs: number;
  /** Attempts in all, first try included. */
  attempts: number;
  /** Real ms one attempt may take, from the request to the end of the answer (not an idle limit). */
  timeoutMs: number;
  logger?: SimulatorLogger | undefined;
}

type PostResult = { status: number } | { error: string };

/** Sends events; one instance per simulator. */
export class CallbackDispatcher {
  /** Every attempt, oldest first. */
  readonly log: CallbackAttempt[] = [];
  /** Events acknowledged, events given up on, attempts made. */
  readonly counters = { delivered: 0, failed: 0, attempts: 0 };
  private readonly sleeping = new Map<NodeJS.Timeout, () => void>();
  private readonly requests = new Set<http.ClientRequest>();
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  /** @param options backoff, attempts, timeout and logger. */
  constructor(private readonly options: DispatcherOptions) {}

  /** Starts delivering `event` to `url`, signed with `secret`; returns at once. */
  dispatch(url: string, secret: string, event: RunWebhookEvent): void {
    if (this.closed) return;
    const p = this.deliver(url, secret, event).catch((e: unknown) => {
      this.options.logger?.error?.('callback delivery crashed', { runId: event.data.run_id, error: String(e) });
    });
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Resolves when no delivery is in flight or waiting to retry. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Stops retries and aborts requests in flight. */
  close(): void {
    this.closed = true;
    for (const [timer, wake] of this.sleeping) {
      clearTimeout(timer);
      wake();
    }
    this.sleeping.clear();
    for (const req of this.requests) req.destroy();
    this.requests.clear();
  }

  private async deliver(url: string, secret: string, event: RunWebhookEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (attempt > 1) await this.sleep(this.options.backoffMs * 2 ** (attempt - 2));
      if (this.closed) return;
      // Signed with the real clock at each attempt: the receiver checks `t` against its own clock, and a
      // late retry must still fall inside its tolerance (simulated time may be hours ahead).
      const headers = {
        'content-type': 'application/json',
        [DELIVERY_HEADERS.signature]: signature(body, secret, Math.floor(Date.now() / 1000)),
        [DELIVERY_HEADERS.eventId]: event.id,
        [DELIVERY_HEADERS.event]: event.type,
      };
      const at = Date.now();
      const result = await this.post(url, body, headers);
      if (this.closed) return;
      const ok = 'status' in result && result.status >= 200 && result.status < 300;
      this.counters.attempts++;
      this.log.push({
        runId: event.data.run_id,
        eventId: event.id,
        eventType: event.type,
        url,
        attempt,
        at,
        ok,
        ...('status' in result ? { status: result.status } : { error: result.error }),
      });
      if (ok) {
        this.counters.delivered++;
        this.options.logger?.info?.('callback delivered', { runId: event.data.run_id, attempt });
        return;
      }
      this.options.logger?.warn?.('callback attempt failed', { runId: event.data.run_id, attempt, ...result });
    }
    this.counters.failed++;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      // Retries must never keep a test process (or a closed simulator) alive.
      timer.unref();
      this.sleeping.set(timer, resolve);
    });
  }

  private post(url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
    return new Promise((resolve) => {
      let done = false;
      let limit: NodeJS.Timeout | undefined;
      const finish = (r: PostResult) => {
        if (done) return;
        done = true;
        clearTimeout(limit);
        this.requests.delete(req);
        resolve(r);
      };
      const target = new URL(url);
      const send = target.protocol === 'https:' ? https.request : http.request;
      // No shared keep-alive agent: a pooled socket would keep the receiver's server from closing.
      const req = send(target, {
        method: 'POST',
        agent: false,
        timeout: this.options.timeoutMs,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' },
      });
      this.requests.add(req);
      // The status counts as soon as it arrives: the receiver has answered, whatever happens to the body.
      let status: number | undefined;
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => finish({ status: status ?? 0 }));
        res.on('error', () => finish({ status: status ?? 0 }));
      });
      // A limit on the whole attempt: a receiver that trickles its answer (or its headers) byte by byte
      // never lets an idle timeout fire, and would keep the delivery, and callbacksSettled(), open forever.
      limit = setTimeout(() => {
        finish(status === undefined ? { error: `no complete answer within ${this.options.timeoutMs} ms` } : { status });
        req.destroy();
      }, this.options.timeoutMs);
      limit.unref();
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', (e) => finish(status === undefined ? { error: e.message || String(e) } : { status }));
      req.on('close', () => finish(status === undefined ? { error: 'connection closed' } : { status }));
      req.end(body);
    });
  }
}
