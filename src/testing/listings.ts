/**
 * What the read operations do: the technique catalog, one technique's definition, the caller's
 * workspaces, and its runs newest first, with filters and cursors that stay stable while new runs
 * arrive (a cursor names the last run a page showed, not a position).
 */
import type { SchemaName } from '../../generated/validators.js';
import { validate } from '../../generated/validators.js';
import { definitionOf, findTechnique } from './catalog.js';
import { ERRORS, validationReply, type Reply } from './http.js';
import type { OperationContext, SimRequest } from './operations.js';
import { projectOf, runView, type StoredRun } from './runs.js';

const DEFAULT_LIMIT = 20;

/** The query as the spec types it (numbers for integer parameters), or the 400 refusing it. */
function readQuery(query: URLSearchParams, schema: SchemaName): { ok: true; value: Record<string, string | number> } | { ok: false; reply: Reply } {
  const value: Record<string, string | number> = {};
  for (const [k, v] of query) value[k] = k === 'limit' && /^\d+$/.test(v) ? Number(v) : v;
  const fields = validate(schema, value);
  return fields.length > 0 ? { ok: false, reply: validationReply(fields) } : { ok: true, value };
}

/** A cursor for the item at `position` (catalog index or run number). */
const cursorAt = (position: number) => `cur_${position}`;
const positionOf = (cursor: string | number | undefined) => (typeof cursor === 'string' && /^cur_\d+$/.test(cursor) ? Number(cursor.slice(4)) : undefined);

/** The `meta` of a page: a cursor when there is more, else (live) `null` or (seeds) nothing. */
const meta = (ctx: OperationContext, next: string | undefined) => (next ? { next_cursor: next } : ctx.live ? { next_cursor: null } : {});

/** GET /techniques */
export function listTechniques(ctx: OperationContext, { caller, query }: SimRequest): Reply {
  const q = readQuery(query, 'ListTechniquesQuery');
  if (!q.ok) return q.reply;
  const { limit = DEFAULT_LIMIT, cursor, workspace_id, query: text } = q.value;
  if (cursor !== undefined && positionOf(cursor) === undefined) return validationReply([{ field: 'cursor', message: 'is not a cursor this API gave' }]);
  const start = positionOf(cursor) ?? 0;
  const visible = workspace_id !== undefined && workspace_id !== caller.key.workspaceId ? [] : ctx.catalog;
  const matching = visible.map((t, i) => ({ t, i })).filter(({ t }) => text === undefined || `${t.name} ${t.slug}`.toLowerCase().includes(String(text).toLowerCase()));
  const page = matching.filter(({ i }) => i >= start).slice(0, Number(limit) + 1);
  const more = page.length > Number(limit);
  const shown = page.slice(0, Number(limit));
  return { status: 200, body: { techniques: shown.map(({ t }) => definitionOf(t)), meta: meta(ctx, more ? cursorAt(page[Number(limit)]!.i) : undefined) } };
}

/** GET /techniques/{techniqueId} */
export function getTechnique(ctx: OperationContext, { params: { techniqueId } }: SimRequest): Reply {
  const t = findTechnique(ctx.catalog, techniqueId!);
  return t ? { status: 200, body: definitionOf(t) } : ERRORS.notFound();
}

/** GET /workspaces */
export function listWorkspaces(ctx: OperationContext, { caller }: SimRequest): Reply {
  const workspace = { workspace_id: caller.key.workspaceId, name: 'Simulated workspace', role: 'owner', created_at: ctx.live ? null : Math.floor(ctx.startedAt) };
  return { status: 200, body: { workspaces: [workspace] } };
}

/** A stored run as the run list shows it. */
function listItem(ctx: OperationContext, run: StoredRun) {
  const view = runView(run, ctx.clock.now());
  return {
    ...view,
    technique_run_id: run.runId,
    workspace_id: run.workspaceId,
    project_id: projectOf(run.workspaceId),
    technique: { name: run.technique.name, technique_id: run.technique.id },
  };
}


/** GET /technique-runs */
export function listTechniqueRuns(ctx: OperationContext, { caller, query }: SimRequest): Reply {
  const q = readQuery(query, 'ListTechniqueRunsQuery');
  if (!q.ok) return q.reply;
  const { limit = DEFAULT_LIMIT, cursor, workspace_id, project_id, technique_id, status } = q.value;
  if (cursor !== undefined && positionOf(cursor) === undefined) return validationReply([{ field: 'cursor', message: 'is not a cursor this API gave' }]);
  const shown: ReturnType<typeof listItem>[] = [];
  let last: StoredRun | undefined;
  let next: string | undefined;
  for (const run of ctx.store.newestFirst(caller.apiKey, positionOf(cursor))) {
    if (workspace_id !== undefined && run.workspaceId !== workspace_id) continue;
    if (project_id !== undefined && projectOf(run.workspaceId) !== project_id) continue;
    if (technique_id !== undefined && run.technique.id !== technique_id && run.technique.slug !== technique_id) continue;
    const item = listItem(ctx, run);
    if (status !== undefined && item.status !== status) continue;
    if (shown.length === Number(limit)) {
      // The cursor names the last run shown: the next page is what was stored before it.
      next = cursorAt(last!.seq!);
      break;
    }
    shown.push(item);
    last = run;
  }
  return { status: 200, body: { technique_runs: shown, meta: meta(ctx, next) } };
}
