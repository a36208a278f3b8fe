/**
 * Memory: heap used after 10,000 and after 100,000 `retrieve`s (validation on) against the local fixed
 * server, each after forced garbage collection. The growth between the two must be flat within noise
 * (< 5 MB): nothing may be kept per call. Needs `--expose-gc`.
 *
 *   node --expose-gc --import tsx bench/memory.ts
 */
import { Flora } from './client.js';
import { startFixedServer } from './servers.js';
import { isMain, machine, table } from './stats.js';

const LIMIT_MB = 5;

async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

export async function measureMemory(options: { calls?: number; baselineAt?: number; concurrency?: number } = {}): Promise<{ markdown: string; ok: boolean }> {
  const total = options.calls ?? 100_000;
  const baselineAt = options.baselineAt ?? 10_000;
  const concurrency = options.concurrency ?? 4;
  const server = await startFixedServer();
  try {
    const client = new Flora({ apiKey: 'flora_bench_key', baseUrl: server.url, logLevel: 'off', maxRetries: 0 });
    let done = 0;
    const until = async (n: number) => {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (done < n) {
            done++;
            await client.techniques.runs.retrieve('run_abc123', { techniqueId: 'art-directors-critique' });
          }
        }),
      );
    };
    const start = await settledHeap();
    const t0 = performance.now();
    await until(baselineAt);
    const atBaseline = await settledHeap();
    await until(total);
    const atEnd = await settledHeap();
    const seconds = (performance.now() - t0) / 1000;
    const mb = (b: number) => (b / 2 ** 20).toFixed(2);
    const growth = atEnd - atBaseline;
    const ok = growth < LIMIT_MB * 2 ** 20;
    const markdown = [
      `### Memory: heap used after garbage collection, ${total.toLocaleString('en')} retrieves (${concurrency} in flight, validation on, ${seconds.toFixed(0)} s)`,
      '',
      table(
        ['point', 'heap used (MB)'],
        [
          ['before any call', mb(start)],
          [`after ${baselineAt.toLocaleString('en')} calls`, mb(atBaseline)],
          [`after ${total.toLocaleString('en')} calls`, mb(atEnd)],
          [`growth from ${baselineAt.toLocaleString('en')} to ${total.toLocaleString('en')} calls`, `${mb(growth)} (${((growth / (total - baselineAt)) * 1000).toFixed(1)} bytes per 1,000 calls; limit ${LIMIT_MB} MB: ${ok ? 'flat' : 'GROWING'})`],
        ],
      ),
    ].join('\n');
    return { markdown, ok };
  } finally {
    await server.close();
  }
}

if (isMain(import.meta.url)) {
  console.log(`Machine: ${machine()}\n`);
  const result = await measureMemory();
  console.log(result.markdown);
  if (!result.ok) process.exitCode = 1;
}
