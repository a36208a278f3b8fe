/**
 * The `live` profile answers as FLORA's SDK 0.11.0 and its batch guidance describe the live API, and
 * never outside what the SDK documents (the live layer: the spec with spec/live.overlay.yaml applied); the client reads
 * it as data, and waits on `status` alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStartedResponse, TechniqueRun } from '../../generated/answers.js';
import { ACTION_IDS } from '../../generated/constants.js';
import { Flora } from '../client.js';
import { RunFailedError } from '../core/errors.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from './index.js';
import { CHARGE_SETTLES_SECONDS, finalCharge } from './runs.js';
import { call, CREATE_BODY, START_BODY } from './spec-check.test-helper.js';

let live: Simulator;
let failing: Simulator;
beforeAll(async () => {
  live = await startSimulator({ profile: 'live', seed: 11, pendingSeconds: 1, runDurationSeconds: 20 });
  failing = await startSimulator({ profile: 'live', seed: 12, failureRate: 1, timeScale: 100 });
});
afterAll(async () => {
  await Promise.all([live.close(), failing.close()]);
});

const start = (s: Simulator, technique_id: string) => call<RunStartedResponse>(s.url, 'POST', '/runs/technique', { body: { ...START_BODY, technique_id }, live: true });

describe('simulator, live profile', () => {
  it('starts: nulls for absent fields, some estimates unknown, action ids only FLORA’s SDK lists, poll_url at /runs/{runId}', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => start(live, i % 2 ? 'tech_prod5678' : 'tech_abcd1234')));
    for (const { body } of answers) {
      expect(body.model).toBeNull();
      expect(body.poll_url).toBe(`${live.url}/runs/${body.run_id}`);
    }
    expect(answers.filter((a) => a.body.estimated_seconds === null).length).toBeGreaterThan(0);
    expect(answers.filter((a) => typeof a.body.estimated_seconds === 'number').length).toBeGreaterThan(0);
    const actions = answers.map((a) => a.body.action?.action_id ?? null);
    expect(actions).toContain(null);
    expect(actions).toContain('crop-image-browser');
    expect((ACTION_IDS as readonly string[]).includes('crop-image-browser')).toBe(false);
  });

  it('serves GET /runs/{runId}, where poll_url points', async () => {
    const { body } = await start(live, 'tech_abcd1234');
    const read = await call<TechniqueRun>(live.url, 'GET', `/runs/${body.run_id}`, { live: true });
    expect(read.status).toBe(200);
    expect(read.body.run_id).toBe(body.run_id);
    const other = await call(live.url, 'GET', `/runs/run_not_there`, { live: true });
    expect(other.status).toBe(404);
  });

  it('quotes the charge until shortly after the end, then reports the final one', async () => {
    const created = await call<TechniqueRun>(live.url, 'POST', '/techniques/art-directors-critique/runs', { body: CREATE_BODY, live: true });
    const runId = created.body.run_id;
    live.advance(21.5);
    const ended = (await call<TechniqueRun>(live.url, 'GET', `/runs/${runId}`, { live: true })).body;
    expect(ended.status).toBe('completed');
    expect(ended.charged_cost).toBe(0.04);
    live.advance(CHARGE_SETTLES_SECONDS);
    const settled = (await call<TechniqueRun>(live.url, 'GET', `/runs/${runId}`, { live: true })).body;
    expect(settled.charged_cost).toBe(finalCharge(0.04));
    expect(settled.charged_cost).not.toBe(ended.charged_cost);
  });

  it('fails runs at progress 100 with a completed_at, and the client still sees a failure by status alone', async () => {
    const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: failing.url, logLevel: 'off' });
    const error = await flora.techniques.runs.createAndWait('art-directors-critique', { ...CREATE_BODY, inputs: [...CREATE_BODY.inputs] }, { minInterval: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    const run = (error as RunFailedError<TechniqueRun>).run;
    expect(run).toMatchObject({ status: 'failed', progress: 100, error_code: 'provider_error' });
    expect(run.completed_at).toEqual(expect.any(Number));
  });

  it('the client reads every live answer as data, and waits a top-level run through GET /runs/{runId}', async () => {
    const requests: string[] = [];
    const fetch = (r: Request) => {
      requests.push(`${r.method} ${new URL(r.url).pathname}`);
      return globalThis.fetch(r);
    };
    const s = await startSimulator({ profile: 'live', seed: 13, timeScale: 100 });
    try {
      const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: s.url, logLevel: 'off', fetch });
      const runs = await Promise.all(['tech_abcd1234', 'tech_prod5678', 'tech_doc43210'].map((technique_id) => flora.runs.startTechniqueAndWait({ ...START_BODY, technique_id }, { minInterval: 50 })));
      for (const run of runs) expect(run.status).toBe('completed');
      expect(requests.filter((r) => r.startsWith('GET /api/v1/runs/')).length).toBeGreaterThanOrEqual(3);
      expect(requests.filter((r) => r.startsWith('GET /api/v1/techniques/'))).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
