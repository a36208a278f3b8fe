/**
 * The client: its options, the resources (`client.techniques.runs`, `client.runs`), and the openapi-fetch
 * `raw` client beside them for `{ data, error }` users. How a call is made lives in `core/`.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/openapi.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './core/body.js';
import { FloraError, InputValidationError } from './core/errors.js';
import { createLogger, parseLogLevel, type Logger, type LogLevel } from './core/log.js';
import { Redactor } from './core/redact.js';
import { rawFetch, Requester } from './core/requester.js';
import type { FetchOptions, RequestOptions } from './core/send.js';
import type { FetchLike } from './core/transport.js';
import { isLoopback } from './core/url.js';
import { checkMs } from './core/validation.js';
import { Assets } from './resources/assets.js';
import { Generations } from './resources/generations.js';
import { LocalFile, LocalInputs, type LocalFileParams } from './resources/local-files.js';
import type { AssetUploadable } from './resources/upload-source.js';
import { Runs } from './resources/runs.js';
import { InputChecker } from './resources/inputs.js';
import { Techniques } from './resources/techniques.js';
import { Workspaces } from './resources/workspaces.js';

export const DEFAULT_BASE_URL = 'https://app.flora.ai/api/v1';

/** Options of `new Flora()` / `createFloraClient()`. Every one has a default. */
export interface ClientOptions {
  /** Defaults to `process.env.FLORA_API_KEY`. Sent only in `Authorization`; never logged or put in an error. */
  apiKey?: string | undefined;
  /** Defaults to `process.env.FLORA_BASE_URL`, else `https://app.flora.ai/api/v1`. */
  baseUrl?: string | undefined;
  /**
   * A fetch implementation (tests, instrumentation), called with a `Request`, as openapi-fetch does, and
   * the init it was made from (which carries `fetchOptions` a Request cannot, such as `dispatcher`).
   * Defaults to `globalThis.fetch` (called as `fetch(url, init)`, which skips building a Request).
   */
  fetch?: ((request: Request, init?: RequestInit) => Promise<Response>) | undefined;
  /**
   * Further `fetch` options for every request (FLORA's SDK's name), e.g. an undici `dispatcher` for a proxy:
   * `fetchOptions: { dispatcher: new EnvHttpProxyAgent() }` (the `undici` package). Each call's
   * `fetchOptions` go over these. See {@link FetchOptions}.
   */
  fetchOptions?: FetchOptions | undefined;
  /** Per-attempt timeout in ms. Default 60 000. */
  timeout?: number | undefined;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /** Where log lines go. Default `console`. */
  logger?: Logger | undefined;
  /** Default `process.env.FLORA_LOG`, else `warn`. */
  logLevel?: LogLevel | undefined;
  /**
   * Check requests before sending them (strictly, against the spec) and answers on arrival. Answers are
   * read tolerantly by default, by the live layer (the spec plus the variants FLORA's SDK documents,
   * spec/live.overlay.yaml, which are data without a warning): an enum value, format or bound neither
   * lists, a `null` where a property is optional and extra fields reach you as received, with a one-time
   * warning per field; only an answer the client cannot use (not JSON, not an object, a required
   * field missing or of the wrong JSON type) throws `ResponseValidationError`. `'strict'` (or
   * `{ responses: 'strict' }`) also refuses anything else the spec does not allow; `false` checks neither
   * (answers must still be JSON objects). Default true.
   */
  validate?: boolean | 'strict' | { requests?: boolean; responses?: boolean | 'strict' } | undefined;
  /** Allow sending the key over plain http to a host other than loopback. Default false. */
  allowInsecureHttp?: boolean | undefined;
  /**
   * The longest answer body read, in bytes once decoded (a compressed body counts as inflated); a longer
   * one ends the call with `ResponseTooLargeError`. Default 8 MiB.
   */
  maxResponseBytes?: number | undefined;
  /**
   * Check every started run's `inputs` against its technique's definition first (`GET
   * /techniques/{id}`, cached 5 minutes), refusing with `InputValidationError` before a run is charged.
   * Each call's `checkInputs` overrides this. Default false.
   */
  checkInputs?: boolean | undefined;
  /**
   * The workspace local files given as a nested run's inputs are uploaded to (`flora.file(...)`). Defaults
   * to `process.env.FLORA_WORKSPACE_ID`, else the key's one workspace.
   */
  workspaceId?: string | undefined;
}

export type { FetchOptions, RequestOptions };

const env = (name: string): string | undefined => (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name];

/** Refuses the client's options: `InputValidationError` naming the option. */
function refuseOption(field: string, message: string): never {
  throw new InputValidationError({ status: undefined, message: `${message[0]!.toUpperCase()}${message.slice(1)}`, fields: [{ field, message }] });
}

/** The base URL without trailing slashes, refused when it is not http(s) or would send the key in clear. */
function checkBaseUrl(raw: unknown, allowInsecureHttp: boolean | undefined): string {
  if (typeof raw !== 'string') refuseOption('baseUrl', 'baseUrl must be a string');
  const baseUrl = raw.replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    // refused below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    refuseOption('baseUrl', `invalid baseUrl ${JSON.stringify(url ? `${url.protocol}//${url.host}${url.pathname}` : baseUrl)}: expected an absolute http(s) URL, without credentials, query or fragment`);
  }
  if (url.protocol === 'http:' && !isLoopback(url) && !allowInsecureHttp) {
    refuseOption('baseUrl', `refusing to send the API key over plain http to ${url.host}: use https, or pass allowInsecureHttp: true`);
  }
  return baseUrl;
}

/** A key a header can carry: printable, no line breaks (anything else would fail every request, or worse). */
function checkApiKey(key: unknown): string {
  if (typeof key !== 'string' || key === '') {
    throw new FloraError('Missing API key: pass `apiKey` to the client or set the FLORA_API_KEY environment variable.');
  }
  if (!/^[\x21-\x7e]+$/.test(key)) refuseOption('apiKey', 'the API key holds a space, a line break or a character a header cannot carry (it is not shown)');
  return key;
}

/**
 * A FLORA API client. `new Flora()` reads `FLORA_API_KEY` and `FLORA_BASE_URL`.
 *
 * ```ts
 * const flora = new Flora();
 * const run = await flora.techniques.runs.create('art-directors-critique', {
 *   inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }],
 *   mode: 'async',
 * });
 * ```
 */
export class Flora {
  readonly baseUrl: string;
  readonly timeout: number;
  readonly maxRetries: number;
  /** Nested technique routes: `techniques.runs.create`, `.retrieve`, `.wait`. */
  readonly techniques: Techniques;
  /** The top-level run resource: `runs.startTechnique`. */
  readonly runs: Runs;
  /** Runs by id alone: `generations.retrieve`, FLORA's SDK's name for `GET /runs/{runId}`. */
  readonly generations: Generations;
  /** The workspaces of this key: `workspaces.list`. */
  readonly workspaces: Workspaces;
  /** Files in a workspace, whose URLs technique inputs take: `assets.upload`, `.create`, `.retrieve`, `.list`, `.complete`, `.retry`. */
  readonly assets: Assets;
  /**
   * The underlying openapi-fetch client, for `{ data, error }` style calls. It sends the key and applies
   * the same timeouts, retries and idempotency keys; it does not validate.
   */
  readonly raw: Client<paths>;
  readonly #files: LocalInputs;

  constructor(options: ClientOptions = {}) {
    const apiKey = checkApiKey(options.apiKey ?? env('FLORA_API_KEY'));
    this.baseUrl = checkBaseUrl(options.baseUrl ?? env('FLORA_BASE_URL') ?? DEFAULT_BASE_URL, options.allowInsecureHttp);
    this.timeout = checkMs('timeout', options.timeout ?? 60_000);
    this.maxRetries = options.maxRetries ?? 2;
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) refuseOption('maxRetries', 'maxRetries must be a whole number >= 0');
    const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) refuseOption('maxResponseBytes', 'maxResponseBytes must be a whole number of bytes >= 1');
    const v = options.validate ?? true;
    const responses = typeof v === 'object' ? (v.responses ?? true) : v;
    const redactor = new Redactor([apiKey]);
    const custom = options.fetch;
    const fetch: FetchLike = custom ? (input, init) => custom(new Request(input, init), init) : (input, init) => globalThis.fetch(input, init);
    const fetchOptions = options.fetchOptions;
    if (fetchOptions !== undefined && (typeof fetchOptions !== 'object' || fetchOptions === null || Array.isArray(fetchOptions))) refuseOption('fetchOptions', 'fetchOptions must be an object of fetch init options');
    const requester = new Requester({
      baseUrl: this.baseUrl,
      apiKey,
      fetch,
      fetchOptions,
      custom: custom !== undefined,
      redactor,
      timeout: this.timeout,
      maxRetries: this.maxRetries,
      maxResponseBytes,
      logger: createLogger(options.logger ?? console, options.logLevel ?? parseLogLevel(env('FLORA_LOG')), redactor),
      headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, h]) => [k.toLowerCase(), h])),
      validateRequests: typeof v === 'object' ? (v.requests ?? true) : v !== false,
      answers: responses === 'strict' ? 'strict' : responses ? 'tolerant' : 'object',
    });
    this.raw = createClient<paths>({ baseUrl: this.baseUrl, headers: options.headers, fetch: rawFetch(requester.config) });
    if (options.checkInputs !== undefined && typeof options.checkInputs !== 'boolean') refuseOption('checkInputs', 'checkInputs must be true or false');
    const workspaceId = (options.workspaceId ?? env('FLORA_WORKSPACE_ID')) || undefined;
    if (workspaceId !== undefined && (typeof workspaceId !== 'string' || !workspaceId.startsWith('ws_'))) refuseOption('workspaceId', 'workspaceId must be a ws_ workspace id');
    const inputs = new InputChecker(requester, options.checkInputs ?? false);
    this.generations = new Generations(requester);
    this.workspaces = new Workspaces(requester);
    this.assets = new Assets(requester);
    const files = new LocalInputs(this.assets, this.workspaces, workspaceId);
    this.#files = files;
    this.techniques = new Techniques(requester, inputs, files);
    this.runs = new Runs(requester, this.techniques.runs, inputs, files);
  }

  /**
   * @internal Where local files go when a call names no workspace: the client's `workspaceId`
   * (`FLORA_WORKSPACE_ID`), else the key's one workspace (`InputValidationError` when it has several).
   * A batch on the nested route uploads its items' files there.
   */
  fileWorkspace(options: RequestOptions = {}): Promise<string> {
    return this.#files.workspace(undefined, options);
  }

  /**
   * A local file (a path, `Blob`, bytes or stream) to give as a technique input's value: it is uploaded
   * as an asset before the run starts, and the run gets the asset's URL.
   *
   * ```ts
   * await flora.techniques.runs.createAndWait('art-directors-critique', {
   *   inputs: [{ id: 'reference', type: 'imageUrl', value: flora.file('./hero.png') }],
   *   mode: 'async',
   * });
   * ```
   */
  file(file: AssetUploadable, params: LocalFileParams = {}): LocalFile {
    return new LocalFile(file, params);
  }
}

/** Same as `new Flora(options)`. */
export function createFloraClient(options?: ClientOptions): Flora {
  return new Flora(options);
}
