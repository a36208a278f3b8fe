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


const clock = (ms: number | undefined) => {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/** Progress of a batch: a live bar on a terminal, a line each 10% (and at the end) when piped, nothing with --quiet. */
export function batchProgressView(stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>, mode: 'tty' | 'plain' | 'quiet') {
  if (mode === 'quiet') return { update(_p: BatchProgress) {}, stop() {} };
  const line = (p: BatchProgress) => `${p.done}/${p.total} done, ${p.running} running, ${p.failed} failed${p.review ? `, ${p.review} for review` : ''}, ${p.spent.toFixed(2)} USD, ETA ${clock(p.etaMs)}`;
  if (mode === 'plain') {
    let shown = -1;
    let last: BatchProgress | undefined;
    return {
      update(p: BatchProgress) {
        last = p;
        const tenth = Math.floor((p.done / Math.max(1, p.total)) * 10);
        if (tenth !== shown) stream.write(`${line(p)}\n`);
        shown = tenth;
      },
      stop() {
        if (last && Math.floor((last.done / Math.max(1, last.total)) * 10) !== 10 && last.done > 0) stream.write(`${line(last)}\n`);
      },
    };
  }
  const bar = liveBar(stream, 'batch [{bar}] {value}/{total} | running {running} | failed {failed} | {cost} USD | ETA {eta}');
  return {
    update(p: BatchProgress) {
      bar.update(p.total, p.done, { running: p.running, failed: p.failed + p.review, cost: p.spent.toFixed(2), eta: clock(p.etaMs) });
    },
    stop() {
      bar.stop();
    },
  };
}
