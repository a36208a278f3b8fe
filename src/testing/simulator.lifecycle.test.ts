import { afterEach, describe, expect, it } from 'vitest';
import type { RunStartedResponse, TechniqueRun } from '../../generated/openapi.js';
import { DEFAULT_API_KEY, DEFAULT_TECHNIQUES, startSimulator, type Simulator, type SimulatorOptions } from './index.js';
import { call, CREATE_BODY, START_BODY } from './spec-check.test-helper.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
const start = async (options: SimulatorOptions = {}) => (sim = await startSimulator({ seed: 1, ...options }));
/** Simulated time that real time hardly moves (a real minute is 0.06 s): only advance() does, so no verdict depends on the machine's pace. */
const FROZEN = 0.001;

const create = (s: Simulator, technique = 'art-directors-critique') =>
  call<TechniqueRun>(s.url, 'POST', `/techniques/${technique}/runs`, { body: CREATE_BODY });
const get = (s: Simulator, technique: string, runId: string) => call<TechniqueRun>(s.url, 'GET', `/techniques/${technique}/runs/${runId}`);

describe('simulator: run lifecycle', () => {
  it('refuses a rate limit it could not apply when it starts, not with a 500 later', async () => {
    await expect(startSimulator({ rateLimit: { requests: 10, perSeconds: 0 } })).rejects.toThrow(/perSeconds/);
    await expect(startSimulator({ keys: { k: { rateLimit: { requests: 0, perSeconds: 1 } } } })).rejects.toThrow(/requests >= 1/);
  });

  it('listens on loopback under /api/v1', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(s.port).toBeGreaterThan(0);
  });

  it('goes pending -> running (progress rising) -> completed, following simulated time', async () => {
    const s = await start({ pendingSeconds: 1, runDurationSeconds: 20, timeScale: FROZEN });
    const t0 = Math.floor(s.now());
    const created = await create(s);
    expect(created.status).toBe(200);
    const run = created.body;
    expect(run).toMatchObject({ status: 'pending', progress: 0 });
    expect(run.run_id).toMatch(/^run_[a-z0-9]+$/);
    expect(run.created_at).toBeGreaterThanOrEqual(t0);
    expect(run.poll_url).toBe(`${s.url}/techniques/art-directors-critique/runs/${run.run_id}`);

    s.advance(6);
    const running = (await get(s, 'art-directors-critique', run.run_id)).body;
    expect(running.status).toBe('running');
    expect(running.progress).toBeGreaterThanOrEqual(20);
    expect(running.progress).toBeLessThan(35);
    expect(running.started_at).toBeGreaterThanOrEqual(run.created_at);
    expect(running.started_at).toBeLessThanOrEqual(run.created_at + 2);

    s.advance(8);
    const later = (await get(s, 'tech_abcd1234', run.run_id)).body;
    expect(later.status).toBe('running');
    expect(later.progress).toBeGreaterThan(running.progress);

    s.advance(10);
    const done = (await get(s, 'art-directors-critique', run.run_id)).body;
    expect(done).toMatchObject({ status: 'completed', progress: 100, charged_cost: 0.04 });
    expect(done.completed_at).toBeGreaterThanOrEqual(done.started_at!);
    expect(done.outputs?.map((o) => o.type)).toEqual(['text', 'imageUrl']);
    for (const o of done.outputs ?? []) expect(o.url.startsWith(`${s.mediaUrl}/media/${run.run_id}/`)).toBe(true);
    expect(done.error_code).toBeUndefined();
  });

  it('runs a two-minute run in under a second of real time at timeScale 120, on the real clock', async () => {
    const s = await start({ timeScale: 120, runDurationSeconds: 100, pendingSeconds: 5 });
    const began = performance.now();
    const run = (await create(s, 'storyboard-to-video')).body;
    expect(run.status).toBe('pending');
    // 105 simulated seconds are 0.875 real ones: after a real second it has ended, however slow the machine.
    await new Promise((r) => setTimeout(r, 1_000));
    const state = (await get(s, 'storyboard-to-video', run.run_id)).body;
    expect(performance.now() - began).toBeGreaterThanOrEqual(1_000);
    expect(state.status).toBe('completed');
    expect(state.completed_at! - state.created_at).toBeCloseTo(105, 0);
    expect(state.outputs?.map((o) => o.type)).toEqual(['videoUrl', 'audioUrl']);
  });

  it('produces one output of each of the technique catalog types', async () => {
    const s = await start({ runDurationSeconds: 0, pendingSeconds: 0 });
    for (const t of DEFAULT_TECHNIQUES) {
      const run = (await create(s, t.id)).body;
      const done = (await get(s, t.slug, run.run_id)).body;
      expect(done.status).toBe('completed');
      expect(done.outputs?.map((o) => o.type)).toEqual(t.outputTypes);
      expect(done.charged_cost).toBe(t.cost);
    }
  });

  it('fails every run with failureRate 1, with provider_error and no charge', async () => {
    const s = await start({ failureRate: 1, runDurationSeconds: 10 });
    const run = (await create(s)).body;
    s.advance(30);
    const failed = (await get(s, 'art-directors-critique', run.run_id)).body;
    expect(failed).toMatchObject({
      status: 'failed',
      error_code: 'provider_error',
      error_message: 'The provider failed to complete the generation.',
      charged_cost: 0,
    });
    expect(failed.progress).toBeLessThan(100);
    expect(failed.outputs).toBeUndefined();
  });

  it('picks the same runs to fail for the same seed', async () => {
    const outcomes = async (seed: number) => {
      const s = await startSimulator({ seed, failureRate: 0.5, runDurationSeconds: 0, pendingSeconds: 0 });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 8; i++) ids.push((await create(s)).body.run_id);
        return await Promise.all(ids.map(async (id) => `${id}:${(await get(s, 'art-directors-critique', id)).body.status}`));
      } finally {
        await s.close();
      }
    };
    const a = await outcomes(99);
    expect(await outcomes(99)).toEqual(a);
    expect(a.some((x) => x.endsWith('failed')) && a.some((x) => x.endsWith('completed'))).toBe(true);
  });

  it('starts a run through the top-level route and serves it on the nested GET', async () => {
    // Pending for 10 real minutes: the first poll sees it pending however slow the machine.
    const s = await start({ pendingSeconds: 1195, runDurationSeconds: 5, timeScale: 2 });
    const started = await call<RunStartedResponse>(s.url, 'POST', '/runs/technique', { body: START_BODY });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      type: 'technique',
      charged_cost: 0.04,
      estimated_seconds: 600, // (1195 s pending + 5 s running) at time scale 2, in the real seconds a client waits
      project_id: expect.stringMatching(/^prj_/),
      technique: { name: "Art Director's Critique", technique_id: 'tech_abcd1234' },
    });
    expect(started.body.poll_url).toBe(`${s.url}/techniques/tech_abcd1234/runs/${started.body.run_id}`);
    const polled = await call<TechniqueRun>(s.url, 'GET', new URL(started.body.poll_url!).pathname.replace('/api/v1', ''));
    expect(polled.body).toMatchObject({ run_id: started.body.run_id, status: 'pending' });
    s.advance(1300);
    expect((await get(s, 'art-directors-critique', started.body.run_id)).body.status).toBe('completed');
    expect(s.getRun(started.body.run_id)).toMatchObject({ startedVia: 'startTechnique', inputs: START_BODY.inputs });
  });

  it('lets tests inspect the stored runs per key', async () => {
    const s = await start({ keys: { [DEFAULT_API_KEY]: {}, other_key: { workspaceId: 'ws_other' } }, timeScale: FROZEN });
    await create(s);
    await create(s);
    await call(s.url, 'POST', '/techniques/product-shot/runs', { key: 'other_key', body: CREATE_BODY });
    expect(s.runCount()).toBe(3);
    expect(s.runCount(DEFAULT_API_KEY)).toBe(2);
    const [mine] = s.listRuns('other_key');
    expect(mine).toMatchObject({ apiKey: 'other_key', workspaceId: 'ws_other', startedVia: 'create', state: { status: 'pending' } });
    expect(mine?.technique.slug).toBe('product-shot');
  });

  it('accepts a runDurationSeconds function of the technique', async () => {
    const s = await start({ pendingSeconds: 0, runDurationSeconds: (t) => t.estimatedSeconds, timeScale: FROZEN });
    const critique = (await create(s, 'art-directors-critique')).body;
    const brand = (await create(s, 'brand-guidelines')).body;
    s.advance(30);
    expect((await get(s, 'art-directors-critique', critique.run_id)).body.status).toBe('running');
    expect((await get(s, 'brand-guidelines', brand.run_id)).body.status).toBe('completed');
  });
});
