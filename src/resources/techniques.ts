/** `client.techniques.runs`: the nested technique run routes, with the official SDK's call shapes. */
import type { Technique, TechniqueList, TechniqueRun, TechniqueRunList, TechniqueRunListItem } from '../../generated/answers.js';
import type { TechniqueInput, TechniqueRunCreateRequest } from '../../generated/openapi.js';
import type { QueryParams } from '../../generated/operations.js';
import type { APIPromise } from '../core/api-promise.js';
import { listPage, type ListOptions, type PagePromise } from '../core/pagination.js';
import type { Requester } from '../core/requester.js';
import type { FetchOptions, RequestOptions } from '../core/send.js';
import { pathProblems } from '../core/url.js';
import { OPERATIONS } from '../../generated/operations.js';
import { checkMs, refuseOptions } from '../core/validation.js';
import { DEFAULT_WAIT_TIMEOUT, pollUntilDone, renamedOptionProblems, type WaitOptions } from '../core/wait.js';
import type { FieldError } from '../../generated/openapi.js';
import type { InputChecker, RunInputs, RunStartOptions } from './inputs.js';
import { hasLocalFiles, withPlaceholders, type LocalFile, type LocalInputs } from './local-files.js';

/** A nested run's body; an input's `value` may be a local file (`flora.file(...)`), uploaded before the run starts. */
export type RunCreateParams = Omit<TechniqueRunCreateRequest, 'inputs'> & { inputs: (Omit<TechniqueInput, 'value'> & { value: string | LocalFile })[] };
/** Filters and paging of `techniques.runs.list` (FLORA's SDK's name). */
export type RunListParams = QueryParams<'listTechniqueRuns'>;
/** Filters and paging of `techniques.list` (FLORA's SDK's name). */
export type TechniqueListParams = QueryParams<'listTechniques'>;
export interface RunRetrieveParams {
  /** Technique identifier or slug. */
  techniqueId: string;
}
/**
 * Options of the waiting methods: the wait's own (`waitTimeout` bounds the whole wait), plus `timeout` (each
 * request attempt's limit, as on every call) and `maxRetries` for each request.
 */
export type RunWaitOptions = WaitOptions & { timeout?: number | undefined; maxRetries?: number | undefined; fetchOptions?: FetchOptions | undefined };

/**
 * Splits the options of `createAndWait` / `startTechniqueAndWait` into the start request's (whose
 * per-attempt limit is `timeout`, as on every call) and the wait's. `waitTimeout` bounds both: the start
 * request's deadline is its end, and `wait()` gives the wait whatever the start left of it.
 */
export function splitWaitOptions(options: RunStartOptions & RunWaitOptions): { start: RunStartOptions; wait: () => RunWaitOptions } {
  refuseOptions(renamedOptionProblems(options));
  const { signal, waitTimeout = DEFAULT_WAIT_TIMEOUT, timeout, maxRetries, idempotencyKey, headers, deadline, checkInputs, workspaceId, fetchOptions, ...rest } = options;
  const end = Math.min(deadline ?? Infinity, Date.now() + checkMs('waitTimeout', waitTimeout));
  return {
    start: { signal, timeout, maxRetries, idempotencyKey, headers, checkInputs, workspaceId, fetchOptions, deadline: end === Infinity ? undefined : end },
    wait: () => ({ ...rest, signal, timeout, maxRetries, fetchOptions, waitTimeout: end === Infinity ? Infinity : Math.max(1, end - Date.now()) }),
  };
}

export class TechniqueRuns {
  readonly #requester: Requester;
  readonly #inputs: InputChecker;
  readonly #files: LocalInputs;

  /** @internal */
  constructor(requester: Requester, inputs: InputChecker, files: LocalInputs) {
    this.#requester = requester;
    this.#inputs = inputs;
    this.#files = files;
  }

  /**
   * Starts a run of `techniqueId` (an identifier or slug). The request carries one idempotency key, in the
   * `Idempotency-Key` header and in the body's `idempotency_key` (FLORA's SDK models the body field, its
   * reference pages the header): yours (`options.idempotencyKey` or `body.idempotency_key`), else one
   * generated for this call, the same on every retry, so retries never start a second run. With
   * `checkInputs`, the inputs are checked against the technique's definition first. An input whose
   * value is a local file (`flora.file('./hero.png')`) is uploaded to `options.workspaceId` (else the
   * client's, else the key's one workspace) and the run started only once every such upload is ready.
   */
  create(techniqueId: string, body: RunCreateParams, options: RunStartOptions = {}): APIPromise<TechniqueRun> {
    const { checkInputs, workspaceId, ...request } = options;
    if (hasLocalFiles(body?.inputs)) {
      // The run's key is chosen now, so each upload's key can derive from it.
      const key = request.idempotencyKey ?? body.idempotency_key ?? crypto.randomUUID();
      const ready = (async () => {
        await this.#inputs.before(techniqueId, withPlaceholders(body.inputs), options);
        const inputs = await this.#files.resolve(body.inputs, await this.#files.workspace(workspaceId, request), key, request);
        return { params: { techniqueId }, body: { ...body, inputs } };
      })();
      return this.#requester.callWith(ready, 'createTechniqueRun', { ...request, idempotencyKey: key });
    }
    if (!(checkInputs ?? this.#inputs.enabled)) return this.#requester.call('createTechniqueRun', { params: { techniqueId }, body }, request);
    return this.#requester.callAfter(this.#inputs.before(techniqueId, body?.inputs ?? [], options), 'createTechniqueRun', { params: { techniqueId }, body }, request);
  }

  /**
   * The runs of this key, newest first, filtered by `workspace_id`, `project_id`, `technique_id` and
   * `status`, `limit` (at most 100) a page. Await it for the first page (`technique_runs`,
   * `meta.next_cursor`, `hasNextPage()`, `getNextPage()`), or `for await` every run across pages.
   */
  list(params: RunListParams = {}, options: ListOptions = {}): PagePromise<TechniqueRunList, TechniqueRunListItem> {
    return listPage<'listTechniqueRuns', TechniqueRunListItem>(this.#requester, 'listTechniqueRuns', 'technique_runs', params, options);
  }

  /** Status, progress, outputs and error details of a run visible to this key. */
  retrieve(runId: string, params: RunRetrieveParams, options: RequestOptions = {}): APIPromise<TechniqueRun> {
    return this.#requester.call('getTechniqueRun', { params: { techniqueId: params?.techniqueId, runId } }, options);
  }

  /**
   * Waits until the run is completed and returns it (its `status` alone decides); throws `RunFailedError` (carrying the run) when it
   * fails, `RunTimeoutError` (carrying the last state) after `timeout`, `APIUserAbortError` on abort.
   * Polls adaptively (see `nextPollDelay`), following the run's `poll_url` when it is on this API and
   * names a route that answers a run (`GET /runs/{runId}` or the nested one).
   */
  async wait(
    runId: string,
    params: RunRetrieveParams,
    options: RunWaitOptions = {},
    known: { run?: TechniqueRun | undefined; pollUrl?: string | null | undefined } = {},
  ): Promise<TechniqueRun> {
    const techniqueId = params?.techniqueId;
    let pollUrl = known.run?.poll_url ?? known.pollUrl;
    // The nested route needs both ids; a poll_url on this API needs neither.
    if (!this.#requester.operationAt(pollUrl, 'getTechniqueRun')) this.#requester.check(() => pathProblems(OPERATIONS.getTechniqueRun, { techniqueId, runId }));
    const perRequest = { timeout: options.timeout, maxRetries: options.maxRetries, fetchOptions: options.fetchOptions };
    return pollUntilDone(
      runId,
      async (signal) => {
        // `at` answers a TechniqueRun, as getTechniqueRun does (operationAt checks the schema).
        const at = this.#requester.operationAt(pollUrl, 'getTechniqueRun') as 'getTechniqueRun' | undefined;
        const run = at ? await this.#requester.call(at, { url: pollUrl! }, { ...perRequest, signal }) : await this.retrieve(runId, { techniqueId }, { ...perRequest, signal });
        pollUrl = run.poll_url ?? pollUrl;
        return run;
      },
      { ...options, initial: known.run },
    );
  }

  /** `create`, then `wait`: resolves with the completed run. */
  async createAndWait(techniqueId: string, body: RunCreateParams, options: RunStartOptions & RunWaitOptions = {}): Promise<TechniqueRun> {
    const { start, wait } = splitWaitOptions(options);
    const run = await this.create(techniqueId, body, start);
    return this.wait(run.run_id, { techniqueId }, wait(), { run });
  }
}

export class Techniques {
  readonly runs: TechniqueRuns;
  readonly #requester: Requester;
  readonly #inputs: InputChecker;

  /** @internal */
  constructor(requester: Requester, inputs: InputChecker, files: LocalInputs) {
    this.#requester = requester;
    this.#inputs = inputs;
    this.runs = new TechniqueRuns(requester, inputs, files);
  }

  /**
   * What is wrong with `inputs` (either route's form) for this technique, by its definition: an empty array
   * when they fit. One `GET /techniques/{id}`, cached 5 minutes; nothing is started.
   */
  checkInputs(techniqueId: string, inputs: RunInputs, options: RequestOptions = {}): Promise<FieldError[]> {
    return this.#inputs.problems(techniqueId, inputs, options);
  }

  /**
   * The techniques visible to this key, filtered by `workspace_id` and `query`, `limit` (at most 100) a
   * page. Await it for the first page (`techniques`, `meta.next_cursor`, `hasNextPage()`,
   * `getNextPage()`), or `for await` every technique across pages.
   */
  list(params: TechniqueListParams = {}, options: ListOptions = {}): PagePromise<TechniqueList, Technique> {
    return listPage<'listTechniques', Technique>(this.#requester, 'listTechniques', 'techniques', params, options);
  }

  /** One technique's definition: the inputs a run of it takes, and the outputs it makes. */
  retrieve(techniqueId: string, options: RequestOptions = {}): APIPromise<Technique> {
    return this.#requester.call('getTechnique', { params: { techniqueId } }, options);
  }
}
