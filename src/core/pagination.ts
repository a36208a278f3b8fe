/**
 * Cursor-paginated lists, as FLORA's SDK pages them: a page is the answer's body (`techniques` or
 * `technique_runs`, and `meta.next_cursor`) with methods to go on; there is a next page while a page has
 * items and a cursor. Awaiting a list call gives its first page; `for await` over it gives every item of
 * every page.
 */
import type { AnswerBody, OperationId } from '../../generated/operations.js';
import { APIPromise } from './api-promise.js';
import { FloraError } from './errors.js';
import type { CallInput, Requester } from './requester.js';
import type { RequestOptions } from './send.js';

/** One page: the body as answered, and how to get the next. */
export type Page<Body, Item> = Body & {
  /** This page's items. */
  getPaginatedItems(): Item[];
  /** Whether there is a page after this one (this page has items, and the answer gave a cursor). */
  hasNextPage(): boolean;
  /** The next page; throws when there is none (check `hasNextPage()` first). */
  getNextPage(): Promise<Page<Body, Item>>;
  /** This page and every one after it. */
  iterPages(): AsyncGenerator<Page<Body, Item>>;
};

/** A list call: await it for the first page, or iterate it for every item across pages. */
export class PagePromise<Body, Item> extends APIPromise<Page<Body, Item>> implements AsyncIterable<Item> {
  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of (await this).iterPages()) yield* page.getPaginatedItems();
  }
}

interface Meta {
  meta?: { next_cursor?: string | null } | null;
}

/** Calls list operation `id` and wraps its answer as a `Page` whose items are under `key`. */
export function listPage<K extends OperationId, Item>(
  requester: Requester,
  id: K,
  key: string,
  query: Record<string, unknown> | undefined,
  options: RequestOptions,
): PagePromise<AnswerBody<K>, Item> {
  type P = Page<AnswerBody<K>, Item>;
  const { result, present } = requester.answer(id, { query } satisfies CallInput, options);
  const page = (body: AnswerBody<K>): P => {
    const items = ((body as Record<string, unknown>)[key] ?? []) as Item[];
    const cursor = (body as Meta).meta?.next_cursor;
    const self = { ...body } as P;
    // Not enumerable: a page prints, spreads and serializes as the body it is.
    Object.defineProperties(self, {
      getPaginatedItems: { value: () => items },
      hasNextPage: { value: () => items.length > 0 && typeof cursor === 'string' && cursor !== '' },
      getNextPage: {
        value: async (): Promise<P> => {
          if (!self.hasNextPage()) throw new FloraError('No next page: check hasNextPage() before getNextPage().');
          return listPage<K, Item>(requester, id, key, { ...query, cursor }, options);
        },
      },
      iterPages: {
        value: async function* (): AsyncGenerator<P> {
          let current = self;
          yield current;
          while (current.hasNextPage()) yield (current = await current.getNextPage());
        },
      },
    });
    return self;
  };
  return new PagePromise(result.then(({ data, response }) => ({ data: page(data), response })), present);
}
