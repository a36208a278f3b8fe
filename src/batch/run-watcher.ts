/**
 * Waits for a changing set of runs through `client.runs.waitAll`: runs added while a wait is going on join
 * its next round (`more`), so one list request a round covers up to 100 of them.
 */
import type { TechniqueRun } from '../../generated/answers.js';
import type { Flora } from '../client.js';
import { backoffMs } from '../core/retry.js';
import { sleep } from '../core/timers.js';
import { isTransient } from '../core/transient.js';

/** Rounds in a row that may fail on a transient error (each waited out) before the wait gives up. */
const MAX_ROUND_FAILURES = 10;

export class RunWatcher {
  readonly #queue: { run_id: string; technique_id: string }[] = [];
  /** Runs added and not yet ended: what a wait that failed part-way resumes with. */
  readonly #open = new Map<string, { run_id: string; technique_id: string }>();
  readonly #waiters = new Map<string, { resolve: (run: TechniqueRun) => void; reject: (err: unknown) => void }[]>();
  #active: Promise<void> | undefined;
  #error: unknown;
  constructor(
    private readonly client: Flora,
    private readonly options: { pollInterval: number; workspaceId: string | undefined; signal: AbortSignal; onEnded?: (run: TechniqueRun) => void; onError?: (err: unknown) => void },
  ) {}

  add(runId: string, techniqueId: string): void {
    if (this.#open.has(runId)) return;
    const run = { run_id: runId, technique_id: techniqueId };
    this.#open.set(runId, run);
    this.#queue.push(run);
    this.#active ??= this.#loop();
  }

  /** Resolves with the run's final state; rejects with what stopped the wait. */
  waitFor(runId: string, techniqueId: string): Promise<TechniqueRun> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      const ws = this.#waiters.get(runId) ?? [];
      ws.push({ resolve, reject });
      this.#waiters.set(runId, ws);
      this.add(runId, techniqueId);
    });
  }

  /** Resolves once every added run has ended; rejects with what stopped the wait. */
  async idle(): Promise<void> {
    while (this.#active) await this.#active;
    if (this.#error !== undefined) throw this.#error;
  }

  /** The first error the wait stopped on, if any. */
  get error(): unknown {
    return this.#error;
  }

  #ended(run: TechniqueRun): void {
    if (!this.#open.delete(run.run_id)) return;
    this.options.onEnded?.(run);
    const ws = this.#waiters.get(run.run_id);
    this.#waiters.delete(run.run_id);
    for (const w of ws ?? []) w.resolve(run);
  }

  async #loop(): Promise<void> {
    let failures = 0;
    try {
      while (this.#queue.length > 0) {
        const first = this.#queue.splice(0);
        try {
          await this.client.runs.waitAll(first, {
            more: () => this.#queue.splice(0),
            onEnded: (run) => this.#ended(run),
            minInterval: this.options.pollInterval,
            maxInterval: this.options.pollInterval,
            waitTimeout: Infinity,
            workspaceId: this.options.workspaceId,
            signal: this.options.signal,
          });
          failures = 0;
        } catch (err) {
          // waitAll goes on through 429s, 5xx and lost connections; an unreadable answer (a body cut off)
          // ends it. The runs are still there: wait again for the ones that have not ended.
          if (this.options.signal.aborted || !isTransient(err) || ++failures > MAX_ROUND_FAILURES) throw err;
          this.#queue.splice(0, this.#queue.length, ...this.#open.values());
          await sleep(backoffMs(failures), this.options.signal);
        }
      }
    } catch (err) {
      this.#error ??= this.options.signal.aborted ? this.options.signal.reason : err;
      this.options.onError?.(err);
      for (const ws of this.#waiters.values()) for (const w of ws) w.reject(this.#error);
      this.#waiters.clear();
    } finally {
      this.#active = undefined;
    }
  }
}
