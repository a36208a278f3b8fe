/** `client.runs`: the top-level run resource. */
import type { RunStartedResponse, StartTechniqueRunRequest } from '../../generated/openapi.js';
import type { APIPromise } from '../api-promise.js';
import type { Flora, RequestOptions } from '../client.js';
import { validate } from '../validation.js';

export type RunStartTechniqueParams = StartTechniqueRunRequest;

export class Runs {
  constructor(protected readonly client: Flora) {}

  /**
   * Starts a run of a technique by its `tech_` id in a `ws_` workspace. Carries an Idempotency-Key (yours,
   * or one generated for this call and reused on every retry).
   */
  startTechnique(body: RunStartTechniqueParams, options: RequestOptions = {}): APIPromise<RunStartedResponse> {
    this.client.checkRequest(() => validate('StartTechniqueRunRequest', body));
    return this.client.call('startTechniqueRun', options, (fetch) =>
      this.client.raw.POST('/runs/technique', { body, parseAs: 'stream', fetch }),
    );
  }
}
