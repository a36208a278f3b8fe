/**
 * `npm run test:mutations`: how much spec drift the contract suite notices. For each mutation of
 * scripts/spec-mutations.ts, in a scratch copy of this working tree (node_modules linked): apply it to
 * spec/openapi.yaml and spec/live.overlay.yaml, regenerate (`scripts/generate.ts`), ask the independent
 * oracle (scripts/mutation-oracle.ts: the simulator's answers in both profiles, judged by ajv reading the
 * mutated spec) whether the server now disagrees with the spec, and if it does, run the contract suite
 * (`vitest --project contract`) there. The score: of the mutations the server disagrees with, how many
 * fail a contract test, and how many fail one against a source not generated from the spec (the
 * simulator, FLORA's SDK) rather than Prism. Type pins and spec:diff are not run.
 *
 *   npx tsx scripts/mutate.ts [--only <text>] [--skip <n>] [--list] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { MUTATIONS, type Mutation } from './spec-mutations.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const keep = args.includes('--keep');
/** Leaves out the first n mutations (to finish an interrupted run). */
const skip = args.includes('--skip') ? Number(args[args.indexOf('--skip') + 1]) : 0;

export interface Outcome {
  mutation: Mutation;
  /** Why nothing could be judged (the generator refused the mutated spec). */
  refused?: string;
  disagreements: { profile: string; operation: string; status: number; problem: string }[];
  /** Failed contract tests, as `file > name`. */
  failed: string[];
}

/** A test against a source the spec did not generate: the simulator (any profile) or FLORA's SDK. */
export const independent = (test: string) => !/prism/i.test(test) && /simulator|drifting server|FLORA.s SDK|the command|check\.test\.ts > .*(seeds|live)/i.test(test);

/** The score line and the list of what no contract test caught. */
export function score(outcomes: readonly Outcome[]): { text: string; counted: number; caught: number; independent: number; missed: Outcome[] } {
  const counted = outcomes.filter((o) => !o.refused && o.disagreements.length > 0);
  const caught = counted.filter((o) => o.failed.length > 0);
  const byIndependent = counted.filter((o) => o.failed.some(independent));
  const missed = counted.filter((o) => o.failed.length === 0);
  const text =
    `mutation score: ${caught.length} of ${counted.length} mutations the simulator's answers disagree with are caught by a contract test ` +
    `(${byIndependent.length} by one against the simulator or FLORA's SDK); ${outcomes.length - counted.length} of ${outcomes.length} make no answer disagree (or were refused) and are not counted`;
  return { text, counted: counted.length, caught: caught.length, independent: byIndependent.length, missed };
}

/** The working tree's files (tracked and new, not ignored), read once: edits made while the harness runs do not leak in. */
const snapshot = new Map<string, Buffer>();
function takeSnapshot(): void {
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8', maxBuffer: 16 << 20 }).stdout.split('\0').filter(Boolean);
  for (const file of files) if (existsSync(join(repo, file))) snapshot.set(file, readFileSync(join(repo, file)));
}

/** A scratch copy of the snapshot, node_modules linked. */
function scratch(): string {
  if (snapshot.size === 0) takeSnapshot();
  const dir = mkdtempSync(join(tmpdir(), 'flora-mutation-'));
  for (const [file, content] of snapshot) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

const tsx = join(repo, 'node_modules', '.bin', 'tsx');
const env = { ...process.env, NO_COLOR: '1', CONTRACT_DIFFERENTIAL_RUNS: '100', CONTRACT_DYNAMIC_ITERATIONS: '10', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

/** One mutation, start to end, in its own scratch copy (`suite: false` stops after the oracle). */
export function runMutation(mutation: Mutation | undefined, { suite = true }: { suite?: boolean } = {}): Omit<Outcome, 'mutation'> {
  const dir = scratch();
  try {
    if (mutation) {
      const spec = parse(readFileSync(join(dir, 'spec/openapi.yaml'), 'utf8'));
      const overlay = parse(readFileSync(join(dir, 'spec/live.overlay.yaml'), 'utf8'));
      mutation.apply(spec, overlay);
      writeFileSync(join(dir, 'spec/openapi.yaml'), stringify(spec, { lineWidth: 0 }));
      writeFileSync(join(dir, 'spec/live.overlay.yaml'), stringify(overlay, { lineWidth: 0 }));
    }
    const generated = spawnSync(tsx, ['scripts/generate.ts'], { cwd: dir, encoding: 'utf8', env });
    if (generated.status !== 0) return { refused: (generated.stderr || generated.stdout).trim().split('\n').slice(0, 3).join(' '), disagreements: [], failed: [] };
    const oracle = spawnSync(tsx, ['scripts/mutation-oracle.ts'], { cwd: dir, encoding: 'utf8', env, maxBuffer: 64 << 20 });
    if (oracle.status !== 0) return { refused: `the oracle failed: ${oracle.stderr.trim().split('\n').slice(0, 3).join(' ')}`, disagreements: [], failed: [] };
    const { disagreements } = JSON.parse(oracle.stdout) as Pick<Outcome, 'disagreements'>;
    if ((mutation && disagreements.length === 0) || !suite) return { disagreements, failed: [] };
    const report = join(dir, 'contract-report.json');
    spawnSync(join(repo, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'contract', '--reporter=json', `--outputFile=${report}`], { cwd: dir, encoding: 'utf8', env, maxBuffer: 64 << 20 });
    if (!existsSync(report)) return { refused: 'the contract suite wrote no report', disagreements, failed: [] };
    const results = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string }[] }[] };
    const failed = results.testResults.flatMap((f) => {
      const file = f.name.slice(dir.length + 1);
      const tests = f.assertionResults.filter((a) => a.status === 'failed').map((a) => `${file} > ${a.fullName}`);
      // A file that failed to load fails as a whole.
      return tests.length === 0 && f.status === 'failed' ? [`${file} > (the file failed: ${(f.message ?? '').split('\n')[0]})`] : tests;
    });
    return { disagreements, failed };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`  (kept ${dir})`);
  }
}

function main(): void {
  const chosen = MUTATIONS.filter((m) => !only || m.name.includes(only)).slice(skip);
  if (args.includes('--list')) {
    for (const m of chosen) console.log(`${m.kind.padEnd(9)} ${m.name}`);
    return;
  }
  console.log('baseline: the unmutated spec, regenerated in a scratch copy');
  const baseline = runMutation(undefined);
  if (baseline.refused || baseline.disagreements.length || baseline.failed.length) {
    console.error(`the unmutated spec must agree with the simulator and pass the contract suite: ${JSON.stringify(baseline).slice(0, 2000)}`);
    process.exit(1);
  }
  const outcomes: Outcome[] = [];
  for (const [i, mutation] of chosen.entries()) {
    const started = Date.now();
    const outcome = { mutation, ...runMutation(mutation) };
    outcomes.push(outcome);
    const what = outcome.refused
      ? `refused: ${outcome.refused}`
      : outcome.disagreements.length === 0
        ? 'no answer disagrees (not counted)'
        : outcome.failed.length
          ? `CAUGHT by ${outcome.failed.length} contract tests${outcome.failed.some(independent) ? '' : ' (Prism only)'}, e.g. ${outcome.failed[0]}`
          : `MISSED: ${outcome.disagreements.length} answers disagree (e.g. ${outcome.disagreements[0]!.profile} ${outcome.disagreements[0]!.operation} ${outcome.disagreements[0]!.status}: ${outcome.disagreements[0]!.problem})`;
    console.log(`[${i + 1 + skip}/${chosen.length + skip}] ${mutation.kind.padEnd(9)} ${mutation.name}: ${what} (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  const result = score(outcomes);
  console.log(`\n${result.text}`);
  for (const m of result.missed) console.log(`  missed: ${m.mutation.name}`);
  process.exitCode = result.missed.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
