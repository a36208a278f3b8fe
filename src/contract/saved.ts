/**
 * Saved answers: `--save DIR` writes every answer a check saw (already redacted: bodies, paths and request
 * ids pass through the redactor when recorded) to DIR/answers.json, and `--from DIR` judges them again
 * without the network, by the checks of the installed version. A drift report can be shared without a key.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATIONS, type OperationId } from '../../generated/operations.js';
import type { Collected } from './checks.js';
import type { RecordedAnswer } from './judge.js';

export const SAVED_FILE = 'answers.json';
const FORMAT = 'flora-contract-answers/1';

/** Writes the collected answers to `dir` (created if need be); the path written. */
export function saveAnswers(dir: string, collected: Collected, checkedAt: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, SAVED_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ format: FORMAT, checkedAt, ...collected }, null, 2)}\n`);
  renameSync(temp, path);
  return path;
}

/** A saved set problem: the file and what is wrong with it. */
export class SavedAnswersError extends Error {
  override name = 'SavedAnswersError';
}

const isAnswer = (a: any): a is RecordedAnswer =>
  a !== null &&
  typeof a === 'object' &&
  typeof a.step === 'string' &&
  typeof a.method === 'string' &&
  typeof a.path === 'string' &&
  Number.isInteger(a.status) &&
  (a.text === undefined || typeof a.text === 'string') &&
  (a.operationId === undefined || Object.hasOwn(OPERATIONS, a.operationId as OperationId));

/** Reads a set `saveAnswers` wrote; throws `SavedAnswersError` naming the file and the problem. */
export function loadAnswers(dir: string): Collected & { checkedAt: string } {
  const path = join(dir, SAVED_FILE);
  let data: any;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SavedAnswersError(`${path}: ${code === 'ENOENT' ? 'no saved answers here (write them with --save)' : `cannot be read: ${(err as Error).message}`}`);
  }
  if (data?.format !== FORMAT) throw new SavedAnswersError(`${path}: not a set of saved answers (format ${JSON.stringify(data?.format)}, expected ${FORMAT})`);
  const bad = Array.isArray(data.answers) ? data.answers.findIndex((a: unknown) => !isAnswer(a)) : 0;
  if (bad >= 0) throw new SavedAnswersError(`${path}: answers[${bad}] is not a saved answer`);
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => x && typeof x.step === 'string') : []);
  return {
    target: typeof data.target === 'string' ? data.target : '(unknown)',
    checkedAt: typeof data.checkedAt === 'string' ? data.checkedAt : '(unknown)',
    answers: data.answers,
    skipped: list(data.skipped),
    errors: list(data.errors),
    ...(data.run && typeof data.run === 'object' ? { run: data.run } : {}),
  };
}
