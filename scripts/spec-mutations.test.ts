/**
 * The mutation harness (`npm run test:mutations`, scripts/mutate.ts), its quick slice: every mutation
 * applies to the spec and its live layer and changes them; the oracle finds the simulator agreeing with
 * the unmutated spec in both profiles, and disagreeing with a mutated one, through a real scratch copy
 * regenerated; and the score counts only what the server disagrees with.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { runMutation, score, independent, type Outcome } from './mutate.js';
import { MUTATIONS } from './spec-mutations.js';

// A scratch copy, a generation and the oracle: a few seconds, far longer on a busy machine.
vi.setConfig({ testTimeout: 180_000 });

const read = (file: string) => parse(readFileSync(join(process.cwd(), 'spec', file), 'utf8'));

describe('the mutations', () => {
  it('each applies to the spec and its live layer and changes them; names are unique; every kind of drift is there', () => {
    const original = [read('openapi.yaml'), read('live.overlay.yaml')];
    for (const m of MUTATIONS) {
      const [spec, overlay] = structuredClone(original);
      const before = JSON.stringify([spec, overlay]);
      m.apply(spec, overlay);
      expect(JSON.stringify([spec, overlay]), m.name).not.toBe(before);
    }
    expect(new Set(MUTATIONS.map((m) => m.name)).size).toBe(MUTATIONS.length);
    expect(new Set(MUTATIONS.map((m) => m.kind))).toEqual(new Set(['rename', 'type', 'required', 'enum', 'status', 'nullable', 'format']));
  });

  it('the score counts what the server disagrees with, and names what no contract test caught', () => {
    const [a, b, c, d] = MUTATIONS;
    const outcome = (mutation: (typeof MUTATIONS)[number], disagree: number, failed: string[], refused?: string): Outcome => ({
      mutation,
      disagreements: Array.from({ length: disagree }, () => ({ profile: 'seeds', operation: 'GET /workspaces', status: 200, problem: 'x' })),
      failed,
      ...(refused ? { refused } : {}),
    });
    const s = score([
      outcome(a!, 3, ['contract-tests/targets.test.ts > simulator: answers match the spec > GET /workspaces']),
      outcome(b!, 2, ['contract-tests/prism.test.ts > Prism > examples']),
      outcome(c!, 0, []),
      outcome(d!, 1, []),
    ]);
    expect([s.counted, s.caught, s.independent, s.missed.map((m) => m.mutation.name)]).toEqual([3, 2, 1, [d!.name]]);
    expect(s.text).toMatch(/^mutation score: 2 of 3 /);
    expect(independent('contract-tests/check.test.ts > flora contract check > against Prism, a stateless mock')).toBe(false);
    expect(independent("contract-tests/check.test.ts > flora contract check > against the simulator's live profile")).toBe(true);
  });
});

describe('the oracle', () => {
  it('finds the simulator, in both profiles, agreeing with the unmutated spec on every answer', () => {
    const r = spawnSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['scripts/mutation-oracle.ts'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { answers, disagreements } = JSON.parse(r.stdout) as { answers: number; disagreements: unknown[] };
    expect(answers).toBeGreaterThan(300);
    expect(disagreements).toEqual([]);
  });

  it('finds it disagreeing with a mutated spec, regenerated in a scratch copy', () => {
    const mutation = MUTATIONS.find((m) => m.name === 'Workspace.role retyped to integer')!;
    const outcome = runMutation(mutation, { suite: false });
    expect(outcome.refused).toBeUndefined();
    expect(new Set(outcome.disagreements.map((d) => `${d.profile} ${d.operation} ${d.status}`))).toEqual(new Set(['seeds GET /workspaces 200', 'live GET /workspaces 200']));
  });
});
