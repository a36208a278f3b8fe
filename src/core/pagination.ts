/**
 * Cursor-paginated lists, as FLORA's SDK pages them: a page is the answer's body (`techniques` or
 * `technique_runs`, and `meta.next_cursor`) with methods to go on; there is a next page while a page has
 * items and a cursor. Awaiting a list call gives its first page; `for await` over it gives every item of
 * every page. A walk never runs away: a cursor that comes back is a `PaginationError`, and so is a page
 * past `maxPages` (default 1,000).
 */
import type { AnswerBody, OperationId } from '../../generated/operations.js';
import { APIPromise } from './api-promise.js';
import { FloraError, PaginationError } from './errors.js';
import type { CallInput, Requester } from './requester.js';
import type { RequestOptions } from './send.js';
import { refuseOptions } from './validation.js';

/** Options of a list call: every call's, and how many pages a walk may read. */
export interface ListOptions extends RequestOptions {
  /**
   * The most pages one walk reads (`for await`, `iterPages()`, `getNextPage()` from page to page), the
   * first included; the next page past it is a `PaginationError`. Default 1,000; `Infinity` for none.
   */
  maxPages?: number | undefined;
}

/** The default `maxPages`: 100,000 items at the largest page size. */
export const DEFAULT_MAX_PAGES = 1000;

/** What one walk has seen: each cursor it followed, with the page (1 the first) whose answer gave it. */
interface Walk {
  readonly followed: Map<string, number>;
  readonly maxPages: number;
}

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
  options: ListOptions,
  walk?: { state: Walk; page: number },
): PagePromise<AnswerBody<K>, Item> {
  type P = Page<AnswerBody<K>, Item>;
  const { maxPages = DEFAULT_MAX_PAGES, ...request } = options;
  if (!walk) {
    try {
      refuseOptions(maxPages === Infinity || (Number.isInteger(maxPages) && maxPages >= 1) ? [] : [{ field: 'maxPages', message: 'must be a whole number, 1 or more (or Infinity)' }]);
    } catch (err) {
      return new PagePromise<AnswerBody<K>, Item>(Promise.reject(err));
    }
    walk = { state: { followed: new Map(typeof query?.cursor === 'string' ? [[query.cursor, 0]] : []), maxPages }, page: 1 };
  }
  const { state, page: number } = walk;
  const { result, present } = requester.answer(id, { query } satisfies CallInput, request);
  const page = (body: AnswerBody<K>): P => {
    // An answer read without checks (validate: false) may hold anything there: no items, then.
    const listed = (body as Record<string, unknown>)[key];
    const items = (Array.isArray(listed) ? listed : []) as Item[];
    const cursor = (body as Meta).meta?.next_cursor;
    const self = { ...body } as P;
    // Not enumerable: a page prints, spreads and serializes as the body it is.
    Object.defineProperties(self, {
      getPaginatedItems: { value: () => items },
      hasNextPage: { value: () => items.length > 0 && typeof cursor === 'string' && cursor !== '' },
      getNextPage: {
        value: async (): Promise<P> => {
          if (!self.hasNextPage()) throw new FloraError('No next page: check hasNextPage() before getNextPage().');
          const next = cursor as string;
          // The same page asked twice is a re-read; another page giving its cursor again is a loop.
          const givenBy = state.followed.get(next);
          if (givenBy !== undefined && givenBy !== number) {
            const before = givenBy === 0 ? 'the walk started at' : `page ${givenBy} gave`;
            throw new PaginationError('repeated_cursor', `Page ${number} of the list gave the cursor ${before}: following it would repeat pages forever, so the walk stops here.`, number);
          }
          if (number >= state.maxPages) {
            throw new PaginationError('max_pages', `The list has more than ${state.maxPages} pages (maxPages); the walk stops here. Pass a larger maxPages, or narrow the list.`, number);
          }
          state.followed.set(next, number);
          return listPage<K, Item>(requester, id, key, { ...query, cursor: next }, options, { state, page: number + 1 });
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
