/** The drift check: a spec edited without regenerating fails `npm run check:generated`, naming the files. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPEC_PATH } from './spec-schema.js';

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

describe('check:generated', () => {
  it('passes on the committed spec', () => {
    const out = execFileSync(tsx, ['scripts/generate.ts', '--check'], { encoding: 'utf8' });
    expect(out).toContain('generated/ matches spec/openapi.yaml');
  });

  it('fails, naming the stale files, when one enum value changes without regenerating', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flora-spec-'));
    const edited = readFileSync(SPEC_PATH, 'utf8').replace('- merge-audio-into-video', '- merge-audio-into-clip');
    expect(edited).not.toEqual(readFileSync(SPEC_PATH, 'utf8'));
    writeFileSync(join(dir, 'openapi.yaml'), edited);
    const run = spawnSync(tsx, ['scripts/generate.ts', '--check', '--spec', join(dir, 'openapi.yaml')], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('generated/ is out of date with spec/openapi.yaml');
    expect(run.stderr).toContain('generated/openapi.ts');
    expect(run.stderr).toContain('generated/constants.ts');
    expect(run.stderr).toContain('generated/schemas.ts');
    expect(run.stderr).toContain('npm run generate');
  });
});

describe('generate refuses what the run-time check cannot check', () => {
  /** Runs the generator (writing nothing) on the spec with one schema edited. */
  function generateWith(edit: (text: string) => string) {
    const dir = mkdtempSync(join(tmpdir(), 'flora-spec-'));
    const edited = edit(readFileSync(SPEC_PATH, 'utf8'));
    expect(edited).not.toEqual(readFileSync(SPEC_PATH, 'utf8'));
    writeFileSync(join(dir, 'openapi.yaml'), edited);
    return spawnSync(tsx, ['scripts/generate.ts', '--check', '--spec', join(dir, 'openapi.yaml')], { encoding: 'utf8' });
  }

  it.each([
    ['a keyword it does not know', (t: string) => t.replace("          pattern: '^tech_'", "          pattern: '^tech_'\n          maxItems: 3"), /keyword "maxItems" is not checked/],
    ['keywords beside a $ref', (t: string) => t.replace("        mode:\n          $ref: '#/components/schemas/RunMode'", "        mode:\n          $ref: '#/components/schemas/RunMode'\n          minLength: 2"), /keywords beside \$ref \(minLength\)/],
    ['a recursive schema', (t: string) => t.replace("        output_id:\n          type: string\n          description: Run output identifier", "        output_id:\n          type: string\n          description: Run output identifier\n        parent:\n          $ref: '#/components/schemas/RunOutput'"), /Recursive schemas are not supported by src\/validation.ts: .*RunOutput -> RunOutput/],
  ])('fails on %s, saying what', (_what, edit, message) => {
    const run = generateWith(edit);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(message);
  });
});
