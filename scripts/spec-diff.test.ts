/**
 * `npm run spec:diff`'s check in scratch git repositories, one per case so the cases (each a redocly run) run at once:
 * an unchanged spec, compatible and breaking edits, the announcement (major bump plus CHANGELOG heading), and the
 * choice of base (the merge-base on a branch, SPEC_DIFF_BASE and --base).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { specDiff as runSpecDiff } from './spec-diff.js';

// Each case that changes the spec runs redocly on it (a process of its own); the rest happens in this
// process. The suite's wide must-not-hang limit (vitest.config.ts) applies: only a diff that hangs fails for time.

const project = resolve(import.meta.dirname, '..');
const specText = readFileSync(join(project, 'spec', 'openapi.yaml'), 'utf8');
const CHANGELOG = '# Changelog\n\n## 0.2.0\n\n- Earlier things.\n';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
};
/** A repository on `main` whose one commit has the real spec and a changelog: made once, copied for each case. */
function template(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flora-spec-diff-test-'));
  dirs.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'spec'));
  writeFileSync(join(dir, 'spec', 'openapi.yaml'), specText);
  writeFileSync(join(dir, 'CHANGELOG.md'), CHANGELOG);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'spec');
  return dir;
}
let made: string | undefined;
/** A fresh copy of the template repository (files copied, no git process run). */
function repo(): string {
  made ??= template();
  const dir = mkdtempSync(join(tmpdir(), 'flora-spec-diff-test-'));
  dirs.push(dir);
  cpSync(made, dir, { recursive: true });
  return dir;
}
/** Rewrites the repository's spec through `change`, and sets info.version if given. */
function edit(dir: string, change: (doc: any) => void, version?: string): void {
  const doc = parse(specText);
  change(doc);
  if (version) doc.info.version = version;
  writeFileSync(join(dir, 'spec', 'openapi.yaml'), stringify(doc));
}
/**
 * The check, run in this process on the scratch repository `dir` (only redocly is a process of its own), with
 * SPEC_DIFF_BASE only when given: CI's points into the real repository, not this one.
 */
async function specDiff(dir: string, extraEnv: Record<string, string> = {}, ...args: string[]) {
  const { SPEC_DIFF_BASE: _, ...env } = process.env;
  let out = '';
  const status = await runSpecDiff(args, { cwd: dir, env: { ...env, ...extraEnv }, write: (t) => void (out += t), tty: false });
  return { status, out };
}

const schemas = (d: any) => d.components.schemas;
const breaking = (d: any) => {
  delete schemas(d).TechniqueRun.properties.poll_url; // a response property
  delete d.paths['/runs/technique']; // an operation
  schemas(d).TechniqueRunCreateRequest.properties.priority = { type: 'integer' }; // a new required request property
  schemas(d).TechniqueRunCreateRequest.required.push('priority');
};
const GET_RUN = '/techniques/{techniqueId}/runs/{runId}';
/** A compatible change: a new operation (DELETE beside the GET of a run). */
const addOperation = (d: any) => (d.paths[GET_RUN].delete = { ...d.paths[GET_RUN].get, operationId: 'deleteTechniqueRun', summary: 'Delete a run' });
const BREAKING_NAMES = ['poll_url', 'property-removed', '/runs/technique', 'path-removed', 'priority', 'required-properties-added'];

describe.concurrent('npm run spec:diff', () => {
  it('passes an unchanged spec without running redocly', async () => {
    const r = await specDiff(repo());
    expect(r, r.out).toMatchObject({ status: 0 });
    expect(r.out).toContain('identical to main');
  });

  it('passes compatible changes (an optional response property, an operation) without a version bump', async () => {
    const dir = repo();
    edit(dir, (d) => {
      schemas(d).TechniqueRun.properties.queue_position = { type: 'integer' };
      addOperation(d);
    });
    const r = await specDiff(dir, { FORCE_COLOR: '1' }); // which would colour redocly's output even in a pipe
    expect(r, r.out).toMatchObject({ status: 0 });
    expect(r.out).toContain('0 major, 2 minor');
    expect(r.out).toContain('queue_position');
    expect(r.out).not.toMatch(/\x1b\[|╔|Node\.js 20/); // no colour codes in a pipe, no end-of-life banner
  });

  it('fails on breaking changes and names them', async () => {
    const dir = repo();
    edit(dir, breaking);
    const r = await specDiff(dir);
    expect(r.status, r.out).toBe(1);
    for (const name of BREAKING_NAMES) expect(r.out).toContain(name);
    expect(r.out).toContain('bump info.version to 2.0.0 and add a CHANGELOG.md heading naming it');
  });

  it('passes the same breaking changes once info.version has a major bump and CHANGELOG.md a heading for it', async () => {
    const dir = repo();
    edit(dir, breaking, '2.0.0');
    writeFileSync(join(dir, 'CHANGELOG.md'), CHANGELOG.replace('## 0.2.0', '## 0.3.0 (API 2.0.0)\n\n- Breaking: ...\n\n## 0.2.0'));
    const r = await specDiff(dir);
    expect(r, r.out).toMatchObject({ status: 0 });
    expect(r.out).toContain('1.0.0 -> 2.0.0');
  });

  it('still fails with a major bump but no CHANGELOG.md heading, or a heading for a minor bump', async () => {
    const bare = repo();
    edit(bare, breaking, '2.0.0');
    const minor = repo();
    edit(minor, breaking, '1.1.0');
    writeFileSync(join(minor, 'CHANGELOG.md'), CHANGELOG.replace('## 0.2.0', '## 0.3.0 (API 1.1.0)\n\n## 0.2.0'));
    const [a, b] = await Promise.all([specDiff(bare), specDiff(minor)]);
    expect(a.status, a.out).toBe(1);
    expect(a.out).toContain('info.version is 2.0.0, but no CHANGELOG.md heading names it');
    expect(b.status, b.out).toBe(1);
    expect(b.out).toContain('these changes require a major bump (2.0.0)');
  });

  it('compares a branch with its merge-base, not with newer main, and SPEC_DIFF_BASE or --base overrides that', async () => {
    const dir = repo();
    git(dir, 'checkout', '-q', '-b', 'feature');
    git(dir, 'checkout', '-q', 'main');
    edit(dir, addOperation);
    git(dir, 'commit', '-q', '-am', 'main adds an operation');
    git(dir, 'checkout', '-q', 'feature');
    const [own, ...overridden] = await Promise.all([specDiff(dir), specDiff(dir, { SPEC_DIFF_BASE: 'main' }), specDiff(dir, {}, '--base', 'main')]);
    expect(own, own.out).toMatchObject({ status: 0 });
    expect(own.out).toContain('identical to the merge-base with main');
    for (const r of overridden) {
      expect(r.status, r.out).toBe(1); // the branch lacks main's new operation
      expect(r.out).toContain('spec/openapi.yaml against main');
      expect(r.out).toContain('operation-removed');
    }
  });
});
