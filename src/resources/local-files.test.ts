/**
 * Local files as run inputs (`flora.file(...)`): uploaded first, the run started with the asset's URL, on
 * both routes and their waiting variants; never a run when an upload fails; nothing uploaded twice.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flora } from '../client.js';
import { IdempotencyDuplicateError, InputUploadError, InputValidationError } from '../core/errors.js';
import { DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID, startSimulator, type Simulator } from '../testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flora-inputs-'));
const hero = join(dir, 'hero.png');
writeFileSync(hero, Buffer.alloc(50_000, 9));

let sim: Simulator;
let flora: Flora;
beforeAll(async () => {
  sim = await startSimulator({ seed: 23, timeScale: 60 });
  flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
});
afterAll(() => sim.close());

const assetUrl = (v: unknown) => typeof v === 'string' && v.startsWith(`${sim.storageUrl}/media/asset_`);

describe('a local file as an input value', () => {
  it('createAndWait (nested route): the run gets the ready asset’s URL', async () => {
    const before = sim.listAssets().length;
    const run = await flora.techniques.runs.createAndWait('art-directors-critique', {
      inputs: [
        { id: 'prompt', type: 'text', value: 'critique this' },
        { id: 'reference', type: 'imageUrl', value: flora.file(hero) },
      ],
      mode: 'async',
    });
    expect(run.status).toBe('completed');
    const sent = sim.getRun(run.run_id)!.inputs as { id: string; value: string }[];
    expect(sent[0]).toEqual({ id: 'prompt', type: 'text', value: 'critique this' });
    expect(assetUrl(sent[1]!.value)).toBe(true);
    const asset = sim.listAssets().at(-1)!;
    expect(sim.listAssets().length).toBe(before + 1);
    expect(asset).toMatchObject({ name: 'hero.png', status: 'ready', workspaceId: DEFAULT_WORKSPACE_ID });
    expect(sent[1]!.value).toContain(asset.assetId);
  });

  it('startTechniqueAndWait (map form): one file named twice is uploaded once', async () => {
    const before = sim.listAssets().length;
    const photo = flora.file(Buffer.alloc(1000, 1), { file_name: 'photo.jpg' });
    const run = await flora.runs.startTechniqueAndWait({ technique_id: 'tech_abcd1234', workspace_id: DEFAULT_WORKSPACE_ID, inputs: { prompt: 'a', reference: photo, also: photo } });
    expect(run.status).toBe('completed');
    const inputs = sim.getRun(run.run_id)!.inputs as Record<string, string>;
    expect(assetUrl(inputs.reference)).toBe(true);
    expect(inputs.also).toBe(inputs.reference);
    expect(sim.listAssets().length).toBe(before + 1);
  });

  it('a call retried with its idempotency key uploads nothing twice and starts no second run', async () => {
    const body = { inputs: [{ id: 'reference', type: 'imageUrl' as const, value: flora.file(hero) }], mode: 'async' as const };
    const runs = sim.runCount();
    await flora.techniques.runs.create('art-directors-critique', body, { idempotencyKey: 'files-retry-1' });
    const assets = sim.listAssets().length;
    // A new LocalFile (as a new process would have): its upload keys come from the run's key.
    const again = { ...body, inputs: [{ ...body.inputs[0]!, value: flora.file(hero) }] };
    await expect(flora.techniques.runs.create('art-directors-critique', again, { idempotencyKey: 'files-retry-1' })).rejects.toBeInstanceOf(IdempotencyDuplicateError);
    expect(sim.listAssets().length).toBe(assets);
    expect(sim.runCount()).toBe(runs + 1);
  });

  it('an upload that fails starts no run, and the error names the input', async () => {
    const runs = sim.runCount();
    sim.failNextUploads(1, 'serverError');
    const err = await flora.techniques.runs
      .create('art-directors-critique', { inputs: [{ id: 'reference', type: 'imageUrl', value: flora.file(Readable.from([Buffer.alloc(5 * 1024 * 1024)]), { file_name: 'big.png' }) }], mode: 'async' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputUploadError);
    expect((err as InputUploadError).input).toBe('inputs[0].value');
    expect((err as Error).message).toMatch(/no run was started/);
    expect(sim.runCount()).toBe(runs);
  });

  it('with checkInputs, a bad input is refused before any upload', async () => {
    const assets = sim.listAssets().length;
    const err = await flora.techniques.runs
      .create('art-directors-critique', { inputs: [{ id: 'nope', type: 'imageUrl', value: flora.file(hero) }], mode: 'async' }, { checkInputs: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputValidationError);
    expect(sim.listAssets().length).toBe(assets);
  });

  it('without a workspace to put it in, the nested route asks for one', async () => {
    const two = await startSimulator({ seed: 1 });
    try {
      const f = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: two.url, logLevel: 'off', fetch: async (r) => (new URL(r.url).pathname.endsWith('/workspaces') ? Response.json({ workspaces: [{ workspace_id: 'ws_a', name: 'a', role: 'owner', created_at: 0 }, { workspace_id: 'ws_b', name: 'b', role: 'owner', created_at: 0 }] }) : fetch(r)) });
      const err = await f.techniques.runs.create('art-directors-critique', { inputs: [{ id: 'reference', type: 'imageUrl', value: f.file(hero) }], mode: 'async' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputValidationError);
      expect((err as InputValidationError).fields[0]!.field).toBe('workspaceId');
      expect(two.runCount()).toBe(0);
    } finally {
      await two.close();
    }
  });
});
