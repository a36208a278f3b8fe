/**
 * `npm run generate` and its drift check: a spec edited without regenerating fails `check:generated`,
 * naming the files; an operation added to the spec appears in the operation table; the validators refuse
 * what they cannot check and handle what they can, recursion included.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSpec, SPEC_PATH, type OpenAPISpec } from '../spec/spec.js';
import { validatorsFile } from './generate-validators.js';
import { generatedFiles } from './generate.js';
import { liveLayer } from './generate-live.js';

// Each test runs the generator in a process of its own (a few seconds; far longer on a busy machine): the
// suite's wide "must not hang" limit applies (vitest.config.ts), so only a generator that hangs fails for time.

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const SPEC = readFileSync(SPEC_PATH, 'utf8');
const OVERLAY = readFileSync(join(dirname(SPEC_PATH), 'live.overlay.yaml'), 'utf8');

/**
 * Runs the generator on the spec with `edit` applied (and the live layer with `editOverlay`, when given);
 * `--out` writes there, else `--check` against generated/.
 */
function generateWith(edit: (text: string) => string, mode: 'check' | 'out' = 'check', editOverlay?: (text: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'flora-spec-'));
  const edited = edit(SPEC);
  if (!editOverlay) expect(edited).not.toEqual(SPEC);
  writeFileSync(join(dir, 'openapi.yaml'), edited);
  if (editOverlay) {
    const overlay = editOverlay(OVERLAY);
    expect(overlay).not.toEqual(OVERLAY);
    writeFileSync(join(dir, 'live.overlay.yaml'), overlay);
  }
  const args = mode === 'check' ? ['--check'] : ['--out', join(dir, 'generated')];
  return { dir, run: spawnSync(tsx, ['scripts/generate.ts', ...args, '--spec', join(dir, 'openapi.yaml')], { encoding: 'utf8' }) };
}

describe('check:generated', () => {
  // That it passes on the committed spec is `npm run check:generated`, which `npm test` runs before vitest.

  it('fails, naming the stale files, when one enum value changes without regenerating', () => {
    const { run } = generateWith((t) => t.replace('- merge-audio-into-video', '- merge-audio-into-clip'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('generated/ is out of date with spec/openapi.yaml');
    for (const file of ['generated/openapi.ts', 'generated/constants.ts', 'generated/validators.ts']) expect(run.stderr).toContain(file);
    expect(run.stderr).not.toContain('generated/operations.ts');
    expect(run.stderr).toContain('npm run generate');
  });
});

describe('the operation table', () => {
  it('lists an operation added to the spec, with its method, path, parameters and schemas', async () => {
    const added = `
  /techniques/{techniqueId}/runs/{runId}/cancel:
    post:
      operationId: cancelTechniqueRun
      tags: [Techniques]
      summary: Cancel a run
      description: Cancels a run that has not ended yet, for a scratch copy of the spec.
      parameters:
        - $ref: '#/components/parameters/TechniqueId'
        - $ref: '#/components/parameters/RunId'
        - $ref: '#/components/parameters/IdempotencyKey'
        - name: reason
          in: query
          schema: { type: string }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/StartTechniqueRunRequest'
      responses:
        '202':
          $ref: '#/components/responses/TechniqueRun'
        '404':
          $ref: '#/components/responses/NotFound'
webhooks:`;
    const { dir, run } = generateWith((t) => t.replace('\nwebhooks:', added), 'out');
    expect(run.stderr).toBe('');
    const { OPERATIONS } = (await import(pathToFileURL(join(dir, 'generated', 'operations.ts')).href)) as { OPERATIONS: Record<string, unknown> };
    expect(OPERATIONS.cancelTechniqueRun).toEqual({
      method: 'POST',
      path: '/techniques/{techniqueId}/runs/{runId}/cancel',
      pathParams: ['techniqueId', 'runId'],
      pathPattern: /^\/techniques\/([^/]+)\/runs\/([^/]+)\/cancel$/,
      queryParams: ['reason'],
      query: 'CancelTechniqueRunQuery',
      idempotencyKey: { header: 'Idempotency-Key' },
      requestBody: 'StartTechniqueRunRequest',
      multipartBody: undefined,
      success: { status: 202, schema: 'TechniqueRun' },
      responses: { 202: 'TechniqueRun', 404: 'ErrorEnvelope' },
    });
    expect(Object.keys(OPERATIONS).at(-1)).toBe('cancelTechniqueRun');
    expect(Object.keys(OPERATIONS)).toContain('createTechniqueRun');
  });
});

describe('the validators', () => {
  it.each([
    ['a keyword it does not know', (t: string) => t.replace("          pattern: '^tech_'", "          pattern: '^tech_'\n          maxItems: 3"), /keyword "maxItems" is not checked/],
    ['keywords beside a $ref', (t: string) => t.replace("        mode:\n          $ref: '#/components/schemas/RunMode'", "        mode:\n          $ref: '#/components/schemas/RunMode'\n          minLength: 2"), /keywords beside \$ref \(minLength\)/],
    ['a property named __proto__', (t: string) => t.replace("        output_id:\n          type: string", "        __proto__:\n          type: string\n        output_id:\n          type: string"), /a property named __proto__ cannot be generated safely/],
  ])('refuse %s, saying what', (_what, edit, message) => {
    // The validators alone, in this process: the refusal is theirs (the generator exits 1 with their message).
    const edited = edit(SPEC);
    expect(edited).not.toEqual(SPEC);
    const spec = parse(edited) as OpenAPISpec;
    expect(() => validatorsFile('', spec.components.schemas as never, Object.keys(spec.components.schemas))).toThrow(message);
  });

  it('check a recursive schema at every depth', async () => {
    // The validators alone, in this process: the rest of the generator has no part in recursion.
    const edited = SPEC.replace("        output_id:\n          type: string\n          description: Run output identifier", "        output_id:\n          type: string\n          description: Run output identifier\n        parent:\n          $ref: '#/components/schemas/RunOutput'");
    expect(edited).not.toEqual(SPEC);
    const spec = parse(edited) as OpenAPISpec;
    const dir = mkdtempSync(join(tmpdir(), 'flora-spec-'));
    mkdirSync(join(dir, 'generated'));
    writeFileSync(join(dir, 'generated', 'validators.ts'), validatorsFile('', spec.components.schemas as never, ['TechniqueRun']));
    const { validate } = (await import(pathToFileURL(join(dir, 'generated', 'validators.ts')).href)) as { validate: (n: string, d: unknown) => unknown[] };
    const output = (parent?: unknown) => ({ output_id: 'o', type: 'text', url: 'u', ...(parent ? { parent } : {}) });
    const run1 = { created_at: 0, progress: 0, run_id: 'r', status: 'pending' };
    expect(validate('TechniqueRun', { ...run1, outputs: [output(output(output()))] })).toEqual([]);
    expect(validate('TechniqueRun', { ...run1, outputs: [output(output({ ...output(), type: 'gif' }))] })).toEqual([
      { field: 'outputs[0].parent.parent.type', message: 'must be one of: imageUrl, videoUrl, audioUrl, text, documentUrl' },
    ]);
  });
});

describe('the live layer (spec/live.overlay.yaml)', () => {
  const dropNextCursorVariant = (t: string) => t.replace(/  - target: \$\.components\.schemas\.PageMeta\.properties\.next_cursor\.type\n(    .*\n)+?  - target: \$\.components\.schemas\.PageMeta\.properties\.next_cursor\n(    .*\n|      .*\n)+?(?=  - target)/, '');
  /** The live layer with an edited overlay, in this process (the generator's own functions, no child process but Redocly's). */
  const layerWith = (editOverlay: (text: string) => string) => {
    const dir = mkdtempSync(join(tmpdir(), 'flora-overlay-'));
    const overlay = editOverlay(OVERLAY);
    expect(overlay).not.toEqual(OVERLAY);
    writeFileSync(join(dir, 'live.overlay.yaml'), overlay);
    return { dir, layer: () => liveLayer(loadSpec(), SPEC_PATH, join(dir, 'live.overlay.yaml')) };
  };

  it('a variant dropped without regenerating fails check:generated, naming the live outputs and not the spec\'s own types', () => {
    const { run } = generateWith((t) => t, 'check', dropNextCursorVariant);
    expect(run.status).toBe(1);
    for (const file of ['generated/validators.ts', 'generated/live-schemas.json']) expect(run.stderr).toContain(file);
    // The spec's own types and constants are untouched.
    for (const file of ['generated/openapi.ts', 'generated/constants.ts']) expect(run.stderr).not.toContain(file);
  });

  it('a variant dropped changes what the live checks accept: a null cursor is no longer the documented answer', async () => {
    const { dir, layer } = layerWith(dropNextCursorVariant);
    const files = await generatedFiles(loadSpec(), layer());
    mkdirSync(join(dir, 'generated'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'generated', name), text);
    const { liveSchemaProblems } = (await import(pathToFileURL(join(dir, 'generated', 'validators.ts')).href)) as { liveSchemaProblems: (n: string, d: unknown) => unknown[] };
    // Optional, so still readable (tolerable), but a difference now.
    expect(liveSchemaProblems('TechniqueRunList', { technique_runs: [], meta: { next_cursor: null } })).toEqual([{ field: 'meta.next_cursor', message: 'must be string', tolerable: true }]);
    const { variants } = JSON.parse(files['live-schemas.json']!) as { variants: { schemaPath: string }[] };
    expect(variants.map((v) => v.schemaPath)).not.toContain('#/components/schemas/PageMeta/properties/next_cursor');
    expect(variants.map((v) => v.schemaPath)).toContain('#/components/schemas/Workspace/properties/created_at');
  });

  it.each([
    ['a target the spec moved away from', (t: string) => t.replace('PageMeta.properties.next_cursor.type', 'PageMeta.properties.cursor.type'), /actions\[\d+\]: target \$\.components\.schemas\.PageMeta\.properties\.cursor\.type names nothing in the spec/],
    ['a target outside the schemas', (t: string) => t.replace('$.components.schemas.ActionId.enum', '$.paths'), /must be a dotted path under \$\.components\.schemas/],
    ['a variant without a description', (t: string) => t.replace(/\n    description: FLORA's SDK 0\.11\.0 lists 21 action ids[^\n]*/, ''), /every variant needs a description/],
    ['an action that neither updates nor removes', (t: string) => t.replace(/(ActionId\.enum\n.*\n)    update:/, '$1    updates:'), /give either update or remove: true/],
  ])('refuses %s, naming the action', (_what, editOverlay, message) => {
    expect(layerWith(editOverlay).layer).toThrow(message);
  });
});
