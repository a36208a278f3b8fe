/**
 * Writes `generated/validators.ts`: one check function per schema, compiled from the spec, with ajv's
 * semantics (strict numbers, lengths in code points, unicode patterns, ajv-formats' `uri`, ajv's keyword
 * order, first problem per field). The client checks requests and answers with it, the simulator checks
 * what it is sent, and `src/core/validation.ajv.test.ts` proves it agrees with ajv.
 *
 * Each problem says whether a tolerant reader may accept it: an enum value, format, pattern, bound or
 * unknown field it does not know, or `null` where a property is optional, is tolerable; a missing
 * required field or a value of the wrong JSON type is not. (Where FLORA's SDK documents a `null`, the
 * live layer's schemas say `type: [..., 'null']`, and its set of checks (`liveSchemaProblems`, compiled
 * into the same module, sharing every check the two sets have in common) accepts it outright.)
 *
 * A keyword the generator does not compile fails the generation, naming the place: a spec change must
 * never make the client silently accept what the spec forbids.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { patternLines } from './validator-patterns.js';

type Schema = Record<string, unknown>;

/** Keywords compiled here, with the shape each value must have. */
const CHECKED: Record<string, (v: unknown) => boolean> = {
  type: (v) => (Array.isArray(v) && v.length > 0 ? v : [v]).every((t) => typeof t === 'string' && ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'].includes(t)),
  enum: (v) => Array.isArray(v) && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x)),
  required: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  properties: (v) => typeof v === 'object' && v !== null,
  additionalProperties: (v) => typeof v === 'boolean' || (typeof v === 'object' && v !== null),
  items: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  pattern: (v) => typeof v === 'string',
  // `binary` (a file part of a multipart body) is an annotation to ajv-formats too: any string passes.
  format: (v) => v === 'uri' || v === 'binary',
  minLength: Number.isInteger,
  maxLength: Number.isInteger,
  minimum: (v) => typeof v === 'number',
  maximum: (v) => typeof v === 'number',
  $ref: (v) => typeof v === 'string' && v.startsWith('#/components/schemas/'),
};
/** Annotations say nothing about validity. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'title', 'default', 'deprecated', 'readOnly', 'writeOnly']);
const isAnnotation = (keyword: string) => ANNOTATIONS.has(keyword) || keyword.startsWith('x-');

const TYPE_TEST: Record<string, (v: string) => string> = {
  object: (v) => `typeof ${v} === "object" && ${v} !== null && !Array.isArray(${v})`,
  array: (v) => `Array.isArray(${v})`,
  number: (v) => `typeof ${v} === "number" && isFinite(${v})`,
  integer: (v) => `Number.isInteger(${v})`,
  null: (v) => `${v} === null`,
  string: (v) => `typeof ${v} === "string"`,
  boolean: (v) => `typeof ${v} === "boolean"`,
};

const q = (s: string) => JSON.stringify(s);

/** A schema's `type` as a list: `'number'` and `['number', 'null']` alike (empty without one). */
const typesOf = (type: unknown): string[] => (Array.isArray(type) ? type : typeof type === 'string' ? [type] : []);
/** The test of `v` against one or several types, as ajv reads `type`. */
const typeTest = (types: string[], v: string) => (types.length === 1 ? TYPE_TEST[types[0]!]!(v) : types.map((t) => `(${TYPE_TEST[t]!(v)})`).join(' || '));

function patternMessage(pattern: string): string {
  const prefix = /^\^([\w-]+|https:\/\/)$/.exec(pattern)?.[1];
  return prefix ? `must start with ${prefix}` : `must match ${pattern}`;
}

/**
 * The `uri` format exactly as ajv-formats (full mode) checks it, which is what the contract tests and
 * Prism apply: its RFC 3986 expression, read from the installed (pinned) package.
 */
function uriFormat(): string {
  const source = readFileSync(fileURLToPath(new URL('../node_modules/ajv-formats/dist/formats.js', import.meta.url)), 'utf8');
  const found = /^const URI = (\/\^.+\/i);$/m.exec(source);
  const fn = /^function uri\(str\) \{[^}]*return NOT_URI_FRAGMENT\.test\(str\) && URI\.test\(str\);\s*\}/m.test(source);
  const fragment = /^const NOT_URI_FRAGMENT = \/\\\/\|:\/;$/m.test(source);
  if (!found || !fn || !fragment) throw new Error('ajv-formats changed how it checks "uri": update uriFormat() in scripts/generate-validators.ts');
  return found[1]!;
}

/** Compiles schemas into functions `(v, o, a) => boolean`: `o` collects problems (else stop at the first), `a` is the path. */
class Compiler {
  readonly functions: string[] = [];
  readonly constants: string[] = [];
  private readonly named = new Set<string>();
  /** Anonymous schemas that compile to the same code share one function. */
  private readonly byBody = new Map<string, string>();
  private count = 0;

  constructor(private readonly all: Record<string, Schema>) {}

  /** The function checking component `name`, compiled once (references may be recursive). */
  named_(name: string): string {
    const fn = `c_${name}`;
    if (!this.named.has(name)) {
      const schema = this.all[name];
      if (!schema) throw new Error(`components.schemas.${name} is referenced but not defined`);
      this.named.add(name);
      this.compile(schema, `components.schemas.${name}`, fn);
    }
    return fn;
  }

  /** The schema a node stands for, references followed (for the null rule of its parent). */
  resolve(schema: Schema): Schema {
    return typeof schema.$ref === 'string' ? this.resolve(this.all[schema.$ref.slice('#/components/schemas/'.length)] ?? {}) : schema;
  }

  private constant(value: string): string {
    const name = `K${this.constants.length}`;
    this.constants.push(`const ${name} = ${value};`);
    return name;
  }

  /** The function for `schema` at `at`; anonymous ones get a fresh name. */
  node(schema: Schema, at: string): string {
    const siblings = Object.keys(schema).filter((k) => k !== '$ref' && !isAnnotation(k));
    if ('$ref' in schema && siblings.length > 0) {
      throw new Error(`${at}: keywords beside $ref (${siblings.join(', ')}) are not checked by the generated validators; wrap them in the referenced schema.`);
    }
    if (typeof schema.$ref === 'string' && CHECKED.$ref!(schema.$ref)) return this.named_(schema.$ref.slice('#/components/schemas/'.length));
    return this.compile(schema, at, undefined);
  }

  /** Compiles `s` into function `name` (a component's), or into a shared anonymous one. */
  private compile(s: Schema, at: string, name: string | undefined): string {
    for (const [k, v] of Object.entries(s)) {
      if (isAnnotation(k)) continue;
      if (!CHECKED[k]?.(v)) {
        throw new Error(
          `${at}: ${CHECKED[k] ? `unsupported value for ${k}: ${JSON.stringify(v)}` : `keyword "${k}"`} is not checked by the generated validators. ` +
            'Teach scripts/generate-validators.ts to compile it (and src/core/validation.ajv.test.ts to try it against ajv).',
        );
      }
    }
    const properties = Object.entries((s.properties ?? {}) as Record<string, Schema>);
    if (properties.some(([p]) => p === '__proto__')) throw new Error(`${at}: a property named __proto__ cannot be generated safely.`);
    const body: string[] = [];
    const types = typesOf(s.type);
    // After a type check of one type the value's type is known; otherwise each group applies only to its type.
    const type = types.length === 1 ? types[0] : undefined;
    const when = (t: string, test: string, code: string[]) => (type === t || (t === 'number' && type === 'integer') ? code.join('\n  ') : `if (${test}) {\n    ${code.join('\n    ')}\n  }`);
    if (types.length) body.push(`if (!(${typeTest(types, 'v')})) return P(o, a, ${q(`must be ${types.join(',')}`)}, false);`);
    body.push('let ok = true;');
    if (Array.isArray(s.enum)) {
      const set = this.constant(`new Set(${JSON.stringify(s.enum)})`);
      body.push(`if (!${set}.has(v)) { ok = P(o, a, ${q(`must be one of: ${s.enum.join(', ')}`)}, true); if (!o) return false; }`);
    }
    // ajv's order: type, enum, then the keywords of the value's own type.
    const bounds: string[] = [];
    if (typeof s.maximum === 'number') bounds.push(`if (!(v <= ${s.maximum})) ok = P(o, a, ${q(`must be <= ${s.maximum}`)}, true);`);
    if (typeof s.minimum === 'number') bounds.push(`if (!(v >= ${s.minimum})) ok = P(o, a, ${q(`must be >= ${s.minimum}`)}, true);`);
    if (bounds.length) body.push(when('number', 'typeof v === "number" && isFinite(v)', bounds));
    const str: string[] = [];
    if (s.maxLength !== undefined || s.minLength !== undefined) str.push('const n = [...v].length;');
    if (s.maxLength !== undefined) str.push(`if (n > ${s.maxLength}) ok = P(o, a, ${q(`must NOT have more than ${s.maxLength} characters`)}, true);`);
    if (s.minLength !== undefined) str.push(`if (n < ${s.minLength}) ok = P(o, a, ${q(`must NOT have fewer than ${s.minLength} characters`)}, true);`);
    if (typeof s.pattern === 'string') {
      const re = this.constant(`new RegExp(${q(s.pattern)}, "u")`);
      str.push(`if (!${re}.test(v)) ok = P(o, a, ${q(patternMessage(s.pattern))}, true);`);
    }
    if (s.format === 'uri') str.push('if (!URI.test(v)) ok = P(o, a, \'must match format "uri"\', true);');
    if (str.length) body.push(when('string', 'typeof v === "string"', str));
    if (s.items) {
      const item = this.node(s.items as Schema, `${at}.items`);
      body.push(when('array', 'Array.isArray(v)', [`for (let i = 0; i < v.length && (ok || o); i++) if (!${item}(v[i], o, o && C(a, i))) ok = false;`]));
    }
    const obj: string[] = [];
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const r of required) obj.push(`if (v[${q(r)}] === undefined) ok = P(o, C(a, ${q(r)}), "Required", false);`);
    const extra = s.additionalProperties;
    if (extra !== undefined && extra !== true) {
      const known = this.constant(`new Set<string>(${JSON.stringify(properties.map(([p]) => p))})`);
      const other = extra === false ? 'ok = P(o, C(a, k), "Unknown field", true);' : `if (!${this.node(extra as Schema, `${at}.additionalProperties`)}(v[k], o, o && C(a, k))) ok = false;`;
      obj.push(`for (const k in v) { if (!ok && !o) return false; if (${known}.has(k)) continue; ${other} }`);
    }
    for (const [p, ps] of properties) {
      const check = this.node(ps, `${at}.properties.${p}`);
      const childTypes = typesOf(this.resolve(ps).type);
      // `null` for an optional property is a tolerable difference; for a required one it is a wrong type.
      const nullRule = childTypes.length && !childTypes.includes('null') && !required.has(p) ? `v[${q(p)}] === null ? P(o, C(a, ${q(p)}), ${q(`must be ${childTypes.join(',')}`)}, true) : ` : '';
      obj.push(`if ((ok || o) && v[${q(p)}] !== undefined && !(${nullRule}${check}(v[${q(p)}], o, o && C(a, ${q(p)})))) ok = false;`);
    }
    if (obj.length) body.push(when('object', 'typeof v === "object" && v !== null && !Array.isArray(v)', obj));
    body.push('return ok;');
    const code = body.join('\n  ');
    let fn = name ?? this.byBody.get(code);
    if (fn && !name) return fn;
    fn ??= `f${this.count++}`;
    if (!name) this.byBody.set(code, fn);
    this.functions.push(`function ${fn}(v: any, o?: Sink, a = ""): boolean {\n  ${code}\n}`);
    return fn;
  }
}

/** A second set of checks in the same module: each name checked by the component schema `component[name]` of `all`. */
export interface SecondSet {
  names: readonly string[];
  component: Readonly<Record<string, string>>;
}

/**
 * The generated module checking `names` (and every schema they refer to), and the live layer's `live`
 * set beside them: its schemas that differ from the spec's are in `all` under their own names
 * (scripts/generate-live.ts), so the checks both sets share are compiled once.
 */
export function validatorsFile(header: string, all: Record<string, Schema>, names: readonly string[], live?: SecondSet): string {
  const compiler = new Compiler(all);
  const entries = names.map((n) => `  ${n}: ${compiler.named_(n)},`);
  const liveEntries = (live?.names ?? []).map((n) => `  ${n}: ${compiler.named_(live!.component[n] ?? n)},`);
  return [
    header,
    "import type { FieldError } from './openapi.js';",
    '',
    '/** The schemas with a check: every request body, answer body and webhook body of the spec. */',
    `export type SchemaName = ${names.map((n) => q(n)).join(' | ')};`,
    ...(live
      ? [
          "/** The schemas the live layer (spec/live.overlay.yaml: FLORA's SDK's documented variants) checks: every answer and webhook body. */",
          `export type LiveSchemaName = ${live.names.map((n) => q(n)).join(' | ')};`,
        ]
      : []),
    '',
    '/** One problem found: field path, message, and whether a tolerant reader may accept it. */',
    'type Found = [field: string, message: string, tolerable: boolean];',
    '',
    '/** Where problems go: an array, or a collector that keeps fewer of them. */',
    'interface Sink {',
    '  push(found: Found): unknown;',
    '}',
    '',
    '/** A problem of a value against a schema. `tolerable`: an unknown enum value, a format, bound or unknown field, or `null` where the property is optional; not a missing required field or a wrong JSON type. */',
    'export interface SchemaProblem extends FieldError {',
    '  tolerable: boolean;',
    '}',
    '',
    "/** RFC 3986 URI: ajv-formats' full-mode `uri` (MIT). Its other test, for a `/` or `:`, always holds when this matches. */",
    `const URI = ${uriFormat()};`,
    '',
    'function P(o: Sink | undefined, a: string, m: string, t: boolean): false {',
    '  o?.push([a, m, t]);',
    '  return false;',
    '}',
    '',
    '/** `inputs` + `0` -> `inputs[0]`, `inputs[0]` + `type` -> `inputs[0].type`. */',
    'const C = (a: string, k: string | number): string => (typeof k === "number" || /^\\d+$/.test(k) ? `${a}[${k}]` : a ? `${a}.${k}` : k);',
    '',
    ...compiler.constants,
    '',
    ...compiler.functions,
    '',
    'type Check = (v: unknown, o?: Sink, a?: string) => boolean;',
    'const CHECKS: Record<SchemaName, Check> = {',
    ...entries,
    '};',
    ...(live ? ['', 'const LIVE_CHECKS: Record<LiveSchemaName, Check> = {', ...liveEntries, '};'] : []),
    '',
    '/** Every problem of `data` against `name`, the first per field, in ajv\'s order (empty when valid). */',
    'export function schemaProblems(name: SchemaName, data: unknown): SchemaProblem[] {',
    '  return problemsOf(CHECKS[name], data);',
    '}',
    '',
    ...(live
      ? [
          "/** Every problem of `data` against `name` as the live layer has it (FLORA's SDK's documented nulls and values are no problem there). */",
          'export function liveSchemaProblems(name: LiveSchemaName, data: unknown): SchemaProblem[] {',
          '  return problemsOf(LIVE_CHECKS[name], data);',
          '}',
          '',
        ]
      : []),
    'function problemsOf(check: Check, data: unknown): SchemaProblem[] {',
    '  if (check(data)) return [];',
    '  const found: Found[] = [];',
    '  check(data, found);',
    '  const out = new Map<string, SchemaProblem>();',
    "  for (const [f, message, tolerable] of found) if (!out.has(f || '(body)')) out.set(f || '(body)', { field: f || '(body)', message, tolerable });",
    '  return [...out.values()];',
    '}',
    '',
    ...patternLines(live !== undefined),
    '/** The problems of `data` against `name` as the API reports them: `{ field, message }`, one per field. */',
    'export function validate(name: SchemaName, data: unknown): FieldError[] {',
    '  return CHECKS[name](data) ? [] : schemaProblems(name, data).map(({ field, message }) => ({ field, message }));',
    '}',
    '',
  ].join('\n');
}
