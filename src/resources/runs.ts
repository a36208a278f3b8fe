/** `client.runs`: the top-level run resource. */
import type { RunStartedResponse, StartTechniqueRunRequest, TechniqueRun } from '../../generated/openapi.js';
import type { APIPromise } from '../api-promise.js';
import type { Flora, RequestOptions } from '../client.js';
import { validate } from '../validation.js';
import { checkIdempotencyKey } from './ids.js';
import { splitWaitOptions, type RunWaitOptions } from './techniques.js';

export type RunStartTechniqueParams = StartTechniqueRunRequest;

export class Runs {
  constructor(protected readonly client: Flora) {}

  /**
   * Starts a run of a technique by its `tech_` id in a `ws_` workspace. Carries an Idempotency-Key (yours,
   * or one generated for this call and reused on every retry).
   */
  startTechnique(body: RunStartTechniqueParams, options: RequestOptions = {}): APIPromise<RunStartedResponse> {
    return this.client.call(
      'startTechniqueRun',
      options,
      { body },
      () => [...validate('StartTechniqueRunRequest', body), ...checkIdempotencyKey(options.idempotencyKey)],
    );
  }

  /**
   * `startTechnique`, then waits for the run (first poll guided by `estimated_seconds`, then its `poll_url`)
   * and resolves with the completed run. Errors as in `techniques.runs.wait`.
   */
  async startTechniqueAndWait(body: RunStartTechniqueParams, options: RequestOptions & RunWaitOptions = {}): Promise<TechniqueRun> {
    const { start, wait } = splitWaitOptions(options);
    const started = await this.startTechnique(body, start);
    return this.client.techniques.runs.wait(
      started.run_id,
      { techniqueId: started.technique?.technique_id ?? body.technique_id },
      { estimatedSeconds: started.estimated_seconds, ...wait },
      { pollUrl: started.poll_url },
    );
  }
}
