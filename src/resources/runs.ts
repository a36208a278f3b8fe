/** `client.runs`: the top-level run resource. */
import type { RunStartedResponse, TechniqueRun, TechniqueRunListItem } from '../../generated/answers.js';
import { IdempotencyDuplicateError } from '../core/errors.js';
import { refuseOptions } from '../core/validation.js';
import type { StartTechniqueRunRequest } from '../../generated/openapi.js';
import type { APIPromise } from '../core/api-promise.js';
import type { Requester } from '../core/requester.js';
import type { RequestOptions } from '../core/send.js';
import { segmentProblems } from '../core/url.js';
import { splitWaitOptions, type RunWaitOptions, type TechniqueRuns } from './techniques.js';
import { retrieveMany, waitAll, type RetrieveManyOptions, type WaitAllOptions, type WaitAllRun } from './wait-all.js';
import type { InputChecker, RunStartOptions } from './inputs.js';
import { hasLocalFiles, withPlaceholders, type LocalInputs } from './local-files.js';

export type RunStartTechniqueParams = StartTechniqueRunRequest;

/** Where `runs.findAccepted` looks. */
export interface FindAcceptedParams {
  /** The technique the lost call started (slug or `tech_` id): the list is filtered by it. */
  techniqueId: string;
  /** The workspace, when known: narrows the list further. */
  workspaceId?: string | undefined;
  /**
   * Runs created at or after this moment (ms since the epoch) are candidates. Defaults to the error's
   * `callStartedAt`; needed when the error does not carry one.
   */
  since?: number | undefined;
  /** Clock skew allowed between this machine and FLORA, in seconds. Default 60. */
  slackSeconds?: number | undefined;
  /** At most this many list pages (100 runs each) are read. Default 10. */
  maxPages?: number | undefined;
}

export class Runs {
  readonly #requester: Requester;
  readonly #techniqueRuns: TechniqueRuns;
  readonly #inputs: InputChecker;
  readonly #files: LocalInputs;

  /** @internal */
  constructor(requester: Requester, techniqueRuns: TechniqueRuns, inputs: InputChecker, files: LocalInputs) {
    this.#requester = requester;
    this.#techniqueRuns = techniqueRuns;
    this.#inputs = inputs;
    this.#files = files;
  }

  /**
   * Starts a run of a technique by its `tech_` id in a `ws_` workspace. Carries an Idempotency-Key (yours,
   * or one generated for this call and reused on every retry). With `checkInputs`, the inputs are
   * checked against the technique's definition first. A value that is a local file (`flora.file(...)`) is
   * uploaded to the body's workspace first, and the run started only once every such upload is ready.
   */
  startTechnique(body: RunStartTechniqueParams, options: RunStartOptions = {}): APIPromise<RunStartedResponse> {
    const { checkInputs, workspaceId: _, ...request } = options;
    if (hasLocalFiles(body?.inputs)) {
      const key = request.idempotencyKey ?? crypto.randomUUID();
      const ready = (async () => {
        await this.#inputs.before(body.technique_id, withPlaceholders(body.inputs), options);
        return { body: { ...body, inputs: await this.#files.resolve(body.inputs, body.workspace_id, key, request) } };
      })();
      return this.#requester.callWith(ready, 'startTechniqueRun', { ...request, idempotencyKey: key });
    }
    if (!(checkInputs ?? this.#inputs.enabled)) return this.#requester.call('startTechniqueRun', { body }, request);
    return this.#requester.callAfter(this.#inputs.before(body?.technique_id, body?.inputs ?? {}, options), 'startTechniqueRun', { body }, request);
  }

  /**
   * Waits for many runs at once and resolves, in the order given, with each one's final state (a failed
   * run's `status` says so; nothing is thrown for it). Each round reads up to 100 runs of a technique with
   * one `GET /technique-runs` request (give each run's `technique_id` so the list can filter), and reads
   * a run the list does not show with `GET /runs/{runId}`. `onEnded` hears of each run as it ends.
   */
  waitAll(runs: readonly WaitAllRun[], options: WaitAllOptions = {}): Promise<TechniqueRun[]> {
    return waitAll(this.#requester, runs, options);
  }

  /**
   * Reads many runs at once and resolves, in the order given, with each one's state now: one round of
   * `waitAll`, for those who schedule their own (a batch whose workers share one poller, say). Costs one
   * `GET /technique-runs` request per 100 runs of a technique, plus `GET /runs/{runId}` for each run the
   * list does not reach; give `technique_id` and `created_at` where known so the list can reach them.
   */
  retrieveMany(runs: readonly WaitAllRun[], options: RetrieveManyOptions = {}): Promise<TechniqueRun[]> {
    return retrieveMany(this.#requester, runs, options);
  }

  /**
   * After an `IdempotencyDuplicateError` whose `acceptedEarlier` is true (the call's first attempt
   * started a run but its answer was lost), finds the candidates: the technique's runs, newest first,
   * created since the call began (less `slackSeconds` for clock skew). One candidate is the run; several
   * mean other runs of the technique started in the same window, and the inputs or outputs tell them
   * apart. Reads `GET /technique-runs`, nothing is started or charged.
   *
   * ```ts
   * try { await client.runs.startTechnique(body, { idempotencyKey }); }
   * catch (error) {
   *   if (error instanceof IdempotencyDuplicateError && error.acceptedEarlier) {
   *     const [run] = await client.runs.findAccepted(error, { techniqueId: body.technique_id });
   *   }
   * }
   * ```
   */
  async findAccepted(error: IdempotencyDuplicateError | undefined, params: FindAcceptedParams, options: RequestOptions = {}): Promise<TechniqueRunListItem[]> {
    const since = params.since ?? (error instanceof IdempotencyDuplicateError ? error.callStartedAt : undefined);
    const slack = params.slackSeconds ?? 60;
    const maxPages = params.maxPages ?? 10;
    refuseOptions([
      ...(since === undefined || !Number.isFinite(since) ? [{ field: 'since', message: 'is needed (a time in ms since the epoch) when the error does not carry callStartedAt' }] : []),
      ...(!Number.isFinite(slack) || slack < 0 ? [{ field: 'slackSeconds', message: 'must be a number of seconds, 0 or more' }] : []),
      ...(!Number.isInteger(maxPages) || maxPages < 1 ? [{ field: 'maxPages', message: 'must be a whole number, 1 or more' }] : []),
    ]);
    const from = since! / 1000 - slack;
    const found: TechniqueRunListItem[] = [];
    let page = await this.#techniqueRuns.list({ technique_id: params.techniqueId, workspace_id: params.workspaceId, limit: 100 }, options);
    for (let read = 1; ; read++) {
      let older = false;
      for (const run of page.getPaginatedItems()) {
        if (typeof run.created_at === 'number' && run.created_at >= from) found.push(run);
        else older = true;
      }
      // The list is newest first: once a page reaches runs older than the window, no later page has candidates.
      if (older || read >= maxPages || !page.hasNextPage()) return found;
      page = await page.getNextPage();
    }
  }

  /**
   * `startTechnique`, then waits for the run (first poll guided by `estimated_seconds`, then its `poll_url`)
   * and resolves with the completed run. Errors as in `techniques.runs.wait`.
   */
  async startTechniqueAndWait(body: RunStartTechniqueParams, options: RunStartOptions & RunWaitOptions = {}): Promise<TechniqueRun> {
    const { start, wait } = splitWaitOptions(options);
    const started = await this.startTechnique(body, start);
    // The server's technique id, unless it could not be a path segment: the run is started and charged either way.
    const named = started.technique?.technique_id;
    const techniqueId = typeof named === 'string' && segmentProblems('techniqueId', named).length === 0 ? named : body.technique_id;
    return this.#techniqueRuns.wait(
      started.run_id,
      { techniqueId },
      { estimatedSeconds: started.estimated_seconds, ...wait() },
      { pollUrl: started.poll_url },
    );
  }
}
