/**
 * Crash tests of `flora batch run`: a batch against the simulator (in its own process, with seeded faults:
 * lost answers before and after the run is recorded, 500s, corrupt bodies, a rate limit), its process
 * SIGKILLed at seeded random moments and started again until it finishes. Then, from the simulator's own
 * record: exactly one run per item, started with the item's derived key; one result line per item,
 * naming that run; no item lost; and every key the journal ever held for an item is the one it ended with
 * (a resumed process reused it). Once for each channel the simulator can honour the nested create's key in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/batch/journal.js';
import { itemKey } from '../src/batch/keys.js';
import type { IdempotencyChannel } from '../src/testing/index.js';
import type { RemoteSimulator } from '../reliability/remote-simulator.js';
import { bundleCli, crashSimulator, flora, FULL, readResults, seeded, sleep, table, workDir, writeItems } from './harness.js';

const ITEMS = FULL ? 1000 : 50;
const KILLS = FULL ? 10 : 2;
const rows: (string | number)[][] = [];
let bundle: string;

beforeAll(async () => {
  bundle = await bundleCli();
});
afterAll(() => {
  if (rows.length) console.log(`\nflora batch run, SIGKILLed and restarted\n${table(['channel', 'items', 'kills', 'processes', 'simulator runs', 'results', 'completed', 'failed', 'starts answered 409', 'found by lookup', 'dropped / 500 / 429 answers'], rows)}\n`);
});

/** Every key each item held in the journal, over all snapshots. */
async function journalKeys(path: string, into: Map<string, Set<string>>): Promise<void> {
  const journal = await Journal.open(path);
  try {
    for (const row of journal.items()) if (row.key) (into.get(row.id) ?? into.set(row.id, new Set()).get(row.id)!).add(row.key);
  } finally {
    journal.close();
  }
}

describe.each<IdempotencyChannel>(FULL ? ['header', 'body'] : ['header'])('flora batch run, idempotency channel %s', (channel) => {
  let sim: RemoteSimulator;
  beforeAll(async () => {
    sim = await crashSimulator(channel, channel === 'header' ? 17 : 18);
  });
  afterAll(async () => sim?.close());

  it(`${ITEMS} items, ${KILLS} kills: one run per item, one result per item, keys reused`, async () => {
    const dir = workDir();
    const items = `${dir}/items.jsonl`;
    const journal = `${dir}/batch.journal`;
    const out = `${dir}/results.jsonl`;
    const ids = writeItems(items, ITEMS);
    const random = seeded(channel === 'header' ? 1 : 2);
    const keys = new Map<string, Set<string>>();
    let kills = 0;
    let processes = 0;
    for (;;) {
      processes++;
      // Must not hang: a batch that makes no progress would loop here until the test's timeout.
      expect(processes).toBeLessThan(KILLS + 20);
      const p = flora(bundle, ['batch', 'run', '--technique-id', 'art-directors-critique', '--items', items, '--journal', journal, '--out', out, '--concurrency', '32', '--poll-interval', '0.1', '--quiet'], sim.url);
      if (kills < KILLS) {
        const at = 300 + random() * 1200;
        const ended = await Promise.race([p.exited, sleep(at).then(() => undefined)]);
        if (ended === undefined) {
          p.child.kill('SIGKILL');
          await p.exited;
          kills++;
          await journalKeys(journal, keys).catch(() => undefined); // killed before the journal existed: nothing to read
          continue;
        }
        expect(ended.code, p.output()).toBe(0);
        break;
      }
      const ended = await p.exited;
      // Exit 3 says some runs failed (the simulator fails 3% of them); anything else is a crash.
      expect([0, 3], p.output()).toContain(ended.code);
      break;
    }
    await journalKeys(journal, keys);
    const j = await Journal.open(journal);
    const batchId = j.meta.batchId;
    const foundByLookup = j.items().filter((r) => r.foundBy === 'lookup').length;
    j.close();

    const results = readResults(out);
    const runs = await sim.listRuns();
    const stats = await sim.stats();
    const create = stats.requests.create ?? {};
    rows.push([channel, ITEMS, kills, processes, runs.length, results.length, results.filter((r) => r.status === 'completed').length, results.filter((r) => r.status === 'failed').length, create['409'] ?? 0, foundByLookup, `${create.dropped ?? 0} / ${create['500'] ?? 0} / ${create['429'] ?? 0}`]);

    expect(kills).toBe(KILLS);
    // One result line per item, in the items' order, none lost or for review.
    expect(results.map((r) => r.id)).toEqual(ids);
    for (const r of results) expect(['completed', 'failed'], JSON.stringify(r)).toContain(r.status);
    // Exactly one simulator run per item, started with the item's derived key.
    expect(runs).toHaveLength(ITEMS);
    const byKey = new Map(runs.map((r) => [r.idempotencyKey, r]));
    expect(byKey.size).toBe(ITEMS);
    for (const r of results) {
      const run = byKey.get(itemKey(batchId, r.id));
      expect(run, r.id).toBeDefined();
      expect(r.run_id).toBe(run!.runId);
      expect(r.status).toBe(run!.status);
    }
    // The key an item had in any snapshot is the key it ended with: resumed processes reused it.
    for (const id of ids) expect([...(keys.get(id) ?? [])], id).toEqual([itemKey(batchId, id)]);
    // The faults did happen: lost answers were resent with their keys and answered 409.
    expect((create.dropped ?? 0) + (create['500'] ?? 0)).toBeGreaterThan(0);
    // And seeded 429s were waited out, not turned into failures.
    // (At 1,000 items 3% of starts certainly meet one; 50 items may meet none.)
    if (FULL) expect(create['429'] ?? 0).toBeGreaterThan(0);
  });
});
