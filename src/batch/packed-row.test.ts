/** A row kept packed reads back as the journal holds it: from its raw columns, and after the pipeline changed it. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toColumns, toItem, COLUMNS, type ItemRow, type Row } from './journal-rows.js';
import { packColumns, packRow, unpackRow } from './packed-row.js';

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** A cost or quote (SQLite keeps no -0, and neither does JSON). */
const money = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const json = fc.jsonValue().filter((v) => v !== null);
const row: fc.Arbitrary<ItemRow> = fc.record({
  seq: fc.nat(),
  id: fc.string({ minLength: 1 }),
  line: fc.nat(),
  inputs: json,
  digest: fc.string(),
  state: fc.constantFrom('pending', 'starting', 'started', 'completed', 'failed', 'review' as const),
  attempt: fc.integer({ min: 1, max: 9 }),
  key: opt(fc.string()),
  keyAt: opt(fc.nat()),
  anchorRunId: opt(fc.string()),
  runId: opt(fc.string()),
  quote: opt(money),
  status: opt(fc.string()),
  outputs: opt(json),
  chargedCost: opt(money),
  errorCode: opt(fc.string()),
  errorMessage: opt(fc.string()),
  foundBy: opt(fc.constantFrom('answer', 'lookup', 'results')),
  pastRuns: fc.array(fc.string()),
});

/** What a row's raw columns read as (SQLite hands back the text written). */
const raw = (r: ItemRow): Row => Object.fromEntries(COLUMNS.map((c, i) => [c, toColumns(r, null, 0)[i]]));

describe('packed rows', () => {
  it('read back as the journal reads them, from raw columns and from a changed row', () => {
    fc.assert(
      fc.property(row, (r) => {
        const expected = toItem(raw(r));
        expect(unpackRow(packColumns(raw(r)))).toEqual(expected);
        expect(unpackRow(packRow(expected))).toEqual(expected);
      }),
    );
  });

  it('packs a journal row to the same text whether read raw or parsed first', () => {
    const r = toItem(raw({ seq: 1, id: 'item-1', line: 2, inputs: [{ id: 'prompt', type: 'text', value: 'shot 1' }], digest: 'a'.repeat(64), state: 'completed', attempt: 1, key: 'k', keyAt: 1, anchorRunId: undefined, runId: 'run_1', quote: 0.1, status: 'completed', outputs: [{ url: 'http://x/1.png' }], chargedCost: 0.1, errorCode: undefined, errorMessage: undefined, foundBy: 'answer', pastRuns: [] }));
    expect(packColumns(raw(r))).toBe(packRow(r));
  });
});
