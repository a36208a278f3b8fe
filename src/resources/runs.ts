/** `client.runs`: the top-level run resource. */
import type { RunStartedResponse, TechniqueRun } from '../../generated/answers.js';
import type { StartTechniqueRunRequest } from '../../generated/openapi.js';
import type { APIPromise } from '../core/api-promise.js';
import type { Requester } from '../core/requester.js';
import type { RequestOptions } from '../core/send.js';
import { segmentProblems } from '../core/url.js';
import { splitWaitOptions, type RunWaitOptions, type TechniqueRuns } from './techniques.js';
import { waitAll, type WaitAllOptions, type WaitAllRun } from './wait-all.js';

export type RunStartTechniqueParams = StartTechniqueRunRequest;

export class Runs {
  readonly #requester: Requester;
  readonly #techniqueRuns: TechniqueRuns;

  /** @internal */
  constructor(requester: Requester, techniqueRuns: TechniqueRuns) {
    this.#requester = requester;
    this.#techniqueRuns = techniqueRuns;
  }

  /**
   * Starts a run of a technique by its `tech_` id in a `ws_` workspace. Carries an Idempotency-Key (yours,
   * or one generated for this call and reused on every retry).
   */
  startTechnique(body: RunStartTechniqueParams, options: RequestOptions = {}): APIPromise<RunStartedResponse> {
    return this.#requester.call('startTechniqueRun', { body }, options);
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
   * `startTechnique`, then waits for the run (first poll guided by `estimated_seconds`, then its `poll_url`)
   * and resolves with the completed run. Errors as in `techniques.runs.wait`.
   */
  async startTechniqueAndWait(body: RunStartTechniqueParams, options: RequestOptions & RunWaitOptions = {}): Promise<TechniqueRun> {
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
