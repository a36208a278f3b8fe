/**
 * The report of one contract check, and its three forms: JSON (the report as it is), JUnit XML (one test
 * case per operation of the spec, so a CI system shows each: failed on drift, skipped when not asked) and
 * a summary for people. The exit code: 0 without drift, 1 with drift or a check that got no answer.
 */
import { OPERATIONS, type OperationId } from '../../generated/operations.js';
import type { RunSpent, Skipped, StepError } from './checks.js';
import type { Finding, JudgedAnswer, Verdict } from './judge.js';
import { VARIANT_COUNT } from './schema-path.js';

export interface ContractReport {
  /** The base URL checked, or where the saved answers came from. */
  target: string;
  /** ISO time the answers were collected. */
  checkedAt: string;
  /** `drift` when any answer drifts (or a check got no answer), else `documented variant` when any differs as FLORA's SDK documents, else `conforms`. */
  verdict: Verdict;
  summary: { answers: number; conforms: number; variants: number; drift: number; skipped: number; errors: number };
  /** Every answer, judged, in the order they came. */
  answers: JudgedAnswer[];
  /** Checks not made, and why. */
  skipped: Skipped[];
  /** Checks that got no answer at all (a connection failure, a timeout). */
  errors: StepError[];
  /** The run `--allow-runs` started. */
  run?: RunSpent | undefined;
}

/** 0 when nothing drifted, 1 otherwise: what `flora contract check` exits with (2 is a usage error). */
export function exitCodeOf(report: ContractReport): 0 | 1 {
  return report.verdict === 'drift' ? 1 : 0;
}

/** The report of judged answers. */
export function buildReport(target: string, checkedAt: string, answers: JudgedAnswer[], skipped: Skipped[], errors: StepError[], run?: RunSpent): ContractReport {
  const count = (v: Verdict) => answers.filter((a) => a.verdict === v).length;
  const summary = { answers: answers.length, conforms: count('conforms'), variants: count('documented variant'), drift: count('drift'), skipped: skipped.length, errors: errors.length };
  const verdict: Verdict = summary.drift > 0 || errors.length > 0 ? 'drift' : summary.variants > 0 ? 'documented variant' : 'conforms';
  return { target, checkedAt, verdict, summary, answers, skipped, errors, ...(run ? { run } : {}) };
}

const line = (f: Finding) => `${f.path}: expected ${f.expected}, received ${f.received} (${f.schemaPath})${f.note ? `; ${f.note}` : ''}`;
const MARK: Record<Verdict, string> = { conforms: 'ok   ', 'documented variant': 'var  ', drift: 'DRIFT' };

/** The report for a person: one line an answer, its findings under it, then what was skipped. */
export function formatPretty(report: ContractReport): string {
  const out = [`flora contract check: ${report.target} (${report.checkedAt}); the live layer documents ${VARIANT_COUNT} variants`];
  for (const a of report.answers) {
    out.push(`${MARK[a.verdict]} ${a.operation} ${a.status}  ${a.step}${a.verdict === 'conforms' ? '' : `: ${a.verdict}`}`);
    for (const f of a.findings) out.push(`        ${f.verdict === 'drift' ? 'drift  ' : 'variant'} ${line(f)}`);
  }
  for (const e of report.errors) out.push(`ERROR ${e.step}: ${e.message}`);
  for (const s of report.skipped) out.push(`skip  ${s.step}: ${s.reason}`);
  if (report.run) out.push(`run: ${report.run.runId ?? '(none)'} of ${report.run.techniqueId}, run_cost ${report.run.runCost} USD, charged ${report.run.chargedCost ?? '?'} USD, ${report.run.status ?? 'not ended'}`);
  const s = report.summary;
  out.push(`${s.answers} answers: ${s.conforms} conform, ${s.variants} documented variants, ${s.drift} drift; ${s.skipped} skipped, ${s.errors} without an answer. Verdict: ${report.verdict}.`);
  return `${out.join('\n')}\n`;
}

/** Text safe in XML 1.0: its five specials escaped, characters XML cannot hold dropped. */
const xml = (text: string) =>
  text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/** JUnit XML: a test case per operation of the spec (failed on drift, skipped when no answer was judged). */
export function formatJunit(report: ContractReport): string {
  const ids = Object.keys(OPERATIONS) as OperationId[];
  const cases = ids.map((id) => {
    const op = OPERATIONS[id];
    const name = `${op.method} ${op.path} (${id})`;
    const answers = report.answers.filter((a) => a.operationId === id);
    if (answers.length === 0) {
      const why = report.skipped.filter((s) => s.operations?.includes(id)).map((s) => `${s.step}: ${s.reason}`).join('; ') || 'not asked by these checks';
      return `    <testcase classname="flora.contract" name="${xml(name)}"><skipped message="${xml(`no answer judged (${why})`)}"/></testcase>`;
    }
    const drift = answers.flatMap((a) => a.findings.filter((f) => f.verdict === 'drift').map((f) => `${a.step} (${a.status}): ${line(f)}`));
    const variants = answers.flatMap((a) => a.findings.filter((f) => f.verdict === 'documented variant').map((f) => `${a.step} (${a.status}): ${line(f)}`));
    const out = [`    <testcase classname="flora.contract" name="${xml(name)}">`];
    if (drift.length) out.push(`      <failure type="drift" message="${xml(`${drift.length} drift finding${drift.length > 1 ? 's' : ''}`)}">${xml(drift.join('\n'))}</failure>`);
    const summary = `${answers.length} answer${answers.length === 1 ? '' : 's'}: ${answers.map((a) => `${a.step} ${a.status} ${a.verdict}`).join('; ')}`;
    out.push(`      <system-out>${xml([summary, ...variants.map((v) => `documented variant: ${v}`)].join('\n'))}</system-out>`);
    out.push('    </testcase>');
    return out.join('\n');
  });
  const failures = report.errors.map((e) => `    <testcase classname="flora.contract" name="${xml(e.step)}"><error type="no answer" message="${xml(e.message)}"/></testcase>`);
  const failed = ids.filter((id) => report.answers.some((a) => a.operationId === id && a.verdict === 'drift')).length;
  const skipped = ids.filter((id) => !report.answers.some((a) => a.operationId === id)).length;
  const tests = ids.length + failures.length;
  const suite = `flora contract check: ${report.target}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="flora contract check" tests="${tests}" failures="${failed}" errors="${failures.length}" skipped="${skipped}">`,
    `  <testsuite name="${xml(suite)}" timestamp="${xml(report.checkedAt)}" tests="${tests}" failures="${failed}" errors="${failures.length}" skipped="${skipped}">`,
    ...cases,
    ...failures,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export type ReportFormat = 'json' | 'junit' | 'pretty';

/** The report in one of its forms. */
export function formatReport(report: ContractReport, format: ReportFormat): string {
  if (format === 'junit') return formatJunit(report);
  if (format === 'pretty') return formatPretty(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}
