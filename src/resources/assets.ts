/**
 * `client.assets`: files in a workspace, whose URLs technique inputs take. The five operations with FLORA's
 * SDK's names and call shapes, and `upload()`, which picks the way a file goes (`upload.ts`).
 */
import type { Asset, AssetCreated, AssetList, AssetListItem, AssetUploadState } from '../../generated/answers.js';
import type { AssetCreateRequest, AssetUploadForm } from '../../generated/openapi.js';
import type { QueryParams } from '../../generated/operations.js';
import type { APIPromise } from '../core/api-promise.js';
import { InputValidationError } from '../core/errors.js';
import { listPage, type ListOptions, type PagePromise } from '../core/pagination.js';
import type { CallInput, Requester } from '../core/requester.js';
import type { RequestOptions } from '../core/send.js';
import { waitForAsset, type AssetWaitOptions } from './asset-wait.js';
import { settleLength, sourceOf, type AssetUploadable } from './upload-source.js';
import { directInput, uploadAsset, type AssetUploadOptions, type AssetUploadParams } from './upload.js';

export type { AssetUploadable, AssetUploadOptions, AssetUploadParams, AssetWaitOptions };

/** The largest file `POST /assets` takes as direct bytes (FLORA's SDK: 4 MB); larger ones take a signed upload. */
export const DIRECT_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;

/** A JSON create: a server-side fetch (`source` an https URL) or a signed upload reservation (`source: 'signed-url'`). */
export type AssetCreateParams = AssetCreateRequest;
/** A direct create: the file's bytes (at most 4 MB) in a multipart body, as FLORA's SDK sends them. */
export type AssetCreateDirectParams = Omit<AssetUploadForm, 'file'> & { file: Exclude<AssetUploadable, Response> };
/** Filters and paging of `assets.list` (FLORA's SDK's name). */
export type AssetListParams = QueryParams<'listAssets'>;

export class Assets {
  readonly #requester: Requester;

  /** @internal */
  constructor(requester: Requester) {
    this.#requester = requester;
  }

  /**
   * Creates an asset: from an https URL FLORA fetches (`{ source: url, workspace_id }`), as a signed upload
   * reservation (`{ source: 'signed-url', workspace_id }`: send the bytes to `upload.url`, then
   * `complete`), or from at most 4 MB of bytes (`{ file, workspace_id }`, sent as multipart/form-data).
   * Carries an Idempotency-Key (yours, or one generated for this call and reused on every retry; a
   * retried direct upload reads its file again from the start). `upload()` does all of it for you.
   */
  create(body: AssetCreateParams | AssetCreateDirectParams, options: RequestOptions = {}): APIPromise<AssetCreated> {
    if (body && typeof body === 'object' && 'file' in body) return this.#requester.callWith(directCreate(body), 'createAsset', options);
    return this.#requester.call('createAsset', { body }, options);
  }

  /** One asset's metadata (missing and inaccessible assets are both a `NotFoundError`). */
  retrieve(assetId: string, options: RequestOptions = {}): APIPromise<Asset> {
    return this.#requester.call('getAsset', { params: { assetId } }, options);
  }

  /**
   * The assets this key can see, filtered by `workspace_id`, `project_id` and `query`, `limit` (at most
   * 100) a page. Await it for the first page (`assets`, `meta.next_cursor`, `hasNextPage()`,
   * `getNextPage()`), or `for await` every asset across pages.
   */
  list(params: AssetListParams = {}, options: ListOptions = {}): PagePromise<AssetList, AssetListItem> {
    return listPage<'listAssets', AssetListItem>(this.#requester, 'listAssets', 'assets', params, options);
  }

  /** Marks a signed upload complete once its bytes are at the upload target; the asset is then processed. */
  complete(assetId: string, options: RequestOptions = {}): APIPromise<AssetUploadState> {
    return this.#requester.call('completeAsset', { params: { assetId } }, options);
  }

  /** A fresh signed upload reservation (`upload`, `expires_at`) for a failed or expired upload. */
  retry(assetId: string, options: RequestOptions = {}): APIPromise<AssetUploadState> {
    return this.#requester.call('retryAsset', { params: { assetId } }, options);
  }

  /** Waits until the asset is `ready` and returns it (`AssetFailedError` when it fails), polling adaptively. */
  waitUntilReady(assetId: string, options: AssetWaitOptions & Pick<RequestOptions, 'timeout' | 'maxRetries' | 'fetchOptions'> = {}): Promise<Asset> {
    const { timeout, maxRetries, fetchOptions, ...wait } = options;
    return waitForAsset(assetId, (signal) => this.retrieve(assetId, { signal, timeout, maxRetries, fetchOptions }), wait);
  }

  /**
   * Uploads a file and resolves with the ready asset (FLORA's SDK's `assets.upload`, same arguments): an
   * `http(s)://` URL is fetched by FLORA; up to 4 MB goes as direct bytes; a larger file reserves a signed
   * upload, streams its bytes to the storage host (never with the API key, never wholly in memory),
   * renews an expired reservation with `retry`, and completes it. Then waits, adaptively, until the asset
   * is `ready`. One idempotency key covers the upload (`options.idempotencyKey`, else a new one), reused by
   * every retry; a path, `Blob` or bytes are read again from the start on a retry, a one-shot stream is
   * never retried (`UploadError` says so). A create whose answer was lost is looked up, not repeated.
   */
  upload(file: AssetUploadable, params: AssetUploadParams, options: AssetUploadOptions = {}): Promise<Asset> {
    return uploadAsset(this, this.#requester, file, params, options);
  }
}

/** A direct create's multipart body, once its file's length is known (at most 4 MB, else refused). */
async function directCreate(body: AssetCreateDirectParams): Promise<CallInput> {
  const { file, ...fields } = body;
  return directInput(await settleLength(await fileSource(file, fields.file_name, fields.content_type), DIRECT_UPLOAD_MAX_BYTES), fields);
}

async function fileSource(file: AssetCreateDirectParams['file'], name: string | undefined, type: string | undefined) {
  const source = await sourceOf(file, name, type);
  if ('url' in source) throw new InputValidationError({ status: undefined, message: 'Invalid request, not sent: file: is a URL; create with { source: url } to have FLORA fetch it', fields: [{ field: 'file', message: 'is a URL; create with { source: url } to have FLORA fetch it' }] });
  return source;
}
