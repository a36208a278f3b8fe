/**
 * Fixed cases of the generated adversary, run on every `npm test`: each of issue 23's findings written as a
 * case, and every case the adversary found failing, as it was shrunk (the hostile suite's own cases stay
 * in `hostile.test.ts`). Each must keep the four promises. They are data (`regressions.json`): a failing
 * case's shrunk form (fast-check prints it as JSON) goes in as it is, with a name and why it was wrong.
 */
import { readFileSync } from 'node:fs';
import type { Case } from './plan.js';

export interface Regression {
  name: string;
  /** What was wrong before the fix. */
  why: string;
  c: Case;
}

export const REGRESSIONS: Regression[] = JSON.parse(readFileSync(new URL('./regressions.json', import.meta.url), 'utf8'));
