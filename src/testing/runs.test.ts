import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunStore, type StoredRun } from './runs.js';

/** A stored run with only what the store reads; every property read is counted in `reads`. */
function counted(reads: { n: number }, fields: { runId: string; apiKey: string; endsAt?: number; callbackUrl?: string }): StoredRun {
  const run = { endsAt: 0, callbackUrl: undefined, callbackDispatched: false, ...fields } as unknown as StoredRun;
  return new Proxy(run, {
    get(target, key, receiver) {
      reads.n++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

describe('RunStore', () => {
  it('lists a key’s runs before a cursor, newest first, whatever the keys’ interleaving', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 60 }), fc.nat({ max: 70 }), fc.boolean(), (owners, before, all) => {
        const store = new RunStore();
        const reads = { n: 0 };
        owners.forEach((apiKey, i) => store.add(counted(reads, { runId: `run_${i}`, apiKey })));
        const cursor = all ? undefined : before;
        const got = [...store.newestFirst('a', cursor)].map((r) => r.runId);
        const expected = owners.flatMap((k, i) => (k === 'a' && (cursor === undefined || i < cursor) ? [`run_${i}`] : [])).reverse();
        expect(got).toEqual(expected);
        expect(store.list('a').map((r) => r.runId)).toEqual(owners.flatMap((k, i) => (k === 'a' ? [`run_${i}`] : [])));
        expect(store.list().length).toBe(owners.length);
      }),
    );
  });

  // What a request costs must not grow with the runs stored: a batch of 100,000 runs polls the list every
  // round, and the callback ticker runs every 25 ms. Counted in property reads, not timed.
  it('reads a page of the run list without touching the runs it does not return', () => {
    const store = new RunStore();
    const reads = { n: 0 };
    for (let i = 0; i < 20_000; i++) store.add(counted(reads, { runId: `run_${i}`, apiKey: i % 2 ? 'a' : 'b' }));
    reads.n = 0;
    const page: StoredRun[] = [];
    for (const r of store.newestFirst('a', 15_000)) if (page.push(r) === 101) break;
    expect(page[0]!.seq).toBe(14_999);
    expect(reads.n).toBeLessThan(500);
  });

  it('hands each ended run’s callback over once, looking only at runs that still owe one', () => {
    const store = new RunStore();
    const reads = { n: 0 };
    for (let i = 0; i < 20_000; i++) store.add(counted(reads, { runId: `run_${i}`, apiKey: 'a', endsAt: i }));
    store.add(counted(reads, { runId: 'cb_1', apiKey: 'a', endsAt: 5, callbackUrl: 'http://127.0.0.1/cb' }));
    store.add(counted(reads, { runId: 'cb_2', apiKey: 'a', endsAt: 50, callbackUrl: 'http://127.0.0.1/cb' }));
    reads.n = 0;
    expect(store.takeEndedAwaitingCallback(10).map((r) => r.runId)).toEqual(['cb_1']);
    expect(store.takeEndedAwaitingCallback(10)).toEqual([]);
    expect(reads.n).toBeLessThan(50);
    const [late] = store.takeEndedAwaitingCallback(60);
    expect(late?.runId).toBe('cb_2');
    expect(late?.callbackDispatched).toBe(true);
  });
});
