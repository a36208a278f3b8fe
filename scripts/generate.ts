/**
 * Turns spec/openapi.yaml into everything under generated/:
 *   - openapi.ts        the types (openapi-typescript), with named root types
 *   - constants.ts      runtime arrays of every enum's values (ACTION_IDS, RUN_STATUSES, ...)
 *   - validators.cjs    precompiled ajv validators (standalone), so the client compiles nothing at start-up
 *   - validators.d.cts  their declarations
 *
 * `tsx scripts/generate.ts` writes the files; `tsx scripts/generate.ts --check` writes nothing and
 * fails, naming each file, when what is on disk differs from what the spec produces.
 * `--spec <path>` reads another spec (the drift test uses it on an edited copy).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import standalone from 'ajv/dist/standalone/index.js';
import { createSpecAjv, loadSpec, schemaRef, type OpenAPISpec } from './spec-schema.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const HEADER =
  '// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.\n';

/** Schemas the client validates at run time: request bodies, success bodies, the error envelope, the webhook event. */
export const VALIDATED_SCHEMAS = [
  'TechniqueRunCreateRequest',
  'StartTechniqueRunRequest',
  'TechniqueRun',
  'RunStartedResponse',
  'ErrorEnvelope',
  'RunWebhookEvent',
] as const;

async function typesFile(spec: OpenAPISpec): Promise<string> {
  const ast = await openapiTS(structuredClone(spec) as never, {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    silent: true,
  });
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
  const lines = [
    HEADER,
    `import type { ${names.join(', ')} } from './openapi.js';`,
    '',
  ];
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

function validatorsFiles(spec: OpenAPISpec): { js: string; dts: string } {
  const ajv = createSpecAjv(spec, { code: { source: true, esm: false, lines: true } });
  const refs = Object.fromEntries(VALIDATED_SCHEMAS.map((n) => [n, schemaRef(n)]));
  const js = `${HEADER}${standalone.default(ajv, refs)}\n`;
  const dts = [
    HEADER,
    "import type { ErrorObject } from 'ajv';",
    '',
    '/** A precompiled validator: returns whether `data` matches, and leaves the reasons in `errors`. */',
    'export interface Validator {',
    '  (data: unknown): boolean;',
    '  errors?: ErrorObject[] | null;',
    '}',
    '',
    ...VALIDATED_SCHEMAS.map((n) => `export declare const ${n}: Validator;`),
    '',
  ].join('\n');
  return { js, dts };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const specAt = args.indexOf('--spec');
  const spec = specAt >= 0 && args[specAt + 1] ? loadSpec(args[specAt + 1]) : loadSpec();
  const validators = validatorsFiles(spec);
  const files: Record<string, string> = {
    'generated/openapi.ts': await typesFile(spec),
    'generated/constants.ts': constantsFile(spec),
    'generated/validators.cjs': validators.js,
    'generated/validators.d.cts': validators.dts,
  };
  if (check) {
    const stale = Object.entries(files).filter(([path, text]) => {
      try {
        return readFileSync(root + path, 'utf8') !== text;
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      console.error(
        `generated/ is out of date with spec/openapi.yaml: ${stale.map(([p]) => p).join(', ')}.\n` +
          'Run `npm run generate` and commit the result.',
      );
      process.exit(1);
    }
    console.log('generated/ matches spec/openapi.yaml');
    return;
  }
  mkdirSync(root + 'generated', { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(root + path, text);
  console.log(`wrote ${Object.keys(files).join(', ')}`);
}

await main();
