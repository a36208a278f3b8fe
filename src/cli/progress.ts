/**
 * Showing progress: of a run while `--wait` waits (a live bar with status and elapsed time on a terminal,
 * one plain line per change otherwise), and of a batch (a bar, or a line each 10%); nothing with `--quiet`.
 */
import { SingleBar } from 'cli-progress';
import type { TechniqueRun } from '../../generated/answers.js';
import type { BatchProgress } from '../batch/index.js';
import { inline } from './safe.js';

export interface ProgressView {
  update(run: TechniqueRun): void;
  stop(): void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function progressView(stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>, mode: 'tty' | 'plain' | 'quiet'): ProgressView {
  const started = Date.now();
  if (mode === 'quiet') return { update() {}, stop() {} };
  if (mode === 'plain') {
    let last = '';
    return {
      update(run) {
        const line = inline(`${run.run_id} ${run.status} ${Math.round(run.progress)}%`);
        if (line !== last) stream.write(`${line} (${seconds(Date.now() - started)})\n`);
        last = line;
      },
      stop() {},
    };
  }
  const bar = liveBar(stream, '{run} [{bar}] {percentage}% | {status} | {elapsed}');
  const timer = setInterval(() => bar.refresh({ elapsed: seconds(Date.now() - started) }), 200);
  timer.unref();
  return {
    update(run) {
      bar.update(100, Math.round(run.progress), { run: inline(run.run_id), status: inline(run.status), elapsed: seconds(Date.now() - started) });
    },
    stop() {
      clearInterval(timer);
      bar.stop();
    },
  };
}

/** A cli-progress bar, drawn from its first update on. */
function liveBar(stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>, format: string) {
  const bar = new SingleBar({
    // Only a terminal gets a bar, and a terminal is a real stream.
    stream: stream as NodeJS.WriteStream,
    format,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: false,
  });
  let begun = false;
  return {
    update(total: number, value: number, payload: object) {
      if (!begun) bar.start(total, value, payload);
      else bar.update(value, payload);
      begun = true;
    },
    /** New payload, same value; nothing before the first update. */
    refresh(payload: object) {
      if (begun) bar.update(payload);
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}


const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** An amount of USD as every batch line shows it: cents, and the further digits (up to 4) when there are any. */
export function formatUsd(amount: number): string {
  const cents = amount.toFixed(2);
  const finer = amount.toFixed(4).replace(/0{1,2}$/, '');
  return Number(finer) === Number(cents) ? cents : finer;
}

/**
 * The batch's expected time left, from this process's own pace: items done here over the time since the view
 * began (items done before, by an earlier run of a resumed batch, are not this run's pace). Runs end in
 * bursts (one polling round sees many), so the view reads the numbers once a burst is over (see
 * `batchProgressView`), and a pace over the whole run moves smoothly, unlike one over the latest burst.
 */
class Eta {
  #since: number | undefined;
  #doneBefore = 0;

  left(p: BatchProgress, now: number): string {
    if (this.#since === undefined) {
      this.#since = now;
      this.#doneBefore = p.done;
    }
    if (p.done >= p.total) return 'finished';
    const doneHere = p.done - this.#doneBefore;
    if (doneHere <= 0 || now <= this.#since) return 'ETA ?';
    return `ETA ${clock(((p.total - p.done) * (now - this.#since)) / doneHere)}`;
  }
}

/**
 * Progress of a batch: a live bar on a terminal, a line each 10% (and at the end) when piped, nothing with
 * --quiet. Updates come one per item, many in one go when a polling round sees runs end: the view shows
 * the last of them once the go is over (a microtask later), so it never shows the middle of a burst.
 */
export function batchProgressView(stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>, mode: 'tty' | 'plain' | 'quiet') {
  if (mode === 'quiet') return { update(_p: BatchProgress) {}, stop() {} };
  const eta = new Eta();
  const failed = (p: BatchProgress) => `${p.failed} failed${p.review ? `, ${p.review} for review` : ''}`;
  const line = (p: BatchProgress) => `${p.done}/${p.total} done, ${p.running} running, ${failed(p)}, ${formatUsd(p.spent)} USD, ${eta.left(p, Date.now())}`;
  const tenth = (p: BatchProgress) => Math.floor((p.done / Math.max(1, p.total)) * 10);
  let latest: BatchProgress | undefined;
  let scheduled = false;
  let show: (p: BatchProgress) => void;
  let stopped = false;
  const update = (p: BatchProgress) => {
    latest = p;
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (!stopped && latest) show(latest);
    });
  };
  if (mode === 'plain') {
    let shown = -1;
    let printed: BatchProgress | undefined;
    show = (p) => {
      if (tenth(p) === shown) return;
      shown = tenth(p);
      printed = p;
      stream.write(`${line(p)}\n`);
    };
    return {
      update,
      stop() {
        stopped = true;
        // The last state, unless that line is already out.
        if (latest && latest !== printed) stream.write(`${line(latest)}\n`);
      },
    };
  }
  const bar = liveBar(stream, 'batch [{bar}] {value}/{total} | running {running} | {failedText} | {cost} USD | {left}');
  show = (p) => bar.update(p.total, p.done, { running: p.running, failedText: failed(p), cost: formatUsd(p.spent), left: eta.left(p, Date.now()) });
  return {
    update,
    stop() {
      stopped = true;
      if (latest) show(latest);
      bar.stop();
    },
  };
}
