/**
 * Showing a run's progress while `--wait` waits: a live bar with status and elapsed time on a terminal,
 * one plain line per change otherwise (logs, CI), nothing with `--quiet`.
 */
import { SingleBar } from 'cli-progress';
import type { TechniqueRun } from '../../generated/answers.js';
import { visible } from './safe.js';

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
        const line = visible(`${run.run_id} ${run.status} ${Math.round(run.progress)}%`);
        if (line !== last) stream.write(`${line} (${seconds(Date.now() - started)})\n`);
        last = line;
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    // Only a terminal gets a bar, and a terminal is a real stream.
    stream: stream as NodeJS.WriteStream,
    format: '{run} [{bar}] {percentage}% | {status} | {elapsed}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: false,
  });
  let begun = false;
  const timer = setInterval(() => begun && bar.update({ elapsed: seconds(Date.now() - started) }), 200);
  timer.unref();
  return {
    update(run) {
      const payload = { run: visible(run.run_id), status: visible(run.status), elapsed: seconds(Date.now() - started) };
      if (!begun) bar.start(100, Math.round(run.progress), payload);
      else bar.update(Math.round(run.progress), payload);
      begun = true;
    },
    stop() {
      clearInterval(timer);
      if (begun) bar.stop();
    },
  };
}
