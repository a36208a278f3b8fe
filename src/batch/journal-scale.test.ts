/** What keeps the journal's cost per item flat as a batch grows (the figures: `BENCH_SCALE=1 npm run bench:batch`). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Journal } from './journal.js';

describe('journal at scale', () => {
  // Every confirmed start numbers itself one past the highest number so far: without an index on the
  // number, each start scanned every item (25 ms an item at 100,000 items, the batch's whole pace).
  it('finds the last confirmed start through an index, not a scan of every item', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flora-journal-scale-')), 'b.journal');
    const items = Array.from({ length: 3 }, (_, i) => ({ id: `i${i}`, line: i + 1, inputs: [], digest: 'd' }));
    const journal = await Journal.create(path, { batchId: 'b', techniqueId: 't', workspaceId: undefined, route: 'nested', createdAt: 0, itemCount: 3 }, items);
    journal.starting('i1', 'k1', 1, Date.now(), undefined);
    journal.started('i1', 'run_1', undefined, 'answer');
    journal.starting('i0', 'k0', 1, Date.now(), 'run_1');
    journal.started('i0', 'run_0', undefined, 'answer');
    expect(journal.lastConfirmedRunId()).toBe('run_0');
    journal.close();
    const db = new Database(path, { readonly: true });
    const indexed = (db.pragma('index_list(items)') as { name: string }[]).flatMap((ix) => (db.pragma(`index_info(${ix.name})`) as { name: string }[]).map((c) => c.name));
    db.close();
    expect(indexed).toContain('confirm_no');
  });
});
