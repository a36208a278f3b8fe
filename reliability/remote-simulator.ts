/** Starts the simulator in a child process and talks to it over IPC (see simulator-child.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AssetSnapshot, SimulatorOptions, SimulatorStats } from '../src/testing/index.js';

/** The part of a `RunSnapshot` the child sends back. */
export interface RemoteRun {
  runId: string;
  apiKey: string;
  idempotencyKey: string | undefined;
  startedVia: 'create' | 'startTechnique';
  status: string;
  /** When it was started: simulated unix seconds, not rounded. */
  createdAt: number;
  inputs: unknown;
}

export interface RemoteSimulator {
  url: string;
  listRuns(): Promise<RemoteRun[]>;
  listAssets(): Promise<AssetSnapshot[]>;
  stats(): Promise<SimulatorStats>;
  close(): Promise<void>;
}

/** Options must be plain JSON (no functions, no logger). */
export async function startRemoteSimulator(options: SimulatorOptions): Promise<RemoteSimulator> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./simulator-child.ts', import.meta.url)), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator child exited with ${code} before listening`)));
    child.on('message', (m: { ready?: string; id?: number; result?: unknown }) => {
      if (m.ready) resolve(m.ready);
      else if (m.id !== undefined) {
        pending.get(m.id)?.(m.result);
        pending.delete(m.id);
      }
    });
  });
  const ask = <T>(op: string) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (r: unknown) => void);
      child.send({ id, op });
    });
  let closing: Promise<void> | undefined;
  return {
    url,
    listRuns: () => ask<RemoteRun[]>('listRuns'),
    listAssets: () => ask<AssetSnapshot[]>('listAssets'),
    stats: () => ask<SimulatorStats>('stats'),
    close() {
      closing ??= (async () => {
        if (child.exitCode !== null || !child.connected) return;
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        await Promise.race([ask('close'), exited]);
        const timer = setTimeout(() => child.kill(), 2000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
