/**
 * Turns spec/openapi.yaml into everything under generated/:
 *   - openapi.ts     the types (openapi-typescript), with named root types
 *   - constants.ts   runtime arrays of every enum's values (ACTION_IDS, RUN_STATUSES, ...)
 *   - validators.ts  a compiled check per schema the client and simulator check (scripts/generate-validators.ts)
 *                    and, beside them, the live layer's: every answer and webhook body checked by the spec with
 *                    FLORA's SDK's documented variants (spec/live.overlay.yaml) applied (scripts/generate-live.ts)
 *   - operations.ts  the table of operations (scripts/generate-operations.ts)
 *   - answers.ts     the types of answers as the client reads them, from the live layer: open enums, nulls
 *                    (scripts/generate-answers.ts)
 *   - live-schemas.json   the live layer's component schemas and its variants, for `flora contract check`
 *
 * `tsx scripts/generate.ts` writes the files; `--check` writes nothing and fails, naming each file, when
 * what is on disk differs from what the spec produces. `--spec <path>` reads another spec (and the
 * `live.overlay.yaml` beside it, if there is one), `--overlay <path>` another live layer, and `--out <dir>`
 * writes elsewhere (the tests and the mutation harness use them on edited copies).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { loadSpec, SPEC_PATH, type OpenAPISpec } from '../spec/spec.js';
import { answersFile } from './generate-answers.js';
import { liveComponents, liveLayer, OVERLAY_PATH, withoutAnnotations, type LiveLayer } from './generate-live.js';
import { answerSchemas, checkedSchemas, operationEntries, operationsFile, responseSchemas } from './generate-operations.js';
import { validatorsFile } from './generate-validators.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const HEADER = '// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.\n';

async function typesFile(spec: OpenAPISpec): Promise<string> {
  const ast = await openapiTS(structuredClone(spec) as never, { rootTypes: true, rootTypesNoSchemaPrefix: true, silent: true });
  return HEADER + astToString(ast);
}

/** ActionId -> ACTION_IDS, RunStatus -> RUN_STATUSES. */
function constantName(schemaName: string): string {
  const snake = schemaName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return /(S|SH|CH|X)$/.test(snake) ? `${snake}ES` : `${snake}S`;
}

function constantsFile(spec: OpenAPISpec): string {
  const schemas = spec.components.schemas;
  const names = Object.keys(schemas).filter((n) => Array.isArray(schemas[n]!.enum));
  const lines = [HEADER, `import type { ${names.join(', ')} } from './openapi.js';`, ''];
  for (const name of names) {
    const values = schemas[name]!.enum as string[];
    lines.push(
      `/** Every \`${name}\` the spec allows, in the spec's order (${values.length}). */`,
      `export const ${constantName(name)} = ${JSON.stringify(values)} as const satisfies readonly ${name}[];`,
      '',
    );
  }
  return lines.join('\n');
}

/** Every generated file, by path under the output directory. */
export async function generatedFiles(spec: OpenAPISpec, live: LiveLayer): Promise<Record<string, string>> {
  const ops = operationEntries(spec);
  const liveSchemas = live.spec.components.schemas as Record<string, Record<string, unknown>>;
  const liveNames = responseSchemas(spec, ops);
  const liveSet = liveComponents(spec.components.schemas as Record<string, Record<string, unknown>>, liveSchemas, liveNames);
  // The query schemas are checked like component schemas, under their own names.
  const schemas = { ...(spec.components.schemas as Record<string, Record<string, unknown>>), ...Object.fromEntries(ops.flatMap((op) => (op.querySchema ? [[op.querySchema.name, op.querySchema.schema]] : []))) };
  return {
    'openapi.ts': await typesFile(spec),
    'constants.ts': constantsFile(spec),
    'validators.ts': validatorsFile(HEADER, { ...schemas, ...liveSet.schemas }, checkedSchemas(spec, ops), { names: liveNames, component: liveSet.component }),
    'operations.ts': operationsFile(HEADER, ops),
    'answers.ts': await answersFile(HEADER, live.spec, answerSchemas(spec, ops)),
    'live-schemas.json': `${JSON.stringify({ schemas: withoutAnnotations(liveSchemas), variants: live.variants }, null, 1)}\n`,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
  const specPath = arg('--spec') ?? SPEC_PATH;
  const spec = loadSpec(specPath);
  const beside = join(dirname(specPath), 'live.overlay.yaml');
  const overlay = arg('--overlay') ?? (existsSync(beside) ? beside : OVERLAY_PATH);
  const out = arg('--out') ?? join(root, 'generated');
  const files = await generatedFiles(spec, liveLayer(spec, specPath, overlay));
  if (args.includes('--check')) {
    const stale = Object.entries(files).filter(([path, text]) => {
      try {
        return readFileSync(join(out, path), 'utf8') !== text;
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      console.error(
        `generated/ is out of date with spec/openapi.yaml and spec/live.overlay.yaml: ${stale.map(([p]) => `generated/${p}`).join(', ')}.\n` +
          'Run `npm run generate` and commit the result.',
      );
      process.exit(1);
    }
    console.log('generated/ matches spec/openapi.yaml');
    return;
  }
  mkdirSync(out, { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(out, path), text);
  console.log(`wrote ${Object.keys(files).map((p) => `generated/${p}`).join(', ')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
