/**
 * The generated validators (generated/validators.ts) agree with ajv (the contract tests' judge, strict, all errors, ajv-formats)
 * on every schema it checks: the same verdict and the same field errors, in the same order, for values
 * generated from each schema with near misses (wrong types, missing and unknown fields, values outside
 * enums, lengths counted in code points, URLs good and bad, NaN and infinities).
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldError } from '../generated/openapi.js';
import { liveSchemaProblems, validate, type LiveSchemaName, type SchemaName } from '../generated/validators.js';
import { createSpecAjv, loadLiveLayer, loadSpec, pointerKeys, schemaRef, SPEC_ID } from '../spec/spec.js';
import { operationEntries } from './generate-operations.js';

const spec = loadSpec();
const ajv = createSpecAjv(spec);


/** ajv's errors in the client's words: the mapping the client used when it ran ajv's validators itself. */
function fromAjv(errors: ErrorObject[]): FieldError[] {
  const path = (pointer: string, extra?: string): string => {
    const parts = pointerKeys(pointer);
    if (extra !== undefined) parts.push(extra);
    return parts.reduce((at: string, p: string) => (/^\d+$/.test(p) ? `${at}[${p}]` : at ? `${at}.${p}` : p), '');
  };
  const out = new Map<string, string>();
  for (const e of errors) {
    const p = e.params as Record<string, any>;
    let [field, message] = [path(e.instancePath), e.message ?? e.keyword];
    if (e.keyword === 'required') [field, message] = [path(e.instancePath, p.missingProperty), 'Required'];
    if (e.keyword === 'additionalProperties') [field, message] = [path(e.instancePath, p.additionalProperty), 'Unknown field'];
    if (e.keyword === 'enum') message = `must be one of: ${p.allowedValues.join(', ')}`;
    if (e.keyword === 'pattern') {
      const prefix = /^\^([\w-]+|https:\/\/)$/.exec(p.pattern)?.[1];
      message = prefix ? `must start with ${prefix}` : `must match ${p.pattern}`;
    }
    if (!out.has(field || '(body)')) out.set(field || '(body)', message);
  }
  return [...out].map(([f, m]) => ({ field: f, message: m }));
}

type S = Record<string, any>;
/** The query schemas the generator makes from each operation's query parameters, as ajv must see them. */
const querySchemas = Object.fromEntries(operationEntries(spec).flatMap((op) => (op.querySchema ? [[op.querySchema.name, op.querySchema.schema]] : [])));
const toAjv = (node: unknown): unknown =>
  Array.isArray(node) ? node.map(toAjv) : node && typeof node === 'object' ? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `${SPEC_ID}${v.replace('#/components/schemas/', '#/$defs/')}` : toAjv(v)])) : node;
for (const [name, schema] of Object.entries(querySchemas)) ajv.addSchema(toAjv(schema) as object, `query:${name}`);
/** The live layer's schemas, as `live:Name` (their references too), beside the spec's own. */
const LIVE = 'live:';
const liveRefs = (node: unknown): unknown =>
  Array.isArray(node) ? node.map(liveRefs) : node && typeof node === 'object' ? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', `#/components/schemas/${LIVE}`) : liveRefs(v)])) : node;
const liveSchemas = Object.fromEntries(Object.entries(loadLiveLayer().schemas).map(([n, v]) => [`${LIVE}${n}`, liveRefs(v) as S]));
const liveAjv = createSpecAjv(spec, {}, { live: true });
const schemas = { ...(spec.components.schemas as Record<string, S>), ...(querySchemas as Record<string, S>), ...liveSchemas };
/** ajv's check of one of the schemas. */
const judgeOf = (name: string) => ajv.getSchema(name in querySchemas ? `query:${name}` : schemaRef(name))!;
/** A schema with its `$ref` followed. */
const deref = (s: S): S => (typeof s.$ref === 'string' ? schemas[s.$ref.split('/').pop()!]! : s);

const offType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -1, 0, 1.5),
  fc.string({ maxLength: 5 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant(undefined),
);

const urlish = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webUrl().map((u) => u.replace('https://', 'http://')),
  fc.string({ unit: fc.constantFrom(...'ahs:/.[]%2F@?#: \u00e9-_~'.split('')), maxLength: 24 }).map((s) => `https://${s}`),
  fc.string({ unit: fc.constantFrom(...'ahs:/.[]%2F@?# '.split('')), maxLength: 12 }),
);

function stringFor(s: S): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })];
  if (s.format === 'uri') options.push(urlish, urlish);
  if (s.pattern) options.push(fc.string({ maxLength: 6 }).map((x) => s.pattern.replace(/^\^/, '') + x));
  if (s.maxLength !== undefined) options.push(fc.integer({ min: s.maxLength - 2, max: s.maxLength + 2 }).map((n) => 'x'.repeat(Math.max(0, n))));
  if (s.maxLength !== undefined) options.push(fc.integer({ min: s.maxLength - 1, max: s.maxLength + 1 }).map((n) => '\u{1F98A}'.repeat(Math.max(0, n))));
  return fc.oneof(...options);
}

/** Values matching `schema`: the other half of the comparison. */
function good(schema: S): fc.Arbitrary<unknown> {
  const s = deref(schema);
  // The live layer's `type: [X, 'null']`: X or null.
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((t: string) => (t === 'null' ? fc.constant(null) : good({ ...s, type: t }))));
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.type === 'string') {
    if (s.format === 'uri') return fc.webUrl({ validSchemes: ['https'], withQueryParameters: true });
    if (s.pattern) return fc.string({ maxLength: 6 }).map((x) => s.pattern.replace(/^\^(\(([^|]+)\$\|[^)]*\))?/, '$2') + x);
    return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 8, 8) });
  }
  if (s.type === 'integer') return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
  if (s.type === 'number') return s.minimum !== undefined ? fc.double({ min: s.minimum, max: 1e6, noNaN: true }) : fc.integer();
  if (s.type === 'boolean') return fc.boolean();
  if (s.type === 'array') return fc.array(good(s.items ?? {}), { maxLength: 2 });
  if (s.type === 'object') {
    const props = Object.entries((s.properties ?? {}) as Record<string, S>);
    return fc.record(Object.fromEntries(props.map(([k, v]) => [k, good(v)])), { requiredKeys: s.required ?? [] });
  }
  return fc.anything({ maxDepth: 1 });
}

/** Values near `schema`: mostly the right shape, with near misses at every level. */
function near(schema: S, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(schema);
  let right: fc.Arbitrary<unknown>;
  if (Array.isArray(s.type)) right = fc.oneof(...s.type.map((t: string) => (t === 'null' ? fc.constant(null) : near({ ...s, type: t }, depth + 1))));
  else if (s.enum) right = fc.oneof(fc.constantFrom(...s.enum), fc.string({ maxLength: 4 }));
  else if (s.type === 'string') right = stringFor(s);
  else if (s.type === 'number' || s.type === 'integer') right = fc.oneof(fc.integer({ min: -3, max: 1e9 }), fc.integer({ min: -2, max: 102 }), fc.double({ min: -5, max: 5 }));
  else if (s.type === 'boolean') right = fc.boolean();
  else if (s.type === 'array') right = fc.array(near(s.items ?? {}, depth + 1), { maxLength: 3 });
  else if (s.type === 'object') {
    const props = Object.entries((s.properties ?? {}) as Record<string, S>);
    const required = new Set<string>(s.required ?? []);
    right = fc
      .tuple(
        fc.record(Object.fromEntries(props.map(([k, v]) => [k, fc.oneof({ arbitrary: good(v), weight: 3 }, { arbitrary: near(v, depth + 1), weight: 1 })])), {
          requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
        }),
        fc.array(fc.nat(props.length), { maxLength: 1 }),
        fc.dictionary(fc.constantFrom('extra', 'Mode', '0', '__x', 'a/b', ''), fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxKeys: 2 }),
        fc.nat(3),
      )
      .map(([record, drop, extra, addExtra]) => {
        const o: Record<string, unknown> = { ...record };
        for (const i of drop) delete o[props[i]?.[0] ?? ''];
        return addExtra === 0 ? { ...o, ...extra } : o;
      });
  } else right = fc.anything({ maxDepth: 1 });
  return depth > 3 ? right : fc.oneof({ arbitrary: right, weight: 6 }, { arbitrary: offType, weight: 1 });
}

const NAMES = [
  'TechniqueRunCreateRequest',
  'StartTechniqueRunRequest',
  'TechniqueRun',
  'RunStartedResponse',
  'ErrorEnvelope',
  'RunWebhookEvent',
  'ListTechniquesQuery',
  'TechniqueList',
  'Technique',
  'ListTechniqueRunsQuery',
  'TechniqueRunList',
  'WorkspaceList',
  'ListAssetsQuery',
  'AssetCreateRequest',
  'AssetUploadForm',
  'AssetCreated',
  'AssetUploadState',
  'Asset',
  'AssetList',
] as const satisfies readonly SchemaName[];

describe('validate() agrees with ajv', () => {
  it.each(NAMES)('%s: same verdict and same field errors for 3,000 near-miss values', (name) => {
    const judge = judgeOf(name);
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(fc.oneof(good(schemas[name]!), near(schemas[name]!)), (value) => {
        const ok = judge(value);
        const expected = ok ? [] : fromAjv(judge.errors ?? []);
        expect(validate(name, value)).toEqual(expected);
        if (ok) valid++;
        else invalid++;
      }),
      { numRuns: 3000, seed: 20261125 },
    );
    // The generator must exercise both sides, or the agreement means little.
    expect(valid).toBeGreaterThan(100);
    expect(invalid).toBeGreaterThan(100);
  });

  /** The live layer's checks (`liveSchemaProblems`) of every answer, against ajv reading the live layer. */
  const LIVE_NAMES = ['TechniqueRun', 'RunStartedResponse', 'ErrorEnvelope', 'RunWebhookEvent', 'TechniqueList', 'Technique', 'TechniqueRunList', 'WorkspaceList', 'AssetList', 'AssetCreated', 'Asset', 'AssetUploadState'] as const satisfies readonly LiveSchemaName[];
  it.each(LIVE_NAMES)('live layer, %s: same verdict and same field errors for 1,500 near-miss values', (name) => {
    const judge = liveAjv.getSchema(schemaRef(name))!;
    let nulls = 0;
    fc.assert(
      fc.property(fc.oneof(good(schemas[`${LIVE}${name}`]!), near(schemas[`${LIVE}${name}`]!)), (value) => {
        const ok = judge(value);
        expect(liveSchemaProblems(name, value).map(({ field, message }) => ({ field, message }))).toEqual(ok ? [] : fromAjv(judge.errors ?? []));
        if (ok && JSON.stringify(value).includes('null')) nulls++;
      }),
      { numRuns: 1500, seed: 20261207 },
    );
    // Where the live layer allows a null, valid values with nulls must have been tried.
    if (['RunStartedResponse', 'TechniqueList', 'TechniqueRunList', 'WorkspaceList', 'AssetList', 'Asset', 'AssetUploadState'].includes(name)) expect(nulls).toBeGreaterThan(0);
  });

  it('agrees on the uri format for hand-picked edge cases', () => {
    const judge = ajv.getSchema(schemaRef('TechniqueRunCreateRequest'))!;
    const cases = ['https://a', 'https://', 'https:', 'https://exa mple.com', 'https://[::1]:8080/x', 'https://[::1', 'https://h:80x', 'https://h/%zz', 'https://h/%2f', 'https://é.com', 'https://a/b?c#d'];
    for (const callback_url of cases) {
      const body = { inputs: [], mode: 'async', callback_url };
      const ok = judge(body);
      expect([callback_url, validate('TechniqueRunCreateRequest', body)]).toEqual([callback_url, ok ? [] : fromAjv(judge.errors ?? [])]);
    }
  });

  it('covers every schema the generator compiled a check for', () => {
    const compiled = readFileSync(new URL('../generated/validators.ts', import.meta.url), 'utf8');
    const names = /export type SchemaName = (.*);/.exec(compiled)![1]!.split(' | ').map((n) => JSON.parse(n) as string);
    expect([...names].sort()).toEqual([...NAMES].sort());
  });
});
