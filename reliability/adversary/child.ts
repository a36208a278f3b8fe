/**
 * A child process of the generated adversary: it runs the cases its parent sends, one at a time, and
 * answers each with what it measured and saw (`drive.ts`). Memory and time are measured here, in the
 * process that ran the case, apart from the server's and the test runner's.
 */
import { drive } from './drive.js';
import type { Case } from './plan.js';

process.on('message', (message: { id: number; c: Case; base: string }) => {
  drive(message.c, message.base).then(
    (outcome) => process.send!({ id: message.id, outcome }),
    (error: unknown) => process.send!({ id: message.id, outcome: { kind: 'crash', what: 'harness', message: String(error), leaks: [], growth: 0, elapsedMs: 0, cpuMs: 0, boundMs: 0, unhandled: [], wire: [] } }),
  );
});
process.send!({ ready: true });
