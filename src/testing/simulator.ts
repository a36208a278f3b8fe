/**
 * A stateful FLORA API on loopback: the spec's operations over real HTTP, with simulated time, seeded
 * failures and faults, per-key rate limits and signed callbacks. For tests and local demos. This file
 * is the lifecycle (options, listening, the handle, closing); the pipeline is `server.ts`, what
 * operations do `operations.ts`, keys and counters `state.ts`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunWebhookEvent } from '../../generated/openapi.js';
import { AssetStore } from './assets.js';
import { CallbackDispatcher } from './callbacks.js';
import { checkCors } from './cors.js';
import { DEFAULT_TECHNIQUES } from './catalog.js';
import { SimClock } from './clock.js';
import { BASE_PATH, DEFAULT_API_KEY, DEFAULT_API_VERSION } from './defaults.js';
import { FaultInjector } from './faults.js';
import { startMediaHost } from './media.js';
import { ERRORS, send } from './http.js';
import type { OperationContext } from './operations.js';
import { Random } from './random.js';
import { RUN_FAILURE, RunStore, runView, type StoredRun } from './runs.js';
import { handle, type Pipeline } from './server.js';
import { KeyRing, Stats } from './state.js';
import { startStorageHost } from './storage.js';
import type { AssetSnapshot, RunSnapshot, Simulator, SimulatorOptions } from './types.js';

function checkNumber(name: string, value: number, ok: (v: number) => boolean): number {
  if (!Number.isFinite(value) || !ok(value)) throw new RangeError(`Invalid simulator option ${name}: ${value}`);
  return value;
}

function checkChoice<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new RangeError(`Invalid simulator option ${name}: ${value} (one of ${choices.join(', ')})`);
  return value as T;
}

/** Real-time delays that closing cuts short. */
class Delays {
  private readonly timers = new Set<NodeJS.Timeout>();
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Starts a simulator on 127.0.0.1 and resolves once it listens. Close it with `close()`. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const log = options.logger;
  const root = new Random(options.seed ?? 1);
  const clock = new SimClock(options.startTime ?? Date.now() / 1000, options.timeScale ?? 1);
  const duration = options.runDurationSeconds ?? 20;
  if (typeof duration === 'number') checkNumber('runDurationSeconds', duration, (v) => v >= 0);
  const tickMs = checkNumber('tickMs', options.tickMs ?? 25, (v) => v > 0);
  const eventIds = root.fork('events');
  const store = new RunStore();
  const keys = new KeyRing(options.keys ?? { [DEFAULT_API_KEY]: {} }, options.rateLimit);
  const stats = new Stats();
  const dispatcher = new CallbackDispatcher({
    backoffMs: checkNumber('callbackBackoffMs', options.callbackBackoffMs ?? 200, (v) => v >= 0),
    attempts: checkNumber('callbackAttempts', options.callbackAttempts ?? 4, (v) => v >= 1),
    timeoutMs: checkNumber('callbackTimeoutMs', options.callbackTimeoutMs ?? 5000, (v) => v > 0),
    logger: log,
  });
  const ctx: OperationContext = {
    baseUrl: '', // known once listening
    mediaUrl: '',
    clock,
    store,
    catalog: options.techniques ?? DEFAULT_TECHNIQUES,
    ids: root.fork('ids'),
    outcomes: root.fork('outcomes'),
    durationFor: typeof duration === 'function' ? duration : () => duration,
    pendingSeconds: checkNumber('pendingSeconds', options.pendingSeconds ?? 1, (v) => v >= 0),
    failureRate: checkNumber('failureRate', options.failureRate ?? 0, (v) => v >= 0 && v <= 1),
    idempotencyChannel: checkChoice('idempotencyChannel', options.idempotencyChannel ?? 'both', ['header', 'body', 'both'] as const),
    live: checkChoice('profile', options.profile ?? 'seeds', ['seeds', 'live'] as const) === 'live',
    liveChoices: root.fork('live'),
    startedAt: clock.now(),
    assets: new AssetStore(
      {
        processingSeconds: checkNumber('assetProcessingSeconds', options.assetProcessingSeconds ?? 1, (v) => v >= 0),
        failureRate: checkNumber('assetFailureRate', options.assetFailureRate ?? 0, (v) => v >= 0 && v <= 1),
        expirySeconds: checkNumber('uploadExpirySeconds', options.uploadExpirySeconds ?? 3600, (v) => v > 0),
        maxDirectBytes: checkNumber('maxDirectUploadBytes', options.maxDirectUploadBytes ?? 4 * 1024 * 1024, (v) => v >= 0),
        maxUploadBytes: checkNumber('maxUploadBytes', options.maxUploadBytes ?? 2 * 1024 ** 3, (v) => v >= 0),
        maxStoredBytes: 16 * 1024 * 1024,
        maxFetchBytes: 50 * 1024 * 1024,
      },
      clock,
      root.fork('asset-ids'),
      root.fork('asset-outcomes'),
    ),
  };
  let closed = false;
  const delays = new Delays();
  const pipeline: Pipeline = {
    ctx,
    cors: checkCors(options.cors),
    keys,
    stats,
    injector: new FaultInjector(options.faults ?? {}, root.fork('faults')),
    requestIds: root.fork('requests'),
    log,
    delay: (ms) => delays.wait(ms),
    closed: () => closed,
  };

  const server = http.createServer((req, res) => {
    handle(pipeline, req, res).catch((e: unknown) => {
      // A client that went away mid-request is not the simulator's failure.
      if (req.destroyed || (e as { code?: string })?.code === 'ECONNRESET') {
        log?.debug?.('client went away mid-request', { error: e instanceof Error ? e.message : String(e) });
        return;
      }
      // Last resort: whatever went wrong, the client gets the envelope and the server keeps serving.
      log?.error?.('simulator handler crashed', { error: e instanceof Error ? e.stack : String(e) });
      try {
        stats.count('unknown', 500);
        send(res, ERRORS.unknown());
      } catch {
        req.socket.destroy();
      }
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  // The storage host signed uploads go to: another origin, as a real one is.
  const storage = await startStorageHost(ctx.assets, clock, () => closed);
  ctx.assets.storageUrl = storage.url;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(checkNumber('port', options.port ?? 0, (v) => v >= 0 && v < 65536), '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${BASE_PATH}`;
  ctx.baseUrl = url;
  // Outputs are served from a second origin, as a CDN's would be, so what reaches it can be told apart.
  const media = await startMediaHost(options.media ?? {}, { store, clock, apiKeys: () => keys.apiKeys(), random: root.fork('media') }).catch(async (e: unknown) => {
    await Promise.all([new Promise((closed) => server.close(closed)), storage.close()]);
    throw e;
  });
  ctx.mediaUrl = media.url;

  const eventFor = (run: StoredRun): RunWebhookEvent => ({
    id: eventIds.id('whd_'),
    type: run.outcome === 'completed' ? 'run.completed' : 'run.failed',
    api_version: options.apiVersion ?? DEFAULT_API_VERSION,
    // Unix milliseconds, as FLORA's SDK documents the event (run times are simulated seconds).
    created_at: Math.floor(run.endsAt * 1000),
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
      dispatcher.dispatch(run.callbackUrl!, keys.webhookSecret(run.apiKey), eventFor(run));
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
    createdAt: run.createdAt,
    state: runView(run, clock.now()),
  });
  let closing: Promise<void> | undefined;
  const assetSnapshot = (a: ReturnType<AssetStore['get']> & object): AssetSnapshot => ({
    assetId: a.assetId,
    apiKey: a.apiKey,
    workspaceId: a.workspaceId,
    name: a.name,
    contentType: a.contentType,
    uploadedVia: a.uploadedVia,
    status: ctx.assets.status(a),
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    uploads: a.uploads,
    renewals: a.renewals,
    createdAt: a.createdAt,
    readyAt: a.readyAt,
  });
  return {
    url,
    port,
    mediaUrl: media.url,
    storageUrl: storage.url,
    storageRequests: storage.requests,
    failNextUploads: (count, how = 'serverError') => storage.failNext(count, how),
    listAssets: (apiKey) => [...ctx.assets.newestFirst(apiKey, undefined)].reverse().map(assetSnapshot),
    getAsset(assetId) {
      const a = ctx.assets.get(assetId);
      return a && assetSnapshot(a);
    },
    callbacks: dispatcher.log,
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        clearInterval(ticker);
        delays.clear();
        dispatcher.close();
        ctx.assets.close();
        const api = new Promise<void>((closed) => server.close(() => closed()));
        server.closeAllConnections();
        void Promise.all([api, storage.close(), media.close()]).then(() => resolve());
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
    setKey: (apiKey, config) => keys.set(apiKey, config),
    stats: () => ({ ...stats.snapshot(dispatcher.counters), media: media.stats() }),
    async callbacksSettled() {
      tick();
      await dispatcher.settled();
    },
  };
}
