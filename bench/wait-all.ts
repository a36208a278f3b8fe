/**
 * Waiting for many runs together: requests per polling round, and in all, for 1, 10, 100 and 500 runs of
 * one technique, `runs.waitAll` (one `GET /technique-runs` per 100 runs a round) beside per-run polling
 * (`techniques.runs.wait` on each, one GET per run a round), against the same simulator in the same run.
 * Counts requests, not time: the figures do not depend on the machine.
 *
 *   node --import tsx bench/wait-all.ts
 */
import { Flora } from '../src/index.js';
import { DEFAULT_API_KEY, startSimulator } from '../src/testing/index.js';
import { isMain, machine, table } from './stats.js';

const TECHNIQUE = 'art-directors-critique';
const BODY = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a red fox' }], mode: 'async' as const };
/** Both ways poll on the same fixed spacing, so their rounds compare one to one. */
const INTERVAL_MS = 200;

interface Count {
  list: number;
  get: number;
  /** Rounds: first-page list requests (waitAll), or the most GETs any one run made (per-run polling). */
  rounds: number;
}

function counted(baseUrl: string) {
  const count: Count = { list: 0, get: 0, rounds: 0 };
  const perRun = new Map<string, number>();
  const fetch = (request: Request) => {
    const url = new URL(request.url);
    if (request.method === 'GET' && url.pathname.endsWith('/technique-runs')) {
      count.list++;
      if (!url.searchParams.has('cursor')) count.rounds++;
    } else if (request.method === 'GET') {
      count.get++;
      const id = url.pathname.split('/').pop()!;
      perRun.set(id, (perRun.get(id) ?? 0) + 1);
    }
    return globalThis.fetch(request);
  };
  const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl, fetch, logLevel: 'off', maxRetries: 5 });
  return { client, count, perRunRounds: () => Math.max(0, ...perRun.values()) };
}

async function start(client: Flora, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => client.techniques.runs.create(TECHNIQUE, BODY)));
    ids.push(...batch.map((r) => r.run_id));
  }
  return ids;
}

export async function measureWaitAll(sizes = [1, 10, 100, 500]): Promise<{ markdown: string; rows: { n: number; together: Count; apart: Count }[] }> {
  // Each run lasts 3 s of wall time (60 simulated seconds at 20x): a dozen rounds or so at 200 ms.
  const sim = await startSimulator({ seed: 9, timeScale: 20, runDurationSeconds: 60, pendingSeconds: 1 });
  const rows: { n: number; together: Count; apart: Count }[] = [];
  try {
    for (const n of sizes) {
      const a = counted(sim.url);
      const ids = await start(a.client, n);
      await a.client.runs.waitAll(
        ids.map((run_id) => ({ run_id, technique_id: TECHNIQUE })),
        { minInterval: INTERVAL_MS, maxInterval: INTERVAL_MS, waitTimeout: 120_000 },
      );
      const b = counted(sim.url);
      const ids2 = await start(b.client, n);
      await Promise.all(ids2.map((id) => b.client.techniques.runs.wait(id, { techniqueId: TECHNIQUE }, { minInterval: INTERVAL_MS, maxInterval: INTERVAL_MS, waitTimeout: 120_000 })));
      b.count.rounds = b.perRunRounds();
      rows.push({ n, together: a.count, apart: b.count });
    }
  } finally {
    await sim.close();
  }
  const perRound = (c: Count) => (c.list + c.get) / Math.max(1, c.rounds);
  const markdown = table(
    ['runs waited together', 'waitAll: requests per round', 'waitAll: requests in all (rounds)', `per-run polling: requests per round`, 'per-run polling: requests in all (rounds)', 'requests, waitAll vs per-run'],
    rows.map(({ n, together, apart }) => [
      n,
      perRound(together).toFixed(2),
      `${together.list + together.get} (${together.rounds})`,
      perRound(apart).toFixed(2),
      `${apart.list + apart.get} (${apart.rounds})`,
      `${((together.list + together.get) / (apart.list + apart.get)).toFixed(3)}x`,
    ]),
  );
  return { markdown, rows };
}

if (isMain(import.meta.url)) {
  const { markdown, rows } = await measureWaitAll();
  console.log(`waitAll against per-run polling, one technique, polls every ${INTERVAL_MS} ms (${machine()})\n`);
  console.log(markdown);
  // One list request per 100 runs (plus one spare page at most) a round: the target the issue sets.
  const ok = rows.every(({ n, together }) => (together.list + together.get) / Math.max(1, together.rounds) <= Math.ceil(n / 100) + 1);
  console.log(`\ntarget (at most one request per 100 runs a round, plus one spare page): ${ok ? 'met' : 'NOT met'}`);
  process.exitCode = ok ? 0 : 1;
}
