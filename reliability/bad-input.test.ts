/**
 * Thousands of generated malformed requests (fast-check, seeded) across the three
 * operations: wrong types, missing fields, extra fields, values outside an enum, bad prefixes, http
 * callback URLs, empty ids, bad Idempotency-Key options. Each must be refused before the network with an
 * `InputValidationError` whose `fields` name only fields the generator broke; the fetch is never called.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { INPUT_TYPES, RUN_MODES } from '../generated/constants.js';
import { Flora, InputValidationError } from '../src/index.js';
import { className, table } from './harness.js';
import { pick, SCALE_NAME } from './scale.js';

const CASES = pick(1_000, 10_000);
const SEED = 20_260_108;

// ---- values ----------------------------------------------------------------------------------------------
const word = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,15}$/);
const text = fc.string({ maxLength: 20 });
/** Anything that is not a string. */
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 2 }),
  fc.dictionary(word, text, { maxKeys: 2 }),
);
/** Anything that is not a JSON object (arrays included). */
const notObject = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), text, fc.array(text, { maxLength: 2 }));
const notArray = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), text, fc.dictionary(word, text, { maxKeys: 2 }));
/** Blank or non-string ids (a path id must be a non-empty string). */
const badId = fc.oneof(fc.constantFrom('', ' ', '\t', ' \n '), notString, fc.constant(undefined));
/** Idempotency-Key options outside the spec's 1..255 characters. */
const badKeyOption = fc.oneof(fc.constant(''), fc.integer({ min: 256, max: 400 }).map((n) => 'k'.repeat(n)));
const goodKey = fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/);
const extraName = (known: readonly string[]) => fc.stringMatching(/^[a-z][a-z_]{0,12}$/).filter((n) => !known.includes(n));
const notInEnum = (allowed: readonly string[]) =>
  fc.oneof(text.filter((s) => !allowed.includes(s)), fc.constantFrom(...allowed.map((a) => a.toUpperCase()), 'image', 'sync', ' async'), notString);
/** Strings that do not start with `prefix` (or no string at all). */
const badPrefix = (prefix: string) =>
  fc.oneof(
    fc.constantFrom('', prefix.slice(0, -1), prefix.toUpperCase() + 'abc', ` ${prefix}abc`, 'art-directors-critique', 'tech', 'ws', 'run_abc'),
    text.filter((s) => !s.startsWith(prefix)),
    notString,
  );
/** Callback URLs the spec refuses: anything not https, not a URI, not a string. */
const badCallback = (local: boolean) =>
  fc.oneof(
    fc.constantFrom('http://example.com/hook', 'ftp://example.com/hook', 'example.com/hook', '//example.com/hook', 'javascript:alert(1)', '', 'HTTP://example.com/x'),
    ...(local ? [] : [fc.constant('http://127.0.0.1:8080/hook'), fc.constant('http://localhost/hook')]),
    notString,
  );

// ---- valid bases -----------------------------------------------------------------------------------------
const techniqueInput = fc.record({ id: word, type: fc.constantFrom(...INPUT_TYPES), value: text });
const nestedBody = fc.record(
  {
    inputs: fc.array(techniqueInput, { maxLength: 3 }),
    mode: fc.constantFrom(...RUN_MODES),
    callback_url: word.map((w) => `https://hooks.example.com/${w}`),
    idempotency_key: goodKey,
  },
  { requiredKeys: ['inputs', 'mode'] },
);
const topBody = fc.record({
  inputs: fc.dictionary(word, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  technique_id: word.map((w) => `tech_${w}`),
  workspace_id: word.map((w) => `ws_${w}`),
});

// ---- cases -----------------------------------------------------------------------------------------------
type Op = 'create' | 'startTechnique' | 'retrieve';
interface Case {
  op: Op;
  /** Loopback base URL (http callbacks to loopback are then fine). */
  local: boolean;
  args: unknown[];
  broken: Set<string>;
  mutations: string[];
}
type Mutation<S> = { name: string; apply: (s: S, broken: Set<string>) => void };
const mutation = <S, V>(name: string, values: fc.Arbitrary<V>, apply: (s: S, v: V, broken: Set<string>) => void): fc.Arbitrary<Mutation<S>> =>
  values.map((v) => ({ name, apply: (s: S, broken: Set<string>) => apply(s, v, broken) }));

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface CreateState {
  techniqueId: unknown;
  body: unknown;
  options: { idempotencyKey?: unknown };
  local: boolean;
}
/** Picks an existing input (or appends a valid one) and returns its index, or undefined when inputs is broken. */
function inputAt(s: CreateState, n: number, fresh: Obj): number | undefined {
  if (!isObj(s.body) || !Array.isArray(s.body.inputs)) return undefined;
  const inputs = s.body.inputs as unknown[];
  if (inputs.length === 0 || n % 3 === 0) inputs.push(fresh);
  return n % inputs.length;
}
const KNOWN_INPUT = ['id', 'type', 'value'];
const createMutations: fc.Arbitrary<Mutation<CreateState>>[] = [
  mutation('techniqueId blank or not a string', badId, (s, v, b) => ((s.techniqueId = v), b.add('techniqueId'))),
  mutation('body not an object', notObject, (s, v, b) => ((s.body = v), b.add('(body)'))),
  mutation('required field missing', fc.constantFrom('inputs', 'mode'), (s, f, b) => {
    if (isObj(s.body)) delete s.body[f], b.add(f);
  }),
  mutation('inputs not an array', notArray, (s, v, b) => {
    if (isObj(s.body)) (s.body.inputs = v), b.add('inputs');
  }),
  mutation('an input not an object', fc.tuple(fc.nat(), notObject, techniqueInput), (s, [n, v, fresh], b) => {
    const i = inputAt(s, n, fresh);
    if (i !== undefined) ((s.body as Obj).inputs as unknown[])[i] = v, b.add(`inputs[${i}]`);
  }),
  mutation('an input field missing', fc.tuple(fc.nat(), fc.constantFrom(...KNOWN_INPUT), techniqueInput), (s, [n, f, fresh], b) => {
    const i = inputAt(s, n, fresh);
    const input = i === undefined ? undefined : ((s.body as Obj).inputs as unknown[])[i];
    if (isObj(input)) delete input[f], b.add(`inputs[${i}].${f}`);
  }),
  mutation('an input type outside the enum', fc.tuple(fc.nat(), notInEnum(INPUT_TYPES), techniqueInput), (s, [n, v, fresh], b) => {
    const i = inputAt(s, n, fresh);
    const input = i === undefined ? undefined : ((s.body as Obj).inputs as unknown[])[i];
    if (isObj(input)) (input.type = v), b.add(`inputs[${i}].type`);
  }),
  mutation('an input id or value not a string', fc.tuple(fc.nat(), fc.constantFrom('id', 'value'), notString, techniqueInput), (s, [n, f, v, fresh], b) => {
    const i = inputAt(s, n, fresh);
    const input = i === undefined ? undefined : ((s.body as Obj).inputs as unknown[])[i];
    if (isObj(input)) (input[f] = v), b.add(`inputs[${i}].${f}`);
  }),
  mutation('an input with an extra field', fc.tuple(fc.nat(), extraName(KNOWN_INPUT), text, techniqueInput), (s, [n, f, v, fresh], b) => {
    const i = inputAt(s, n, fresh);
    const input = i === undefined ? undefined : ((s.body as Obj).inputs as unknown[])[i];
    if (isObj(input)) (input[f] = v), b.add(`inputs[${i}].${f}`);
  }),
  mutation('mode outside the enum', notInEnum(RUN_MODES), (s, v, b) => {
    if (isObj(s.body)) (s.body.mode = v), b.add('mode');
  }),
  mutation('callback_url not https', fc.tuple(badCallback(false), badCallback(true)), (s, [remote, local], b) => {
    if (isObj(s.body)) (s.body.callback_url = s.local ? local : remote), b.add('callback_url');
  }),
  mutation('idempotency_key outside 1..255 or not a string', fc.oneof(badKeyOption, notString), (s, v, b) => {
    if (!isObj(s.body)) return;
    s.body.idempotency_key = v;
    b.add('idempotency_key');
  }),
  mutation('extra top-level field', fc.tuple(extraName(['inputs', 'mode', 'callback_url', 'idempotency_key']), fc.jsonValue({ maxDepth: 1 })), (s, [f, v], b) => {
    if (isObj(s.body)) (s.body[f] = v), b.add(f);
  }),
  mutation('idempotencyKey option outside 1..255', badKeyOption, (s, v, b) => {
    s.options.idempotencyKey = v;
    b.add('idempotencyKey');
    // It now also differs from any key in the body.
    if (isObj(s.body) && s.body.idempotency_key !== undefined) b.add('idempotency_key');
  }),
  mutation('idempotencyKey option differs from the body key', fc.tuple(goodKey, goodKey), (s, [k1, k2], b) => {
    if (!isObj(s.body) || k1 === k2) return;
    s.body.idempotency_key = k1;
    s.options.idempotencyKey = k2;
    b.add('idempotency_key');
  }),
];

interface TopState {
  body: unknown;
  options: { idempotencyKey?: unknown };
}
const topMutations: fc.Arbitrary<Mutation<TopState>>[] = [
  mutation('body not an object', notObject, (s, v, b) => ((s.body = v), b.add('(body)'))),
  mutation('required field missing', fc.constantFrom('inputs', 'technique_id', 'workspace_id'), (s, f, b) => {
    if (isObj(s.body)) delete s.body[f], b.add(f);
  }),
  mutation('inputs not an object', notObject, (s, v, b) => {
    if (isObj(s.body)) (s.body.inputs = v), b.add('inputs');
  }),
  mutation('technique_id without tech_', badPrefix('tech_'), (s, v, b) => {
    if (isObj(s.body)) (s.body.technique_id = v), b.add('technique_id');
  }),
  mutation('workspace_id without ws_', badPrefix('ws_'), (s, v, b) => {
    if (isObj(s.body)) (s.body.workspace_id = v), b.add('workspace_id');
  }),
  mutation('extra top-level field', fc.tuple(extraName(['inputs', 'technique_id', 'workspace_id']), fc.jsonValue({ maxDepth: 1 })), (s, [f, v], b) => {
    if (isObj(s.body)) (s.body[f] = v), b.add(f);
  }),
  mutation('idempotencyKey option outside 1..255', badKeyOption, (s, v, b) => ((s.options.idempotencyKey = v), b.add('idempotencyKey'))),
];

interface RetrieveState {
  runId: unknown;
  params: unknown;
}
const retrieveMutations: fc.Arbitrary<Mutation<RetrieveState>>[] = [
  mutation('runId blank or not a string', badId, (s, v, b) => ((s.runId = v), b.add('runId'))),
  mutation('techniqueId blank, missing or not a string', badId, (s, v, b) => {
    s.params = v === undefined ? {} : { techniqueId: v };
    b.add('techniqueId');
  }),
  mutation('params missing or not an object', fc.constantFrom(undefined, null), (s, v, b) => ((s.params = v), b.add('techniqueId'))),
];

function build<S>(op: Op, base: fc.Arbitrary<S>, mutations: fc.Arbitrary<Mutation<S>>[], args: (s: S) => unknown[], local: (s: S) => boolean) {
  return fc
    .tuple(base, fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }))
    .map(([state, muts]): Case => {
      const s = structuredClone(state);
      const broken = new Set<string>();
      for (const m of muts) m.apply(s, broken);
      return { op, local: local(s), args: args(s), broken, mutations: muts.map((m) => m.name) };
    })
    // A mutation can find nothing left to break (e.g. an input after `inputs` was replaced): need one that did.
    .filter((c) => c.broken.size > 0);
}

const cases = fc.oneof(
  { weight: 4, arbitrary: build<CreateState>('create', fc.record({ techniqueId: word, body: nestedBody as fc.Arbitrary<unknown>, options: fc.constant({}), local: fc.boolean() }), createMutations, (s) => [s.techniqueId, s.body, s.options], (s) => s.local) },
  { weight: 4, arbitrary: build<TopState>('startTechnique', fc.record({ body: topBody as fc.Arbitrary<unknown>, options: fc.constant({}) }), topMutations, (s) => [s.body, s.options], () => false) },
  { weight: 2, arbitrary: build<RetrieveState>('retrieve', fc.record({ runId: word.map((w) => `run_${w}`), params: word.map((w): unknown => ({ techniqueId: w })) }), retrieveMutations, (s) => [s.runId, s.params], () => false) },
);

it(`${CASES} generated malformed requests (${SCALE_NAME}) are refused before the network, naming the broken field`, async () => {
  let fetchCalls = 0;
  const fetch = async (): Promise<Response> => {
    fetchCalls++;
    throw new Error('the network must not be reached');
  };
  const clients = {
    remote: new Flora({ apiKey: 'flora_rel_bad_input', baseUrl: 'https://api.example.test/v1', fetch, logLevel: 'off', maxRetries: 0 }),
    local: new Flora({ apiKey: 'flora_rel_bad_input', baseUrl: 'http://127.0.0.1:9/api/v1', fetch, logLevel: 'off', maxRetries: 0 }),
  };
  const sample = fc.sample(cases, { seed: SEED, numRuns: CASES });
  const problems: string[] = [];
  const perOp = new Map<string, { cases: number; fields: number; sync: number }>();
  const perMutation = new Map<string, number>();
  for (const c of sample) {
    const client = c.local ? clients.local : clients.remote;
    const stats = perOp.get(c.op) ?? { cases: 0, fields: 0, sync: 0 };
    perOp.set(c.op, stats);
    stats.cases++;
    for (const m of c.mutations) perMutation.set(`${c.op}: ${m}`, (perMutation.get(`${c.op}: ${m}`) ?? 0) + 1);
    const before = fetchCalls;
    let error: unknown;
    let sync = false;
    try {
      let pending: Promise<unknown>;
      try {
        pending =
          c.op === 'create'
            ? client.techniques.runs.create(...(c.args as Parameters<Flora['techniques']['runs']['create']>))
            : c.op === 'startTechnique'
              ? client.runs.startTechnique(...(c.args as Parameters<Flora['runs']['startTechnique']>))
              : client.techniques.runs.retrieve(...(c.args as Parameters<Flora['techniques']['runs']['retrieve']>));
      } catch (e) {
        sync = true;
        throw e;
      }
      await pending;
    } catch (e) {
      error = e;
    }
    if (sync) stats.sync++;
    const where = `${c.op}(${JSON.stringify(c.args)}) [${c.mutations.join('; ')}], broken {${[...c.broken].join(', ')}}`;
    if (fetchCalls !== before) problems.push(`${where}: reached the network`);
    if (!(error instanceof InputValidationError)) {
      problems.push(`${where}: ${error === undefined ? 'resolved' : `threw ${className(error)}: ${String(error)}`}`);
      continue;
    }
    if (error.status !== undefined) problems.push(`${where}: status ${error.status}`);
    if (error.fields.length === 0) problems.push(`${where}: no fields`);
    stats.fields += error.fields.length;
    for (const f of error.fields) if (!c.broken.has(f.field)) problems.push(`${where}: names ${f.field} (${f.message}), which was not broken`);
  }

  console.log(
    [
      '',
      `### Bad input (${SCALE_NAME}): ${sample.length} generated malformed requests, seed ${SEED}`,
      '',
      table(
        ['operation', 'cases', 'InputValidationError fields named', 'thrown synchronously (not a rejected promise)'],
        [...perOp].map(([op, s]) => [op, s.cases, s.fields, s.sync]),
      ),
      '',
      table(['mutation', 'applied'], [...perMutation].sort((a, b) => b[1] - a[1])),
      '',
      `fetch calls: ${fetchCalls}; problems: ${problems.length}`,
    ].join('\n'),
  );
  expect(problems.slice(0, 20)).toEqual([]);
  expect(fetchCalls).toBe(0);
  expect(sample.length).toBe(CASES);
});
