import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TechniqueRun } from '../../generated/openapi.js';
import { DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET, startSimulator, verifyWebhook, type Simulator, type SimulatorOptions } from './index.js';
import { call, CREATE_BODY, expectSchema } from './spec-check.test-helper.js';

const NESTED = '/techniques/art-directors-critique/runs';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback that answers each delivery with the next of `statuses` (then 200). */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const close = () => new Promise<void>((r) => server.close(() => r()));
  return { url, received, close };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
const start = async (options: SimulatorOptions = {}) => {
  const s = await startSimulator({ seed: 8, pendingSeconds: 0, runDurationSeconds: 10, callbackBackoffMs: 10, ...options });
  cleanups.push(() => s.close());
  return s;
};
const startRun = async (s: Simulator, callbackUrl: string, key = DEFAULT_API_KEY) => {
  const res = await call<TechniqueRun>(s.url, 'POST', NESTED, { key, body: { ...CREATE_BODY, callback_url: callbackUrl } });
  expect(res.status).toBe(200);
  return res.body;
};

describe('simulator: callbacks', () => {
  it('POSTs a signed run.completed event when a run ends, which verifyWebhook accepts', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const s = await start();
    const run = await startRun(s, hook.url);
    await s.callbacksSettled();
    expect(hook.received).toHaveLength(0);

    s.advance(11);
    await s.callbacksSettled();
    expect(hook.received).toHaveLength(1);
    const [delivery] = hook.received;
    expect(delivery!.headers['content-type']).toBe('application/json');
    const event = await verifyWebhook(delivery!.body, delivery!.headers, DEFAULT_WEBHOOK_SECRET);
    expectSchema('RunWebhookEvent', event);
    expect(event).toMatchObject({
      type: 'run.completed',
      api_version: '2026-01-01',
      data: { run_id: run.run_id, run_type: 'technique', workspace_id: 'ws_abc123', status: 'completed' },
    });
    expect(delivery!.headers['flora-webhook-id']).toBe(event.id);
    expect(delivery!.headers['flora-event']).toBe('run.completed');
    expect(Math.floor(event.created_at / 1000)).toBe((await call<TechniqueRun>(s.url, 'GET', `${NESTED}/${run.run_id}`)).body.completed_at); // ms in the event, seconds in the run
    expect(event.id).toMatch(/^whd_/);
    expect(s.callbacks).toMatchObject([{ runId: run.run_id, eventId: event.id, attempt: 1, ok: true, status: 200, url: hook.url }]);
    expect(s.stats().callbacks).toEqual({ delivered: 1, failed: 0, attempts: 1 });
  });

  it('notices runs that end in real time too (the ticker), at a high time scale', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const s = await start({ timeScale: 200 });
    await startRun(s, hook.url);
    const began = performance.now();
    while (hook.received.length === 0 && performance.now() - began < 3000) await new Promise((r) => setTimeout(r, 20));
    expect(hook.received).toHaveLength(1);
  });

  it('retries with backoff while the receiver answers 500, keeping the event id', async () => {
    const hook = await receiver([500, 503]);
    cleanups.push(hook.close);
    const s = await start({ callbackBackoffMs: 30 });
    await startRun(s, hook.url);
    s.advance(11);
    await s.callbacksSettled();
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.headers['flora-webhook-id'])).size).toBe(1);
    for (const r of hook.received) await verifyWebhook(r.body, r.headers, DEFAULT_WEBHOOK_SECRET);
    expect(s.callbacks.map((c) => [c.attempt, c.status, c.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    const gaps = s.callbacks.slice(1).map((c, i) => c.at - s.callbacks[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(25);
    expect(gaps[1]).toBeGreaterThanOrEqual(55);
    expect(s.stats().callbacks).toEqual({ delivered: 1, failed: 0, attempts: 3 });
  });

  it('gives up after 1 try + 3 retries, and records connection failures', async () => {
    const hook = await receiver([500, 500, 500, 500, 500]);
    cleanups.push(hook.close);
    const dead = await receiver();
    await dead.close();
    const s = await start();
    await startRun(s, hook.url);
    await startRun(s, dead.url);
    s.advance(11);
    await s.callbacksSettled();
    expect(hook.received).toHaveLength(4);
    const toDead = s.callbacks.filter((c) => c.url === dead.url);
    expect(toDead).toHaveLength(4);
    for (const c of toDead) expect(c).toMatchObject({ ok: false, error: expect.any(String) });
    expect(s.stats().callbacks).toEqual({ delivered: 0, failed: 2, attempts: 8 });
  });

  it("sends run.failed with the error for failed runs, signed with the key's own secret", async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const secret = 'whsec_custom_rotated_secret_value';
    const s = await start({ failureRate: 1, keys: { key_custom: { webhookSecret: secret, workspaceId: 'ws_custom' } } });
    const run = await startRun(s, hook.url, 'key_custom');
    s.advance(11);
    await s.callbacksSettled();
    const [delivery] = hook.received;
    await expect(verifyWebhook(delivery!.body, delivery!.headers, DEFAULT_WEBHOOK_SECRET)).rejects.toThrow(/No v1 signature/);
    const event = await verifyWebhook(delivery!.body, delivery!.headers, secret);
    expect(event).toMatchObject({
      type: 'run.failed',
      data: {
        run_id: run.run_id,
        workspace_id: 'ws_custom',
        status: 'failed',
        error_code: 'provider_error',
        error_message: 'The provider failed to complete the generation.',
      },
    });
    expect(delivery!.headers['flora-event']).toBe('run.failed');
  });

  it('callbackTimeoutMs limits a whole delivery: a receiver that trickles its answer (or its headers) cannot hold callbacksSettled() open', async () => {
    // One byte every 20 ms, for ever: a socket-idle timeout never fires.
    const timers = new Set<NodeJS.Timeout>();
    const trickle = (socket: import('node:net').Socket, text: string) => {
      let i = 0;
      const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(text[i++ % text.length]!)), 20);
      timers.add(timer);
    };
    const sockets = new Set<import('node:net').Socket>();
    let connections = 0;
    const server = (await import('node:net')).createServer((socket) => {
      sockets.add(socket);
      const headersNeverEnd = connections++ === 0 || connections > 2;
      socket.on('error', () => {});
      socket.once('data', () => {
        if (headersNeverEnd) trickle(socket, 'HTTP/1.1 200 OK\r\nx-slow: ' + 'a'.repeat(1000));
        else {
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n');
          trickle(socket, ' ');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const t of timers) clearInterval(t);
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => server.close(r));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const s = await start({ callbackTimeoutMs: 150, callbackAttempts: 2 });
    await startRun(s, url);
    await startRun(s, url);
    s.advance(11);
    // Must-not-hang bound, far above 2 attempts x 150 ms + backoff.
    const settled = await Promise.race([s.callbacksSettled().then(() => 'settled'), new Promise((r) => setTimeout(() => r('still open after 10 s'), 10_000).unref())]);
    expect(settled).toBe('settled');
    // The first delivery's headers never end: no answer, twice. The second's body never ends: its status counts.
    expect(s.callbacks.map((c) => [c.attempt, c.ok, c.error === undefined ? c.status : 'error'])).toEqual(
      expect.arrayContaining([
        [1, false, 'error'],
        [2, false, 'error'],
        [1, true, 200],
      ]),
    );
    expect(s.callbacks).toHaveLength(3);
  });

  it('sends nothing for runs without a callback_url', async () => {
    const s = await start();
    await call(s.url, 'POST', NESTED, { body: CREATE_BODY });
    s.advance(60);
    await s.callbacksSettled();
    expect(s.callbacks).toHaveLength(0);
  });
});
