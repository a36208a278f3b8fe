/** `client.techniques.runs`: the nested technique run routes, with the official SDK's call shapes. */
import type { TechniqueRun, TechniqueRunCreateRequest } from '../../generated/openapi.js';
import type { APIPromise } from '../api-promise.js';
import type { Flora, RequestOptions } from '../client.js';
import { validateRunCreateBody } from '../validation.js';
import { requireId } from './ids.js';

export type RunCreateParams = TechniqueRunCreateRequest;
export interface RunRetrieveParams {
  /** Technique identifier or slug. */
  techniqueId: string;
}

export class TechniqueRuns {
  constructor(protected readonly client: Flora) {}

  /**
   * Starts a run of `techniqueId` (an identifier or slug). The request carries an Idempotency-Key: yours
   * (`options.idempotencyKey` or `body.idempotency_key`, used for both when you give one), else one generated
   * for this call and reused on every retry, so retries never start a second run.
   */
  create(techniqueId: string, body: RunCreateParams, options: RequestOptions = {}): APIPromise<TechniqueRun> {
    const key = options.idempotencyKey ?? body?.idempotency_key;
    this.client.checkRequest(() => [
      ...requireId('techniqueId', techniqueId),
      ...validateRunCreateBody(body, { allowLoopbackHttpCallback: this.client.isLocal }),
      ...(options.idempotencyKey !== undefined && body?.idempotency_key !== undefined && options.idempotencyKey !== body.idempotency_key
        ? [{ field: 'idempotency_key', message: 'differs from the idempotencyKey option; give one key' }]
        : []),
    ]);
    const sent = key !== undefined && body?.idempotency_key === undefined ? { ...body, idempotency_key: key } : body;
    return this.client.call('createTechniqueRun', { ...options, idempotencyKey: key }, (fetch) =>
      this.client.raw.POST('/techniques/{techniqueId}/runs', {
        params: { path: { techniqueId } },
        body: sent,
        parseAs: 'stream',
        fetch,
      }),
    );
  }

  /** Status, progress, outputs and error details of a run visible to this key. */
  retrieve(runId: string, params: RunRetrieveParams, options: RequestOptions = {}): APIPromise<TechniqueRun> {
    const techniqueId = params?.techniqueId;
    this.client.checkRequest(() => [...requireId('runId', runId), ...requireId('techniqueId', techniqueId)]);
    return this.client.call('getTechniqueRun', options, (fetch) =>
      this.client.raw.GET('/techniques/{techniqueId}/runs/{runId}', {
        params: { path: { techniqueId, runId } },
        parseAs: 'stream',
        fetch,
      }),
    );
  }
}

export class Techniques {
  readonly runs: TechniqueRuns;
  constructor(client: Flora) {
    this.runs = new TechniqueRuns(client);
  }
}
