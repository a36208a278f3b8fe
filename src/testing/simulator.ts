/**
 * A stateful FLORA API on loopback: the three technique-run operations over real HTTP, with simulated
 * time, seeded failures and faults, per-key rate limits and signed callbacks. For tests and local demos.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunWebhookEvent } from '../../generated/openapi.js';
import { DEFAULT_TECHNIQUES } from './catalog.js';
import { CallbackDispatcher } from './callbacks.js';
import { SimClock } from './clock.js';
import { BASE_PATH, DEFAULT_API_KEY, DEFAULT_API_VERSION, DEFAULT_WEBHOOK_SECRET, DEFAULT_WORKSPACE_ID } from './defaults.js';
import { FAULT_KINDS, FaultInjector, type FaultKind, type Route } from './faults.js';
import { ERRORS, readBody, send, sendMalformed, validationReply, type Reply } from './http.js';
import { createRun, retrieveRun, startTechnique, type Caller, type OperationContext, type ResolvedKey } from './operations.js';
import { Random } from './random.js';
import { TokenBucket, retryAfterHeaders, type RateLimit } from './rate-limit.js';
import { RUN_FAILURE, RunStore, runView, type StoredRun } from './runs.js';
import type { KeyConfig, RunSnapshot, Simulator, SimulatorOptions, SimulatorStats } from './types.js';

const MAX_BODY_BYTES = 1024 * 1024;

type Matched = { route: Route; params: string[] } | { route: undefined; allow?: string };

/** Which operation a method and path name; `allow` is set when only the method was wrong. */
function matchRoute(method: string, pathname: string): Matched {
  if (!pathname.startsWith(`${BASE_PATH}/`)) return { route: undefined };
  let parts: string[];
  try {
    parts = pathname.slice(BASE_PATH.length + 1).split('/').map(decodeURIComponent);
  } catch {
    return { route: undefined };
  }
  if (parts.some((p) => p === '')) return { route: undefined };
  const [a, b, c, d] = parts;
  let found: { route: Route; method: string; params: string[] } | undefined;
  if (parts.length === 3 && a === 'techniques' && c === 'runs') found = { route: 'create', method: 'POST', params: [b!] };
  else if (parts.length === 4 && a === 'techniques' && c === 'runs') found = { route: 'retrieve', method: 'GET', params: [b!, d!] };
  else if (parts.length === 2 && a === 'runs' && b === 'technique') found = { route: 'startTechnique', method: 'POST', params: [] };
  if (!found) return { route: undefined };
  return method === found.method ? { route: found.route, params: found.params } : { route: undefined, allow: found.method };
}

function checkNumber(name: string, value: number, ok: (v: number) => boolean): number {
  if (!Number.isFinite(value) || !ok(value)) throw new RangeError(`Invalid simulator option ${name}: ${value}`);
  return value;
}

/** Starts a simulator on 127.0.0.1 and resolves once it listens. Close it with `close()`. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const log = options.logger;
  const root = new Random(options.seed ?? 1);
  const clock = new SimClock(options.startTime ?? Date.now() / 1000, options.timeScale ?? 1);
  const failureRate = checkNumber('failureRate', options.failureRate ?? 0, (v) => v >= 0 && v <= 1);
  const pendingSeconds = checkNumber('pendingSeconds', options.pendingSeconds ?? 1, (v) => v >= 0);
  const duration = options.runDurationSeconds ?? 20;
  if (typeof duration === 'number') checkNumber('runDurationSeconds', duration, (v) => v >= 0);
  const tickMs = checkNumber('tickMs', options.tickMs ?? 25, (v) => v > 0);
  const requestIds = root.fork('requests');
  const eventIds = root.fork('events');
  const store = new RunStore();
  const injector = new FaultInjector(options.faults ?? {}, root.fork('faults'));
  const dispatcher = new CallbackDispatcher({
    backoffMs: checkNumber('callbackBackoffMs', options.callbackBackoffMs ?? 200, (v) => v >= 0),
    attempts: checkNumber('callbackAttempts', options.callbackAttempts ?? 4, (v) => v >= 1),
    timeoutMs: checkNumber('callbackTimeoutMs', options.callbackTimeoutMs ?? 5000, (v) => v > 0),
    logger: log,
  });

  const keys = new Map<string, ResolvedKey & { rateLimit: RateLimit | null | undefined }>();
  const buckets = new Map<string, TokenBucket>();
  const setKey = (apiKey: string, config: KeyConfig): void => {
    const prev = keys.get(apiKey);
    keys.set(apiKey, {
      workspaceId: config.workspaceId ?? prev?.workspaceId ?? DEFAULT_WORKSPACE_ID,
      credits: config.credits ?? prev?.credits ?? true,
      access: config.access ?? prev?.access ?? true,
      webhookSecret: config.webhookSecret ?? prev?.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
      rateLimit: 'rateLimit' in config ? config.rateLimit : prev?.rateLimit,
    });
    // A changed limit starts from a full bucket.
    if ('rateLimit' in config) buckets.delete(apiKey);
  };
  for (const [apiKey, config] of Object.entries(options.keys ?? { [DEFAULT_API_KEY]: {} })) setKey(apiKey, config);

  const requestStats: SimulatorStats['requests'] = {};
  const faultStats = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const count = (route: string, status: number | 'dropped') => {
    const byStatus = (requestStats[route] ??= {});
    byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
  };

  let closed = false;
  const delays = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        delays.delete(t);
        resolve();
      }, ms);
      delays.add(t);
    });

  /** Authentication, rate limit and access: what every operation checks first. */
  const admit = (req: IncomingMessage): Caller | Reply => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const key = m ? keys.get(m[1]!) : undefined;
    if (!m || !key) return ERRORS.unauthorized();
    const apiKey = m[1]!;
    const limit = key.rateLimit === undefined ? options.rateLimit : key.rateLimit;
    if (limit) {
      let bucket = buckets.get(apiKey);
      if (!bucket) buckets.set(apiKey, (bucket = new TokenBucket(limit)));
      const decision = bucket.take();
      if (!decision.allowed) return ERRORS.rateLimited(retryAfterHeaders(decision.retryAfterMs));
    }
    if (!key.access) return ERRORS.forbidden();
    return { apiKey, key };
  };

  let ctx: OperationContext;
  const operate = (route: Route, params: string[], req: IncomingMessage, body: string): Reply => {
    const caller = admit(req);
    if ('status' in caller) return caller;
    if (route === 'create') return createRun(ctx, caller, params[0]!, body, req.headers);
    if (route === 'retrieve') return retrieveRun(ctx, caller, params[0]!, params[1]!);
    return startTechnique(ctx, caller, body, req.headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('x-request-id', requestIds.id('req_', 20));
    const method = req.method ?? 'GET';
    let pathname = '';
    try {
      pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    } catch {
      // An unparsable request target names no route; it falls through to the 404 below.
    }
    const matched = matchRoute(method, pathname);
    const body = await readBody(req, MAX_BODY_BYTES);
    if (closed) return void req.socket.destroy();
    if (matched.route === undefined) {
      count('unknown', 404);
      return send(res, ERRORS.notFound(matched.allow ? { allow: matched.allow } : undefined));
    }
    const { route } = matched;
    const plan = injector.plan(route);
    if (plan.delayMs > 0) await delay(plan.delayMs);
    if (closed) return void req.socket.destroy();
    if (plan.fault === 'slow') faultStats.slow++;
    if (plan.fault === 'serverError' || plan.fault === 'dropBeforeRecord') {
      faultStats[plan.fault]++;
      log?.debug?.(`fault ${plan.fault}`, { route });
      if (plan.fault === 'serverError') {
        count(route, 500);
        return send(res, ERRORS.unknown());
      }
      count(route, 'dropped');
      return void req.socket.destroy();
    }
    const reply =
      body === undefined ? validationReply([{ field: '(body)', message: `must be at most ${MAX_BODY_BYTES} bytes` }]) : operate(route, matched.params, req, body);
    // Lost answers and corrupt bodies only make sense for work that succeeded.
    if (reply.status === 200 && (plan.fault === 'dropAfterRecord' || plan.fault === 'malformed')) {
      faultStats[plan.fault]++;
      log?.debug?.(`fault ${plan.fault}`, { route });
      if (plan.fault === 'dropAfterRecord') {
        count(route, 'dropped');
        return void req.socket.destroy();
      }
      count(route, 200);
      return sendMalformed(res, reply);
    }
    count(route, reply.status);
    log?.debug?.(`${method} ${pathname} -> ${reply.status}`);
    send(res, reply);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Last resort: whatever went wrong, the client gets the envelope and the server keeps serving.
      log?.error?.('simulator handler crashed', { error: e instanceof Error ? e.stack : String(e) });
      try {
        count('unknown', 500);
        send(res, ERRORS.unknown());
      } catch {
        req.socket.destroy();
      }
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(checkNumber('port', options.port ?? 0, (v) => v >= 0 && v < 65536), '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${BASE_PATH}`;
  ctx = {
    baseUrl: url,
    clock,
    store,
    catalog: options.techniques ?? DEFAULT_TECHNIQUES,
    ids: root.fork('ids'),
    outcomes: root.fork('outcomes'),
    durationFor: typeof duration === 'function' ? duration : () => duration,
    pendingSeconds,
    failureRate,
  };

  const eventFor = (run: StoredRun): RunWebhookEvent => ({
    id: eventIds.id('evt_'),
    type: run.outcome === 'completed' ? 'run.completed' : 'run.failed',
    api_version: options.apiVersion ?? DEFAULT_API_VERSION,
    created_at: Math.floor(run.endsAt),
    data: {
      run_id: run.runId,
      run_type: 'technique',
      workspace_id: run.workspaceId,
      status: run.outcome,
      ...(run.outcome === 'failed' ? { error_code: RUN_FAILURE.code, error_message: RUN_FAILURE.message } : {}),
    },
  });

  /** Hands every newly ended run with a callback to the dispatcher; polling because time can jump. */
  const tick = () => {
    if (closed) return;
    for (const run of store.endedAwaitingCallback(clock.now())) {
      run.callbackDispatched = true;
      const secret = keys.get(run.apiKey)?.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
      dispatcher.dispatch(run.callbackUrl!, secret, eventFor(run));
    }
  };
  const ticker = setInterval(tick, tickMs);
  ticker.unref();
  log?.info?.(`FLORA simulator listening on ${url}`);

  const snapshot = (run: StoredRun): RunSnapshot => ({
    runId: run.runId,
    apiKey: run.apiKey,
    workspaceId: run.workspaceId,
    technique: run.technique,
    startedVia: run.startedVia,
    inputs: run.inputs,
    callbackUrl: run.callbackUrl,
    idempotencyKey: run.idempotencyKey,
    state: runView(run, clock.now()),
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    callbacks: dispatcher.log,
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        clearInterval(ticker);
        for (const t of delays) clearTimeout(t);
        delays.clear();
        dispatcher.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    advance(seconds) {
      clock.advance(seconds);
      tick();
    },
    now: () => clock.now(),
    listRuns: (apiKey) => store.list(apiKey).map(snapshot),
    getRun(runId) {
      const run = store.get(runId);
      return run && snapshot(run);
    },
    runCount: (apiKey) => store.list(apiKey).length,
    setKey,
    stats: () => ({
      requests: Object.fromEntries(Object.entries(requestStats).map(([r, s]) => [r, { ...s }])),
      faults: { ...faultStats },
      callbacks: { ...dispatcher.counters },
    }),
    async callbacksSettled() {
      tick();
      await dispatcher.settled();
    },
  };
}
