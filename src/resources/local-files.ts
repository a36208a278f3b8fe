/**
 * Local files as run inputs: `value: flora.file('./hero.png')` in either route's inputs. Before the run is
 * started every such file is uploaded (`assets.upload`) and has become a `ready` asset, whose URL is what
 * the run is sent; if any upload fails, no run is started (`InputUploadError` names the input). Each file's
 * upload key derives from the run's idempotency key and the input's place, so a call retried with the
 * same key repeats no upload either.
 */
import type { Asset } from '../../generated/answers.js';
import { FloraError, InputUploadError, InputValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/send.js';
import type { Assets } from './assets.js';
import type { AssetUploadable } from './upload-source.js';
import type { Workspaces } from './workspaces.js';

/** What `flora.file()` takes besides the file: its name and media type, when the source does not say. */
export interface LocalFileParams {
  file_name?: string | undefined;
  content_type?: string | undefined;
  folder?: string | undefined;
  project_id?: string | undefined;
}

/**
 * A file on this machine (a path, `Blob`, bytes or stream) given as a technique input's value. Made by
 * `flora.file(...)`; uploaded once per workspace however many inputs name it.
 */
export class LocalFile {
  readonly file: AssetUploadable;
  readonly params: LocalFileParams;
  readonly #uploads = new Map<string, Promise<Asset>>();

  constructor(file: AssetUploadable, params: LocalFileParams = {}) {
    this.file = file;
    this.params = params;
  }

  /** The ready asset of this file in `workspaceId`: uploaded the first time it is asked for (a failed upload is not kept). */
  uploadTo(assets: Assets, workspaceId: string, options: RequestOptions): Promise<Asset> {
    let upload = this.#uploads.get(workspaceId);
    if (!upload) {
      upload = assets.upload(this.file, { ...this.params, workspace_id: workspaceId }, options);
      this.#uploads.set(workspaceId, upload);
      upload.catch(() => this.#uploads.delete(workspaceId));
    }
    return upload;
  }

  /** How it prints in a body that was not resolved (a value JSON can carry, never the bytes). */
  toJSON(): string {
    return `[LocalFile ${typeof this.file === 'string' ? this.file : (this.params.file_name ?? 'data')}]`;
  }
}

/** Any input value that could hold a local file: the array form's `value`, the map form's values (or their arrays). */
const filesIn = (value: unknown): boolean => value instanceof LocalFile || (Array.isArray(value) && value.some((v) => v instanceof LocalFile));

/** Whether `inputs` (either route's form) name a local file. */
export function hasLocalFiles(inputs: unknown): boolean {
  if (Array.isArray(inputs)) return inputs.some((i) => filesIn((i as { value?: unknown } | null)?.value));
  return !!inputs && typeof inputs === 'object' && Object.values(inputs).some(filesIn);
}

/** `inputs` with every local file replaced by `url`: what an input check reads before anything is uploaded. */
export function withPlaceholders<T>(inputs: T, url = 'https://upload.invalid/local-file'): T {
  return mapFiles(inputs, () => url) as T;
}

/**
 * `inputs` (either route's form) with every value `match` picks replaced by `to(value, field)`: the array
 * form's `value`s and the map form's values, and their arrays' elements. Anything else is kept as it is.
 */
export function mapInputValues<T>(inputs: unknown, match: (v: unknown) => v is T, to: (v: T, field: string) => unknown): unknown {
  const one = (v: unknown, field: string) => (match(v) ? to(v, field) : Array.isArray(v) ? v.map((x, i) => (match(x) ? to(x, `${field}[${i}]`) : x)) : v);
  if (Array.isArray(inputs)) return inputs.map((i, n) => (i && typeof i === 'object' && 'value' in i ? { ...i, value: one(i.value, `inputs[${n}].value`) } : i));
  if (inputs && typeof inputs === 'object') return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, one(v, `inputs.${k}`)]));
  return inputs;
}

const isLocalFile = (v: unknown): v is LocalFile => v instanceof LocalFile;
const mapFiles = (inputs: unknown, to: (file: LocalFile, field: string) => unknown): unknown => mapInputValues(inputs, isLocalFile, to);

/** At most this many files upload at once for one run. */
const PARALLEL = 4;

/** Uploads the local files of runs' inputs. One per client. */
export class LocalInputs {
  readonly #assets: Assets;
  readonly #workspaces: Workspaces;
  readonly #workspaceId: string | undefined;

  /** @internal */
  constructor(assets: Assets, workspaces: Workspaces, workspaceId: string | undefined) {
    this.#assets = assets;
    this.#workspaces = workspaces;
    this.#workspaceId = workspaceId;
  }

  /** Where a nested run's files go: the call's `workspaceId`, the client's, else the key's one workspace. */
  async workspace(given: string | undefined, options: RequestOptions): Promise<string> {
    const id = given ?? this.#workspaceId;
    if (id !== undefined) return id;
    const { workspaces } = await this.#workspaces.list({ signal: options.signal, timeout: options.timeout, maxRetries: options.maxRetries });
    if (workspaces.length === 1) return workspaces[0]!.workspace_id;
    const message = `local files are uploaded to a workspace: pass workspaceId (this key has ${workspaces.length} workspaces), or set the client's workspaceId or FLORA_WORKSPACE_ID`;
    throw new InputValidationError({ status: undefined, message: `Invalid request, not sent: workspaceId: ${message}`, fields: [{ field: 'workspaceId', message }] });
  }

  /**
   * `inputs` with every local file uploaded to `workspaceId` and replaced by its ready asset's URL. Resolves
   * only when every upload is ready; the first failure rejects (`InputUploadError`), and the others are
   * left to finish or fail on their own.
   */
  async resolve<T>(inputs: T, workspaceId: string, runKey: string, options: RequestOptions): Promise<T> {
    const jobs: { file: LocalFile; field: string }[] = [];
    const seen = new Map<LocalFile, number>();
    mapFiles(inputs, (file, field) => {
      if (!seen.has(file)) seen.set(file, jobs.push({ file, field }) - 1);
    });
    const urls: string[] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const n = next++;
        const { file, field } = jobs[n]!;
        // The run's key, shortened, and the file's place: a retried call uploads nothing twice.
        const key = `${runKey.slice(0, 150)}:file:${n}`;
        try {
          const asset = await file.uploadTo(this.#assets, workspaceId, { ...options, idempotencyKey: key });
          if (!asset.url) throw new FloraError(`asset ${asset.asset_id} is ready but has no url`);
          urls[n] = asset.url;
        } catch (err) {
          throw new InputUploadError(field, err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, jobs.length) }, worker));
    return mapFiles(inputs, (file) => urls[seen.get(file)!]) as T;
  }
}
