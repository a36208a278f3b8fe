/**
 * The simulator's assets: each asset's fields and timeline in simulated time (bytes arrive, processing ends
 * `ready` or, seeded, `failed`), signed upload reservations that expire, and the views the operations
 * answer with. What the operations do is `asset-operations.ts`; the storage host that takes signed uploads
 * is `storage.ts`.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Asset, AssetCreated, AssetListItem, AssetUpload, AssetUploadState } from '../../generated/openapi.js';
import type { SimClock } from './clock.js';
import type { Random } from './random.js';

/** How the simulator's assets behave; every field has a default in `startSimulator`. */
export interface AssetSettings {
  /** Simulated seconds from an asset's bytes (or complete) to `ready`. */
  processingSeconds: number;
  /** Chance (0..1) that processing ends `failed`. */
  failureRate: number;
  /** Simulated seconds a signed upload reservation lasts. */
  expirySeconds: number;
  /** The largest direct (multipart) upload, in bytes. */
  maxDirectBytes: number;
  /** The largest file the storage host takes, in bytes. */
  maxUploadBytes: number;
  /** The largest file kept in memory (and served back at its URL); larger ones keep only size and hash. */
  maxStoredBytes: number;
  /** The largest file a server-side fetch takes, in bytes. */
  maxFetchBytes: number;
}

export type UploadedVia = 'url' | 'signed_url' | 'direct';

/** An asset as stored. Times are simulated unix seconds. */
export interface StoredAsset {
  assetId: string;
  apiKey: string;
  workspaceId: string;
  projectId: string | undefined;
  folder: string | undefined;
  name: string;
  contentType: string;
  uploadedVia: UploadedVia;
  createdAt: number;
  /** When processing ends; undefined while the bytes are awaited (or complete is). */
  readyAt: number | undefined;
  /** Whether processing ends `failed` (drawn when the bytes arrive). */
  fails: boolean;
  /** Set when the asset failed before processing (a fetch that failed). */
  failureMessage: string | undefined;
  sizeBytes: number | undefined;
  sha256: string | undefined;
  /** The bytes, when at most `maxStoredBytes`. */
  bytes: Buffer | undefined;
  /** A signed upload's current reservation. */
  reservation: { token: string; expiresAt: number; received: boolean } | undefined;
  completed: boolean;
  /** Files the storage host accepted for it. */
  uploads: number;
  /** Reservations renewed by `retry`. */
  renewals: number;
  seq: number;
}

const FAILURE = 'The simulator failed to process this file (seeded failure).';

/** Counts and hashes bytes as they arrive, keeping them while small. */
export class Received {
  size = 0;
  readonly #hash: Hash = createHash('sha256');
  #chunks: Buffer[] | undefined = [];
  constructor(private readonly keepLimit: number) {}
  write(chunk: Buffer): void {
    this.size += chunk.length;
    this.#hash.update(chunk);
    if (this.#chunks && this.size <= this.keepLimit) this.#chunks.push(chunk);
    else this.#chunks = undefined;
  }
  finish(): { size: number; sha256: string; bytes: Buffer | undefined } {
    return { size: this.size, sha256: this.#hash.digest('hex'), bytes: this.#chunks && Buffer.concat(this.#chunks) };
  }
}

export class AssetStore {
  /** The storage host's origin, known once it listens. */
  storageUrl = '';
  readonly #assets = new Map<string, StoredAsset>();
  readonly #byToken = new Map<string, StoredAsset>();
  readonly #fetches = new Set<AbortController>();
  #count = 0;

  constructor(
    readonly settings: AssetSettings,
    private readonly clock: SimClock,
    private readonly ids: Random,
    private readonly outcomes: Random,
  ) {}

  add(fields: Pick<StoredAsset, 'apiKey' | 'workspaceId' | 'projectId' | 'folder' | 'name' | 'contentType' | 'uploadedVia'>): StoredAsset {
    const asset: StoredAsset = {
      ...fields,
      assetId: this.ids.id('asset_'),
      createdAt: this.clock.now(),
      readyAt: undefined,
      fails: false,
      failureMessage: undefined,
      sizeBytes: undefined,
      sha256: undefined,
      bytes: undefined,
      reservation: undefined,
      completed: false,
      uploads: 0,
      renewals: 0,
      seq: this.#count++,
    };
    this.#assets.set(asset.assetId, asset);
    return asset;
  }

  get(assetId: string): StoredAsset | undefined {
    return this.#assets.get(assetId);
  }

  byToken(token: string): StoredAsset | undefined {
    return this.#byToken.get(token);
  }

  /** Assets of `apiKey` (every key's when undefined) stored before number `before`, newest first. */
  *newestFirst(apiKey: string | undefined, before: number | undefined): Generator<StoredAsset> {
    const all = [...this.#assets.values()];
    for (let i = all.length - 1; i >= 0; i--) if ((apiKey === undefined || all[i]!.apiKey === apiKey) && (before === undefined || all[i]!.seq < before)) yield all[i]!;
  }

  /** The bytes arrived: processing starts now (and its outcome is drawn). */
  received(asset: StoredAsset, got: { size: number; sha256: string; bytes: Buffer | undefined }): void {
    asset.sizeBytes = got.size;
    asset.sha256 = got.sha256;
    asset.bytes = got.bytes;
  }

  /** Processing starts now; it ends after `processingSeconds` (at once with `immediately`), `failed` by the seeded chance. */
  process(asset: StoredAsset, immediately = false): void {
    asset.fails = this.outcomes.chance(this.settings.failureRate);
    asset.readyAt = this.clock.now() + (immediately ? 0 : this.settings.processingSeconds);
  }

  /** A fresh reservation for a signed upload, replacing any earlier one. */
  reserve(asset: StoredAsset): void {
    if (asset.reservation) this.#byToken.delete(asset.reservation.token);
    asset.reservation = { token: this.ids.id('upl_', 24), expiresAt: this.clock.now() + this.settings.expirySeconds, received: false };
    asset.completed = false;
    asset.readyAt = undefined;
    asset.failureMessage = undefined;
    this.#byToken.set(asset.reservation.token, asset);
  }

  status(asset: StoredAsset): 'pending_upload' | 'ready' | 'failed' {
    if (asset.failureMessage !== undefined) return 'failed';
    if (asset.readyAt === undefined || this.clock.now() < asset.readyAt) return 'pending_upload';
    return asset.fails ? 'failed' : 'ready';
  }

  /** Where the asset is served from. */
  urlOf(asset: StoredAsset): string {
    return `${this.storageUrl}/media/${asset.assetId}/${encodeURIComponent(asset.name)}`;
  }

  /** A background fetch, aborted when the simulator closes. */
  track(): AbortController {
    const controller = new AbortController();
    this.#fetches.add(controller);
    return controller;
  }

  untrack(controller: AbortController): void {
    this.#fetches.delete(controller);
  }

  close(): void {
    for (const c of this.#fetches) c.abort();
    this.#fetches.clear();
  }

  /** The reservation's upload target, as a signed upload is answered. */
  uploadOf(asset: StoredAsset): { upload: AssetUpload; expires_at: string } | Record<string, never> {
    const r = asset.reservation;
    if (!r || asset.completed) return {};
    return {
      upload: { url: `${this.storageUrl}/upload/${r.token}`, method: 'POST', content_type: 'multipart/form-data', file_field: 'file', form_fields: formFields(asset) },
      expires_at: new Date(r.expiresAt * 1000).toISOString(),
    };
  }
}

/** The form fields a reservation's upload must carry back, as a storage host's POST policy does. */
export function formFields(asset: StoredAsset): Record<string, string> {
  const r = asset.reservation!;
  return { key: `assets/${asset.assetId}/${asset.name}`, policy: Buffer.from(JSON.stringify({ asset: asset.assetId, expires: Math.floor(r.expiresAt) })).toString('base64'), 'x-sim-token': r.token };
}

/** The answer to a create. */
export function createdView(store: AssetStore, a: StoredAsset): AssetCreated {
  return { asset_id: a.assetId, status: store.status(a), uploaded_via: a.uploadedVia, url: store.urlOf(a), visibility: 'workspace', workspace_id: a.workspaceId, ...store.uploadOf(a) };
}

/** The answer to a complete or retry. */
export function stateView(store: AssetStore, a: StoredAsset): AssetUploadState {
  const status = store.status(a);
  return { ...createdView(store, a), ...(status === 'failed' ? { failure_message: a.failureMessage ?? FAILURE } : {}) } as AssetUploadState;
}

/** Fields the SDK says are always sent, null when unknown: the live profile sends null, the seeds profile leaves them out. */
function known<T extends Record<string, unknown>>(fields: T, live: boolean): T {
  return Object.fromEntries(Object.entries(fields).flatMap(([k, v]) => (v === undefined ? (live ? [[k, null]] : []) : [[k, v]]))) as T;
}

/** The answer to a retrieve. */
export function assetView(store: AssetStore, a: StoredAsset, live: boolean): Asset {
  const status = store.status(a);
  return {
    asset_id: a.assetId,
    content_type: a.contentType,
    status,
    uploaded_via: a.uploadedVia,
    ...known(
      {
        url: store.urlOf(a),
        name: a.name,
        description: undefined,
        size_bytes: a.sizeBytes,
        width: undefined,
        height: undefined,
        upload_content_type: a.contentType,
        failure_message: status === 'failed' ? (a.failureMessage ?? FAILURE) : undefined,
        created_at: new Date(a.createdAt * 1000).toISOString(),
        workspace_id: a.workspaceId,
      },
      live,
    ),
  };
}

/** An asset as the list shows it: unix seconds for `created_at`, and its project. */
export function listItemView(store: AssetStore, a: StoredAsset, live: boolean): AssetListItem {
  const { failure_message: _, created_at: __, ...rest } = assetView(store, a, live);
  return { ...rest, ...known({ created_at: Math.floor(a.createdAt), project_id: a.projectId, node_id: undefined }, live) };
}
