/**
 * Breaking-change guard for spec/openapi.yaml: `npm run spec:diff` (part of `npm test`).
 *
 * Compares the spec with a git base: `--base <ref>` or SPEC_DIFF_BASE (CI sets it), else on `main` the committed
 * `main` (so uncommitted edits are checked), on another branch its merge-base with `main`. The comparison is
 * `redocly diff` with the `diff-recommended` rules (redocly.yaml), which rates each change major, minor or patch.
 *
 * A major (breaking) change fails unless it is announced: info.version gets a major bump (a minor one below 1.0,
 * as redocly counts) AND CHANGELOG.md has a heading naming the new version, e.g. `## 0.3.0 (API 2.0.0)`. With both,
 * redocly runs with `--check-version`, so the bump must cover the changes. Compatible changes pass without a bump:
 * `--check-version` would ask a minor bump for every added operation or property, which no client needs and which
 * parallel branches would fight over.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { toolEnv, withoutBanner } from './run.js';

const SPEC = 'spec/openapi.yaml';
const project = resolve(import.meta.dirname, '..'); // redocly and its config; the repository is the working directory

/** Where and how one check runs: the repository's directory, its environment, where its report goes. */
export interface SpecDiffContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** One piece of the report (stdout and stderr alike). */
  write(text: string): void;
  /** Whether the report goes to a terminal (colour allowed). */
  tty: boolean;
}

/** The commit to compare with, and how to call it; undefined when there is no `main` to compare with. */
export function resolveBase(cwd: string, explicit?: string): { ref: string; name: string } | undefined {
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  if (explicit) return { ref: explicit, name: explicit };
  const main = ['main', 'origin/main'].find((ref) => git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`) !== undefined);
  if (!main) return undefined;
  if (git('rev-parse', '--abbrev-ref', 'HEAD') === 'main' || git('rev-parse', 'HEAD') === git('rev-parse', main)) return { ref: main, name: main };
  const mergeBase = git('merge-base', 'HEAD', main);
  return mergeBase ? { ref: mergeBase, name: `the merge-base with ${main} (${mergeBase.slice(0, 12)})` } : { ref: main, name: main };
}

/** `redocly <args>` in `cwd`, asynchronously (checks of several repositories run at once): its exit status and output. */
function redocly(args: string[], ctx: SpecDiffContext): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(join(project, 'node_modules', '.bin', 'redocly'), args, { cwd: ctx.cwd, env: toolEnv(ctx.env, ctx.tty), encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      done({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? String(error) : '') }),
    );
  });
}

/** Runs the check in `ctx.cwd` with the command's arguments; resolves with its exit status. */
export async function specDiff(argv: readonly string[], ctx: SpecDiffContext): Promise<number> {
  const say = (line: string) => ctx.write(`${line}\n`);
  const explicit = (argv.includes('--base') ? argv[argv.indexOf('--base') + 1] : undefined) || ctx.env.SPEC_DIFF_BASE;
  const base = resolveBase(ctx.cwd, explicit);
  if (!base) {
    say('spec:diff: no `main` branch to compare with (neither main nor origin/main exists); nothing checked.');
    return 0;
  }
  const baseText = spawnSync('git', ['show', `${base.ref}:${SPEC}`], { cwd: ctx.cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (baseText.status !== 0) {
    say(`spec:diff: ${SPEC} does not exist on ${base.name} (or that ref is unknown); nothing to compare.`);
    return explicit ? 1 : 0;
  }
  const revText = readFileSync(join(ctx.cwd, SPEC), 'utf8');
  if (revText === baseText.stdout) {
    say(`spec:diff: ${SPEC} is identical to ${base.name}: no changes.`);
    return 0;
  }

  const version = (text: string) => String(parse(text)?.info?.version ?? '');
  const [from, to] = [version(baseText.stdout), version(revText)];
  const changelogPath = join(ctx.cwd, 'CHANGELOG.md');
  const changelog = existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '';
  const word = to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const announced = to !== from && new RegExp(`^#{1,6} .*(?<![\\w.+-])${word}(?![\\w.+-])`, 'm').test(changelog);

  // The base's copy sits in a directory named after the ref, so redocly's `at <file>:<line>` says which commit.
  const dir = mkdtempSync(join(tmpdir(), 'spec-diff-'));
  const basePath = join(dir, (/^[0-9a-f]{40}$/.test(base.ref) ? base.ref.slice(0, 12) : base.ref).replace(/[^\w.-]+/g, '_'), SPEC);
  mkdirSync(dirname(basePath), { recursive: true });
  writeFileSync(basePath, baseText.stdout);
  say(`spec:diff: ${SPEC} against ${base.name}, info.version ${from === to ? to : `${from} -> ${to}`}\n`);
  const check = announced ? ['--fail-on', 'none', '--check-version'] : ['--fail-on', 'major'];
  const r = await redocly(['diff', basePath, SPEC, '--config', join(project, 'redocly.yaml'), ...check], ctx);
  rmSync(dir, { recursive: true, force: true });
  ctx.write(r.stdout);
  ctx.write(withoutBanner(r.stderr));
  if (r.status === 0) return 0;
  const m = /^(\d+)\.(\d+)\./.exec(from);
  const next = m ? (m[1] === '0' ? `0.${Number(m[2]) + 1}.0` : `${Number(m[1]) + 1}.0.0`) : 'a new major version';
  say(
    announced
      ? `spec:diff: info.version ${to} is announced in CHANGELOG.md, but redocly does not accept the bump (see above).`
      : `spec:diff: failed against ${base.name} (see above). To ship a breaking change, bump info.version to ${next} and ` +
          `add a CHANGELOG.md heading naming it, e.g. "## <package version> (API ${next})".` +
          (to !== from ? ` (info.version is ${to}, but no CHANGELOG.md heading names it.)` : ''),
  );
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await specDiff(process.argv.slice(2), { cwd: process.cwd(), env: process.env, write: (t) => void process.stdout.write(t), tty: process.stdout.isTTY === true });
}
