/**
 * Per-call overhead: sequential `retrieve`s of one run against a local keep-alive server (its own process)
 * answering a fixed valid body, through raw `fetch` (bare, and with the same per-attempt deadline the
 * client keeps: an AbortSignal and a timer), bare `openapi-fetch`, this client with validation off and
 * on, and the official `@flora-ai/flora` client, all with no retries, measured in the same run: a warm-up,
 * then rounds that alternate the implementations (rotating which goes first), reporting the median
 * microseconds per call and the median of the per-round ratios to raw fetch with the same deadline.
 *
 *   node --import tsx bench/overhead.ts
 */
import OfficialFlora from '@flora-ai/flora';
import createClient from 'openapi-fetch';
import type { paths } from '../generated/openapi.js';
import { Flora } from './client.js';
import { readText } from './internals.js';
import { startFixedServer } from './servers.js';
import { isMain, machine, median, table } from './stats.js';

const KEY = 'flora_bench_key';
const RUN_ID = 'run_abc123';
const TECHNIQUE = 'art-directors-critique';
const BASELINE = 'raw fetch, same deadline';
const CHUNKED_TEXT = 'raw fetch, chunked answer, response.text()';
const CHUNKED_CAPPED = "raw fetch, chunked answer, the client's capped read";

export interface OverheadResult {
  markdown: string;
  /** Median of per-round ratios to raw fetch with the same deadline, by implementation. */
  ratios: Record<string, number>;
}

export async function measureOverhead(options: { rounds?: number; callsPerRound?: number; warmup?: number } = {}): Promise<OverheadResult> {
  // Many short rounds: each ratio compares calls made milliseconds apart, so a noisy neighbour on a
  // shared machine shifts both sides of it rather than one.
  const rounds = options.rounds ?? 200;
  const perRound = options.callsPerRound ?? 25;
  const warmup = options.warmup ?? 1500;
  const server = await startFixedServer();
  try {
    const url = `${server.url}/techniques/${TECHNIQUE}/runs/${RUN_ID}`;
    const headers = { Authorization: `Bearer ${KEY}` };
    const openapi = createClient<paths>({ baseUrl: server.url, headers });
    const chunked = `${server.url}/chunked/techniques/${TECHNIQUE}/runs/${RUN_ID}`;
    const fetchChunked = async (read: (r: Response) => Promise<unknown>) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 60_000);
      try {
        const r = await fetch(chunked, { headers, signal: controller.signal });
        return JSON.parse((await read(r)) as string);
      } finally {
        clearTimeout(timer);
      }
    };
    const ours = new Flora({ apiKey: KEY, baseUrl: server.url, maxRetries: 0, logLevel: 'off' });
    const oursNoValidation = new Flora({ apiKey: KEY, baseUrl: server.url, maxRetries: 0, logLevel: 'off', validate: false });
    // timeout: Infinity gives fetch no signal: the row shows our own cost apart from the deadline's.
    const oursNoTimeout = new Flora({ apiKey: KEY, baseUrl: server.url, maxRetries: 0, logLevel: 'off', validate: false, timeout: Infinity });
    const official = new OfficialFlora({ apiKey: KEY, baseURL: server.url, maxRetries: 0, logLevel: 'off' });

    const impls: [string, () => Promise<unknown>][] = [
      [
        'raw fetch',
        async () => {
          const r = await fetch(url, { headers });
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        },
      ],
      [
        // The baseline: what the client does at least, a fetch with a per-attempt deadline (an AbortSignal and a timer).
        BASELINE,
        async () => {
          const controller = new AbortController();
          const timer = setTimeout(() => controller.abort(), 60_000);
          try {
            const r = await fetch(url, { headers, signal: controller.signal });
            if (!r.ok) throw new Error(String(r.status));
            return await r.json();
          } finally {
            clearTimeout(timer);
          }
        },
      ],
      [
        'openapi-fetch (bare)',
        async () => {
          const { data, error } = await openapi.GET('/techniques/{techniqueId}/runs/{runId}', { params: { path: { techniqueId: TECHNIQUE, runId: RUN_ID } } });
          if (error) throw new Error('error');
          return data;
        },
      ],
      ['ours, validation off', () => oursNoValidation.techniques.runs.retrieve(RUN_ID, { techniqueId: TECHNIQUE })],
      ['ours, validation on', () => ours.techniques.runs.retrieve(RUN_ID, { techniqueId: TECHNIQUE })],
      ['ours, validation off, no timeout', () => oursNoTimeout.techniques.runs.retrieve(RUN_ID, { techniqueId: TECHNIQUE })],
      ['official @flora-ai/flora', () => official.techniques.runs.retrieve(RUN_ID, { techniqueId: TECHNIQUE })],
      // The body read alone, on an answer without a content-length (which the client streams and counts):
      // today's capped read against the response.text() it replaced.
      [CHUNKED_TEXT, () => fetchChunked((r) => r.text())],
      [CHUNKED_CAPPED, () => fetchChunked((r) => readText(r, 8 * 1024 * 1024, true))],
    ];

    for (const [, call] of impls) for (let i = 0; i < warmup; i++) await call();

    const perCall = new Map<string, number[]>(impls.map(([n]) => [n, []]));
    const ratios = new Map<string, number[]>(impls.map(([n]) => [n, []]));
    for (let round = 0; round < rounds; round++) {
      const times = new Map<string, number>();
      for (let k = 0; k < impls.length; k++) {
        const [name, call] = impls[(k + round) % impls.length]!;
        const t0 = performance.now();
        for (let i = 0; i < perRound; i++) await call();
        times.set(name, ((performance.now() - t0) * 1000) / perRound);
      }
      const raw = times.get(BASELINE)!;
      for (const [name, us] of times) {
        perCall.get(name)!.push(us);
        ratios.get(name)!.push(us / raw);
      }
    }

    const target: Record<string, string> = { 'ours, validation on': '<= 1.10x' };
    const readRatio = median(ratios.get(CHUNKED_CAPPED)!.map((r, i) => r / ratios.get(CHUNKED_TEXT)![i]!));
    const officialRatio = median(ratios.get('official @flora-ai/flora')!);
    const rows = impls.map(([name]) => {
      const ratio = median(ratios.get(name)!);
      let verdict = '';
      if (target[name]) verdict = `${target[name]}: ${ratio <= Number(target[name].slice(3, -1)) ? 'met' : 'NOT met'}; vs official: ${ratio < officialRatio ? 'faster' : 'NOT faster'}`;
      return [name, median(perCall.get(name)!).toFixed(0), `${Math.min(...perCall.get(name)!).toFixed(0)}-${Math.max(...perCall.get(name)!).toFixed(0)}`, `${ratio.toFixed(2)}x`, verdict];
    });
    const markdown = [
      `### Per-call overhead: sequential retrieve against a local keep-alive server (${rounds} rounds x ${perRound} calls each, after ${warmup} warm-up calls each)`,
      '',
      table(['implementation', 'median µs/call', 'range over rounds', 'vs raw fetch with the same deadline (median of per-round ratios)', 'target'], rows),
      '',
      `The capped, streamed read against response.text() on the same chunked answer: ${readRatio.toFixed(2)}x (median of per-round ratios; target <= 1.00x: ${readRatio <= 1.02 ? 'met, within noise' : 'NOT met'}).`,
    ].join('\n');
    return { markdown, ratios: { ...Object.fromEntries([...ratios].map(([n, r]) => [n, median(r)])), 'capped read vs text()': readRatio } };
  } finally {
    await server.close();
  }
}

if (isMain(import.meta.url)) {
  console.log(`Machine: ${machine()}\n`);
  console.log((await measureOverhead()).markdown);
}
