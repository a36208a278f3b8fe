/**
 * What `flora contract check` asks the API, through the client's public resources with a recording fetch
 * (./recorder.ts): every read operation (techniques and the next page of them, one technique, workspaces,
 * the run list, one run by each route, the asset list and one asset), a made-up run id (404) and a
 * made-up key (401); with `allowRuns`,
 * one run of the cheapest technique within the cost cap, started with an idempotency key, the same start
 * again (409), every poll of its wait, and the ended run by both routes and in the run list.
 */
import type { Technique } from '../../generated/answers.js';
import type { OperationId } from '../../generated/operations.js';
import { Flora } from '../client.js';
import { IdempotencyDuplicateError, RunFailedError } from '../core/errors.js';
import { Redactor } from '../core/redact.js';
import type { RecordedAnswer } from './judge.js';
import { Recorder } from './recorder.js';

/** What to check, and how far it may go. */
export interface CheckTarget {
  /** Default `FLORA_BASE_URL`, else FLORA's API. */
  baseUrl?: string | undefined;
  /** Default `FLORA_API_KEY`. */
  apiKey?: string | undefined;
  /** A technique to read (and, with `allowRuns`, to run); default the first listed (the cheapest fitting one to run). */
  techniqueId?: string | undefined;
  /** The workspace a run starts in (the top-level route); default the first listed. */
  workspaceId?: string | undefined;
  /** A run to read by both routes; default the newest in the run list. */
  runId?: string | undefined;
  /**
   * The target keeps no state and checks no keys (a mock such as Prism): the checks that need those (a
   * made-up run id's 404, a made-up key's 401, the repeated key's 409, waiting for a run) are skipped.
   */
  stateless?: boolean | undefined;
  /** Start one run (this costs money): needs `maxCost`. */
  allowRuns?: boolean | undefined;
  /** USD: a technique is run only when twice its `run_cost` fits (a server ignoring the key could charge twice). */
  maxCost?: number | undefined;
  /** How long to wait for the run, ms. Default 10 minutes. */
  waitTimeout?: number | undefined;
  allowInsecureHttp?: boolean | undefined;
  /** Per-attempt timeout, ms (the client's default otherwise). */
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  signal?: AbortSignal | undefined;
}

/** A check not made, and why. */
export interface Skipped {
  step: string;
  reason: string;
  /** The operations it would have called. */
  operations?: OperationId[] | undefined;
}

/** A step that got no answer at all (no connection, a timeout), so nothing could be judged. */
export interface StepError {
  step: string;
  message: string;
}

/** The run `allowRuns` started. */
export interface RunSpent {
  techniqueId: string;
  runId?: string | undefined;
  runCost: number;
  chargedCost?: number | undefined;
  status?: string | undefined;
}

export interface Collected {
  target: string;
  answers: RecordedAnswer[];
  skipped: Skipped[];
  errors: StepError[];
  run?: RunSpent | undefined;
}

const STATELESS = 'the target keeps no state and checks no keys (--stateless)';
const MISSING_RUN = 'run_flora_contract_check_missing';
const NOT_A_KEY = 'flora_contract_check_not_a_key';
const PROMPT = 'a red fox, for flora contract check';
const MAX_TECHNIQUE_PAGES = 10;

/** The first listed item of a page-shaped answer, if any. */
const first = <T>(items: readonly T[] | null | undefined): T | undefined => (Array.isArray(items) ? items[0] : undefined);

/** The inputs a run of `t` needs when every required one is text; undefined when one is not. */
function textInputs(t: Technique): { id: string; value: string }[] | undefined {
  const required = (t.inputs ?? []).filter((i) => i && i.optional !== true);
  return required.every((i) => i.type === 'text') ? required.map((i) => ({ id: i.id, value: PROMPT })) : undefined;
}

/** Asks the API every question of the checks; records each answer. */
export async function collectAnswers(target: CheckTarget): Promise<Collected> {
  const apiKey = target.apiKey ?? (typeof process === 'object' ? process.env?.FLORA_API_KEY : undefined);
  const redactor = new Redactor([apiKey]);
  const client = (key: string | undefined, recorder?: Recorder) =>
    new Flora({
      apiKey: key,
      baseUrl: target.baseUrl,
      allowInsecureHttp: target.allowInsecureHttp,
      timeout: target.timeout,
      maxRetries: target.maxRetries,
      logLevel: 'off',
      // Requests as strictly as ever; answers are the checks' to judge, so the client only reads them.
      validate: { requests: true, responses: false },
      ...(recorder ? { fetch: recorder.fetch } : {}),
    });
  // Built once without a recorder to learn the base URL (and refuse a bad one or a missing key).
  const baseUrl = client(apiKey).baseUrl;
  const recorder = new Recorder(baseUrl, redactor, target.fetch);
  const flora = client(apiKey, recorder);
  const out: Collected = { target: baseUrl, answers: recorder.answers, skipped: [], errors: [] };
  const opts = { signal: target.signal };
  const step = async (name: string, run: () => Promise<unknown>, expect?: RecordedAnswer['expect']) => {
    const before = recorder.answers.length;
    const { error } = await recorder.step(name, run, expect);
    if (error !== undefined && recorder.answers.length === before) out.errors.push({ step: name, message: redactor.text(error instanceof Error ? error.message : String(error)) });
    return error;
  };

  // The read operations.
  let techniques: Technique[] = [];
  let cursor: string | null | undefined;
  await step('list techniques', async () => {
    const page = await flora.techniques.list({ limit: 2 }, opts);
    techniques = page.techniques ?? [];
    cursor = page.meta?.next_cursor;
  });
  if (cursor) await step('list techniques, next page', () => flora.techniques.list({ limit: 2, cursor: cursor! }, opts));
  else out.skipped.push({ step: 'list techniques, next page', reason: 'the first page was the last', operations: ['listTechniques'] });
  const techniqueId = target.techniqueId ?? first(techniques)?.technique_id;
  if (techniqueId) await step('read one technique', () => flora.techniques.retrieve(techniqueId, opts));
  else out.skipped.push({ step: 'read one technique', reason: 'no technique listed; give --technique-id', operations: ['getTechnique'] });
  let workspaceId = target.workspaceId;
  await step('list workspaces', async () => {
    const { workspaces } = await flora.workspaces.list(opts);
    workspaceId ??= first(workspaces)?.workspace_id;
  });
  let run: { runId: string; techniqueId: string | undefined } | undefined = target.runId ? { runId: target.runId, techniqueId } : undefined;
  await step('list runs', async () => {
    const page = await flora.techniques.runs.list({ limit: 5 }, opts);
    const item = first(page.technique_runs);
    if (!run && item?.run_id) run = { runId: item.run_id, techniqueId: item.technique?.technique_id };
  });
  if (run) {
    const { runId, techniqueId: of } = run;
    await step('read a run by its id', () => flora.generations.retrieve(runId, opts));
    if (of) await step('read a run by its technique', () => flora.techniques.runs.retrieve(runId, { techniqueId: of }, opts));
    else out.skipped.push({ step: 'read a run by its technique', reason: 'the run list gave no technique id for the run', operations: ['getTechniqueRun'] });
  } else {
    const reason = 'no run to read: the run list is empty (give --run-id, or --allow-runs)';
    out.skipped.push({ step: 'read a run by its id', reason, operations: ['getRun'] }, { step: 'read a run by its technique', reason, operations: ['getTechniqueRun'] });
  }
  let assetId: string | undefined;
  await step('list assets', async () => {
    const page = await flora.assets.list({ limit: 5 }, opts);
    assetId = first(page.assets)?.asset_id ?? undefined;
  });
  if (assetId) await step('read one asset', () => flora.assets.retrieve(assetId!, opts));
  else out.skipped.push({ step: 'read one asset', reason: 'no asset listed', operations: ['getAsset'] });
  if (target.stateless) {
    out.skipped.push({ step: 'read a made-up run id', reason: STATELESS, operations: ['getRun'] }, { step: 'list workspaces with a made-up key', reason: STATELESS, operations: ['listWorkspaces'] });
  } else {
    await step('read a made-up run id', () => flora.generations.retrieve(MISSING_RUN, { ...opts, maxRetries: 0 }), { status: 404, why: 'no such run' });
    const stranger = client(NOT_A_KEY, recorder);
    await step('list workspaces with a made-up key', () => stranger.workspaces.list({ ...opts, maxRetries: 0 }), { status: 401, why: 'the key is not valid' });
  }

  if (target.allowRuns) out.run = await runChecks(flora, target, step, out, techniques, workspaceId);
  else out.skipped.push({ step: 'start a run', reason: 'starting runs costs money: pass --allow-runs with --max-cost', operations: ['startTechniqueRun', 'createTechniqueRun'] });
  // Uploads change the workspace (and may cost storage): never part of the checks.
  out.skipped.push({ step: 'create, complete or retry an asset', reason: 'the checks never upload', operations: ['createAsset', 'completeAsset', 'retryAsset'] });
  return out;
}

type Step = (name: string, run: () => Promise<unknown>, expect?: RecordedAnswer['expect']) => Promise<unknown>;

/** The technique to run: the given one, else the cheapest listed whose required inputs are text, within the cap. */
async function chooseTechnique(flora: Flora, target: CheckTarget, step: Step, out: Collected, listed: Technique[]): Promise<{ technique: Technique; inputs: { id: string; value: string }[] } | undefined> {
  const cap = target.maxCost!;
  let candidates: Technique[] = [...listed];
  if (target.techniqueId) {
    await step('read the technique to run', async () => {
      candidates = [await flora.techniques.retrieve(target.techniqueId!, { signal: target.signal })];
    });
  } else {
    await step('list every technique, to find the cheapest', async () => {
      let page = await flora.techniques.list({ limit: 100 }, { signal: target.signal });
      const all = [...page.getPaginatedItems()];
      // A server whose cursors never end (a mock) must not keep the check going.
      for (let pages = 1; pages < MAX_TECHNIQUE_PAGES && page.hasNextPage(); pages++) {
        page = await page.getNextPage();
        all.push(...page.getPaginatedItems());
      }
      candidates = all;
    });
  }
  const fits = candidates
    .map((technique) => ({ technique, inputs: textInputs(technique) }))
    .filter((c): c is { technique: Technique; inputs: { id: string; value: string }[] } => c.inputs !== undefined && typeof c.technique.run_cost === 'number' && c.technique.run_cost >= 0 && 2 * c.technique.run_cost <= cap)
    .sort((a, b) => a.technique.run_cost - b.technique.run_cost);
  if (fits[0]) return fits[0];
  out.skipped.push({
    step: 'start a run',
    operations: ['startTechniqueRun', 'createTechniqueRun'],
    reason: `no ${target.techniqueId ? `technique ${target.techniqueId}` : 'listed technique'} takes only text inputs and costs at most half of --max-cost ${cap} USD (a server that ignored the idempotency key could charge twice)`,
  });
  return undefined;
}

/** One run: started, started again with the same key (409), waited for, read by both routes and listed. */
async function runChecks(flora: Flora, target: CheckTarget, step: Step, out: Collected, listed: Technique[], workspaceId: string | undefined): Promise<RunSpent | undefined> {
  const chosen = await chooseTechnique(flora, target, step, out, listed);
  if (!chosen) return undefined;
  const { technique, inputs } = chosen;
  const spent: RunSpent = { techniqueId: technique.technique_id, runCost: technique.run_cost };
  const key = `flora-contract-check-${crypto.randomUUID()}`;
  const opts = { signal: target.signal, idempotencyKey: key };
  // The top-level route when there is a workspace and a tech_ id (its answer is where FLORA's SDK documents variants), else the nested one.
  const topLevel = workspaceId !== undefined && technique.technique_id.startsWith('tech_');
  const start = () =>
    topLevel
      ? flora.runs.startTechnique({ technique_id: technique.technique_id, workspace_id: workspaceId!, inputs: Object.fromEntries(inputs.map((i) => [i.id, i.value])) }, opts)
      : flora.techniques.runs.create(technique.technique_id, { inputs: inputs.map((i) => ({ ...i, type: 'text' as const })), mode: 'async' }, opts);
  let started: { run_id: string; poll_url?: string | null | undefined; estimated_seconds?: number | null | undefined } | undefined;
  const failed = await step('start a run', async () => {
    started = await start();
  });
  if (!started?.run_id) {
    // A start whose answer was lost but that the server accepted: find it, so it is still waited for.
    if (failed instanceof IdempotencyDuplicateError) {
      const found = await flora.runs.findAccepted(failed, { techniqueId: technique.technique_id }).catch(() => []);
      if (found[0]) started = { run_id: found[0].run_id };
    }
    if (!started) {
      out.skipped.push({ step: 'wait for the run', reason: 'the start gave no run id', operations: ['getTechniqueRun', 'getRun'] });
      return spent;
    }
  }
  const runId = started.run_id;
  spent.runId = runId;
  if (target.stateless) {
    out.skipped.push({ step: 'repeat the start with the same key', reason: STATELESS }, { step: 'wait for the run', reason: STATELESS });
  } else {
    await step('repeat the start with the same key', () => start().withResponse().then(() => undefined), { status: 409, why: 'a repeated idempotency key within two hours' });
    await waitFor(flora, target, step, spent, technique.technique_id, started);
  }
  await step('read the ended run by its id', async () => {
    const run = await flora.generations.retrieve(runId, { signal: target.signal });
    spent.chargedCost = typeof run.charged_cost === 'number' ? run.charged_cost : undefined;
  });
  await step('read the ended run by its technique', () => flora.techniques.runs.retrieve(runId, { techniqueId: technique.technique_id }, { signal: target.signal }));
  await step('list the runs of the technique', () => flora.techniques.runs.list({ technique_id: technique.technique_id, limit: 5 }, { signal: target.signal }));
  return spent;
}

/** Every poll of the run's wait is an answer; a failed run is an answer like any other. */
async function waitFor(flora: Flora, target: CheckTarget, step: Step, spent: RunSpent, techniqueId: string, started: { run_id: string; poll_url?: string | null | undefined; estimated_seconds?: number | null | undefined }): Promise<void> {
  await step('wait for the run', async () => {
    try {
      const run = await flora.techniques.runs.wait(
        started.run_id,
        { techniqueId },
        { signal: target.signal, waitTimeout: target.waitTimeout ?? 600_000, ...(started.estimated_seconds != null ? { estimatedSeconds: started.estimated_seconds } : {}) },
        { pollUrl: started.poll_url },
      );
      spent.status = run.status;
    } catch (err) {
      // A failed run is an answer like any other: its body is what is judged.
      if (!(err instanceof RunFailedError)) throw err;
      spent.status = 'failed';
    }
  });
}
