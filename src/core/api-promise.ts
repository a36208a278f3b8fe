/**
 * What every resource method returns: awaiting it gives the parsed, validated data, and
 * `.withResponse()` gives the data with the raw `Response` and the request id, as in Stainless SDKs.
 */
import { requestIdOf } from './answer.js';

/** The data of a call together with the HTTP response it came from. */
export interface WithResponse<T> {
  data: T;
  /** The final attempt's response; its body has already been read. */
  response: Response;
  /** The `x-request-id` (or `request-id`) response header, when the server sent one. */
  requestId: string | undefined;
}

/** Structurally a `Promise<T>`, so it can be stored in a `Promise<T>` variable or passed to `Promise.all`. */
export class APIPromise<T> implements Promise<T> {
  readonly #result: Promise<{ data: T; response: Response }>;
  readonly #present: (response: Response) => Response;
  readonly [Symbol.toStringTag] = 'APIPromise';

  /**
   * @param present what the caller may see of the response (its headers redacted), made only when asked.
   * @internal
   */
  constructor(result: Promise<{ data: T; response: Response }>, present: (response: Response) => Response = (r) => r) {
    this.#result = result;
    this.#present = present;
  }

  /** The data together with the raw `Response` and request id. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#result.then(({ data, response }) => {
      const shown = this.#present(response);
      return { data, response: shown, requestId: requestIdOf(shown.headers) };
    });
  }

  /** The raw `Response` of the final attempt (body already read). */
  asResponse(): Promise<Response> {
    return this.withResponse().then((r) => r.response);
  }

  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    // One promise, not two: this is on every call's path.
    return this.#result.then(onfulfilled ? (r) => onfulfilled(r.data) : (r) => r.data as unknown as A, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }
}
