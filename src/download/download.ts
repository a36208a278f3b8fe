/**
 * `downloadRun(run, dir)`: every output of a completed run written to `dir`, each by `fetch-file.ts`
 * (streamed, resumed, checked, renamed into place when whole), named by `names.ts`, with the extension
 * `extensions.ts` picks. A `text` output whose `url` carries the text itself (FLORA's SDK: "Run output
 * URL or text content") is written as it is. A file already in place from an earlier call is kept, so
 * calling again after a crash fetches only what is missing or incomplete.
 */
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DownloadError } from '../core/errors.js';
import { isLoopback } from '../core/url.js';
import { msProblems, refuseOptions } from '../core/validation.js';
import type { FieldError } from '../../generated/openapi.js';
import { EXTENSIONS, extensionFor } from './extensions.js';
import { fetchFile } from './fetch-file.js';
import { outputBases } from './names.js';
import type { FetchOptions } from '../core/send.js';

/** Options of `downloadRun` and `downloadOutput`; all optional. */
export interface DownloadOptions {
  /**
   * The first part of each file's name: an item id, say. Default: the run's id. Made safe for any file
   * system (see the README), so `../x` or `shot/1` cannot leave `dir`.
   */
  name?: string | undefined;
  /** The largest file accepted, in bytes; a larger one is refused and not kept. Default 4 GiB. */
  maxBytes?: number | undefined;
  /**
   * Retries of a file after an attempt that failed in a way another may mend (no answer, a body cut off,
   * no byte for `timeout` ms, 408, 429, 5xx), with the client's backoff; each resumes the partial file
   * where the server allows it. Default 5.
   */
  maxRetries?: number | undefined;
  /** Ms an attempt may go without receiving a byte. Default 60 000. */
  timeout?: number | undefined;
  /** Stops the download; the partial file is kept for a later call to resume. */
  signal?: AbortSignal | undefined;
  /**
   * A fetch implementation (a proxy's, say), called with a `Request`, as the client's `fetch` option is.
   * It is given only `Range`/`If-Range` headers: never the API key. Default `globalThis.fetch`.
   */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /**
   * Further options for the platform's fetch, as the client's `fetchOptions`: an undici `dispatcher` (a
   * proxy's, say). Headers are this module's own (`Range`/`If-Range` only), never these.
   */
  fetchOptions?: FetchOptions | undefined;
  /** Fetch again even when the file is already in place. Default false. */
  overwrite?: boolean | undefined;
  /** Allow plain http to a host other than loopback. Default false. */
  allowInsecureHttp?: boolean | undefined;
}

/** One output on disk. */
export interface DownloadedFile {
  outputId: string;
  /** The output's type (`imageUrl`, `text`, ...), as the run said. */
  type: string;
  /** Where it is: `dir` joined with its file name. */
  path: string;
  bytes: number;
  /** The media host's `Content-Type`, when it was fetched and said. */
  contentType: string | undefined;
  /** `fetched` now, `resumed` from a partial file, `existing` (in place from an earlier call), or `text` (written from the run itself). */
  source: 'fetched' | 'resumed' | 'existing' | 'text';
}

/** The part of a run `downloadRun` reads: any run object of this client or of FLORA's SDK fits. */
export interface DownloadableRun {
  run_id: string;
  status: string;
  outputs?: readonly DownloadableOutput[] | null | undefined;
}

/** An output as a run lists it. */
export interface DownloadableOutput {
  output_id: string;
  type: string;
  url: string;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 ** 3;

/** An absolute http(s) URL with nothing else in it: a text output whose `url` is not one carries the text itself. */
const looksLikeUrl = (value: string) => /^https?:\/\/\S+$/i.test(value) && URL.canParse(value);

/** The URL as errors may show it: origin and path (a signed URL's query or fragment can be a secret). */
function shown(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 200 ? `${u.pathname.slice(0, 200)}...` : u.pathname;
    return `${u.protocol}//${u.host}${path}`;
  } catch {
    return '(not a URL)';
  }
}

interface Resolved extends Required<Pick<DownloadOptions, 'maxBytes' | 'maxRetries' | 'timeout'>> {
  signal: AbortSignal | undefined;
  fetch: DownloadOptions['fetch'];
  fetchOptions: FetchOptions | undefined;
  overwrite: boolean;
  allowInsecureHttp: boolean;
}

function resolve(options: DownloadOptions): Resolved {
  const o = { maxBytes: options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES, maxRetries: options.maxRetries ?? 5, timeout: options.timeout ?? 60_000 };
  const problems: FieldError[] = [
    ...(Number.isInteger(o.maxBytes) && o.maxBytes >= 1 ? [] : [{ field: 'maxBytes', message: 'must be a whole number of bytes >= 1' }]),
    ...(Number.isInteger(o.maxRetries) && o.maxRetries >= 0 ? [] : [{ field: 'maxRetries', message: 'must be a whole number >= 0' }]),
    ...msProblems('timeout', o.timeout),
    ...(options.name === undefined || (typeof options.name === 'string' && options.name !== '') ? [] : [{ field: 'name', message: 'must be a non-empty string' }]),
    ...(options.fetch === undefined || typeof options.fetch === 'function' ? [] : [{ field: 'fetch', message: 'must be a function' }]),
    ...(options.fetchOptions === undefined || (typeof options.fetchOptions === 'object' && options.fetchOptions !== null && !Array.isArray(options.fetchOptions)) ? [] : [{ field: 'fetchOptions', message: 'must be an object of fetch init options' }]),
  ];
  refuseOptions(problems);
  return { ...o, signal: options.signal, fetch: options.fetch, fetchOptions: options.fetchOptions, overwrite: options.overwrite === true, allowInsecureHttp: options.allowInsecureHttp === true };
}

/** The file a call before this one left in place for `base`, if any (complete: only whole files get a final name). */
async function existing(dir: string, base: string): Promise<{ path: string; bytes: number } | undefined> {
  const found = await Promise.all(EXTENSIONS.map((ext) => stat(join(dir, `${base}.${ext}`)).then((s) => (s.isFile() ? { path: join(dir, `${base}.${ext}`), bytes: s.size } : undefined), () => undefined)));
  return found.find((f) => f !== undefined);
}

/** Writes `text` as `<base>.txt`, whole or not at all. */
async function writeText(dir: string, base: string, text: string): Promise<{ path: string; bytes: number }> {
  const path = join(dir, `${base}.txt`);
  const part = join(dir, `${base}.part`);
  const data = Buffer.from(text, 'utf8');
  const file = await open(part, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(part, path);
  return { path, bytes: data.length };
}

/** Downloads one output of a run into `dir` as `<name>.<output id>.<ext>` (`base` names it without the extension). */
async function downloadOne(output: DownloadableOutput, dir: string, base: string, o: Resolved): Promise<DownloadedFile> {
  const { output_id: outputId, type, url } = output;
  const at = { outputId, type };
  if (!o.overwrite) {
    const found = await existing(dir, base);
    if (found) return { ...at, ...found, contentType: undefined, source: 'existing' };
  }
  if (type === 'text' && !looksLikeUrl(url)) {
    const written = await writeText(dir, base, url).catch((cause: unknown) => {
      throw new DownloadError({ reason: 'file_system', message: `Output ${outputId}: the file could not be written (${(cause as { code?: string }).code ?? (cause as Error).message})`, outputId, path: join(dir, `${base}.txt`), cause });
    });
    return { ...at, ...written, contentType: undefined, source: 'text' };
  }
  const fail = (reason: 'bad_url' | 'insecure_url', message: string) => new DownloadError({ reason, message: `Output ${outputId}: ${message}`, outputId, url: shown(url) });
  if (!looksLikeUrl(url)) throw fail('bad_url', `its url is not an http(s) URL: ${JSON.stringify(url.slice(0, 40))}${url.length > 40 ? '...' : ''}`);
  if (new URL(url).protocol === 'http:' && !isLoopback(url) && !o.allowInsecureHttp) {
    throw fail('insecure_url', `refusing plain http to ${new URL(url).host} (pass allowInsecureHttp: true to allow it)`);
  }
  const got = await fetchFile(
    { url, dir, base, outputId, shownUrl: shown(url), nameFor: (contentType) => `${base}.${extensionFor(type, contentType, url)}` },
    { fetch: o.fetch, fetchOptions: o.fetchOptions, maxBytes: o.maxBytes, maxRetries: o.maxRetries, timeout: o.timeout, signal: o.signal },
  );
  return { ...at, path: got.path, bytes: got.bytes, contentType: got.contentType, source: got.resumedBytes > 0 ? 'resumed' : 'fetched' };
}

/**
 * Writes every output of a completed run into `dir` (created if needed), one after another, and resolves
 * with where each one is, in the run's order. Each file is `<name>.<output id>.<ext>` (`name` defaults to
 * the run id; both made safe for any file system), streamed to a `.part` file and renamed into place
 * once whole and of the announced length; a `text` output whose `url` is the text itself becomes a
 * `.txt`. A file already in place is kept (`overwrite` fetches it again), and a `.part` left by an
 * interrupted call is resumed with a `Range` request, so calling again after any failure fetches only
 * what is missing. No credential is sent to the media host. Throws `DownloadError` (the first output
 * that could not be written; the others after it are not tried; `not_completed` or `bad_outputs` before
 * anything is fetched) or `InputValidationError` for options.
 * One call at a time per folder and name: two calls writing the same output at once would share its `.part`.
 *
 * ```ts
 * const run = await flora.techniques.runs.createAndWait('product-shot', body);
 * const files = await downloadRun(run, './out', { name: 'hero' }); // ./out/hero.output_1.png
 * ```
 */
export async function downloadRun(run: DownloadableRun, dir: string, options: DownloadOptions = {}): Promise<DownloadedFile[]> {
  const o = resolve(options);
  if (typeof dir !== 'string' || dir === '') refuseOptions([{ field: 'dir', message: 'must be a directory path' }]);
  if (run?.status !== 'completed') {
    const id = typeof run?.run_id === 'string' ? run.run_id : '(no run_id)';
    throw new DownloadError({ reason: 'not_completed', message: `Run ${id} is ${typeof run?.status === 'string' ? run.status : 'not a run'}: only a completed run has outputs to download.` });
  }
  const outputs = run.outputs ?? [];
  if (!Array.isArray(outputs) || outputs.some((x) => typeof x?.output_id !== 'string' || typeof x.type !== 'string' || typeof x.url !== 'string')) {
    throw new DownloadError({ reason: 'bad_outputs', message: `Run ${run.run_id}: its outputs are not a list of { output_id, type, url } strings; nothing was downloaded.` });
  }
  const bases = outputBases(options.name ?? run.run_id, outputs.map((x) => x.output_id));
  await mkdir(dir, { recursive: true }).catch((cause: unknown) => {
    throw new DownloadError({ reason: 'file_system', message: `Cannot create ${dir}: ${(cause as Error).message}`, path: dir, cause });
  });
  const files: DownloadedFile[] = [];
  for (const [i, output] of outputs.entries()) files.push(await downloadOne(output, dir, bases[i]!, o));
  return files;
}

/**
 * The files an earlier `downloadRun(run, dir, { name })` left in place for `run`'s outputs, in the run's
 * order; outputs with no file are left out. Nothing is fetched (a report reads them so).
 */
export async function filesOnDisk(run: Pick<DownloadableRun, 'run_id' | 'outputs'>, dir: string, options: { name?: string | undefined } = {}): Promise<DownloadedFile[]> {
  const outputs = Array.isArray(run.outputs) ? run.outputs.filter((x) => typeof x?.output_id === 'string' && typeof x.type === 'string') : [];
  const bases = outputBases(options.name ?? run.run_id, outputs.map((x) => x.output_id));
  const found = await Promise.all(outputs.map((x, i) => existing(dir, bases[i]!).then((f) => f && { outputId: x.output_id, type: x.type, ...f, contentType: undefined, source: 'existing' as const })));
  return found.filter((f) => f !== undefined);
}
