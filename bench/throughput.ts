/**
 * Throughput: runs started per second through the client (`runs.startTechnique`) at 1, 8 and 64 calls in
 * flight against the simulator in its own process (no faults, no rate limit), beside raw `fetch` POSTs of
 * the same request at the same concurrency, measured in the same run (alternating, median of rounds).
 *
 *   node --import tsx bench/throughput.ts
 */
import { Flora } from './client.js';
import { DEFAULT_API_KEY } from '../src/testing/index.js';
import { startSimulatorProcess } from './servers.js';
import { isMain, machine, median, table } from './stats.js';

const BODY = { inputs: { prompt: 'a red fox' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' };

async function runFor(ms: number, concurrency: number, call: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

export async function measureThroughput(options: { levels?: number[]; rounds?: number; windowMs?: number } = {}): Promise<{ markdown: string }> {
  const levels = options.levels ?? [1, 8, 64];
  const rounds = options.rounds ?? 3;
  const windowMs = options.windowMs ?? 1500;
  const sim = await startSimulatorProcess();
  try {
    const client = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
    const url = `${sim.url}/runs/technique`;
    const text = JSON.stringify(BODY);
    const raw = async () => {
      const r = await fetch(url, {
        method: 'POST',
        body: text,
        headers: { authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      });
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    };
    const ours = () => client.runs.startTechnique(BODY);
    await runFor(1000, 8, raw);
    await runFor(1000, 8, ours);
    const rows: (string | number)[][] = [];
    for (const c of levels) {
      const r: number[] = [];
      const o: number[] = [];
      for (let k = 0; k < rounds; k++) {
        if (k % 2 === 0) {
          r.push(await runFor(windowMs, c, raw));
          o.push(await runFor(windowMs, c, ours));
        } else {
          o.push(await runFor(windowMs, c, ours));
          r.push(await runFor(windowMs, c, raw));
        }
      }
      rows.push([c, median(o).toFixed(0), median(r).toFixed(0), `${(median(o) / median(r)).toFixed(2)}x`]);
    }
    const markdown = [
      `### Throughput: runs started per second (runs.startTechnique) against the simulator in its own process (median of ${rounds} windows of ${windowMs} ms)`,
      '',
      table(['in flight', 'ours: runs/s', 'raw fetch POST: runs/s', 'ours vs raw'], rows),
    ].join('\n');
    return { markdown };
  } finally {
    await sim.close();
  }
}

if (isMain(import.meta.url)) {
  console.log(`Machine: ${machine()}\n`);
  console.log((await measureThroughput()).markdown);
}
