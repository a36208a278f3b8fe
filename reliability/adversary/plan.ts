/**
 * The generated adversary's cases: what a hostile server answers to each request of one case, what the
 * harness drives against it, and the secrets it echoes. A case is plain JSON (a failing one is printed
 * and kept as a regression as it is); `caseArb` generates them with fast-check, shrinking towards the
 * plainest case that still fails.
 */
import fc from 'fast-check';

/** How a secret is spelled where it is echoed. */
export const FORMS = ['plain', 'upper', 'lower', 'url', 'urlLower', 'urlAll', 'url2', 'b64', 'b64url', 'b64basic', 'b64bearer', 'json', 'jsonU', 'jsonInUrl'] as const;
export type Form = (typeof FORMS)[number];
export interface Echo {
  secret: 'key' | 'webhook';
  form: Form;
}

/** Where in a body an echo goes. */
export type EchoPlace = 'error_message' | 'run_id' | 'outputs' | 'extra' | 'extra_name' | 'cursor' | 'poll_url' | 'envelope_message' | 'envelope_fields' | 'text';

/** One change to a valid answer; `tolerable` ones leave it usable when read tolerantly. */
export type Mutation =
  | { kind: 'unknownEnum'; value: string }
  | { kind: 'nullOptional' }
  | { kind: 'oddNumber'; value: number | string }
  | { kind: 'oddString'; value: string }
  | { kind: 'extra'; name: string; value: unknown }
  | { kind: 'wide'; items: number }
  | { kind: 'missingRequired' }
  | { kind: 'wrongType' };

export type Body =
  | { kind: 'valid'; mutations: Mutation[]; echoes: [EchoPlace, Echo][] }
  | { kind: 'envelope'; code: string; fields: number; echoes: [EchoPlace, Echo][]; deep: number }
  | { kind: 'text'; text: 'html' | 'truncated' | 'empty' | 'garbage' | 'bom'; echoes: [EchoPlace, Echo][] }
  | { kind: 'deep'; depth: number }
  | { kind: 'huge'; bytes: number };

export type Transfer =
  | { kind: 'whole' }
  | { kind: 'chunked' }
  | { kind: 'trickle'; chunk: number; gapMs: number }
  | { kind: 'stallHead' }
  | { kind: 'stallBody' }
  | { kind: 'drop'; after: 'head' | 'half' }
  | { kind: 'longer' }
  | { kind: 'shorter' }
  | { kind: 'badChunk' };

export type Encoding = 'identity' | 'gzip' | 'deflate' | 'br' | 'gzip,gzip' | 'lie-gzip' | 'unknown';

export type Location = 'same' | 'sameEcho' | 'userinfo' | 'other' | 'otherEcho' | 'protocolRelative' | 'scheme' | 'malformed' | 'loop';

export interface Header {
  name: 'retry-after' | 'retry-after-ms' | 'x-should-retry' | 'content-type' | 'x-request-id' | 'x-echo' | 'echo-name' | 'set-cookie' | 'flood' | 'www-authenticate';
  value: string;
  echo?: Echo | undefined;
}

/** What the server answers to one request. */
export interface Answer {
  status: number;
  statusTextEcho?: Echo | undefined;
  headers: Header[];
  body: Body;
  transfer: Transfer;
  encoding: Encoding;
  location?: Location | undefined;
}

export const LIBRARY = [
  'techniques.runs.create',
  'techniques.runs.createAndWait',
  'techniques.runs.retrieve',
  'techniques.runs.wait',
  'techniques.runs.list',
  'techniques.runs.list.all',
  'runs.startTechnique',
  'runs.startTechniqueAndWait',
  'runs.waitAll',
  'runs.retrieveMany',
  'runs.findAccepted',
  'techniques.list.all',
  'techniques.retrieve',
  'generations.retrieve',
  'workspaces.list',
  'raw.GET',
  'raw.POST',
  'assets.retrieve',
  'assets.list.all',
  'assets.complete',
  'assets.upload',
  'runs.download',
] as const;
export const CLI = ['create', 'create --wait', 'retrieve', 'wait', 'runs list', 'runs list --all', 'start-technique', 'techniques list --all', 'techniques retrieve', 'workspaces list'] as const;

export type Action =
  | { kind: 'library'; method: (typeof LIBRARY)[number]; withResponse: boolean; validate: 'tolerant' | 'strict' | 'off'; /** Requests through a caller's undici dispatcher (`fetchOptions`). */ dispatcher?: boolean }
  | { kind: 'cli'; command: (typeof CLI)[number]; output: 'json' | 'yaml' | 'pretty'; keyVia: 'flag' | 'env'; verbose: boolean }
  | { kind: 'webhook'; tamper: 'none' | 'forged' | 'junkHeader' | 'secretInHeader' | 'old' | 'badBody' | 'noHeader'; junk: string };

export interface Case {
  key: string;
  webhookSecret: string;
  action: Action;
  /** The answer to each request in turn; after them, a plain valid one that ends the call. */
  answers: Answer[];
  /** What lists answer once `answers` run out: a last page, or a new or a repeated cursor on every page. */
  lists: 'end' | 'new' | 'repeat';
  timeoutMs: number;
  maxRetries: number;
  /** The call's deadline (library), wait timeout or abort, in ms. */
  budgetMs: number;
}

const MiB = 1024 * 1024;

// The server echoes the API key, the secret the client holds (a webhook secret is the verifier's, below).
const echo: fc.Arbitrary<Echo> = fc.record({ secret: fc.constant('key' as const), form: fc.constantFrom(...FORMS) });
const echoes = (places: EchoPlace[]) => fc.array(fc.tuple(fc.constantFrom(...places), echo), { maxLength: 3 });
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('\u009b2J', '\u202eexe.gnp', '\u0000', '\ud800', '\u2028', '__proto__', 'constructor', '<script>', '%00', '\\u0000', 'a'.repeat(5000)),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('unknownEnum' as const), value: fc.constantFrom('cancelled', 'hologram', 'queued', '', 'PENDING') }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'nullOptional' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('oddNumber' as const), value: fc.constantFrom<number | string>(1e308, -0, 1e-320, 2 ** 53 + 1, '1e400', '-1e400', '123456789012345678901234567890', 8.64e15 + 1, -1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('oddString' as const), value: oddString }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extra' as const), name: oddString, value: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wide' as const), items: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom(1000, 20_000, 90_000)) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'missingRequired' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrongType' as const }) },
);
const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('valid' as const), mutations: fc.array(mutation, { maxLength: 3 }), echoes: echoes(['error_message', 'run_id', 'outputs', 'extra', 'extra_name', 'cursor', 'poll_url']) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('envelope' as const),
      code: fc.constantFrom('input_validation_error', 'unauthorized', 'idempotency_duplicate', 'rate_limited', 'unknown_error', 'not_found', 'brand_new_code'),
      fields: fc.constantFrom(0, 1, 3, 5000),
      echoes: echoes(['envelope_message', 'envelope_fields']),
      deep: fc.constantFrom(0, 0, 0, 100_000),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.constantFrom('html' as const, 'truncated' as const, 'empty' as const, 'garbage' as const, 'bom' as const), echoes: echoes(['text']) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.constantFrom(65, 1000, 100_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), bytes: fc.constantFrom(8 * MiB - 64, 8 * MiB + 1, 64 * MiB) }) },
);
const transfer: fc.Arbitrary<Transfer> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'whole' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'chunked' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('trickle' as const), chunk: fc.constantFrom(1, 7, 512), gapMs: fc.constantFrom(1, 20, 120) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stallHead' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'stallBody' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), after: fc.constantFrom('head' as const, 'half' as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'longer' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'shorter' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'badChunk' as const }) },
);
const header: fc.Arbitrary<Header> = fc.oneof(
  fc.record({ name: fc.constant('retry-after' as const), value: fc.constantFrom('0', '1', '-1', '1e3', 'soon', '0.2', '61', 'Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 01 Jan 2100 00:00:00 GMT') }),
  fc.record({ name: fc.constant('retry-after-ms' as const), value: fc.constantFrom('0', '5', '150', '70000', '-5', 'NaN') }),
  fc.record({ name: fc.constant('x-should-retry' as const), value: fc.constantFrom('true', 'false', 'maybe') }),
  fc.record({ name: fc.constant('content-type' as const), value: fc.constantFrom('application/json', 'text/html', 'application/json; charset=latin1', 'application/octet-stream') }),
  fc.record({ name: fc.constant('x-request-id' as const), value: fc.constantFrom('req_1', 'req_\u00ff\u00fe', ''), echo: fc.option(echo, { nil: undefined }) }),
  fc.record({ name: fc.constantFrom('x-echo' as const, 'echo-name' as const, 'set-cookie' as const, 'www-authenticate' as const), value: fc.constantFrom('Bearer ', 'session=', ''), echo: fc.option(echo, { nil: undefined }) }),
  fc.record({ name: fc.constant('flood' as const), value: fc.constantFrom('20', '200') }),
);
const status = fc.oneof(
  { weight: 14, arbitrary: fc.constant(200) },
  { weight: 3, arbitrary: fc.constantFrom(201, 202, 204, 299) },
  { weight: 3, arbitrary: fc.constantFrom(301, 302, 303, 307, 308) },
  { weight: 6, arbitrary: fc.constantFrom(400, 401, 402, 403, 404, 408, 409, 418, 422, 429) },
  { weight: 4, arbitrary: fc.constantFrom(500, 502, 503, 504, 599, 600, 999) },
);
export const answerArb: fc.Arbitrary<Answer> = fc.record({
  status,
  statusTextEcho: fc.option(echo, { nil: undefined, freq: 8 }),
  headers: fc.array(header, { maxLength: 3 }),
  body,
  transfer,
  encoding: fc.oneof({ weight: 10, arbitrary: fc.constant('identity' as const) }, { weight: 4, arbitrary: fc.constantFrom<Encoding>('gzip', 'deflate', 'br', 'gzip,gzip', 'lie-gzip', 'unknown') }),
  location: fc.constantFrom<Location>('same', 'sameEcho', 'userinfo', 'other', 'otherEcho', 'protocolRelative', 'scheme', 'malformed', 'loop'),
});

const keyArb = fc.oneof(
  fc.stringMatching(/^flora_live_[0-9a-f]{24,32}$/),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{8,14}$/), fc.constantFrom('/', ',', ';', '"', '+', '=', ':', '@', '%', '\\', "'"), fc.stringMatching(/^[A-Za-z0-9_-]{8,14}$/)).map(([a, c, b]) => `sk_${a}${c}${b}`),
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('library' as const), method: fc.constantFrom(...LIBRARY), withResponse: fc.boolean(), validate: fc.constantFrom('tolerant' as const, 'tolerant' as const, 'strict' as const, 'off' as const), dispatcher: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cli' as const), command: fc.constantFrom(...CLI), output: fc.constantFrom('json' as const, 'yaml' as const, 'pretty' as const), keyVia: fc.constantFrom('flag' as const, 'env' as const), verbose: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('webhook' as const), tamper: fc.constantFrom('none' as const, 'forged' as const, 'junkHeader' as const, 'secretInHeader' as const, 'old' as const, 'badBody' as const, 'noHeader' as const), junk: fc.string({ maxLength: 30 }) }) },
);

/** One generated case. */
export const caseArb: fc.Arbitrary<Case> = fc.record({
  key: keyArb,
  webhookSecret: fc.stringMatching(/^whsec_[A-Za-z0-9+/]{24,40}$/),
  action: actionArb,
  answers: fc.array(answerArb, { minLength: 1, maxLength: 4 }),
  lists: fc.constantFrom('end' as const, 'end' as const, 'new' as const, 'repeat' as const),
  // Not below 600 ms: on a machine loaded 15 times over, a body read within 300 ms can still miss its deadline.
  timeoutMs: fc.constantFrom(600, 1000, 1500),
  maxRetries: fc.constantFrom(0, 1, 2),
  budgetMs: fc.constantFrom(1500, 3000),
});
