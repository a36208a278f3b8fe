/**
 * Waiting for many runs at once: each round reads them through the run list (`GET /technique-runs`,
 * 100 a page, filtered by technique), so one request covers up to 100 runs; a run the pages do not
 * reach (an older one, say) is read on its own (`GET /runs/{runId}`).
 */
import type { TechniqueRun, TechniqueRunListItem } from '../../generated/answers.js';
import { APIUserAbortError, RunTimeoutError } from '../core/errors.js';
import type { Requester } from '../core/requester.js';
import { deadline, sleep } from '../core/timers.js';
import { msProblems, refuseOptions } from '../core/validation.js';
import { nextPollDelay } from '../core/poll-delay.js';
import { isOutage } from '../core/transient.js';
import { DEFAULT_WAIT_TIMEOUT, renamedOptionProblems } from '../core/wait.js';
import { segmentProblems } from '../core/url.js';

/**
 * A run to wait for: its id, and its technique's when known (it lets the list filter), and when it was
 * created (unix seconds, as its answers say) when known: the list is then read down to it rather than the
 * run being read on its own.
 */
export type WaitAllRun = string | { run_id: string; technique_id?: string | undefined; created_at?: number | undefined };

/** Options of `runs.waitAll`. */
export interface WaitAllOptions {
  /** Stops waiting (and any request in flight) at once with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Overall limit in ms; then `RunTimeoutError` (its `run`: one that had not ended). Default 30 minutes. */
  waitTimeout?: number | undefined;
  /** Called with every state seen of every run. */
  onProgress?: ((run: TechniqueRun) => void) | undefined;
  /** Called once for each run as it ends (completed or failed). */
  onEnded?: ((run: TechniqueRun) => void) | undefined;
  /** Only runs of this workspace are listed (a filter the list takes). */
  workspaceId?: string | undefined;
  /** Shortest wait between rounds in ms, at least 50. Default 1000. */
  minInterval?: number | undefined;
  /** Longest wait between rounds in ms. Default 30 000. */
  maxInterval?: number | undefined;
  /** Each request attempt's limit in ms (as on every call), and its retries. */
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  /**
   * Called before each round: the runs it returns are waited for too, in the same rounds (a batch hands
   * over the runs it started meanwhile, so one list request still covers up to 100 of them). Their ends
   * reach you through `onEnded` alone, not the result (which holds the runs given): a wait fed for hours
   * would otherwise hold every run's final state until it ends. The wait ends once every run given or
   * added has ended; a run handed over again after its end is not waited for again.
   */
  more?: (() => readonly WaitAllRun[]) | undefined;
}

const TERMINAL = new Set(['completed', 'failed']);
/** How many list pages a round may read per technique beyond what its runs need (they share the list with others' runs). */
const SPARE_PAGES = 1;
/** At most this many pages a round per technique, however far back its runs' creation times reach. */
const MAX_PAGES = 20;

/**
 * Resolves, in the order given, with every given run's final state (failed runs included: their
 * `status` says so). Each round costs one list request per 100 runs of a technique, plus one GET per run
 * the list did not show. Memory holds the runs given and the ones still open, however many `more` adds.
 */
export async function waitAll(requester: Requester, runs: readonly WaitAllRun[], options: WaitAllOptions = {}): Promise<TechniqueRun[]> {
  const given = new Map<string, number>();
  const { wanted, problems } = normalise(runs, 'runs', given);
  const timeout = options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT;
  const minInterval = options.minInterval ?? 1000;
  refuseOptions([
    ...problems,
    ...renamedOptionProblems(options),
    ...msProblems('waitTimeout', timeout),
    ...msProblems('minInterval', minInterval, { min: 50, infinite: false }),
    ...msProblems('maxInterval', options.maxInterval ?? 30_000, { min: minInterval }),
  ]);
  // The latest state of each run given, and of each added run until it ends (its creation time helps the
  // list reach it).
  const last = new Map<string, TechniqueRun>();
  const keep = new Set(wanted.map((r) => r.run_id));
  /** Runs added through `more` that have ended: only their ids, so none is waited for (or reported) twice. */
  const endedAdded = new Set<string>();
  // The runs not yet ended, in the order given: what each round reads. A round costs what is still open,
  // not every run given or added so far (a batch hands over thousands through `more`).
  const open = new Map<string, { run_id: string; technique_id: string | undefined }>();
  const track = (runs: { run_id: string; technique_id: string | undefined }[]) => {
    for (const r of runs) if (!open.has(r.run_id) && !endedAdded.has(r.run_id) && !TERMINAL.has(last.get(r.run_id)?.status ?? '')) open.set(r.run_id, r);
  };
  track(wanted);
  const limit = deadline(timeout, options.signal);
  const perRequest = { timeout: options.timeout, maxRetries: options.maxRetries, signal: limit.signal };
  const startedAt = Date.now();
  const seen = (run: TechniqueRun) => {
    last.set(run.run_id, run);
    options.onProgress?.(run);
    if (TERMINAL.has(run.status) && open.delete(run.run_id)) {
      given.delete(run.run_id);
      if (!keep.has(run.run_id)) {
        last.delete(run.run_id);
        endedAdded.add(run.run_id);
      }
      options.onEnded?.(run);
    }
  };
  const stop = () => {
    if (options.signal?.aborted) return new APIUserAbortError({ message: 'Stopped waiting: aborted.', cause: options.signal.reason });
    const first = open.keys().next().value!;
    return new RunTimeoutError(first, timeout, last.get(first));
  };
  try {
    for (;;) {
      const { wanted: added, problems: bad } = normalise(options.more?.() ?? [], 'more()', given);
      refuseOptions(bad);
      track(added);
      // Runs handed over while waiting were started moments ago (allowing a few seconds for the server's clock).
      for (const r of added) if (open.has(r.run_id) && !given.has(r.run_id) && !last.has(r.run_id)) given.set(r.run_id, Date.now() / 1000 - 5);
      if (open.size === 0) return wanted.map((r) => last.get(r.run_id)!);
      try {
        await round(requester, [...open.values()], options.workspaceId, perRequest, seen, (id) => last.get(id)?.created_at ?? given.get(id));
      } catch (err) {
        if (limit.signal?.aborted) throw stop();
        if (!isOutage(err)) throw err;
        // Already retried by the client: the next round is the next retry.
      }
      if (open.size === 0) continue;
      const delay = nextPollDelay({ now: Date.now(), startedAt, observations: [], minInterval, maxInterval: options.maxInterval });
      await sleep(delay, limit.signal).catch(() => {
        throw stop();
      });
    }
  } finally {
    limit.clear();
  }
}

/**
 * The runs as a round takes them, each known creation time put in `createdAt`, and the ids a path
 * segment cannot carry (named `label[i].run_id`).
 */
function normalise(runs: readonly WaitAllRun[], label: string, createdAt: Map<string, number>) {
  const wanted = runs.map((r) => {
    if (typeof r === 'string') return { run_id: r, technique_id: undefined };
    if (typeof r.created_at === 'number' && Number.isFinite(r.created_at)) createdAt.set(r.run_id, r.created_at);
    return { run_id: r.run_id, technique_id: r.technique_id };
  });
  return { wanted, problems: wanted.flatMap((r, i) => segmentProblems(`${label}[${i}].run_id`, r.run_id)) };
}

/** Options of `runs.retrieveMany`. */
export interface RetrieveManyOptions {
  /** Only runs of this workspace are listed (a filter the list takes). */
  workspaceId?: string | undefined;
  /** Stops the reads at once with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Each request attempt's limit in ms (as on every call), and its retries. */
  timeout?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * One round of `waitAll`: resolves, in the order given, with each run's state now, read through the
 * run list where it reaches them and `GET /runs/{runId}` where it does not.
 */
export async function retrieveMany(requester: Requester, runs: readonly WaitAllRun[], options: RetrieveManyOptions = {}): Promise<TechniqueRun[]> {
  const createdAt = new Map<string, number>();
  const { wanted, problems } = normalise(runs, 'runs', createdAt);
  refuseOptions([...problems, ...renamedOptionProblems(options)]);
  const read = new Map<string, TechniqueRun>();
  const unique = [...new Map(wanted.map((r) => [r.run_id, r])).values()];
  await round(requester, unique, options.workspaceId, { timeout: options.timeout, maxRetries: options.maxRetries, signal: options.signal }, (run) => read.set(run.run_id, run), (id) => createdAt.get(id));
  return wanted.map((r) => read.get(r.run_id)!);
}

/** One round: the list pages each technique's pending runs need, then a GET for each run they did not show. */
async function round(
  requester: Requester,
  pending: { run_id: string; technique_id: string | undefined }[],
  workspaceId: string | undefined,
  perRequest: { timeout: number | undefined; maxRetries: number | undefined; signal: AbortSignal | undefined },
  seen: (run: TechniqueRun) => void,
  createdAt: (runId: string) => number | undefined,
): Promise<void> {
  const byTechnique = new Map<string | undefined, Set<string>>();
  for (const r of pending) {
    const ids = byTechnique.get(r.technique_id) ?? new Set<string>();
    ids.add(r.run_id);
    byTechnique.set(r.technique_id, ids);
  }
  const missing: string[] = [];
  for (const [techniqueId, ids] of byTechnique) {
    const left = new Set(ids);
    // The list is newest first: once the runs' creation times are known, the pages down to the oldest hold
    // them, however many other runs (another worker's, say) came since; a page more is read only while it
    // costs less than a GET for each run still missing.
    const known = [...ids].map(createdAt).filter((t): t is number => typeof t === 'number');
    const oldest = known.length === ids.size ? Math.min(...known) : undefined;
    const budget = Math.ceil(ids.size / 100) + SPARE_PAGES;
    let cursor: string | undefined;
    let reached = Infinity;
    for (let page = 0; left.size > 0 && (page < budget || (oldest !== undefined && reached >= oldest && page - budget < left.size && page < MAX_PAGES)); page++) {
      const query = { technique_id: techniqueId, workspace_id: workspaceId, limit: 100, ...(cursor ? { cursor } : {}) };
      const body = await requester.call('listTechniqueRuns', { query }, perRequest);
      // (Read without checks, validate: false, an answer may hold anything: only run-shaped items count.)
      for (const item of (Array.isArray(body.technique_runs) ? body.technique_runs : []) as TechniqueRunListItem[]) {
        if (typeof item !== 'object' || item === null) continue;
        if (left.delete(item.run_id)) seen(item);
        if (typeof item.created_at === 'number') reached = Math.min(reached, item.created_at);
      }
      cursor = typeof body.meta?.next_cursor === 'string' ? body.meta.next_cursor : undefined;
      if (!cursor) break;
    }
    missing.push(...left);
  }
  // A few at a time: a round must not open a connection per run.
  for (let i = 0; i < missing.length; i += 8) {
    for (const run of await Promise.all(missing.slice(i, i + 8).map((runId) => requester.call('getRun', { params: { runId } }, perRequest)))) seen(run);
  }
}
