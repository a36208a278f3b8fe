/**
 * Where in the spec a problem lies: the JSON pointer of the schema keyword a value broke
 * (`#/components/schemas/RunStartedResponse/properties/estimated_seconds/type`), found by walking the
 * spec's schemas (generated/live-schemas.json: same paths as the spec's, the live layer's types and
 * enums) along the problem's field path, `$ref`s followed. The keyword comes from the generated checks'
 * own wording (scripts/generate-validators.ts), which `schema-path.test.ts` ties to each keyword.
 */
import live from '../../generated/live-schemas.json' with { type: 'json' };

type Schema = Record<string, any>;
const SCHEMAS = live.schemas as Record<string, Schema>;
const REF = '#/components/schemas/';

/** The keyword a generated check's message names. */
const KEYWORDS: [RegExp, string][] = [
  [/^must be one of: /, 'enum'],
  [/^must be (object|array|string|number|integer|boolean|null)(,(object|array|string|number|integer|boolean|null))*$/, 'type'],
  [/^must match format /, 'format'],
  [/^must (start with|match) /, 'pattern'],
  [/^must be <= /, 'maximum'],
  [/^must be >= /, 'minimum'],
  [/^must NOT have more than /, 'maxLength'],
  [/^must NOT have fewer than /, 'minLength'],
];

/** `outputs[0].type` -> `outputs`, 0, `type`; `(body)` -> nothing. */
export function fieldKeys(field: string): (string | number)[] {
  if (field === '(body)' || field === '') return [];
  const keys: (string | number)[] = [];
  for (const part of field.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      keys.push(part);
      continue;
    }
    if (m[1]) keys.push(m[1]);
    for (const i of m[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(i[1]));
  }
  return keys;
}

/** A field path as JSONPath: `outputs[0].type` -> `$.outputs[0].type`, `(body)` -> `$`. */
export function jsonPath(field: string): string {
  return fieldKeys(field).reduce<string>((at, k) => (typeof k === 'number' ? `${at}[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`), '$');
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Follows `$ref`s: the schema and its pointer. */
function resolve(node: Schema | undefined, pointer: string): [Schema | undefined, string] {
  for (let i = 0; node && typeof node.$ref === 'string' && node.$ref.startsWith(REF) && i < 32; i++) {
    pointer = node.$ref;
    node = SCHEMAS[node.$ref.slice(REF.length)];
  }
  return [node, pointer];
}

/** The pointer of the schema keyword `message` reports for `field` of a `schemaName` body. */
export function schemaPathOf(schemaName: string, field: string, message: string): string {
  const keys = fieldKeys(field);
  // A missing or unknown field is the parent's business: its `required` or `additionalProperties`.
  const own = message === 'Required' || message === 'Unknown field' ? keys.slice(0, -1) : keys;
  let [node, pointer] = resolve(SCHEMAS[schemaName], `${REF}${schemaName}`);
  for (const key of own) {
    if (!node) break;
    if (typeof key === 'number' && node.items) [node, pointer] = resolve(node.items, `${pointer}/items`);
    else if (typeof key === 'string' && node.properties?.[key]) [node, pointer] = resolve(node.properties[key], `${pointer}/properties/${escape(key)}`);
    else if (node.additionalProperties && typeof node.additionalProperties === 'object') [node, pointer] = resolve(node.additionalProperties, `${pointer}/additionalProperties`);
    else break;
  }
  if (message === 'Required') return `${pointer}/required`;
  if (message === 'Unknown field') return `${pointer}/additionalProperties`;
  const keyword = KEYWORDS.find(([re]) => re.test(message))?.[1];
  return keyword ? `${pointer}/${keyword}` : pointer;
}

/** The live layer's documented variant that covers `schemaPath`, if any: its pointer and what FLORA's SDK says. */
export function variantAt(schemaPath: string): { schemaPath: string; description: string } | undefined {
  return live.variants.find((v) => schemaPath === v.schemaPath || schemaPath.startsWith(`${v.schemaPath}/`));
}

/** How many variants the live layer documents. */
export const VARIANT_COUNT = live.variants.length;
