/**
 * `assets.upload()`: one file into one ready asset, whichever way it has to go.
 *
 *  - an `http(s)://` URL: `POST /assets` with it as `source`; FLORA fetches it;
 *  - up to 4 MB: `POST /assets` with the bytes (multipart), read afresh on every attempt;
 *  - larger: `POST /assets` reserves a signed upload; the bytes are streamed to the storage host it names
 *    (`sendBytes`: no API key, bounded memory, retried from the start when the source can be read again,
 *    the reservation renewed with `POST /assets/{id}/retry` when the host refuses it as expired); then
 *    `POST /assets/{id}/complete`.
 * Then waits until the asset is `ready`. The upload has one idempotency key; each step sends its own key
 * derived from it (`<key>`, `<key>:complete`, `<key>:renew:<n>`), so every retry of a step, in this
 * process or a later one given the same key, is the same request to FLORA. A create whose answer was lost
 * (409 `idempotency_duplicate`) is looked up in the asset list rather than repeated.
 */
import type { Asset, AssetCreated } from '../../generated/answers.js';
import type { AssetUploadForm } from '../../generated/openapi.js';
import { excerpt } from '../core/answer.js';
import { APIUserAbortError, AssetFailedError, FloraError, IdempotencyDuplicateError, InputValidationError, UploadError } from '../core/errors.js';
import { multipart, type MultipartBody } from '../core/multipart.js';
import type { CallInput, Requester, RequesterConfig } from '../core/requester.js';
import { isRetryable, retryAfterMs, retryDelayMs } from '../core/retry.js';
import { mergeFetchOptions, type RequestOptions } from '../core/send.js';
import { streamAttempt } from '../core/stream-upload.js';
import { sleep } from '../core/timers.js';
import { refuseOptions } from '../core/validation.js';
import type { AssetWaitOptions } from './asset-wait.js';
import type { Assets } from './assets.js';
import { settleLength, sourceOf, type AssetUploadable, type UploadSource } from './upload-source.js';

/** Where an upload goes and what it is called (FLORA's SDK's `AssetUploadParams`). */
export interface AssetUploadParams {
  /** The workspace (`ws_...`). */
  workspace_id: string;
  /** The file's media type; default: the source's own, else from its name's extension. */
  content_type?: string | undefined;
  /** The file's name; default: the source's own. */
  file_name?: string | undefined;
  folder?: string | undefined;
  /** A project (`prj_...`) whose canvas also shows the asset. */
  project_id?: string | undefined;
  /** FLORA's SDK's polling interval: here the shortest wait between reads (`minInterval`). */
  pollIntervalMs?: number | undefined;
  /** FLORA's SDK's wait limit (default 2 minutes there): here `waitTimeout`. */
  pollTimeoutMs?: number | undefined;
}

/** Options of `assets.upload`: a request's (each API call's), and the wait's. */
export interface AssetUploadOptions extends RequestOptions, AssetWaitOptions {
  /** The longest one attempt of sending the bytes to the storage host may take, in ms. Default: `timeout` per started 64 MiB. */
  uploadTimeout?: number | undefined;
  /**
   * Called once the asset exists (its create answered, or was found after a lost answer), before any byte
   * goes to the storage host: where a batch journals the asset id, as it journals a run id. A promise it
   * returns is awaited first (the id is durable before the bytes go).
   */
  onCreated?: ((asset: AssetCreated) => void | Promise<void>) | undefined;
  /**
   * An asset an earlier upload of this file created (its id, as `onCreated` gave it): it is resumed (its
   * bytes sent if they never arrived, completed, waited for) instead of a new one created. For a caller
   * that journaled the id and whose process died: past the key's two hours the key alone finds nothing.
   */
  assetId?: string | undefined;
}

const DIRECT_MAX = 4 * 1024 * 1024;
/** How often one upload renews its reservation before giving up. */
const MAX_RENEWALS = 2;
const PER_TIMEOUT = 64 * 1024 * 1024;

type Target = Pick<AssetCreated, 'asset_id' | 'upload' | 'upload_url' | 'expires_at'>;

/** A direct create's multipart body: `fields` as text parts, then the file (at most 4 MB, else refused). */
export function directInput(source: UploadSource, fields: Omit<AssetUploadForm, 'file'>): CallInput {
  if (source.size === undefined || source.size > DIRECT_MAX) {
    const message = `is ${source.size ?? 'of unknown length, over'} bytes, over the ${DIRECT_MAX} bytes (4 MB) a direct upload takes: use assets.upload(), which reserves a signed upload for it`;
    throw new InputValidationError({ status: undefined, message: `Invalid request, not sent: file: ${message}`, fields: [{ field: 'file', message }] });
  }
  const text = Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string');
  const part = { field: 'file', fileName: source.name ?? 'file', contentType: source.type ?? 'application/octet-stream', size: source.size, open: () => source.open() };
  return { multipart: { fields, fileField: 'file', body: multipart(text, part) } };
}

/** The upload described above, with the client's requester (its transport, retries and logger). */
export async function uploadAsset(assets: Assets, requester: Requester, file: AssetUploadable, params: AssetUploadParams, options: AssetUploadOptions): Promise<Asset> {
  const { config } = requester;
  const key = options.idempotencyKey ?? crypto.randomUUID();
  refuseOptions(typeof key === 'string' && key.length <= 200 ? [] : [{ field: 'idempotencyKey', message: 'must be a string of at most 200 characters (each step of the upload adds a suffix)' }]);
  const { signal, timeout, maxRetries, deadline, headers, fetchOptions } = options;
  const call = (idempotencyKey?: string): RequestOptions => ({ signal, timeout, maxRetries, deadline, headers, fetchOptions, idempotencyKey });
  const wait: AssetWaitOptions = { signal, waitTimeout: options.waitTimeout ?? params.pollTimeoutMs, minInterval: options.minInterval ?? params.pollIntervalMs, maxInterval: options.maxInterval };
  const common = {
    workspace_id: params.workspace_id,
    ...(params.folder ? { folder: params.folder } : {}),
    ...(params.project_id ? { project_id: params.project_id } : {}),
  };
  const found = await sourceOf(file, params.file_name, params.content_type);
  const named = (name: string | undefined, type: string | undefined) => ({ ...(type ? { content_type: type } : {}), ...(name ? { file_name: name } : {}) });
  const done = (assetId: string) => assets.waitUntilReady(assetId, { ...wait, timeout, maxRetries, fetchOptions });
  const created = async (asset: AssetCreated) => (await options.onCreated?.(asset), asset);
  // Resuming a known asset: its bytes came with its create (direct), FLORA fetches them (url), or they
  // arrived already; only a signed upload still waiting for them goes on below.
  const resumed = options.assetId !== undefined ? await assets.retrieve(options.assetId, call()) : undefined;
  if (resumed?.status === 'failed') throw new AssetFailedError(resumed);
  if (resumed && (resumed.status !== 'pending_upload' || resumed.uploaded_via !== 'signed_url')) return done(resumed.asset_id);

  if ('url' in found) {
    const name = params.file_name ?? (new URL(found.url).pathname.split('/').pop() || undefined);
    const asset = await created(await createOrFind(assets, call(), () => assets.create({ source: found.url, ...common, ...named(name, params.content_type) }, call(key)), name, undefined));
    return done(asset.asset_id);
  }
  const source = await settleLength(found, DIRECT_MAX);
  const name = source.name ?? 'upload';
  if (!resumed && source.size !== undefined && source.size <= DIRECT_MAX) {
    const input = directInput(source, { ...common, ...named(name, source.type) });
    const asset = await created(await createOrFind(assets, call(), () => requester.callWith(Promise.resolve(input), 'createAsset', call(key)), name, source.size));
    return done(asset.asset_id);
  }
  let target: Target = resumed
    ? ({ asset_id: resumed.asset_id, received: resumed.size_bytes != null } as Target)
    : await created(await createOrFind(assets, call(), () => assets.create({ source: 'signed-url', ...common, ...named(name, source.type) }, call(key)), name, source.size));
  let renewals = 0;
  const renew = async (): Promise<Target> => {
    // A renewal whose key an earlier process already used answers 409 without the target: the next key.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await assets.retry(target.asset_id, call(`${key}:renew:${++renewals}`));
      } catch (err) {
        if (!(err instanceof IdempotencyDuplicateError)) throw err;
      }
    }
    throw new FloraError(`Asset ${target.asset_id}: could not renew its upload reservation (every renewal key was already used).`);
  };
  // A reservation found again after a lost answer carries no target: renew it, unless its bytes already came.
  const received = (target as { received?: boolean }).received === true;
  if (!received && !target.upload && !target.upload_url) target = await renew();
  if (!received) await sendBytes(config, target, source, options, async () => (target = await renew()));
  await assets.complete(target.asset_id, call(`${key}:complete`)).catch((err: unknown) => {
    // The complete was accepted before (its answer lost, or by an earlier process with this key).
    if (!(err instanceof IdempotencyDuplicateError)) throw err;
  });
  return done(target.asset_id);
}

/**
 * A create; on 409 `idempotency_duplicate` (an earlier attempt with this key, in this call or an earlier
 * process, was accepted), the asset it made: the newest asset of this name (and size, when known) created
 * within the key's two hours, from the asset list (newest first). Only when there is none is the error
 * thrown: nothing is created twice.
 */
async function createOrFind(assets: Assets, options: RequestOptions, create: () => Promise<AssetCreated>, name: string | undefined, size: number | undefined): Promise<AssetCreated> {
  try {
    return await create();
  } catch (err) {
    if (!(err instanceof IdempotencyDuplicateError)) throw err;
    const since = (err.callStartedAt ?? Date.now()) / 1000 - (err.acceptedEarlier ? 60 : 2 * 60 * 60 + 60);
    const page = await assets.list({ ...(name ? { query: name } : {}), limit: 100 }, options);
    const found = page.assets.find((a) => a.asset_id && a.name === name && (a.created_at ?? Infinity) >= since && (size === undefined || a.size_bytes == null || a.size_bytes === size));
    if (!found) throw err;
    // `received`: its bytes already arrived (a size is known, or it is past pending): nothing to send again.
    const received = found.status !== 'pending_upload' || found.size_bytes != null;
    return { asset_id: found.asset_id!, status: found.status, uploaded_via: found.uploaded_via, url: found.url ?? '', visibility: 'workspace', workspace_id: found.workspace_id ?? '', received } as AssetCreated;
  }
}

/** The body a target takes: its form fields then the file (`upload`), or the raw bytes by PUT (`upload_url`). */
function bodyFor(target: Target, source: UploadSource): { url: string; method: string; body: MultipartBody } {
  const open = () => source.open();
  const type = source.type ?? 'application/octet-stream';
  if (target.upload?.url) {
    const fields = Object.entries(target.upload.form_fields ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
    const part = { field: target.upload.file_field || 'file', fileName: source.name ?? 'upload', contentType: type, size: source.size, open, reusesBuffers: source.reusesBuffers };
    return { url: target.upload.url, method: target.upload.method || 'POST', body: multipart(fields, part) };
  }
  if (target.upload_url) return { url: target.upload_url, method: 'PUT', body: { contentType: type, length: source.size, open, reusesBuffers: source.reusesBuffers } };
  throw new FloraError(`Asset ${target.asset_id} answered no upload target (neither upload nor upload_url): its bytes cannot be sent.`);
}

/** Sends the bytes to the storage host: retried from the start when the source allows, the reservation renewed when refused as expired. */
async function sendBytes(config: RequesterConfig, first: Target, source: UploadSource, options: AssetUploadOptions, renew: () => Promise<Target>): Promise<void> {
  const maxRetries = options.maxRetries ?? config.maxRetries;
  const base = options.timeout ?? config.timeout;
  const attemptMs = options.uploadTimeout ?? base * Math.max(1, Math.ceil((source.size ?? PER_TIMEOUT) / PER_TIMEOUT));
  const fetchOptions = mergeFetchOptions(config.fetchOptions, options.fetchOptions);
  let target = first;
  let renewed = 0;
  for (let retry = 0; ; ) {
    if (expired(target) && renewed < MAX_RENEWALS) (renewed++, (target = await renew()));
    const { url, method, body } = bodyFor(target, source);
    const outcome = await streamAttempt(config, url, method, body, attemptMs, options.signal, fetchOptions);
    if ('status' in outcome && outcome.status >= 200 && outcome.status < 300) return;
    if ('failure' in outcome && outcome.failure === 'aborted') throw new APIUserAbortError({ message: 'Upload was aborted.' });
    const what = 'failure' in outcome ? outcome.message : `the storage host answered ${outcome.status}: ${excerpt(outcome.text)}`;
    const fail = (why: string) =>
      new UploadError({
        status: 'status' in outcome ? outcome.status : undefined,
        failure: 'failure' in outcome ? outcome.failure : undefined,
        message: `Uploading ${source.label} for asset ${target.asset_id} failed: ${what}${why}`,
        headers: 'status' in outcome ? outcome.headers : undefined,
        body: 'status' in outcome ? outcome.text : undefined,
        cause: 'failure' in outcome ? outcome.cause : undefined,
        assetId: target.asset_id,
      });
    if (!source.reusable) throw fail('. Not retried: the file came as a stream, which cannot be read again; pass a path, a Blob or bytes to have a failed upload retried.');
    // A presigned target refuses with 403 once its policy has expired (S3 and GCS alike).
    if ('status' in outcome && outcome.status === 403 && renewed < MAX_RENEWALS) {
      renewed++;
      config.logger.info(`upload of ${source.label}: the storage host refused the reservation (403); renewing it`);
      target = await renew();
      continue;
    }
    const retryable = 'failure' in outcome || isRetryable(outcome.status, outcome.headers);
    if (!retryable || retry >= maxRetries) throw fail(retryable ? ` (after ${retry + 1} attempts)` : '');
    const wait = retryDelayMs(retry, 'status' in outcome ? retryAfterMs(outcome.headers, 60_000) : undefined);
    config.logger.info(`upload of ${source.label}: ${what}; retry ${retry + 1} of ${maxRetries} in ${Math.round(wait)} ms, from the start of the file`);
    retry++;
    await sleep(wait, options.signal).catch(() => {
      throw new APIUserAbortError({ message: 'Upload was aborted.' });
    });
  }
}

/** Whether a target's reservation has passed its `expires_at` by this machine's clock. */
const expired = (target: Target) => typeof target.expires_at === 'string' && Date.parse(target.expires_at) < Date.now();

