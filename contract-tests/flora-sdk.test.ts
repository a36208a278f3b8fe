/**
 * FLORA's own SDK (`@flora-ai/flora` 0.11.0, generated from FLORA's real API description) as a second,
 * independent source about the live API:
 *  - answers shaped like every response type it declares for our operations (its nulls, its enum values)
 *    come back from our client as data, not errors;
 *  - its client, pointed at a Prism mock of our spec and at our simulator, lists techniques, workspaces and
 *    runs and reads a technique and a run, so our spec describes routes its client really calls;
 *  - its webhook verifier accepts what our simulator delivers, and our verifier accepts (and refuses)
 *    the signature headers its verifier does.
 * Where the two sources disagree, contract-tests/README.md says what we do and why.
 */
import FloraSdk, { Webhooks } from '@flora-ai/flora';
import type { GenerationRetrieveResponse } from '@flora-ai/flora/resources/generations';
import type { RunStartTechniqueResponse } from '@flora-ai/flora/resources/runs';
import type { RunCreateResponse, RunRetrieveResponse } from '@flora-ai/flora/resources/techniques/runs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Flora, PaginationError, ResponseValidationError } from '../src/index.js';
import { DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET, startSimulator, type Simulator } from '../src/testing/index.js';
import { signWebhook, verifyWebhook } from '../src/webhooks.js';
import { startReceiver } from '../src/test-utils.js';
import { liveSchemaProblems as liveProblems, schemaProblems } from '../generated/validators.js';
import { loadLiveLayer } from '../spec/spec.js';
import { spec } from './spec.js';

type SdkActionId = NonNullable<RunStartTechniqueResponse['action']>['action_id'];
type SdkStatus = RunRetrieveResponse['status'];
type SdkOutputType = RunRetrieveResponse.Output['type'];
type SdkRunType = RunStartTechniqueResponse['type'];

/** Every value of the SDK's enums, checked against its types both ways (a value it lacks fails to compile, and so does one missing). */
const SDK_ACTION_IDS = [
  'color-grade-image-browser', 'overlay-image-browser', 'draw-image-browser', 'crop-image-browser', 'scene-3d-image-browser',
  'blur-image-browser', 'change-image-ar-browser', 'rotate-image-browser', 'color-filter-image-browser', 'color-tint-image-browser',
  'filter-color-image-browser', 'duplicate-image-browser', 'side-by-side-composite-browser', 'add-shape-to-image-browser',
  'add-text-to-image-browser', 'qr-code-generator-browser', 'resize-image-browser', 'shader-effect-browser', 'split-text-browser',
  'find-and-replace-text-browser', 'concat-text-browser', 'ken-burns-video', 'stitch-videos', 'split-video', 'extract-video-frames',
  'color-grade-video', 'video-to-frame-grid', 'boomerang-video', 'reverse-video', 'video-to-long-exposure', 'video-effect',
  'color-filter-video', 'speed-up-video', 'slow-down-video', 'duplicate-video', 'greenscreen-video', 'resize-video', 'change-video-ar',
  'split-audio-from-video', 'merge-audio-into-video',
] as const satisfies readonly SdkActionId[];
const SDK_STATUSES = ['pending', 'running', 'completed', 'failed'] as const satisfies readonly SdkStatus[];
const SDK_OUTPUT_TYPES = ['imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl'] as const satisfies readonly SdkOutputType[];
const SDK_RUN_TYPES = ['generation', 'technique', 'action'] as const satisfies readonly SdkRunType[];
type Exhausts<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
const exhaustive: [Exhausts<SdkActionId, (typeof SDK_ACTION_IDS)[number]>, Exhausts<SdkStatus, (typeof SDK_STATUSES)[number]>, Exhausts<SdkOutputType, (typeof SDK_OUTPUT_TYPES)[number]>, Exhausts<SdkRunType, (typeof SDK_RUN_TYPES)[number]>] = [true, true, true, true];

/** Answers a client gets, one after another. */
function clientAnswering(bodies: unknown[], options: { validate?: 'strict' } = {}) {
  let i = 0;
  const fetch = async () => new Response(JSON.stringify(bodies[i++]), { headers: { 'content-type': 'application/json' } });
  return new Flora({ apiKey: 'flora_sdk_test', baseUrl: 'https://api.example.test/v1', fetch, logLevel: 'off', maxRetries: 0, ...options });
}

const startedAnswers: RunStartTechniqueResponse[] = [
  ...SDK_ACTION_IDS.map((action_id): RunStartTechniqueResponse => ({ charged_cost: 0.01, estimated_seconds: null, run_id: `run_${action_id}`, type: 'action', action: { action_id } })),
  ...SDK_RUN_TYPES.map((type): RunStartTechniqueResponse => ({ charged_cost: 0, estimated_seconds: 12, run_id: `run_${type}`, type, action: null, model: null, poll_url: null, project_id: null, technique: null })),
  { charged_cost: 0.04, estimated_seconds: 45, run_id: 'run_full', type: 'technique', model: { model_id: 't2i-flux-2-pro' }, poll_url: 'https://app.flora.ai/api/v1/runs/run_full', project_id: 'prj_1', technique: { name: 'Critique', technique_id: 'tech_abcd1234' } },
];
const runAnswers: (RunCreateResponse & RunRetrieveResponse & GenerationRetrieveResponse)[] = SDK_STATUSES.flatMap((status) =>
  SDK_OUTPUT_TYPES.map((type) => ({ created_at: 1767225600, progress: status === 'failed' ? 100 : 50, run_id: `run_${status}_${type}`, status, outputs: [{ output_id: 'output_1', type, url: 'https://media.flora.ai/x' }] })),
);

describe('answers shaped like FLORA’s SDK 0.11.0 types', () => {
  it("the live layer (spec/live.overlay.yaml) admits exactly the SDK's action ids beside the pages' own", () => {
    expect(exhaustive).toEqual([true, true, true, true]);
    const pages = spec.components.schemas.ActionId!.enum as string[];
    const live = loadLiveLayer().schemas.ActionId!.enum as string[];
    expect(new Set(live)).toEqual(new Set([...pages, ...SDK_ACTION_IDS]));
  });

  it("every answer shaped like the SDK's types passes the live layer's generated checks with no difference at all, while the spec's own checks find each null and new action id", () => {
    const seen = new Set<string>();
    for (const answer of startedAnswers) {
      expect(liveProblems('RunStartedResponse', answer), JSON.stringify(answer)).toEqual([]);
      for (const p of schemaProblems('RunStartedResponse', answer)) seen.add(p.field);
    }
    for (const answer of runAnswers) expect(liveProblems('TechniqueRun', answer)).toEqual([]);
    expect([...seen].sort()).toEqual(['action', 'action.action_id', 'estimated_seconds', 'model', 'poll_url', 'project_id', 'technique']);
  });

  it(`POST /runs/technique: all ${startedAnswers.length} (every action id, every run type, every null) are data`, async () => {
    const client = clientAnswering(startedAnswers);
    for (const answer of startedAnswers) expect(await client.runs.startTechnique({ inputs: {}, technique_id: 'tech_1', workspace_id: 'ws_1' })).toEqual(answer);
  });

  it(`the nested create and retrieve, and GET /runs/{runId}: all ${runAnswers.length} (every status, every output type) are data`, async () => {
    const client = clientAnswering([...runAnswers, ...runAnswers, ...runAnswers]);
    for (const answer of runAnswers) expect(await client.techniques.runs.create('t', { inputs: [], mode: 'async' })).toEqual(answer);
    for (const answer of runAnswers) expect(await client.techniques.runs.retrieve(answer.run_id, { techniqueId: 't' })).toEqual(answer);
    for (const answer of runAnswers) expect(await client.generations.retrieve(answer.run_id)).toEqual(answer);
  });

  it("read strictly (as this suite reads the spec's own targets), the SDK's nulls and new action ids are differences from the spec", async () => {
    const strict = clientAnswering([startedAnswers[0], startedAnswers.at(-2)], { validate: 'strict' });
    for (let i = 0; i < 2; i++) await expect(strict.runs.startTechnique({ inputs: {}, technique_id: 'tech_1', workspace_id: 'ws_1' })).rejects.toBeInstanceOf(ResponseValidationError);
  });
});

describe('webhooks: FLORA’s SDK and our simulator and verifier interoperate', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 60, seed: 5, failureRate: 0.5 });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it("FLORA's SDK unwraps the simulator's deliveries (completed and failed), and so do we", async () => {
    const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
    const url = `${receiver.origin}/hook`;
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => flora.techniques.runs.create('art-directors-critique', { inputs: [{ id: 'prompt', type: 'text', value: 'fox' }], mode: 'async', callback_url: url })),
    );
    sim.advance(3600);
    await sim.callbacksSettled();
    expect(receiver.received.length).toBe(runs.length);
    const sdk = new Webhooks();
    const types = new Set<string>();
    for (const { body, headers } of receiver.received) {
      const theirs = await sdk.unwrap(body, headers as Record<string, string>, DEFAULT_WEBHOOK_SECRET);
      const ours = await verifyWebhook(body, headers, DEFAULT_WEBHOOK_SECRET);
      expect(ours).toEqual(theirs);
      expect(theirs.id).toMatch(/^whd_/);
      expect(theirs.data.run_type).toBe('technique');
      // Unix milliseconds, as the SDK documents it: within a few hours of now (simulated time ran ahead).
      expect(Math.abs(theirs.created_at - Date.now())).toBeLessThan(3 * 3600 * 1000);
      types.add(theirs.type);
    }
    expect([...types].sort()).toEqual(['run.completed', 'run.failed']);
  });

  it('our verifier accepts every signature header form the SDK accepts, and refuses what it refuses', async () => {
    const body = JSON.stringify({ id: 'whd_1', type: 'run.completed', api_version: '2026-06-11', created_at: Date.now(), data: { run_id: 'run_1', run_type: 'technique', workspace_id: 'ws_1', status: 'completed' } });
    const t = Math.floor(Date.now() / 1000);
    const good = (await signWebhook(body, DEFAULT_WEBHOOK_SECRET, t)).split('v1=')[1]!;
    const bad = (await signWebhook(body, 'whsec_other', t)).split('v1=')[1]!;
    const forms: [string, string | string[]][] = [
      ['canonical', `t=${t},v1=${good}`],
      ['rotation: another v1 first', `t=${t},v1=${bad},v1=${good}`],
      ['spaces around parts', ` t=${t} ,  v1=${good} `],
      ['unknown schemes and stray parts', `t=${t},v0=abc,stray,v2=zz,v1=${good}`],
      ['a short v1 beside the good one', `t=${t},v1=abc,v1=${good}`],
      ['an array (repeated header)', [`t=${t},v1=${good}`]],
      ['order reversed', `v1=${good},t=${t}`],
      ['no matching v1', `t=${t},v1=${bad}`],
      ['no t', `v1=${good}`],
      ['no v1', `t=${t}`],
      ['upper-case hex', `t=${t},v1=${good.toUpperCase()}`],
      ['another t', `t=${t - 1},v1=${good}`],
      ['too old', `t=${t - 3600},v1=${(await signWebhook(body, DEFAULT_WEBHOOK_SECRET, t - 3600)).split('v1=')[1]}`],
    ];
    const sdk = new Webhooks();
    const verdicts = await Promise.all(
      forms.map(async ([what, value]) => {
        const theirs = await sdk.unwrap(body, { 'flora-signature': value }, DEFAULT_WEBHOOK_SECRET).then(
          () => true,
          () => false,
        );
        let ours = true;
        try {
          await verifyWebhook(body, { 'flora-signature': value }, DEFAULT_WEBHOOK_SECRET);
        } catch {
          ours = false;
        }
        return { what, theirs, ours };
      }),
    );
    for (const v of verdicts) expect(v.ours, `${v.what}: the SDK says ${v.theirs}`).toBe(v.theirs);
    expect(verdicts.filter((v) => v.theirs).length).toBeGreaterThanOrEqual(7);
    expect(verdicts.filter((v) => !v.theirs).length).toBeGreaterThanOrEqual(5);
  });
});

describe.each([
  { name: 'a Prism mock of our spec', stateful: false },
  { name: 'our simulator', stateful: true },
])("FLORA's SDK client pointed at $name", ({ stateful }) => {
  let sdk: FloraSdk;
  let ours: Flora;
  let sim: Simulator | undefined;
  beforeAll(async () => {
    let baseURL = inject('prismUrl');
    let apiKey = 'contract-test-key';
    if (stateful) {
      sim = await startSimulator({ seed: 21 });
      baseURL = sim.url;
      apiKey = DEFAULT_API_KEY;
    }
    sdk = new FloraSdk({ apiKey, baseURL, maxRetries: 0, logLevel: 'off' });
    ours = new Flora({ apiKey, baseUrl: baseURL, logLevel: 'off', maxRetries: 0, validate: 'strict' });
  });
  afterAll(() => sim?.close());

  it('lists techniques (across pages with for await) and retrieves one', async () => {
    const page = await sdk.techniques.list({ limit: 2 });
    expect(page.techniques.length).toBeGreaterThan(0);
    const seen: string[] = [];
    for await (const t of sdk.techniques.list({ limit: 2 })) if (seen.push(t.technique_id) >= 10) break;
    const mine: string[] = [];
    let stopped: unknown;
    try {
      for await (const t of ours.techniques.list({ limit: 2 })) if (mine.push(t.technique_id) >= 10) break;
    } catch (err) {
      stopped = err;
    }
    if (stateful) {
      // Both clients follow the same cursors to the same techniques.
      expect(stopped).toBeUndefined();
      expect(seen).toEqual(mine);
      expect(seen.length).toBeGreaterThan(2);
    } else {
      // A mock answers the same page, cursor and all, every time: FLORA's SDK goes round it, ours stops at
      // the cursor that came back, having read the same techniques up to there.
      expect(stopped).toBeInstanceOf(PaginationError);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine).toEqual(seen.slice(0, mine.length));
    }
    const one = await sdk.techniques.retrieve(seen[0]!);
    expect(one.technique_id).toBe(stateful ? seen[0] : one.technique_id);
    expect(Array.isArray(one.inputs)).toBe(true);
  });

  it('lists workspaces', async () => {
    const { workspaces } = await sdk.workspaces.list();
    expect(workspaces.length).toBeGreaterThan(0);
    expect(workspaces[0]!.workspace_id).toMatch(/^ws_/);
    expect((await ours.workspaces.list()).workspaces.map((w) => w.workspace_id)).toEqual(workspaces.map((w) => w.workspace_id));
  });

  it('lists runs with its filters and retrieves one by id (GET /runs/{runId})', async () => {
    let runId: string;
    if (stateful) {
      runId = (await ours.techniques.runs.create('art-directors-critique', { inputs: [{ id: 'prompt', type: 'text', value: 'a fox' }], mode: 'async' })).run_id;
    } else runId = 'run_abc123';
    const page = await sdk.techniques.runs.list({ limit: 5, technique_id: 'art-directors-critique', status: 'pending' });
    expect(Array.isArray(page.technique_runs)).toBe(true);
    if (stateful) expect(page.technique_runs.map((r) => r.run_id)).toContain(runId);
    const run = await sdk.generations.retrieve(runId);
    if (stateful) expect(run.run_id).toBe(runId);
    const mine = await ours.generations.retrieve(runId);
    expect(mine.run_id).toBe(run.run_id);
  });
});

describe("FLORA's SDK assets.upload() against our simulator, in its three forms", () => {
  let sim: Simulator;
  let sdk: FloraSdk;
  let files: import('node:http').Server;
  let filesUrl: string;
  const body = new Uint8Array(300 * 1024).map((_, i) => (i * 31) % 251);
  beforeAll(async () => {
    sim = await startSimulator({ seed: 24, timeScale: 60 });
    sdk = new FloraSdk({ apiKey: DEFAULT_API_KEY, baseURL: sim.url, maxRetries: 0, logLevel: 'off' });
    const { createServer } = await import('node:http');
    files = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(body));
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesUrl = `http://127.0.0.1:${(files.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    files.close();
    await sim.close();
  });
  const sha = async (b: Uint8Array) => Buffer.from(await crypto.subtle.digest('SHA-256', new Uint8Array(b))).toString('hex');
  const poll = { pollIntervalMs: 50, pollTimeoutMs: 20_000 };

  it('direct bytes (at most 4 MB): a ready asset holding them', async () => {
    const asset = await sdk.assets.upload(Buffer.from(body), { workspace_id: 'ws_abc123', file_name: 'direct.png', content_type: 'image/png', ...poll });
    expect(asset).toMatchObject({ status: 'ready', uploaded_via: 'direct', name: 'direct.png' });
    expect(sim.getAsset(asset.asset_id)!.sha256).toBe(await sha(body));
  });

  it('a URL, fetched server-side (from loopback, the one place the simulator fetches)', async () => {
    const asset = await sdk.assets.upload(`${filesUrl}/fox.png`, { workspace_id: 'ws_abc123', ...poll });
    expect(asset).toMatchObject({ status: 'ready', uploaded_via: 'url', name: 'fox.png' });
    expect(sim.getAsset(asset.asset_id)!.sha256).toBe(await sha(body));
  });

  it('a signed upload (over 4 MB) to the storage host, with no API key sent there, completed and ready', async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 3).map((_, i) => i % 253);
    const before = sim.storageRequests.length;
    const asset = await sdk.assets.upload(new File([big], 'big.mp4', { type: 'video/mp4' }), { workspace_id: 'ws_abc123', ...poll });
    expect(asset).toMatchObject({ status: 'ready', uploaded_via: 'signed_url', name: 'big.mp4' });
    expect(sim.getAsset(asset.asset_id)).toMatchObject({ sizeBytes: big.length, sha256: await sha(big), uploads: 1 });
    expect(sim.storageRequests.slice(before).map((r) => [r.status, r.authorization])).toEqual([[204, false]]);
    // And ours reads what the SDK made.
    const ours = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', validate: 'strict' });
    expect((await ours.assets.retrieve(asset.asset_id)).asset_id).toBe(asset.asset_id);
  });
});
