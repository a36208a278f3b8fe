/**
 * Target-agnostic response checks: through the client, each operation's answer is data (not an error)
 * that ajv, reading the spec, agrees with for that operation and status. Registered once per target
 * (./targets.ts) by ./targets.test.ts, and for the real API by ./real-api.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError, AuthenticationError, NotFoundError } from '../src/core/errors.js';
import type { APIPromise } from '../src/core/api-promise.js';
import { recordingClient, withRequestCheck, type OperationId, type RecordingClient } from './harness.js';
import { defaultCallParams } from './harness.js';
import { assertMatchesSpec, specOperation, successStatuses } from './spec.js';

const defaults = defaultCallParams();
import type { Target, TargetInstance } from './targets.js';

/**
 * Calls, checks Prism-style request violations, and checks the answer against the spec (with `live`,
 * the spec as FLORA's SDK describes the live API).
 */
export async function expectSpecAnswer<T>(rec: RecordingClient, operationId: OperationId, call: () => APIPromise<T>, live = false): Promise<{ data: T; status: number }> {
  const label = specOperation(operationId).label;
  const { data, response } = await withRequestCheck(label, rec, () => call().withResponse());
  expect(successStatuses(operationId), `${label} answered ${response.status}, which the spec does not document as a success`).toContain(
    response.status,
  );
  assertMatchesSpec(operationId, response.status, data, '', live);
  return { data, status: response.status };
}

/** Expects the call to fail with `errorClass` at `status`, with an error body the spec allows for that status. */
export async function expectSpecError<E extends APIError>(
  operationId: OperationId,
  status: number,
  errorClass: abstract new (...args: any[]) => E,
  call: () => Promise<unknown>,
): Promise<E> {
  const label = specOperation(operationId).label;
  let caught: unknown;
  let data: unknown;
  let resolved = false;
  try {
    data = await call();
    resolved = true;
  } catch (err) {
    caught = err;
  }
  if (resolved) throw new Error(`${label}: expected ${status} (${errorClass.name}), got data ${JSON.stringify(data)?.slice(0, 200)}`);
  if (!(caught instanceof errorClass)) {
    throw new Error(`${label}: expected ${errorClass.name} for ${status}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  }
  const err = caught as E;
  expect(err.status, `${label}: status of the ${errorClass.name}`).toBe(status);
  assertMatchesSpec(operationId, status, err.body, `(the ${status} error body of ${label})`);
  const envelope = (err.body as { error: { code: string; message: string; fields?: unknown } }).error;
  expect(err.code, `${label} ${status}: error.code`).toBe(envelope.code);
  expect(err.message, `${label} ${status}: the error's message quotes the envelope's`).toContain(envelope.message);
  return err;
}


/** Registers the response checks of one target. */
export function defineResponseChecks(target: Target): void {
  const title = `${target.name}: answers match the spec${target.skip ? ` (skipped: ${target.skip})` : ''}`;
  // Inside a skipped target, the target's reason is the one that counts: no per-test reasons then.
  const skipNote = (reason: string | undefined) => (reason && !target.skip ? ` (skipped: ${reason})` : '');

  describe.skipIf(!!target.skip)(title, () => {
    let instance: TargetInstance | undefined;
    let rec: RecordingClient;
    beforeAll(async () => {
      instance = await target.start();
      // A live target is read as the client reads by default (tolerantly), and judged by what FLORA's SDK documents.
      rec = recordingClient(instance.baseUrl, instance.apiKey, target.live ? { validate: true } : {});
    });
    afterAll(async () => {
      await instance?.close?.();
    });

    const noRuns = target.allowRuns ? undefined : 'starting runs is not allowed; set FLORA_CONTRACT_ALLOW_RUNS=1';
    const retrieveSkip =
      (target.stateful && target.allowRuns) || target.runId ? undefined : 'no run to read: set FLORA_RUN_ID (or FLORA_CONTRACT_ALLOW_RUNS=1)';
    const startSkip = noRuns ?? target.startSkip;

    it.skipIf(!!noRuns)(`POST /techniques/{techniqueId}/runs answers a run the spec allows${skipNote(noRuns)}`, async () => {
      const { data } = await expectSpecAnswer(rec, 'createTechniqueRun', () => rec.client.techniques.runs.create(target.techniqueId, target.createBody()), target.live);
      expect(data.run_id).toBeTruthy();
    });

    it.skipIf(!!retrieveSkip)(`GET /techniques/{techniqueId}/runs/{runId} answers a run the spec allows${skipNote(retrieveSkip)}`, async () => {
      let runId = target.runId;
      if (target.stateful && target.allowRuns) {
        const created = await expectSpecAnswer(rec, 'createTechniqueRun', () => rec.client.techniques.runs.create(target.techniqueId, target.createBody()), target.live);
        runId = created.data.run_id;
      }
      const { data } = await expectSpecAnswer(rec, 'getTechniqueRun', () => rec.client.techniques.runs.retrieve(runId!, { techniqueId: target.techniqueId }), target.live);
      if (target.stateful) expect(data.run_id, 'the run read back is the one asked for').toBe(runId);
    });

    it.skipIf(!!retrieveSkip)(`GET /runs/{runId} answers the run the spec allows${skipNote(retrieveSkip)}`, async () => {
      let runId = target.runId;
      if (target.stateful && target.allowRuns) runId = (await rec.client.techniques.runs.create(target.techniqueId, target.createBody())).run_id;
      const { data } = await expectSpecAnswer(rec, 'getRun', () => rec.client.generations.retrieve(runId!), target.live);
      if (target.stateful) expect(data.run_id).toBe(runId);
    });

    it.skipIf(!!startSkip)(`POST /runs/technique answers a started run the spec allows${skipNote(startSkip)}`, async () => {
      const body = target.startBody();
      const { data } = await expectSpecAnswer(rec, 'startTechniqueRun', () => rec.client.runs.startTechnique(body), target.live);
      if (target.stateful) {
        // The started run can be read through the nested route, and that answer matches the spec too.
        const techniqueId = data.technique?.technique_id ?? body.technique_id;
        const read = await expectSpecAnswer(rec, 'getTechniqueRun', () => rec.client.techniques.runs.retrieve(data.run_id, { techniqueId }), target.live);
        expect(read.data.run_id).toBe(data.run_id);
      }
    });

    // The read operations: read-only, so they run against every target, the real API included.
    it('GET /techniques answers a page of techniques the spec allows, and GET /techniques/{techniqueId} one of them', async () => {
      const { data } = await expectSpecAnswer(rec, 'listTechniques', () => rec.client.techniques.list({ limit: 5 }), target.live);
      expect(Array.isArray(data.techniques)).toBe(true);
      const id = data.techniques[0]?.technique_id ?? target.techniqueId;
      const one = await expectSpecAnswer(rec, 'getTechnique', () => rec.client.techniques.retrieve(id), target.live);
      if (target.stateful) expect(one.data.technique_id).toBe(id);
    });

    it('GET /technique-runs answers a page of runs the spec allows', async () => {
      const { data } = await expectSpecAnswer(rec, 'listTechniqueRuns', () => rec.client.techniques.runs.list({ limit: 3 }), target.live);
      expect(Array.isArray(data.technique_runs)).toBe(true);
      expect(data.technique_runs.length).toBeLessThanOrEqual(3);
    });

    it('GET /workspaces answers the workspaces the spec allows', async () => {
      const { data } = await expectSpecAnswer(rec, 'listWorkspaces', () => rec.client.workspaces.list(), target.live);
      expect(Array.isArray(data.workspaces)).toBe(true);
    });

    // The assets operations. Listing and reading are read-only: every target, the real API included.
    it('GET /assets answers a page of assets the spec allows, and GET /assets/{assetId} one of them', async () => {
      const { data } = await expectSpecAnswer(rec, 'listAssets', () => rec.client.assets.list({ limit: 5 }), target.live);
      expect(Array.isArray(data.assets)).toBe(true);
      const id = data.assets.find((a) => a.asset_id)?.asset_id ?? (target.stateful ? undefined : defaults.assetId);
      if (id === undefined) return; // a real account with no asset: nothing to read back
      const one = await expectSpecAnswer(rec, 'getAsset', () => rec.client.assets.retrieve(id), target.live);
      if (target.stateful) expect(one.data.asset_id).toBe(id);
    });

    it.skipIf(!!noRuns)(`POST /assets (multipart, direct bytes) answers an asset the spec allows${skipNote(noRuns)}`, async () => {
      const file = new Blob([new Uint8Array(2048).fill(7)], { type: 'image/png' });
      const { data } = await expectSpecAnswer(rec, 'createAsset', () => rec.client.assets.create({ file, workspace_id: target.workspaceId, file_name: 'contract.png' }), target.live);
      if (target.stateful) expect(data).toMatchObject({ uploaded_via: 'direct', status: 'ready' });
    });

    it.skipIf(!!noRuns)(`POST /assets (signed-url), the bytes to its upload target, then complete and retry answer as the spec allows${skipNote(noRuns)}`, async () => {
      const { data } = await expectSpecAnswer(rec, 'createAsset', () => rec.client.assets.create({ source: 'signed-url', workspace_id: target.workspaceId, file_name: 'contract.mp4', content_type: 'video/mp4' }), target.live);
      expect(data.asset_id).toBeTruthy();
      if (target.stateful) {
        // The upload target takes the bytes as a presigned POST: form fields, then the file; no Authorization.
        const form = new FormData();
        for (const [k, v] of Object.entries(data.upload!.form_fields)) form.append(k, v);
        form.append(data.upload!.file_field, new Blob([new Uint8Array(5 * 1024 * 1024)], { type: 'video/mp4' }), 'contract.mp4');
        const sent = await fetch(data.upload!.url, { method: data.upload!.method, body: form });
        expect(sent.status).toBeLessThan(300);
      }
      const completed = await expectSpecAnswer(rec, 'completeAsset', () => rec.client.assets.complete(data.asset_id), target.live);
      if (target.stateful) expect(completed.data.asset_id).toBe(data.asset_id);
      const reserved = target.stateful ? (await rec.client.assets.create({ source: 'signed-url', workspace_id: target.workspaceId, file_name: 'again.mp4' })).asset_id : data.asset_id;
      const renewed = await expectSpecAnswer(rec, 'retryAsset', () => rec.client.assets.retry(reserved), target.live);
      if (target.stateful) expect(renewed.data.upload?.url).toBeTruthy();
    });

    // Checks a target cannot make (a stateless mock has every run id and takes any key) are not
    // registered for it at all, rather than reported as skipped.
    if (target.stateful) it(`GET of a made-up asset id is a NotFoundError with the spec's error envelope`, async () => {
      await expectSpecError('getAsset', 404, NotFoundError, () => rec.client.assets.retrieve(`asset_contract_missing_${Date.now().toString(36)}`));
    });

    if (target.stateful) it(`GET of a made-up run id is a NotFoundError with the spec's error envelope`, async () => {
      const runId = `run_contract_missing_${Date.now().toString(36)}`;
      const err = await expectSpecError('getTechniqueRun', 404, NotFoundError, () =>
        rec.client.techniques.runs.retrieve(runId, { techniqueId: target.techniqueId }),
      );
      expect(err.code).toBe('not_found');
    });

    if (target.checksKeys) it(`an unknown API key is an AuthenticationError with the spec's error envelope`, async () => {
      const other = recordingClient(instance!.baseUrl, 'flora_contract_not_a_key', { maxRetries: 0 });
      await expectSpecError('getTechniqueRun', 401, AuthenticationError, () =>
        other.client.techniques.runs.retrieve(target.runId ?? 'run_contract_missing', { techniqueId: target.techniqueId }),
      );
    });
  });
}
