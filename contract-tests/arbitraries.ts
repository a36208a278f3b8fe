/**
 * fast-check arbitraries of request bodies for the two run-starting POSTs: valid ones built from the
 * spec's schemas (enums read from the spec), and invalid ones made by applying one to three mutations to a
 * valid body (a required field dropped, an unknown field added, a wrong type, an enum value outside,
 * a `technique_id` without `tech_`, a `workspace_id` without `ws_`, an http callback URL, an empty string,
 * a body that is not an object...). Every value is plain JSON, so what the client validates is exactly what
 * goes over the wire.
 */
import fc from 'fast-check';
import { spec } from './spec.js';

const enumOf = (name: string): string[] => {
  const values = spec.components.schemas[name]?.enum;
  if (!Array.isArray(values)) throw new Error(`spec: ${name} is not an enum schema`);
  return values as string[];
};

export const INPUT_TYPES = enumOf('InputType');
export const RUN_MODES = enumOf('RunMode');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Body = any;
type Mutation = fc.Arbitrary<(body: Body) => Body>;

// ----- building blocks -----

/** Strings of any kind: short ASCII, unicode graphemes, whitespace, the empty string. */
const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '\n', 'null', '0') },
);

/** JSON values that are not strings (for wrong-type mutations of string fields). */
const notAString: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 2 }),
);

/** Any JSON value, shallow. */
const anyJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;

/** A string close to, but not in, an enum: other casing, padding, plurals, similar words, random. */
const outsideEnum = (values: string[]) =>
  fc
    .oneof(
      fc.constantFrom(...values).map((v) => v.toUpperCase()),
      fc.constantFrom(...values).map((v) => v[0]!.toUpperCase() + v.slice(1)),
      fc.constantFrom(...values).map((v) => ` ${v}`),
      fc.constantFrom(...values).map((v) => `${v}s`),
      fc.constantFrom('', 'sync', 'image', 'video', 'audioUrl', 'imageURL', 'batch', 'none'),
      fc.string({ maxLength: 10 }),
    )
    .filter((v) => !values.includes(v));

const httpsUrl = fc.oneof(
  { weight: 3, arbitrary: fc.webUrl({ validSchemes: ['https'], withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.constantFrom('https://example.com/flora/webhook', 'https://127.0.0.1:8443/hook', 'https://[::1]/cb') },
);

/** Callback URLs the spec refuses: plain http, other schemes, no scheme, upper-case scheme, spaces, empty. */
const badCallbackUrl = fc.oneof(
  fc.webUrl({ validSchemes: ['http'] }),
  fc.constantFrom(
    'http://localhost:3000/hook',
    'http://127.0.0.1/cb',
    'ftp://example.com/hook',
    'example.com/hook',
    '//example.com/hook',
    'HTTPS://example.com/hook',
    ' https://example.com/hook',
    'https ://example.com',
    'https://exa mple.com/hook',
    'javascript:alert(1)',
    'https:example.com',
    '',
  ),
);

const idempotencyKey = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(255), '🦊'.repeat(255), 'é'.repeat(255)) },
);
const badIdempotencyKey = fc.constantFrom('', 'a'.repeat(256), 'k'.repeat(1000), '🦊'.repeat(256));

/** Field names a body must not have (plausible mix-ups and random ones). */
const unknownKey = (known: string[]) =>
  fc
    .oneof(
      fc.constantFrom('techniqueId', 'callbackUrl', 'idempotencyKey', 'prompt', 'mode ', 'Inputs', 'run_id', 'technique_id', 'workspace_id', 'mode', 'callback_url', 'extra'),
      fc.string({ minLength: 1, maxLength: 8 }),
    )
    .filter((k) => !known.includes(k));

const set = (key: string, value: unknown) => (body: Body) => ({ ...body, [key]: value });
const drop = (key: string) => (body: Body) => {
  const { [key]: _dropped, ...rest } = body;
  return rest;
};
/** Applies `f` to the input at a position (when there are inputs). */
const onInput = (index: number, f: (input: Body) => Body) => (body: Body) =>
  Array.isArray(body.inputs) && body.inputs.length > 0
    ? { ...body, inputs: body.inputs.map((x: Body, i: number) => (i === index % body.inputs.length ? f(x) : x)) }
    : { ...body, inputs: [f({ id: 'prompt', type: 'text', value: 'a red fox' })] };

// ----- nested route: TechniqueRunCreateRequest -----

const NESTED_KEYS = ['inputs', 'mode', 'callback_url', 'idempotency_key'];
const INPUT_KEYS = ['id', 'type', 'value'];

export const techniqueInput = fc.record({ id: anyString, type: fc.constantFrom(...INPUT_TYPES), value: anyString });

export const validNestedBody = fc.record(
  {
    inputs: fc.array(techniqueInput, { maxLength: 4 }),
    mode: fc.constantFrom(...RUN_MODES),
    callback_url: httpsUrl,
    idempotency_key: idempotencyKey,
  },
  { requiredKeys: ['inputs', 'mode'] },
);

const nestedMutation: Mutation = fc.oneof(
  fc.constantFrom('inputs', 'mode').map(drop),
  fc.tuple(unknownKey(NESTED_KEYS), anyJson).map(([k, v]) => set(k, v)),
  fc.constantFrom('inputs', 'mode', 'callback_url', 'idempotency_key').chain((k) =>
    (k === 'inputs' ? fc.oneof(notAString.filter((v) => !Array.isArray(v)), anyString) : notAString).map((v) => set(k, v)),
  ),
  outsideEnum(RUN_MODES).map((v) => set('mode', v)),
  badCallbackUrl.map((v) => set('callback_url', v)),
  badIdempotencyKey.map((v) => set('idempotency_key', v)),
  fc.tuple(fc.nat(3), outsideEnum(INPUT_TYPES)).map(([i, v]) => onInput(i, (x) => ({ ...x, type: v }))),
  fc.tuple(fc.nat(3), fc.constantFrom(...INPUT_KEYS)).map(([i, k]) => onInput(i, drop(k))),
  fc.tuple(fc.nat(3), unknownKey(INPUT_KEYS), anyJson).map(([i, k, v]) => onInput(i, set(k, v))),
  fc.tuple(fc.nat(3), fc.constantFrom(...INPUT_KEYS), notAString).map(([i, k, v]) => onInput(i, set(k, v))),
  fc.tuple(fc.nat(3), fc.oneof(notAString, anyString)).map(([i, v]) => (body: Body) =>
    Array.isArray(body.inputs) ? { ...body, inputs: [...body.inputs.slice(0, i), v] } : body,
  ),
  // Not an object at all.
  fc.constantFrom<Json>(null, [], 'inputs', 0, true).map((v) => () => v),
);

// ----- top-level route: StartTechniqueRunRequest -----

const TOP_KEYS = ['inputs', 'technique_id', 'workspace_id'];

const prefixed = (prefix: string) => fc.oneof({ weight: 5, arbitrary: anyString.map((s) => prefix + s) }, { weight: 1, arbitrary: fc.constant(prefix) });
/** Ids that do not start with the prefix: bare, other casing, other separators, padded, empty. */
const unprefixed = (prefix: string) =>
  fc
    .oneof(
      anyString,
      anyString.map((s) => prefix.toUpperCase() + s),
      anyString.map((s) => prefix.replace('_', '-') + s),
      anyString.map((s) => ` ${prefix}${s}`),
      fc.constantFrom('', prefix.slice(0, -1), prefix === 'tech_' ? 'art-directors-critique' : 'workspace_abc123', prefix === 'tech_' ? 'ws_abc123' : 'tech_abcd1234'),
    )
    .filter((s) => !s.startsWith(prefix));

export const validTopBody = fc.record({
  inputs: fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 4 }),
  technique_id: prefixed('tech_'),
  workspace_id: prefixed('ws_'),
});

const topMutation: Mutation = fc.oneof(
  fc.constantFrom(...TOP_KEYS).map(drop),
  fc.tuple(unknownKey(TOP_KEYS), anyJson).map(([k, v]) => set(k, v)),
  unprefixed('tech_').map((v) => set('technique_id', v)),
  unprefixed('ws_').map((v) => set('workspace_id', v)),
  fc.constantFrom('technique_id', 'workspace_id').chain((k) => notAString.map((v) => set(k, v))),
  fc.oneof(anyString, notAString.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))).map((v) => set('inputs', v)),
  fc.constantFrom<Json>(null, [], 'inputs', 0, true).map((v) => () => v),
);

/** A body and what the generator meant it to be (the verdicts compared are the client's and Prism's). */
export interface Case {
  body: unknown;
  intended: 'valid' | 'mutated';
}

/** Only objects are mutated further: once a body is `null` or an array it stays so. */
const isObject = (b: unknown) => b !== null && typeof b === 'object' && !Array.isArray(b);

const mix = (valid: fc.Arbitrary<Body>, mutation: Mutation): fc.Arbitrary<Case> =>
  fc.oneof(
    { weight: 2, arbitrary: valid.map((body) => ({ body, intended: 'valid' as const })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([body, ms]) => ({ body: ms.reduce((b, m) => (isObject(b) ? m(b) : b), body as Body), intended: 'mutated' as const })),
    },
  );

export const nestedCase = mix(validNestedBody, nestedMutation);
export const topCase = mix(validTopBody, topMutation);
