/** Errors of waiting: for a run or an asset that failed or took too long. The thing waited for travels with the error. */
import { FloraError } from './flora-error.js';

/** What `RunFailedError` and `RunTimeoutError` carry: the run as last seen. */
interface RunLike {
  run_id: string;
  status: string;
  progress: number;
  error_code?: string | null | undefined;
  error_message?: string | null | undefined;
}

/** A run that was waited for ended `failed`. `run` is its final state, with `error_code`/`error_message`. */
export class RunFailedError<R extends RunLike = RunLike> extends FloraError {
  override name = 'RunFailedError';
  readonly run: R;
  constructor(run: R) {
    const why = [run.error_code, run.error_message].filter(Boolean).join(': ') || 'no error details';
    super(`Run ${run.run_id} failed: ${why}`);
    this.run = run;
  }
}

/** Waiting for a run took longer than the wait's `timeout`. The run goes on; `run` is its last known state. */
export class RunTimeoutError<R extends RunLike = RunLike> extends FloraError {
  override name = 'RunTimeoutError';
  readonly run: R | undefined;
  constructor(runId: string, timeoutMs: number, run: R | undefined) {
    const last = run ? ` (last seen ${run.status}, ${run.progress}%)` : '';
    super(`Stopped waiting for run ${runId} after ${timeoutMs} ms${last}; it may still finish: retrieve it later.`);
    this.run = run;
  }
}

/** What `AssetFailedError` and `AssetTimeoutError` carry: the asset as last seen. */
interface AssetLike {
  asset_id: string | null;
  status: string;
  failure_message?: string | null | undefined;
}

/** An asset that was waited for ended `failed` (FLORA could not store or process it). `asset` is its final state. */
export class AssetFailedError<A extends AssetLike = AssetLike> extends FloraError {
  override name = 'AssetFailedError';
  readonly asset: A;
  constructor(asset: A) {
    super(`Asset ${asset.asset_id} failed to process: ${asset.failure_message || 'no failure message'}`);
    this.asset = asset;
  }
}

/** Waiting for an asset to be ready took longer than the wait's limit. It may still become ready; `asset` is its last known state. */
export class AssetTimeoutError<A extends AssetLike = AssetLike> extends FloraError {
  override name = 'AssetTimeoutError';
  readonly assetId: string;
  readonly asset: A | undefined;
  constructor(assetId: string, timeoutMs: number, asset: A | undefined) {
    super(`Stopped waiting for asset ${assetId} after ${timeoutMs} ms${asset ? ` (last seen ${asset.status})` : ''}; it may still become ready: retrieve it later.`);
    this.assetId = assetId;
    this.asset = asset;
  }
}
