/**
 * `flora contract check` / `runContractChecks()` proven against four servers: Prism (a mock of the spec),
 * the simulator in its seeds and live profiles, and a deliberately drifting server (the simulator behind
 * ./rewrite-proxy.ts). Each verdict is reported where it occurs and nowhere else: Prism and the seeds
 * profile conform, the live profile differs only where the live layer documents a variant, the drifting
 * server drifts exactly at the fields bent. Exit codes 0, 1 and 2; the key in no report and no saved answer.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exitCodeOf, formatReport, runContractChecks, type ContractReport } from '../src/contract/index.js';
import { main } from '../src/cli/program.js';
import { Flora } from '../src/client.js';
import { DEFAULT_WORKSPACE_ID, startSimulator, type Simulator } from '../src/testing/index.js';
import { startRewriteProxy, type RewriteProxy } from './rewrite-proxy.js';

/** A key no server or fixture spells by accident: if it shows up in a report, redaction failed. */
const KEY = 'flora_live_ContractCheck_k3y_7f3a9c';
const BENT = ['workspace role as a number', 'technique without run_cost', 'run list item without workspace_id', 'status echoes the key'];

let seeds: Simulator;
let live: Simulator;
let drifting: Simulator;
let proxy: RewriteProxy;

/** A simulator on KEY with one run in its run list and one asset in its asset list, so the checks have both to read. */
async function simulator(profile: 'seeds' | 'live', seed: number): Promise<Simulator> {
  const sim = await startSimulator({ profile, seed, timeScale: 200, keys: { [KEY]: {} } });
  const flora = new Flora({ apiKey: KEY, baseUrl: sim.url, logLevel: 'off' });
  await flora.techniques.runs.create('art-directors-critique', { inputs: [{ id: 'prompt', type: 'text', value: 'a fox' }], mode: 'async' });
  await flora.assets.upload(new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), { workspace_id: DEFAULT_WORKSPACE_ID, file_name: 'fox.png' });
  return sim;
}

beforeAll(async () => {
  [seeds, live, drifting] = await Promise.all([simulator('seeds', 41), simulator('live', 42), simulator('seeds', 43)]);
  proxy = await startRewriteProxy(drifting.url, { always: BENT });
});
afterAll(async () => {
  await Promise.all([seeds?.close(), live?.close(), drifting?.close(), proxy?.close()]);
});

const findings = (r: ContractReport, verdict: 'documented variant' | 'drift') => r.answers.flatMap((a) => a.findings.filter((f) => f.verdict === verdict).map((f) => `${a.operation} ${a.status} ${f.path}`));
const everyForm = (r: ContractReport) => (['json', 'junit', 'pretty'] as const).map((f) => formatReport(r, f)).join('\n');

describe('flora contract check', () => {
  it('against Prism, a stateless mock of the spec (a run started too): every answer conforms', async () => {
    const r = await runContractChecks({ baseUrl: inject('prismUrl'), apiKey: KEY, stateless: true, allowRuns: true, maxCost: 1 });
    expect(r.errors).toEqual([]);
    expect(r.answers.map((a) => `${a.operation} ${a.status} ${a.verdict}`).filter((a) => !a.endsWith('conforms'))).toEqual([]);
    // Every read operation of the spec was asked, and a start (the top-level route); never an upload.
    expect(new Set(r.answers.map((a) => a.operationId))).toEqual(new Set(['listTechniques', 'getTechnique', 'listWorkspaces', 'listTechniqueRuns', 'getRun', 'getTechniqueRun', 'startTechniqueRun', 'listAssets', 'getAsset']));
    expect(r.verdict).toBe('conforms');
    expect(exitCodeOf(r)).toBe(0);
  });

  it('against the simulator (seeds profile), a run started: every answer conforms, the 404, 401 and 409 included', async () => {
    const r = await runContractChecks({ baseUrl: seeds.url, apiKey: KEY, allowRuns: true, maxCost: 1 });
    expect(r.errors).toEqual([]);
    expect([...findings(r, 'drift'), ...findings(r, 'documented variant')]).toEqual([]);
    expect(r.answers.map((a) => a.status)).toEqual(expect.arrayContaining([200, 404, 401, 409]));
    expect(r.answers.find((a) => a.step === 'repeat the start with the same key')?.status).toBe(409);
    // The cheapest technique whose required inputs are text, run once, within the cap.
    expect(r.run).toMatchObject({ techniqueId: 'tech_abcd1234', runCost: 0.04, status: 'completed' });
    expect(r.answers.filter((a) => a.method === 'POST' && a.status === 200)).toHaveLength(1);
    expect(r.answers.filter((a) => a.operationId === 'listAssets' || a.operationId === 'getAsset').map((a) => a.status)).toEqual([200, 200]);
    expect(r.verdict).toBe('conforms');
    expect(exitCodeOf(r)).toBe(0);
  });

  it("against the simulator's live profile: documented variants exactly where the live layer documents them, no drift", async () => {
    const r = await runContractChecks({ baseUrl: live.url, apiKey: KEY, allowRuns: true, maxCost: 1 });
    expect(findings(r, 'drift')).toEqual([]);
    const variants = r.answers.flatMap((a) => a.findings);
    expect(variants.length).toBeGreaterThan(0);
    // Each one is a variant the live layer names (its note is FLORA's SDK's words), at a schema path it covers.
    for (const f of variants) expect(f.note, `${f.operation} ${f.path}`).toMatch(/^FLORA's SDK 0\.11\.0 /);
    const where = new Set(variants.map((f) => `${f.operation} ${f.path}`));
    for (const expected of ['GET /workspaces $.workspaces[0].created_at', 'GET /technique-runs $.meta.next_cursor', 'POST /runs/technique $.action', 'POST /runs/technique $.model']) expect(where).toContain(expected);
    expect(r.verdict).toBe('documented variant');
    expect(exitCodeOf(r)).toBe(0);
  });

  it('against a drifting server: drift exactly at the bent fields, each named with its schema path; the key in no report form and no saved answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flora-contract-'));
    const r = await runContractChecks({ baseUrl: proxy.url, apiKey: KEY, save: dir });
    const drift = r.answers.flatMap((a) => a.findings.filter((f) => f.verdict === 'drift').map((f) => [`${a.operation} ${a.status} ${f.path}`, f.schemaPath]));
    expect(drift.sort()).toEqual(
      [
        ['GET /workspaces 200 $.workspaces[0].role', '#/components/schemas/Workspace/properties/role/type'],
        ['GET /techniques/{techniqueId} 200 $.run_cost', '#/components/schemas/Technique/required'],
        ['GET /technique-runs 200 $.technique_runs[0].workspace_id', '#/components/schemas/TechniqueRunListItem/required'],
        ['GET /techniques/{techniqueId}/runs/{runId} 200 $.status', '#/components/schemas/RunStatus/enum'],
      ].sort(),
    );
    // Nothing else differs: every other answer conforms.
    expect(r.answers.filter((a) => a.verdict !== 'drift').every((a) => a.verdict === 'conforms')).toBe(true);
    expect(findings(r, 'documented variant')).toEqual([]);
    const status = r.answers.flatMap((a) => a.findings).find((f) => f.path === '$.status')!;
    expect(status).toMatchObject({ expected: 'one of: pending, running, completed, failed', received: '"Bearer [redacted]"' });
    expect(r.verdict).toBe('drift');
    expect(exitCodeOf(r)).toBe(1);
    const saved = readFileSync(join(dir, 'answers.json'), 'utf8');
    expect(saved).toContain('Bearer [redacted]');
    expect(everyForm(r) + saved).not.toContain(KEY);
    expect(everyForm(r)).toContain('<failure type="drift"');

    // The saved set, judged again without the network, gives the same report.
    const offline = await runContractChecks({ from: dir });
    expect(offline.answers).toEqual(r.answers);
    expect(offline.verdict).toBe('drift');
  });
});

describe('flora contract check, the command', () => {
  const run = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (s: string) => ((stdout += s), true), isTTY: false }, stderr: { write: (s: string) => ((stderr += s), true), isTTY: false }, interrupt: new AbortController().signal };
    const code = await main(args, io as never, '0.0.0');
    return { code, stdout, stderr };
  };

  it('exits 0 when nothing drifts (JUnit on stdout), 1 on drift (naming it), 2 on a usage error', async () => {
    const ok = await run(['--base-url', seeds.url, '--api-key', KEY, 'contract', 'check', '-o', 'junit']);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toMatch(/^<\?xml/);
    expect(ok.stdout).toContain('name="GET /workspaces (listWorkspaces)"');
    const drift = await run(['--base-url', proxy.url, '--api-key', KEY, 'contract', 'check', '-o', 'pretty']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('DRIFT GET /workspaces 200');
    expect(drift.stderr).toMatch(/^error: the API drifted from the spec: 4 answers drift/);
    expect(drift.stdout + drift.stderr).not.toContain(KEY);
    for (const args of [
      ['contract', 'check', '--allow-runs'],
      ['contract', 'check', '--max-cost', '1'],
      ['contract', 'check', '--from', join(tmpdir(), 'flora-contract-nothing-here')],
      ['--base-url', 'http://example.test/api/v1', 'contract', 'check'],
      ['techniques', 'list', '-o', 'junit'],
    ]) {
      const r = await run(['--api-key', KEY, ...args]);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(/^error: /);
    }
  });
});
