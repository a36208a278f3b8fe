/** Paginated walks end: a cursor that comes back is an error, and every walk has a bound the caller sets. */
import { describe, expect, it } from 'vitest';
import { InputValidationError, PaginationError } from './errors.js';
import { json, scriptedFetch, testClient } from '../test-utils.js';

const technique = (id: string) => ({ technique_id: id, name: id, run_cost: 1, inputs: [], outputs: [] });
const page = (ids: string[], next?: string) => json({ techniques: ids.map(technique), meta: next === undefined ? {} : { next_cursor: next } });

/** Every item a walk yields, and how it ended. */
async function walk(iterable: AsyncIterable<{ technique_id: string }>): Promise<{ ids: string[]; error?: unknown }> {
  const ids: string[] = [];
  try {
    for await (const t of iterable) ids.push(t.technique_id);
    return { ids };
  } catch (error) {
    return { ids, error };
  }
}

describe('pagination', () => {
  it('follows every page to the end', async () => {
    const { fetch, requests } = scriptedFetch(page(['a'], 'c1'), page(['b'], 'c2'), page(['c']));
    expect(await walk(testClient(fetch).techniques.list())).toEqual({ ids: ['a', 'b', 'c'] });
    expect(requests.map((r) => new URL(r.url).searchParams.get('cursor'))).toEqual([null, 'c1', 'c2']);
  });

  it('a cursor that comes back is a PaginationError, after the items already read', async () => {
    // (A last page ends the script, so a client without the check fails this test rather than hangs.)
    const { fetch, requests } = scriptedFetch(page(['a'], 'c1'), page(['b'], 'c2'), page(['c'], 'c1'), page(['end']));
    const { ids, error } = await walk(testClient(fetch).techniques.list());
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).reason).toBe('repeated_cursor');
    expect(requests).toHaveLength(3);
  });

  it('a page giving the cursor the walk started from is a loop too', async () => {
    const { fetch } = scriptedFetch(page(['a'], 'start'), page(['end']));
    const { error } = await walk(testClient(fetch).techniques.list({ cursor: 'start' }));
    expect((error as PaginationError).reason).toBe('repeated_cursor');
  });

  it('a list that never ends stops at maxPages (default 1,000), as a PaginationError', async () => {
    let n = 0;
    // (It ends after 3,000 pages, so a client without the bound fails this test rather than hangs.)
    const { fetch, requests } = scriptedFetch(() => (n < 3000 ? page([`t${n}`], `c${++n}`) : page(['last'])));
    const five = await walk(testClient(fetch).techniques.list({}, { maxPages: 5 }));
    expect(five.ids).toHaveLength(5);
    expect(five.error).toBeInstanceOf(PaginationError);
    expect((five.error as PaginationError).reason).toBe('max_pages');
    expect(requests).toHaveLength(5);
    const byDefault = await walk(testClient(fetch).techniques.list());
    expect((byDefault.error as PaginationError).reason).toBe('max_pages');
    expect(requests).toHaveLength(5 + 1000);
  });

  it('the bound holds from page to page with getNextPage(); a page read again is no loop', async () => {
    const { fetch } = scriptedFetch(page(['a'], 'c1'), page(['b'], 'c2'), page(['c'], 'c3'), page(['end']));
    const first = await testClient(fetch).techniques.list({}, { maxPages: 2 });
    const second = await first.getNextPage();
    expect((await first.getNextPage()).getPaginatedItems()).toHaveLength(1);
    await expect(second.getNextPage()).rejects.toMatchObject({ reason: 'max_pages', pages: 2 });
  });

  it('refuses a maxPages that is not a whole number of 1 or more, as a rejection', async () => {
    const { fetch, requests } = scriptedFetch(page([]));
    for (const maxPages of [0, -1, 1.5, Number.NaN]) {
      await expect(testClient(fetch).techniques.list({}, { maxPages })).rejects.toBeInstanceOf(InputValidationError);
    }
    expect(requests).toHaveLength(0);
  });
});
