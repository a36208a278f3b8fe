/**
 * Turns spec/openapi.yaml into everything under generated/:
 *   - openapi.ts        the types (openapi-typescript), with named root types
 *   - constants.ts      runtime arrays of every enum's values (ACTION_IDS, RUN_STATUSES, ...)
 *   - schemas.ts        the schemas the client checks at run time, reduced to the keywords src/validation.ts
 *                       checks; a keyword it does not check fails the generation instead of going unchecked
 *
 * `tsx scripts/generate.ts` writes the files; `tsx scripts/generate.ts --check` writes nothing and
 * fails, naming each file, when what is on disk differs from what the spec produces.
 * `--spec <path>` reads another spec (the drift test uses it on an edited copy).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { loadSpec, type OpenAPISpec } from './spec-schema.js';

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

/** Keywords src/validation.ts checks, with the shape each value must have. */
const CHECKED: Record<string, (v: unknown) => boolean> = {
  type: (v) => typeof v === 'string' && ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'].includes(v),
  enum: (v) => Array.isArray(v) && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x)),
  required: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  properties: (v) => typeof v === 'object' && v !== null,
  additionalProperties: (v) => typeof v === 'boolean' || (typeof v === 'object' && v !== null),
  items: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  pattern: (v) => typeof v === 'string',
  format: (v) => v === 'uri',
  minLength: Number.isInteger,
  maxLength: Number.isInteger,
  minimum: (v) => typeof v === 'number',
  $ref: (v) => typeof v === 'string' && v.startsWith('#/components/schemas/'),
};
/** Annotations say nothing about validity, so they are left out. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'title', 'default', 'deprecated', 'readOnly', 'writeOnly']);
const isAnnotation = (keyword: string) => ANNOTATIONS.has(keyword) || keyword.startsWith('x-');

/**
 * `schema` with annotations dropped and `$ref`s shortened to the component's name; collects the names it
 * refers to. Throws, naming the place, on a keyword (or keyword value) the run-time check does not handle:
 * a spec change must never make the client silently accept what the spec forbids.
 */
function reduce(schema: Record<string, unknown>, at: string, refs: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const siblings = Object.keys(schema).filter((k) => k !== '$ref' && !isAnnotation(k));
  if ('$ref' in schema && siblings.length > 0) {
    throw new Error(`${at}: keywords beside $ref (${siblings.join(', ')}) are not checked by src/validation.ts; wrap them in the referenced schema.`);
  }
  const names = Object.keys((schema.properties ?? {}) as object);
  if (names.includes('__proto__')) throw new Error(`${at}: a property named __proto__ cannot be generated safely.`);
  for (const [k, v] of Object.entries(schema)) {
    if (isAnnotation(k)) continue;
    if (!CHECKED[k]?.(v)) {
      throw new Error(
        `${at}: ${CHECKED[k] ? `unsupported value for ${k}: ${JSON.stringify(v)}` : `keyword "${k}"`} is not checked by src/validation.ts. ` +
          'Teach it there (and its test against ajv), then add it to CHECKED in scripts/generate.ts.',
      );
    }
    if (k === '$ref') {
      const name = (v as string).slice('#/components/schemas/'.length);
      refs.add(name);
      out[k] = name;
    } else if (k === 'properties') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, Record<string, unknown>>).map(([p, s]) => [p, reduce(s, `${at}.properties.${p}`, refs)]));
    } else if ((k === 'items' || k === 'additionalProperties') && typeof v === 'object') {
      out[k] = reduce(v as Record<string, unknown>, `${at}.${k}`, refs);
    } else out[k] = v;
  }
  return out;
}

/**
 * The `uri` format exactly as ajv-formats (full mode) checks it, which is what the contract tests and
 * Prism apply: its RFC 3986 regular expression, read from the installed (pinned) package, so the
 * run-time check neither needs ajv-formats nor drifts from it.
 */
function uriFormat(): string {
  const source = readFileSync(root + 'node_modules/ajv-formats/dist/formats.js', 'utf8');
  const found = /^const URI = (\/\^.+\/i);$/m.exec(source);
  const fn = /^function uri\(str\) \{[^}]*return NOT_URI_FRAGMENT\.test\(str\) && URI\.test\(str\);\s*\}/m.test(source);
  const fragment = /^const NOT_URI_FRAGMENT = \/\\\/\|:\/;$/m.test(source);
  if (!found || !fn || !fragment) throw new Error('ajv-formats changed how it checks "uri": update uriFormat() in scripts/generate.ts');
  return found[1]!;
}

function schemasFile(spec: OpenAPISpec): string {
  const all = spec.components.schemas as Record<string, Record<string, unknown>>;
  const reduced: Record<string, unknown> = {};
  const refsOf = new Map<string, Set<string>>();
  const queue: string[] = [...VALIDATED_SCHEMAS];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name in reduced) continue;
    if (!all[name]) throw new Error(`components.schemas.${name} is referenced but not defined`);
    const refs = new Set<string>();
    reduced[name] = reduce(all[name], `components.schemas.${name}`, refs);
    refsOf.set(name, refs);
    queue.push(...refs);
  }
  // src/validation.ts resolves references once, eagerly: a recursive schema would never finish.
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`Recursive schemas are not supported by src/validation.ts: ${[...path, name].join(' -> ')}`);
    visiting.add(name);
    for (const ref of refsOf.get(name)!) visit(ref, [...path, name]);
    visiting.delete(name);
    done.add(name);
  };
  for (const name of VALIDATED_SCHEMAS) visit(name, []);
  return [
    HEADER,
    '/** The schemas the client checks at run time (request bodies, success bodies, the error envelope, the webhook event). */',
    `export type ValidatedSchema = ${VALIDATED_SCHEMAS.map((n) => `'${n}'`).join(' | ')};`,
    '',
    '/**',
    ' * Those schemas and the ones they refer to, reduced to the keywords src/validation.ts checks: annotations',
    ' * dropped, `$ref` holding the bare component name.',
    ' */',
    `export const SCHEMAS: Record<string, object> = ${JSON.stringify(reduced, null, 2)};`,
    '',
    "/** RFC 3986 URI: ajv-formats' full-mode `uri` (MIT). Its other test, for a `/` or `:`, always holds when this matches. */",
    `export const URI_FORMAT = ${uriFormat()};`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const specAt = args.indexOf('--spec');
  const spec = specAt >= 0 && args[specAt + 1] ? loadSpec(args[specAt + 1]) : loadSpec();
  const files: Record<string, string> = {
    'generated/openapi.ts': await typesFile(spec),
    'generated/constants.ts': constantsFile(spec),
    'generated/schemas.ts': schemasFile(spec),
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
