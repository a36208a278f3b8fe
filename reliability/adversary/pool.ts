/**
 * The child processes cases run in (`child.ts`): a few at once, each running one case at a time. A
 * child that does not answer within a case's bound and a generous grace is killed, replaced, and its
 * case reported as hung; one that dies is reported as crashed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Outcome } from './drive.js';
import type { Case } from './plan.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
/** Past a case's bound, how long a child may stay silent before it counts as hung. */
const GRACE_MS = 30_000;

interface Worker {
  child: ChildProcess;
  busy: boolean;
}

export interface Pool {
  run(c: Case, base: string, boundMs: number): Promise<Outcome>;
  close(): void;
}

const failed = (what: string, message: string): Outcome => ({ kind: 'crash', what, message, leaks: [], growth: 0, elapsedMs: 0, cpuMs: 0, boundMs: 0, unhandled: [], wire: [] });

export async function startPool(size: number): Promise<Pool> {
  const workers: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  let next = 0;
  const spawn = () =>
    new Promise<Worker>((resolve, reject) => {
      const child = fork(CHILD, [], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const worker = { child, busy: false };
      const died = (code: number | null) => reject(new Error(`an adversary child process exited (${code}) before it was ready`));
      child.once('message', () => {
        child.off('exit', died);
        resolve(worker);
      });
      child.once('error', reject);
      child.once('exit', died);
    });
  for (const w of await Promise.all(Array.from({ length: size }, spawn))) workers.push(w);
  const release = (w: Worker) => {
    const wake = waiting.shift();
    if (wake) wake(w);
    else w.busy = false;
  };
  const acquire = () =>
    new Promise<Worker>((resolve) => {
      const free = workers.find((w) => !w.busy);
      if (free) {
        free.busy = true;
        resolve(free);
      } else waiting.push(resolve);
    });
  const replace = async (w: Worker) => {
    w.child.kill('SIGKILL');
    const fresh = await spawn();
    w.child = fresh.child;
  };
  return {
    async run(c, base, boundMs) {
      const w = await acquire();
      const id = next++;
      const outcome = await new Promise<Outcome | 'hung' | 'died'>((resolve) => {
        const timer = setTimeout(() => resolve('hung'), boundMs + GRACE_MS);
        const onMessage = (m: { id?: number; outcome?: Outcome }) => {
          if (m.id !== id) return;
          done();
          resolve(m.outcome!);
        };
        const onExit = () => {
          done();
          resolve('died');
        };
        const done = () => {
          clearTimeout(timer);
          w.child.off('message', onMessage);
          w.child.off('exit', onExit);
        };
        w.child.on('message', onMessage);
        w.child.once('exit', onExit);
        w.child.send({ id, c, base });
      });
      if (outcome === 'hung' || outcome === 'died') {
        await replace(w);
        release(w);
        return failed(outcome, outcome === 'hung' ? `no answer ${GRACE_MS} ms past its bound of ${boundMs} ms` : 'the child process died');
      }
      release(w);
      return outcome;
    },
    close() {
      for (const w of workers) w.child.kill();
    },
  };
}
