/** Errors of files: sending an input's bytes, a local input that could not be uploaded, an output not written to disk. */
import { type APIErrorInit, APIError } from './api-errors.js';
import { FloraError } from './flora-error.js';

/**
 * Sending a file's bytes to the storage host a signed upload named failed: it answered an error
 * (`status`), or did not answer. `retried` says whether further attempts were made; a one-shot stream
 * (which cannot be read again) is never retried, and the message says so. The asset stays
 * `pending_upload`: upload again, or renew it with `assets.retry(assetId)`.
 */
export class UploadError extends APIError {
  override name = 'UploadError';
  /** The asset whose bytes were being sent. */
  readonly assetId: string;
  constructor(init: APIErrorInit & { assetId: string }) {
    super(init);
    this.assetId = init.assetId;
  }
}

/**
 * A local file given as a run input could not be uploaded, so no run was started (a run never starts with
 * an input half uploaded). `input` names the input; `cause` is the upload's error.
 */
export class InputUploadError extends FloraError {
  override name = 'InputUploadError';
  readonly input: string;
  constructor(input: string, cause: unknown) {
    super(`${input}: the local file could not be uploaded, so no run was started: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.input = input;
  }
}

/** Why a download stopped: see {@link DownloadError}. */
export type DownloadFailure =
  | 'not_completed'
  | 'bad_outputs'
  | 'bad_url'
  | 'insecure_url'
  | 'http_status'
  | 'connection'
  | 'timeout'
  | 'too_large'
  | 'length_mismatch'
  | 'aborted'
  | 'file_system';

/**
 * An output could not be written to disk (`flora-runs-client/download`). `reason` says why: the run had
 * not completed, its outputs were not a list of `{ output_id, type, url }`, an output's URL was unusable or plain http to another machine, the media host answered
 * `status`, the connection failed or went quiet for `timeout` ms after every retry, the file was over
 * `maxBytes`, its length was not the one announced, the call was aborted, or the file system refused.
 * A partial file stays under its `.part` name, so the same call later resumes it; no final file is ever
 * incomplete. `url` is the output's origin and path only (a signed URL's query can be a secret).
 */
export class DownloadError extends FloraError {
  override name = 'DownloadError';
  readonly reason: DownloadFailure;
  /** The output, when the error is about one. */
  readonly outputId: string | undefined;
  /** Where the file was being written. */
  readonly path: string | undefined;
  /** The media host's last status, when it answered. */
  readonly status: number | undefined;
  /** The output's origin and path, without query or fragment. */
  readonly url: string | undefined;
  /** Bytes on disk under the `.part` name when it stopped (a later call resumes from there). */
  readonly bytes: number;
  constructor(init: { reason: DownloadFailure; message: string; outputId?: string | undefined; path?: string | undefined; status?: number | undefined; url?: string | undefined; bytes?: number | undefined; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.reason = init.reason;
    this.outputId = init.outputId;
    this.path = init.path;
    this.status = init.status;
    this.url = init.url;
    this.bytes = init.bytes ?? 0;
  }
}
