/** `client.techniques.runs`: the nested technique run routes, with the official SDK's call shapes. */
import type { TechniqueRun, TechniqueRunCreateRequest } from '../../generated/openapi.js';
import type { APIPromise } from '../api-promise.js';
import type { Flora, RequestOptions } from '../client.js';
import { validateRunCreateBody } from '../validation.js';
import { pollUntilDone, type WaitOptions } from '../wait.js';
import { checkIdempotencyKey, requireId } from './ids.js';

export type RunCreateParams = TechniqueRunCreateRequest;
export interface RunRetrieveParams {
  /** Technique identifier or slug. */
  techniqueId: string;
}
/** Options of the waiting methods: the wait's own, plus `requestTimeout` and `maxRetries` for each GET. */
export type RunWaitOptions = WaitOptions & { requestTimeout?: number; maxRetries?: number };

/**
 * Splits the options of `createAndWait` / `startTechniqueAndWait` into the start request's (whose timeout
 * is `requestTimeout`) and the wait's (whose `timeout` is the overall one).
 */
export function splitWaitOptions(options: RequestOptions & RunWaitOptions): { start: RequestOptions; wait: RunWaitOptions } {
  const { signal, timeout, requestTimeout, maxRetries, idempotencyKey, headers, ...wait } = options;
  return {
    start: { signal, timeout: requestTimeout, maxRetries, idempotencyKey, headers },
    wait: { ...wait, signal, timeout, requestTimeout, maxRetries },
  };
}

/** What is wrong with the ids that address one run (retrieve and wait). */
const runProblems = (runId: unknown, techniqueId: unknown) => [...requireId('runId', runId), ...requireId('techniqueId', techniqueId)];

export class TechniqueRuns {
  constructor(protected readonly client: Flora) {}

  /**
   * Starts a run of `techniqueId` (an identifier or slug). The request carries an Idempotency-Key: yours
   * (`options.idempotencyKey` or `body.idempotency_key`, used for both when you give one), else one generated
   * for this call and reused on every retry, so retries never start a second run.
   */
  create(techniqueId: string, body: RunCreateParams, options: RequestOptions = {}): APIPromise<TechniqueRun> {
    const key = options.idempotencyKey ?? body?.idempotency_key;
    const sent = key !== undefined && body?.idempotency_key === undefined ? { ...body, idempotency_key: key } : body;
    return this.client.call(
      'createTechniqueRun',
      { ...options, idempotencyKey: key },
      { params: { techniqueId }, body: sent },
      () => [
        ...requireId('techniqueId', techniqueId),
        ...validateRunCreateBody(body, { allowLoopbackHttpCallback: this.client.isLocal }),
        ...checkIdempotencyKey(options.idempotencyKey, 'idempotencyKey'),
        ...checkIdempotencyKey(body?.idempotency_key, 'idempotency_key'),
        ...(options.idempotencyKey !== undefined && body?.idempotency_key !== undefined && options.idempotencyKey !== body.idempotency_key
          ? [{ field: 'idempotency_key', message: 'differs from the idempotencyKey option; give one key' }]
          : []),
      ],
    );
  }

  /** Status, progress, outputs and error details of a run visible to this key. */
  retrieve(runId: string, params: RunRetrieveParams, options: RequestOptions = {}): APIPromise<TechniqueRun> {
    const techniqueId = params?.techniqueId;
    return this.client.call(
      'getTechniqueRun',
      options,
      { params: { techniqueId, runId } },
      () => runProblems(runId, techniqueId),
    );
  }

  /**
   * Waits until the run is completed and returns it; throws `RunFailedError` (carrying the run) when it
   * fails, `RunTimeoutError` (carrying the last state) after `timeout`, `APIUserAbortError` on abort.
   * Polls adaptively (see `nextPollDelay`), following the run's `poll_url` when it is on this API.
   */
  async wait(
    runId: string,
    params: RunRetrieveParams,
    options: RunWaitOptions = {},
    known: { run?: TechniqueRun | undefined; pollUrl?: string | undefined } = {},
  ): Promise<TechniqueRun> {
    const techniqueId = params?.techniqueId;
    this.client.checkRequest(() => runProblems(runId, techniqueId));
    const initial = known.run;
    let pollUrl = initial?.poll_url ?? known.pollUrl;
    const perRequest = { timeout: options.requestTimeout, maxRetries: options.maxRetries };
    return pollUntilDone(
      runId,
      async (signal) => {
        const run = this.client.ownsUrl(pollUrl)
          ? await this.client.getRunAt(pollUrl, { ...perRequest, signal })
          : await this.retrieve(runId, { techniqueId }, { ...perRequest, signal });
        pollUrl = run.poll_url ?? pollUrl;
        return run;
      },
      { ...options, initial },
    );
  }

  /** `create`, then `wait`: resolves with the completed run. */
  async createAndWait(techniqueId: string, body: RunCreateParams, options: RequestOptions & RunWaitOptions = {}): Promise<TechniqueRun> {
    const { start, wait } = splitWaitOptions(options);
    const run = await this.create(techniqueId, body, start);
    return this.wait(run.run_id, { techniqueId }, wait, { run });
  }
}

export class Techniques {
  readonly runs: TechniqueRuns;
  constructor(client: Flora) {
    this.runs = new TechniqueRuns(client);
  }
}
