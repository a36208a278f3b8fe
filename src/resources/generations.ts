/** `client.generations`: runs by id alone (FLORA's SDK names this resource after its generations). */
import type { TechniqueRun } from '../../generated/answers.js';
import type { APIPromise } from '../core/api-promise.js';
import type { Requester } from '../core/requester.js';
import type { RequestOptions } from '../core/send.js';

export class Generations {
  readonly #requester: Requester;

  /** @internal */
  constructor(requester: Requester) {
    this.#requester = requester;
  }

  /** Status, progress, outputs and error details of any run visible to this key, by its id: what a top-level run's `poll_url` points at. */
  retrieve(runId: string, options: RequestOptions = {}): APIPromise<TechniqueRun> {
    return this.#requester.call('getRun', { params: { runId } }, options);
  }
}
