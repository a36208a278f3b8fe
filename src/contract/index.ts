/**
 * `flora-runs-client/contract`: is the API still what this client expects? `runContractChecks()` asks
 * every read operation (and, with `allowRuns`, one run's whole life), judges each answer by the spec and
 * by its live layer (FLORA's SDK's documented variants), and reports *conforms*, *documented variant* or
 * *drift* per answer, each difference naming the operation, the JSON path, the spec's schema path, what
 * was expected and what came. `flora contract check` is the same from the command line.
 */
import { collectAnswers, type CheckTarget, type Collected } from './checks.js';
import { judge } from './judge.js';
import { buildReport, type ContractReport } from './report.js';
import { loadAnswers, saveAnswers } from './saved.js';

export type { CheckTarget, Collected, RunSpent, Skipped, StepError } from './checks.js';
export type { Finding, JudgedAnswer, RecordedAnswer, Verdict } from './judge.js';
export { exitCodeOf, formatJunit, formatPretty, formatReport, type ContractReport, type ReportFormat } from './report.js';
export { SavedAnswersError, SAVED_FILE } from './saved.js';

export interface ContractCheckOptions extends CheckTarget {
  /** Also write every answer seen (redacted) to `<save>/answers.json`. */
  save?: string | undefined;
  /** Judge the answers saved in `<from>/answers.json` instead of asking the API (no network, no key). */
  from?: string | undefined;
  /** Hears each judged answer as it is judged (the CLI's progress). */
  onAnswer?: ((answer: ReturnType<typeof judge>) => void) | undefined;
}

/**
 * Checks the API at `baseUrl` (or a saved set) against the spec and its live layer and returns the report;
 * `exitCodeOf(report)` is 1 when anything drifted. Read-only unless `allowRuns` (with `maxCost`) is given.
 * Throws only for what stops every check: a bad option, a missing key, an unreadable saved set.
 */
export async function runContractChecks(options: ContractCheckOptions = {}): Promise<ContractReport> {
  if (options.allowRuns && !(typeof options.maxCost === 'number' && Number.isFinite(options.maxCost) && options.maxCost > 0)) {
    throw new TypeError('allowRuns needs maxCost: the most, in USD, the checks may spend (a number > 0)');
  }
  const checkedAt = new Date().toISOString();
  let collected: Collected;
  let when = checkedAt;
  if (options.from !== undefined) {
    const saved = loadAnswers(options.from);
    collected = saved;
    when = saved.checkedAt;
  } else {
    collected = await collectAnswers(options);
  }
  if (options.save !== undefined) saveAnswers(options.save, collected, when);
  const judged = collected.answers.map((a) => {
    const j = judge(a);
    options.onAnswer?.(j);
    return j;
  });
  return buildReport(collected.target, when, judged, collected.skipped, collected.errors, collected.run);
}
