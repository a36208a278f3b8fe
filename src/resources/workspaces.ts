/** `client.workspaces`: the workspaces this key may use (their `ws_` ids are what top-level starts take). */
import type { WorkspaceList } from '../../generated/answers.js';
import type { APIPromise } from '../core/api-promise.js';
import type { Requester } from '../core/requester.js';
import type { RequestOptions } from '../core/send.js';

export class Workspaces {
  readonly #requester: Requester;

  /** @internal */
  constructor(requester: Requester) {
    this.#requester = requester;
  }

  /** Every workspace of this key, with its id, name, creation time and the key's role (not paginated). */
  list(options: RequestOptions = {}): APIPromise<WorkspaceList> {
    return this.#requester.call('listWorkspaces', {}, options);
  }
}
