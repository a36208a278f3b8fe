/**
 * What the operations that start and read runs do against in-memory state. Routing, authentication,
 * rate limiting and faults happen before these are called (see server.ts); `handlers.ts` maps every
 * operationId to its handler.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FieldError, RunStartedResponse, StartTechniqueRunRequest, TechniqueRunCreateRequest } from '../../generated/openapi.js';
import { validate } from '../../generated/validators.js';
import { findTechnique, findTechniqueById, type Technique } from './catalog.js';
import type { AssetStore } from './assets.js';
import type { SimClock } from './clock.js';
import { ERRORS, parseJsonBody, validationReply, type Reply } from './http.js';
import type { Random } from './random.js';
import { projectOf, runView, type RunStore, type StoredRun } from './runs.js';
import type { Caller } from './state.js';
import type { IdempotencyChannel } from './types.js';

/** What an operation's handler is given: the caller, the path parameters, the query, the raw body and the headers. */
export interface SimRequest {
  caller: Caller;
  params: Record<string, string>;
  query: URLSearchParams;
  body: string;
  /** The body's bytes, for what is not text (a multipart upload). */
  bytes?: Buffer | undefined;
  headers: IncomingHttpHeaders;
}

/** What the operations share. */
export interface OperationContext {
  baseUrl: string;
  /** Origin of the media host that serves run outputs. */
  mediaUrl: string;
  clock: SimClock;
  store: RunStore;
  catalog: readonly Technique[];
  /** Stream for run ids. */
  ids: Random;
  /** Stream for run outcomes. */
  outcomes: Random;
  durationFor(technique: Technique): number;
  pendingSeconds: number;
  failureRate: number;
  /** Where the nested create's idempotency key is honoured (the top-level start has only the header). */
  idempotencyChannel: IdempotencyChannel;
  /** `live`: answer as FLORA's SDK describes the live API (see `SimulatorOptions.profile`). */
  live: boolean;
  /** Stream for what only the live profile decides (which estimates are unknown), so it leaves the others unchanged. */
  liveChoices: Random;
  /** Simulated unix seconds when the simulator started (its workspaces' creation time). */
  startedAt: number;
  /** The assets, their reservations and the storage host's URL. */
  assets: AssetStore;
}


function headerString(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The Idempotency-Key header, or the 400 reply when it breaks the spec's 1..255 length. */
function idempotencyHeader(headers: IncomingHttpHeaders): { ok: true; key: string | undefined } | { ok: false; reply: Reply } {
  const key = headerString(headers, 'idempotency-key');
  if (key !== undefined && (key.length < 1 || key.length > 255)) {
    return { ok: false, reply: validationReply([{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }]) };
  }
  return { ok: true, key };
}

function createStoredRun(
  ctx: OperationContext,
  caller: Caller,
  technique: Technique,
  fields: Pick<StoredRun, 'startedVia' | 'inputs' | 'callbackUrl' | 'idempotencyKey'> & { pollTechniqueId: string },
): StoredRun {
  const now = ctx.clock.now();
  const runId = ctx.ids.id('run_');
  // Both draws happen for every run, so a run's fate depends only on the seed and its position.
  const fails = ctx.outcomes.chance(ctx.failureRate);
  const failPoint = 0.2 + ctx.outcomes.float() * 0.6;
  const planned = ctx.durationFor(technique);
  // A bad duration from a user-supplied function must not leave a run that never ends.
  const durationSeconds = Number.isFinite(planned) ? Math.max(0, planned) : 0;
  const startedAt = now + ctx.pendingSeconds;
  const run: StoredRun = {
    runId,
    apiKey: caller.apiKey,
    workspaceId: caller.key.workspaceId,
    technique,
    startedVia: fields.startedVia,
    // The live API points every run at GET /runs/{runId}; the reference pages at the nested route.
    mediaUrl: ctx.mediaUrl,
    pollUrl: ctx.live ? `${ctx.baseUrl}/runs/${runId}` : `${ctx.baseUrl}/techniques/${encodeURIComponent(fields.pollTechniqueId)}/runs/${runId}`,
    inputs: fields.inputs,
    callbackUrl: fields.callbackUrl,
    idempotencyKey: fields.idempotencyKey,
    createdAt: now,
    startedAt,
    durationSeconds,
    endsAt: startedAt + durationSeconds * (fails ? failPoint : 1),
    outcome: fails ? 'failed' : 'completed',
    callbackDispatched: false,
    live: ctx.live,
  };
  ctx.store.add(run);
  if (fields.idempotencyKey !== undefined) ctx.store.remember(caller.apiKey, fields.idempotencyKey, now);
  return run;
}

/** Whether plain http to this URL stays on the machine. */
function isLoopbackUrl(url: string): boolean {
  try {
    return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** A nested run body's problems; a callback to loopback may be plain http, for a receiver in a local test. */
function createBodyProblems(body: unknown): FieldError[] {
  const cb = (body as { callback_url?: unknown } | null)?.callback_url;
  const local = typeof cb === 'string' && cb.startsWith('http://') && isLoopbackUrl(cb);
  return validate('TechniqueRunCreateRequest', local ? { ...(body as object), callback_url: `https://${cb.slice(7)}` } : body);
}

/** POST /techniques/{techniqueId}/runs: validates, then stores a pending run. */
export function createRun(ctx: OperationContext, { caller, params: { techniqueId }, body: rawBody, headers }: SimRequest): Reply {
  const technique = findTechnique(ctx.catalog, techniqueId!);
  if (!technique) return ERRORS.notFound();
  const parsed = parseJsonBody(rawBody);
  if (!parsed.ok) return parsed.reply;
  const fields = createBodyProblems(parsed.value);
  if (fields.length > 0) return validationReply(fields);
  const idem = idempotencyHeader(headers);
  if (!idem.ok) return idem.reply;
  if (!caller.key.credits) return ERRORS.insufficientCredits();
  const body = parsed.value as TechniqueRunCreateRequest;
  // Which channel dedupes is the server's choice (`idempotencyChannel`); with both, the header wins.
  const channel = ctx.idempotencyChannel;
  const idempotencyKey = channel === 'header' ? idem.key : channel === 'body' ? body.idempotency_key : (idem.key ?? body.idempotency_key);
  if (idempotencyKey !== undefined && ctx.store.isDuplicate(caller.apiKey, idempotencyKey, ctx.clock.now())) return ERRORS.duplicate();
  const run = createStoredRun(ctx, caller, technique, {
    startedVia: 'create',
    pollTechniqueId: techniqueId!,
    inputs: body.inputs,
    callbackUrl: body.callback_url,
    idempotencyKey,
  });
  // The run as it was when created (pending), however long this process was paused since: the answer
  // describes the creation, not the moment it is written.
  return { status: 200, body: runView(run, run.createdAt) };
}

/** GET /techniques/{techniqueId}/runs/{runId}: the run's state now, if the caller may see it. */
export function retrieveRun(ctx: OperationContext, { caller, params: { techniqueId, runId } }: SimRequest): Reply {
  const run = ctx.store.get(runId!);
  // Another key's run is reported exactly like a missing one, so run ids cannot be probed.
  if (!run || run.apiKey !== caller.apiKey) return ERRORS.notFound();
  if (techniqueId !== run.technique.slug && techniqueId !== run.technique.id) return ERRORS.notFound();
  return { status: 200, body: runView(run, ctx.clock.now()) };
}

/** GET /runs/{runId}: any of the caller's runs by its id. */
export function getRun(ctx: OperationContext, { caller, params: { runId } }: SimRequest): Reply {
  const run = ctx.store.get(runId!);
  if (!run || run.apiKey !== caller.apiKey) return ERRORS.notFound();
  return { status: 200, body: runView(run, ctx.clock.now()) };
}

/** POST /runs/technique: the top-level start, answered with a `RunStartedResponse`. */
export function startTechnique(ctx: OperationContext, { caller, body: rawBody, headers }: SimRequest): Reply {
  const parsed = parseJsonBody(rawBody);
  if (!parsed.ok) return parsed.reply;
  const fields = validate('StartTechniqueRunRequest', parsed.value);
  if (fields.length > 0) return validationReply(fields);
  const idem = idempotencyHeader(headers);
  if (!idem.ok) return idem.reply;
  const body = parsed.value as StartTechniqueRunRequest;
  const technique = findTechniqueById(ctx.catalog, body.technique_id);
  if (!technique) return ERRORS.notFound();
  if (body.workspace_id !== caller.key.workspaceId) return ERRORS.forbidden();
  if (!caller.key.credits) return ERRORS.insufficientCredits();
  if (idem.key !== undefined && ctx.store.isDuplicate(caller.apiKey, idem.key, ctx.clock.now())) return ERRORS.duplicate();
  const run = createStoredRun(ctx, caller, technique, {
    startedVia: 'startTechnique',
    pollTechniqueId: technique.id,
    inputs: body.inputs,
    callbackUrl: undefined,
    idempotencyKey: idem.key,
  });
  // The run's actual schedule, in the real seconds a client waits: with a time scale, a 20 s run that
  // takes 0.5 s must not tell the client to wait 20 s.
  const estimate = ctx.clock.toReal(run.startedAt + run.durationSeconds - run.createdAt);
  const started: RunStartedResponse = {
    run_id: run.runId,
    type: 'technique',
    charged_cost: technique.cost,
    estimated_seconds: estimate,
    poll_url: run.pollUrl,
    project_id: projectOf(caller.key.workspaceId),
    technique: { name: technique.name, technique_id: technique.id },
  };
  if (!ctx.live) return { status: 200, body: started };
  // What FLORA's SDK says the live API sends: nulls where there is nothing, an unknown estimate now and then.
  const live = { ...started, estimated_seconds: ctx.liveChoices.chance(0.3) ? null : estimate, action: technique.actionId ? { action_id: technique.actionId } : null, model: null };
  return { status: 200, body: live };
}
