/** The simulator's public shapes: options, key configuration, the handle, its statistics. */
import type { TechniqueRun, WebhookEventType } from '../../generated/openapi.js';
import type { Technique } from './catalog.js';
import type { CorsOption } from './cors.js';
import type { FaultKind, FaultOptions, Route } from './faults.js';
import type { MediaOptions, MediaStats } from './media.js';
import type { RateLimit } from './rate-limit.js';
import type { StorageRequest, UploadFault } from './storage.js';

/** How a simulator's answers read: as FLORA's reference pages describe, or as its SDK describes the live API. */
export type SimulatorProfile = 'seeds' | 'live';

/** Where a server honours the nested create's idempotency key: the header, the body's `idempotency_key`, or either. */
export type IdempotencyChannel = 'header' | 'body' | 'both';

/** What one API key may do. Missing fields take the defaults shown. */
export interface KeyConfig {
  /** The key's workspace; top-level starts must name it. Default `ws_abc123`. */
  workspaceId?: string;
  /** false: starts answer 402 `insufficient_credits`. Default true. */
  credits?: boolean;
  /** false: every operation answers 403 `forbidden`. Default true. */
  access?: boolean;
  /** Secret callbacks of this key's runs are signed with. Default {@link DEFAULT_WEBHOOK_SECRET}. */
  webhookSecret?: string;
  /** Overrides the simulator-wide `rateLimit` for this key; `null` disables it for this key. */
  rateLimit?: RateLimit | null;
}

/** Where the simulator reports what it does; every method optional. Default: silent. */
export interface SimulatorLogger {
  debug?(message: string, meta?: Record<string, unknown>): void;
  info?(message: string, meta?: Record<string, unknown>): void;
  warn?(message: string, meta?: Record<string, unknown>): void;
  error?(message: string, meta?: Record<string, unknown>): void;
}

/** Options of `startSimulator`; all optional. */
export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Seed of every random choice (ids, failures, faults). Default 1. */
  seed?: number;
  /** Simulated seconds per real second. Default 1. */
  timeScale?: number;
  /** Simulated unix seconds at start. Default: the wall clock. */
  startTime?: number;
  /** Simulated seconds a run spends running, fixed or per technique. Default 20. */
  runDurationSeconds?: number | ((technique: Technique) => number);
  /** Simulated seconds a run stays pending before it runs. Default 1. */
  pendingSeconds?: number;
  /** Chance (0..1) that a run fails with `provider_error`. Default 0. */
  failureRate?: number;
  /** API keys and what they may do. Default: {@link DEFAULT_API_KEY} with credits and access. */
  keys?: Record<string, KeyConfig>;
  /** Per-key limit in real time; answered with 429 `rate_limited`. Default: none. */
  rateLimit?: RateLimit;
  /** The technique catalog. Default {@link DEFAULT_TECHNIQUES}. */
  techniques?: readonly Technique[];
  /** Seeded fault injection. Default: none. */
  faults?: FaultOptions;
  /** Real ms before the first callback retry; doubles on each further retry. Default 200. */
  callbackBackoffMs?: number;
  /** Callback attempts in all (the first try plus retries). Default 4. */
  callbackAttempts?: number;
  /** Real ms a callback attempt may take, from the request to the end of the answer. Default 5000. */
  callbackTimeoutMs?: number;
  /** Real ms between checks for ended runs. Default 25. */
  tickMs?: number;
  /** `api_version` of webhook events. Default `2026-01-01`. */
  apiVersion?: string;
  /**
   * Where the nested create's idempotency key is honoured: the `Idempotency-Key` header, the body's
   * `idempotency_key` (as FLORA's SDK models technique runs), or either, the header winning. The top-level
   * start takes only the header. Default `both`.
   */
  idempotencyChannel?: IdempotencyChannel;
  /**
   * `seeds` (default) answers as FLORA's reference pages describe; `live` as FLORA's SDK 0.11.0 and its
   * batch guidance describe the live API: `null` for absent optional fields of a top-level start (and
   * for some estimates), action ids outside the reference pages' 37, failed runs at progress 100 with a
   * `completed_at`, a `charged_cost` that is a quote until shortly after the run ends and the final
   * charge from then on, and `poll_url` pointing at `GET /runs/{runId}`.
   */
  profile?: SimulatorProfile;
  /**
   * Which web pages may call the simulator from a browser (CORS: preflights answered, answers readable):
   * `true` any origin, a list of origins (`['https://app.example.com']`) exactly those, `false` none.
   * Default: pages served from this machine (`http://localhost:5173`, `http://127.0.0.1:8080`, any port).
   */
  cors?: CorsOption;
  /**
   * The media host that serves completed runs' outputs (a second loopback origin, `Simulator.mediaUrl`):
   * file sizes, `Range` support and seeded faults. Default: small files, ranges honoured, no faults.
   */
  media?: MediaOptions;
  /** Where to log. Default: nowhere. */
  logger?: SimulatorLogger;
  /** Simulated seconds from an asset's bytes arriving (or its upload completed) to `ready`. Default 1. */
  assetProcessingSeconds?: number;
  /** Chance (0..1) that an asset's processing ends `failed`, seeded. Default 0. */
  assetFailureRate?: number;
  /** Simulated seconds a signed upload reservation lasts. Default 3600. */
  uploadExpirySeconds?: number;
  /** The largest direct (multipart) upload, in bytes. Default 4 MiB, as FLORA's. */
  maxDirectUploadBytes?: number;
  /** The largest file the storage host takes, in bytes. Default 2 GiB. */
  maxUploadBytes?: number;
}

/** An asset as the simulator holds it. */
export interface AssetSnapshot {
  assetId: string;
  apiKey: string;
  workspaceId: string;
  name: string;
  contentType: string;
  uploadedVia: 'url' | 'signed_url' | 'direct';
  status: 'pending_upload' | 'ready' | 'failed';
  /** The bytes received, and their SHA-256 (hex), once they arrived. */
  sizeBytes: number | undefined;
  sha256: string | undefined;
  /** Files the storage host accepted for it (a signed upload). */
  uploads: number;
  /** Reservations renewed with `retry`. */
  renewals: number;
  /** When it was created, and when its processing ends (or ended): simulated unix seconds. */
  createdAt: number;
  readyAt: number | undefined;
}

/** One callback delivery attempt. */
export interface CallbackAttempt {
  runId: string;
  eventId: string;
  eventType: WebhookEventType;
  url: string;
  /** 1 for the first try. */
  attempt: number;
  /** Real time of the attempt, epoch ms. */
  at: number;
  /** True when the receiver answered 2xx. */
  ok: boolean;
  /** The receiver's status, when it answered. */
  status?: number;
  /** Why there was no answer (connection refused, timeout...). */
  error?: string;
}

/** Counters since start. */
export interface SimulatorStats {
  /** Requests by route (`create`, `retrieve`, `startTechnique`, or `unknown`) then by status (`dropped` when the socket was destroyed). */
  requests: Record<string, Record<string, number>>;
  /** Faults actually applied, by kind. */
  faults: Record<FaultKind, number>;
  /** Callback events acknowledged (delivered), given up on (failed), and attempts made. */
  callbacks: { delivered: number; failed: number; attempts: number };
  /** What the media host served; `media.credentialed` counts requests that carried a key or credentials. */
  media: MediaStats;
}

/** A stored run as the simulator sees it, with its state at the current simulated time. */
export interface RunSnapshot {
  runId: string;
  apiKey: string;
  workspaceId: string;
  technique: Technique;
  /** The operation that started it. */
  startedVia: Exclude<Route, 'retrieve'>;
  inputs: unknown;
  callbackUrl: string | undefined;
  idempotencyKey: string | undefined;
  /** When it was started, in simulated unix seconds (not rounded down, as `state.created_at` is). */
  createdAt: number;
  /** What GET would answer now. */
  state: TechniqueRun;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:53211/api/v1`. */
  readonly url: string;
  /** The TCP port listened on. */
  readonly port: number;
  /**
   * Origin of the media host, e.g. `http://127.0.0.1:53212`: completed runs' output URLs point at real
   * files there (a PNG that decodes, an MP4, MP3, PDF or text), in the `live` profile except text
   * outputs, whose `url` carries the text itself.
   */
  readonly mediaUrl: string;
  /** The storage host signed uploads go to: another loopback origin, e.g. `http://127.0.0.1:53212`. */
  readonly storageUrl: string;
  /** Every request the storage host received, oldest first (header names, and whether one carried Authorization). */
  readonly storageRequests: readonly StorageRequest[];
  /** The next `count` uploads to the storage host fail: a 503 (`serverError`, default) or a connection dropped mid-body (`drop`). */
  failNextUploads(count: number, how?: UploadFault): void;
  /** Stored assets, of one key or all, oldest first. */
  listAssets(apiKey?: string): AssetSnapshot[];
  /** One stored asset. */
  getAsset(assetId: string): AssetSnapshot | undefined;
  /** Every callback delivery attempt so far, oldest first. */
  readonly callbacks: readonly CallbackAttempt[];
  /** Stops the server, its sockets, timers and deliveries. Idempotent. */
  close(): Promise<void>;
  /** Jumps simulated time forward by `seconds`, and notices runs that thereby ended. */
  advance(seconds: number): void;
  /** Simulated unix seconds (fractional). */
  now(): number;
  /** Stored runs, of one key or all, oldest first. */
  listRuns(apiKey?: string): RunSnapshot[];
  /** One stored run. */
  getRun(runId: string): RunSnapshot | undefined;
  /** How many runs are stored, of one key or all. */
  runCount(apiKey?: string): number;
  /** Adds a key, or changes some settings of an existing one. */
  setKey(apiKey: string, config: KeyConfig): void;
  /** A copy of the counters. */
  stats(): SimulatorStats;
  /** Resolves once every ended run's callback has been delivered or given up (checks ended runs first). */
  callbacksSettled(): Promise<void>;
}
