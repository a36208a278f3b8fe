/**
 * Waiting for a batch's runs across its workers with one poller a round, not one per worker: each round's
 * lease (a Redis key) goes to one worker, which reads every open run of the batch with
 * `runs.retrieveMany` (one `GET /technique-runs` per 100 runs) and writes the ones that ended into Redis,
 * where every worker picks up its own. Adding workers adds no polling requests.
 *
 * Nothing is lost to a dead worker: a poller that dies loses only its round (its lease runs out), and a
 * run whose state was read but never collected is put back among the open runs by the next waiter's
 * check. A run whose read cannot succeed fails only the jobs waiting for it, for this attempt; the next
 * attempt reads it again.
 */
import type { Redis } from 'ioredis';
import type { TechniqueRun } from '../../generated/answers.js';
import type { Flora } from '../client.js';
import { APIError, AuthenticationError, FloraError, PermissionDeniedError } from '../core/errors.js';
import { sleep } from '../core/timers.js';
import { isOutage, isTransient } from '../core/transient.js';
import { RENEW } from './scripts.js';

/** The Redis keys the waiters share: the open runs, the states read, the round's lease. */
export interface SharedWaitKeys {
  /** Hash: run id -> `{technique_id, created_at}`, what the list needs to reach the run. */
  open: string;
  /** Hash: run id -> `{"run": <final state>}` or `{"error": {code, message}}`. */
  ended: string;
  /** The current round's lease. */
  poll: string;
}

/** One process's side of the shared wait. */
export interface SharedWait {
  /** Resolves with the run's final state; rejects when its read cannot succeed (this attempt). */
  waitFor(runId: string, entry: { technique_id: string; created_at: number }): Promise<TechniqueRun>;
  /** Stops polling; waits in progress stay unsettled (their jobs go to another worker). */
  close(): Promise<void>;
}

/**
 * The run's state if a poller has read it; else the run joins the open ones. With ARGV[3] = '1' (a new
 * attempt's first look) an error marker is cleared instead, so the run is read again.
 */
const WATCH = `
local ended = redis.call('HGET', KEYS[1], ARGV[1])
if ended and (ARGV[3] ~= '1' or string.sub(ended, 1, 9) ~= '{"error":') then return ended end
if ended then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
return false`;

type Ended = { run: TechniqueRun } | { error: { code: string; message: string } };
interface Waiter {
  resolve: (run: TechniqueRun) => void;
  reject: (err: unknown) => void;
}

/** Rounds in a row that fail on a transient error before each run is read on its own to find the one that keeps failing. */
const ROUND_FAILURES_BEFORE_SPLIT = 10;
const terminal = (run: TechniqueRun) => run.status === 'completed' || run.status === 'failed';

export function startSharedWait(client: Flora, redis: Redis, k: SharedWaitKeys, pollInterval: number): SharedWait {
  const abort = new AbortController();
  // Several jobs may wait for one run: a job whose lock lapsed can be taken up again while its first try still waits.
  const waiting = new Map<string, { entry: string; waiters: Waiter[] }>();
  const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const check = Math.max(10, Math.min(50, pollInterval / 4));
  let wake: (() => void) | undefined;
  let roundFailures = 0;

  const settle = (runId: string, e: Ended) => {
    const ws = waiting.get(runId)?.waiters;
    if (!ws) return;
    waiting.delete(runId);
    for (const w of ws) {
      if ('run' in e) w.resolve(e.run);
      else w.reject(new FloraError(`${e.error.code}: run ${runId} could not be read: ${e.error.message}`));
    }
  };
  const read = (text: string | null): Ended | undefined => {
    if (!text) return undefined;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.run === 'object' && o.run !== null) return { run: o.run as TechniqueRun };
    if (typeof o.error === 'object' && o.error !== null) {
      const e = o.error as Record<string, unknown>;
      return { error: { code: typeof e.code === 'string' ? e.code : 'error', message: typeof e.message === 'string' ? e.message : '' } };
    }
    // A bare run (as a worker of an earlier version wrote them).
    if (typeof o.run_id === 'string' && typeof o.status === 'string') return { run: o as unknown as TechniqueRun };
    return undefined;
  };
  /** An open run's entry: what the list needs to reach it (nothing usable reads as nothing: the run is then read on its own). */
  const readOpenEntry = (text: string): { technique_id?: string; created_at?: number } => {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      return { ...(typeof o.technique_id === 'string' ? { technique_id: o.technique_id } : {}), ...(typeof o.created_at === 'number' ? { created_at: o.created_at } : {}) };
    } catch {
      return {};
    }
  };
  const marker = (err: unknown): Ended => ({ error: { code: (err instanceof APIError && err.code) || (err instanceof Error ? err.name : 'error'), message: err instanceof Error ? err.message : String(err) } });

  /**
   * Each run on its own (`GET /runs/{runId}`, 8 at a time), to find the ones whose read fails. When the
   * first reads all fail alike, the error is the batch's, not a run's: the API away (the round is tried
   * again later) or the key refused (every open run's jobs fail this attempt, without a request per run).
   */
  const readEach = async (ids: string[]) => {
    const states: TechniqueRun[] = [];
    const failed: [string, unknown][] = [];
    for (let i = 0; i < ids.length; i += 8) {
      const slice = ids.slice(i, i + 8);
      const got = await Promise.allSettled(slice.map((id) => client.generations.retrieve(id, { signal: abort.signal })));
      if (abort.signal.aborted) throw abort.signal.reason;
      got.forEach((g, j) => (g.status === 'fulfilled' ? states.push(g.value) : failed.push([slice[j]!, g.reason])));
      if (i === 0 && states.length === 0) {
        const first = failed[0]![1];
        if (isOutage(first)) throw first;
        if (first instanceof AuthenticationError || first instanceof PermissionDeniedError) return { states, failed: ids.map((id): [string, unknown] => [id, first]) };
      }
    }
    return { states, failed };
  };

  /** One round for the whole batch: every open run read, the ended ones (and the unreadable) written for every waiter. */
  const poll = async () => {
    const open = Object.entries(await redis.hgetall(k.open)).map(([run_id, v]) => ({ run_id, ...readOpenEntry(v) }));
    if (open.length === 0) return;
    // A slow round (retries, a long Retry-After) keeps its lease, so no second poller starts beside it.
    const renew = setInterval(() => void redis.eval(RENEW, 1, k.poll, token, String(pollInterval + 2000)).catch(() => undefined), 1000);
    try {
      let states: TechniqueRun[];
      let failed: [string, unknown][] = [];
      try {
        states = await client.runs.retrieveMany(open, { signal: abort.signal });
        roundFailures = 0;
      } catch (err) {
        if (abort.signal.aborted || (isTransient(err) && ++roundFailures < ROUND_FAILURES_BEFORE_SPLIT)) throw err;
        roundFailures = 0;
        // One run's read cannot succeed, or keeps failing: read each on its own, so only that run's jobs fail.
        ({ states, failed } = await readEach(open.map((r) => r.run_id)));
      }
      const done: [string, Ended][] = [...states.filter(terminal).map((run): [string, Ended] => [run.run_id, { run }]), ...failed.map(([id, e]): [string, Ended] => [id, marker(e)])];
      if (done.length === 0) return;
      const tx = redis.multi();
      for (const [id, e] of done) tx.hset(k.ended, id, JSON.stringify(e)).hdel(k.open, id);
      await tx.exec();
      for (const [id, e] of done) settle(id, e);
    } finally {
      clearInterval(renew);
    }
  };

  const loop = async () => {
    let rewatchAt = 0;
    while (!abort.signal.aborted) {
      if (waiting.size === 0) {
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      let pause = check;
      try {
        const ids = [...waiting.keys()];
        if (Date.now() >= rewatchAt) {
          // Now and then each waited-for run is checked in full: a state another job collected (and cleared)
          // before this one read it puts the run back among the open runs, to be read again.
          rewatchAt = Date.now() + Math.max(pollInterval, 1000);
          const p = redis.pipeline();
          for (const id of ids) p.eval(WATCH, 2, k.ended, k.open, id, waiting.get(id)!.entry, '0');
          const answers = (await p.exec()) ?? [];
          ids.forEach((id, i) => {
            const e = read(answers[i]?.[1] as string | null);
            if (e) settle(id, e);
          });
        } else {
          (await redis.hmget(k.ended, ...ids)).forEach((text, i) => {
            const e = read(text);
            if (e) settle(ids[i]!, e);
          });
        }
        if (waiting.size > 0 && (await redis.set(k.poll, token, 'PX', pollInterval + 2000, 'NX')) === 'OK') {
          const began = Date.now();
          try {
            await poll();
          } finally {
            // The next round begins a poll interval after this one began (or now, if this one took longer).
            await redis.eval(RENEW, 1, k.poll, token, String(Math.max(1, pollInterval - (Date.now() - began))));
          }
        }
      } catch {
        // Redis or the API is away for now (or the wait is closing): the next check tries again, a little later.
        pause = Math.max(check, 250);
      }
      if (!abort.signal.aborted) await sleep(pause);
    }
  };
  const running = loop();

  return {
    async waitFor(runId, entry) {
      const text = JSON.stringify(entry);
      const e = read((await redis.eval(WATCH, 2, k.ended, k.open, runId, text, '1')) as string | null);
      if (e && 'run' in e) return e.run;
      return new Promise<TechniqueRun>((resolve, reject) => {
        const w = waiting.get(runId) ?? { entry: text, waiters: [] };
        w.waiters.push({ resolve, reject });
        waiting.set(runId, w);
        wake?.();
      });
    },
    async close() {
      abort.abort();
      wake?.();
      await running;
    },
  };
}
