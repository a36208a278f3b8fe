/**
 * Polling efficiency: GETs per run and the delay between a run ending and the client noticing, for
 * runs of 2, 10, 30 and 120 s, our adaptive poller (with and without a known estimate) beside a fixed
 * 500 ms poller, in the same run. Time is simulated (fake timers), so the figures are exact and the
 * machine's load does not matter. `npm run bench:polling`.
 */
import { expect, it, vi } from 'vitest';
import type { TechniqueRun } from '../generated/openapi.js';
import { sleep } from '../src/core/timers.js';
import { json, NESTED_BODY, RUN, scriptedFetch, STARTED, testClient, TOP_BODY, type Recorded } from '../src/test-utils.js';

const DURATIONS = [2, 10, 30, 120];

/**
 * A run lasting `seconds` (plus 137 ms, so it does not end in step with a 500 ms poller) from its start
 * request, progressing linearly, or reporting 0% until done when `silent`; records when it ended.
 */
function server(seconds: number, silent = false) {
  let t0 = 0;
  const state = { gets: 0, endedAt: 0 };
  const answer = (req: Recorded) => {
    if (req.method === 'POST') {
      t0 = Date.now();
      state.endedAt = t0 + seconds * 1000 + 137;
      return req.url.endsWith('/runs/technique') ? json({ ...STARTED, estimated_seconds: seconds }) : json(RUN);
    }
    state.gets++;
    const elapsed = Date.now() - t0;
    const done = Date.now() >= state.endedAt;
    const progress = done ? 100 : silent ? 0 : Math.floor((100 * elapsed) / (state.endedAt - t0));
    const run: TechniqueRun = { ...RUN, status: done ? 'completed' : 'running', progress };
    return json(run);
  };
  return { ...scriptedFetch(answer), state };
}

type Poller = 'fixed 500 ms' | 'adaptive, no estimate, no progress' | 'adaptive, no estimate' | 'adaptive, estimate';

async function measure(poller: Poller, seconds: number) {
  const { fetch, state } = server(seconds, poller === 'adaptive, no estimate, no progress');
  const client = testClient(fetch);
  const run = (async () => {
    if (poller === 'adaptive, estimate') return client.runs.startTechniqueAndWait(TOP_BODY);
    if (poller.startsWith('adaptive, no estimate')) return client.techniques.runs.createAndWait('t', NESTED_BODY);
    const started = await client.techniques.runs.create('t', NESTED_BODY);
    for (;;) {
      await sleep(500);
      const r = await client.techniques.runs.retrieve(started.run_id, { techniqueId: 't' });
      if (r.status === 'completed') return r;
    }
  })();
  await vi.runAllTimersAsync();
  await run;
  return { gets: state.gets, delayMs: Date.now() - state.endedAt };
}

it('prints the polling table', async () => {
  vi.useFakeTimers();
  const rows: string[] = [];
  const pollers: Poller[] = ['fixed 500 ms', 'adaptive, no estimate, no progress', 'adaptive, no estimate', 'adaptive, estimate'];
  for (const seconds of DURATIONS) {
    const figures = [];
    for (const p of pollers) figures.push({ p, ...(await measure(p, seconds)) });
    const fixed = figures[0]!;
    const bound = Math.max(500, 0.05 * seconds * 1000);
    for (const f of figures) {
      rows.push(
        `| ${seconds} s | ${f.p} | ${f.gets} | ${(f.gets / fixed.gets).toFixed(2)}x | ${(f.delayMs / 1000).toFixed(2)} s | ${f.delayMs < bound ? 'yes' : 'no'} |`,
      );
    }
    const est = figures.find((f) => f.p === 'adaptive, estimate')!;
    if (seconds === 120) expect(est.gets).toBeLessThanOrEqual(10);
    for (const f of figures) expect(f.delayMs).toBeLessThan(bound);
  }
  vi.useRealTimers();
  console.log(
    [
      '',
      '| run | poller | GETs | GETs vs fixed 500 ms | notice delay | under max(0.5 s, 5%) |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
});
