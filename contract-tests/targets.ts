/**
 * The servers the target-agnostic response checks (./response-checks.ts) run against. A target says how
 * to get a base URL and API key, what it can do, and which ids to use. Adding a server is one entry here.
 *
 * - `prism`: the Prism mock from the global setup. Stateless: any id answers 200 with an example.
 * - `simulator`: the local stateful simulator (`src/testing/index.ts`, `startSimulator()` + `DEFAULT_API_KEY`).
 * - the real FLORA API: see ./real-api.test.ts (`realApiTarget()`), only when `FLORA_API_KEY` is set.
 *
 * `CONTRACT_TARGETS=prism,simulator` (comma-separated names) limits the local targets.
 */
import { inject } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_WORKSPACE_ID, startSimulator } from '../src/testing/index.js';
import type { RunStartTechniqueParams } from '../src/resources/runs.js';
import type { RunCreateParams } from '../src/resources/techniques.js';
import { defaultCallParams, freshIdempotencyKey } from './harness.js';

export interface TargetInstance {
  /** The client's `baseUrl`. */
  baseUrl: string;
  apiKey: string;
  close?(): Promise<void>;
}

export interface Target {
  name: string;
  /** Why this target cannot run here; the checks are then reported as skipped with this reason. */
  skip?: string | undefined;
  start(): Promise<TargetInstance>;
  /** The server answers as FLORA's SDK describes the live API: judged by the live layer (spec/live.overlay.yaml), read tolerantly. */
  live?: boolean;
  /** The server keeps runs: a started run can be read back by its id, and an unknown id answers 404. */
  stateful: boolean;
  /** The server checks API keys: an unknown key answers 401. */
  checksKeys: boolean;
  /** Starting runs is allowed (POSTs). False for the real API unless FLORA_CONTRACT_ALLOW_RUNS=1. */
  allowRuns: boolean;
  /** Technique id or slug for the nested routes. */
  techniqueId: string;
  /** The workspace assets are created in. */
  workspaceId: string;
  /** Bodies to start runs with (each call gets a fresh idempotency key when the body has one). */
  createBody(): RunCreateParams;
  startBody(): RunStartTechniqueParams;
  /** A run id to retrieve when the target is not stateful (or no run may be started). */
  runId?: string | undefined;
  /** Why `startBody` cannot be used (e.g. the real API's technique id is a slug, not a `tech_` id). */
  startSkip?: string | undefined;
}

const defaults = defaultCallParams();

/** The Prism mock: URL from the global setup, any key. */
export const prismTarget: Target = {
  name: 'prism',
  start: async () => ({ baseUrl: inject('prismUrl'), apiKey: 'contract-test-key' }),
  stateful: false,
  checksKeys: false,
  allowRuns: true,
  techniqueId: defaults.techniqueId,
  workspaceId: defaults.startBody.workspace_id,
  createBody: () => freshIdempotencyKey(defaults.createBody),
  startBody: () => defaults.startBody,
  runId: defaults.runId,
};

/** The local simulator. */
export const simulatorTarget: Target = {
  name: 'simulator',
  start: async () => {
    const sim = await startSimulator({ seed: 4 });
    return { baseUrl: sim.url, apiKey: DEFAULT_API_KEY, close: () => sim.close() };
  },
  stateful: true,
  checksKeys: true,
  allowRuns: true,
  techniqueId: defaults.techniqueId,
  workspaceId: DEFAULT_WORKSPACE_ID,
  createBody: () => freshIdempotencyKey(defaults.createBody),
  startBody: () => defaults.startBody,
};

/** The local simulator answering as the live API does (`profile: 'live'`). */
export const liveSimulatorTarget: Target = {
  ...simulatorTarget,
  name: 'simulator (live profile)',
  live: true,
  start: async () => {
    const sim = await startSimulator({ seed: 5, profile: 'live' });
    return { baseUrl: sim.url, apiKey: DEFAULT_API_KEY, close: () => sim.close() };
  },
};

const ALL_LOCAL: Target[] = [prismTarget, simulatorTarget, liveSimulatorTarget];
const only = process.env.CONTRACT_TARGETS?.split(',').map((s) => s.trim()).filter(Boolean);

/** The local targets of this run (`CONTRACT_TARGETS` filters by name). */
export const LOCAL_TARGETS: Target[] = only?.length ? ALL_LOCAL.filter((t) => only.includes(t.name)) : ALL_LOCAL;

/** The real FLORA API, configured from the environment; `skip` says why when `FLORA_API_KEY` is not set. */
export function realApiTarget(env: Record<string, string | undefined> = process.env): Target {
  const apiKey = env.FLORA_API_KEY;
  const techniqueId = env.FLORA_TECHNIQUE_ID || defaults.techniqueId;
  const workspaceId = env.FLORA_WORKSPACE_ID;
  const inputs = env.FLORA_RUN_INPUTS ? (JSON.parse(env.FLORA_RUN_INPUTS) as RunCreateParams['inputs']) : defaults.createBody.inputs;
  return {
    name: 'real FLORA API',
    live: true,
    skip: apiKey ? undefined : 'FLORA_API_KEY is not set',
    start: async () => ({ baseUrl: env.FLORA_BASE_URL || 'https://app.flora.ai/api/v1', apiKey: apiKey! }),
    stateful: true,
    checksKeys: true,
    allowRuns: env.FLORA_CONTRACT_ALLOW_RUNS === '1',
    techniqueId,
    workspaceId: workspaceId ?? '',
    createBody: () => ({ inputs, mode: 'async' }),
    startBody: () => ({
      technique_id: techniqueId,
      workspace_id: workspaceId ?? '',
      inputs: Object.fromEntries(inputs.map((i) => [i.id, i.value])),
    }),
    runId: env.FLORA_RUN_ID || undefined,
    startSkip: !workspaceId
      ? 'FLORA_WORKSPACE_ID is not set'
      : !techniqueId.startsWith('tech_')
        ? `FLORA_TECHNIQUE_ID (${techniqueId}) is not a tech_ id`
        : undefined,
  };
}
