/**
 * Request-side differential test: for thousands of seeded bodies (./arbitraries.ts, valid and invalid),
 * the client's own validation and Prism's request validation must reach the same verdict.
 *
 * - nested route: `bodyProblems('TechniqueRunCreateRequest', body)` (default options) vs `POST /techniques/{id}/runs`;
 * - top-level route: `validate('StartTechniqueRunRequest', body)` vs `POST /runs/technique`.
 *
 * Prism's verdict: 2xx = accepted; 400/422 carrying request violations in `sl-violations` = rejected (the
 * spec documents a 400, so Prism answers 400, not 422, for an invalid request). Anything else fails the test.
 * Requests go over keep-alive connections, a dozen at a time. Disagreements are grouped, and the smallest
 * body of each group is shown, with the verdict of the spec's own ajv (2020-12) as a third opinion.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { bodyProblems, validate } from '../src/core/validation.js';
import type { FieldError } from '../src/core/errors.js';
import { nestedCase, topCase, type Case } from './arbitraries.js';
import { mapConcurrent, parameterExample, parseViolations, requestViolations, type Violation } from './harness.js';
import { requestSchemaName, requestSchemaProblems } from './spec.js';

const SEED = Number(process.env.CONTRACT_SEED_NUMBER ?? 20260101);
/** Cases per route; CONTRACT_DIFFERENTIAL_RUNS overrides (the default gives 3 500 in all). */
const RUNS = process.env.CONTRACT_DIFFERENTIAL_RUNS ? Number(process.env.CONTRACT_DIFFERENTIAL_RUNS) : undefined;
const CONCURRENCY = 12;

let prismUrl: string;
beforeAll(() => {
  prismUrl = inject('prismUrl');
});

interface Verdict {
  accepted: boolean;
  detail: string;
}

interface Route {
  name: string;
  operationId: 'createTechniqueRun' | 'startTechniqueRun';
  path: () => string;
  arbitrary: fc.Arbitrary<Case>;
  runs: number;
  seed: number;
  client: (body: unknown) => FieldError[];
}

const ROUTES: Route[] = [
  {
    name: 'POST /techniques/{techniqueId}/runs',
    operationId: 'createTechniqueRun',
    path: () => `/techniques/${encodeURIComponent(parameterExample('techniqueId'))}/runs`,
    arbitrary: nestedCase,
    runs: RUNS ?? 2000,
    seed: SEED,
    client: (body) => bodyProblems('TechniqueRunCreateRequest', body),
  },
  {
    name: 'POST /runs/technique',
    operationId: 'startTechniqueRun',
    path: () => '/runs/technique',
    arbitrary: topCase,
    runs: RUNS ?? 1500,
    seed: SEED + 1,
    client: (body) => validate('StartTechniqueRunRequest', body),
  },
];

async function prismVerdict(url: string, body: unknown): Promise<Verdict> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: 'Bearer contract-test-key', 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer(); // drain, so the connection goes back to the pool
  const violations: Violation[] = requestViolations(parseViolations(res.headers.get('sl-violations')));
  if (res.status >= 200 && res.status < 300 && violations.length === 0) return { accepted: true, detail: `${res.status}` };
  if ((res.status === 400 || res.status === 422) && violations.length > 0) {
    return { accepted: false, detail: violations.map((v) => `${v.location.slice(1).join('.') || '(body)'}: ${v.message}`).join('; ') };
  }
  throw new Error(`Prism answered ${res.status} with ${violations.length} request violations for ${JSON.stringify(body)}: neither an acceptance nor a rejection`);
}

const short = (v: unknown, max = 300) => {
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
};

describe.each(ROUTES)('$name: client validation and Prism agree', (route) => {
  it(`on ${route.runs} seeded bodies`, { timeout: 120_000 }, async () => {
    const cases = fc.sample(route.arbitrary, { seed: route.seed, numRuns: route.runs });
    const url = `${prismUrl}${route.path()}`;
    const schema = requestSchemaName(route.operationId);
    const results = await mapConcurrent(cases, CONCURRENCY, async (c) => {
      const clientFields = route.client(c.body);
      const prism = await prismVerdict(url, c.body);
      return { c, clientFields, clientAccepted: clientFields.length === 0, prism };
    });

    const accepted = results.filter((r) => r.clientAccepted).length;
    const disagreements = results.filter((r) => r.clientAccepted !== r.prism.accepted);
    // Group: who accepted, and which fields the client named. Show the smallest body of each group.
    const groups = new Map<string, (typeof results)[number]>();
    for (const d of disagreements) {
      const key = `${d.clientAccepted ? 'client accepts, Prism rejects' : 'client rejects, Prism accepts'} [${d.clientFields.map((f) => f.field).sort().join(', ')}]`;
      const seen = groups.get(key);
      if (!seen || JSON.stringify(d.c.body).length < JSON.stringify(seen.c.body).length) groups.set(key, d);
    }
    const report = [...groups.entries()]
      .map(([key, d]) => {
        const specAjv = requestSchemaProblems(schema, d.c.body);
        return [
          `- ${key}`,
          `    body: ${short(d.c.body)}`,
          `    client: ${d.clientFields.map((f) => `${f.field}: ${f.message}`).join('; ') || 'valid'}`,
          `    Prism: ${d.prism.accepted ? `accepted (${d.prism.detail})` : d.prism.detail}`,
          `    spec ajv (2020-12): ${specAjv.length ? specAjv.join('; ') : 'valid'}`,
        ].join('\n');
      })
      .join('\n');

    console.info(
      `${route.name}: ${results.length} bodies (seed ${route.seed}), client accepted ${accepted}, rejected ${results.length - accepted}; ` +
        `${disagreements.length} disagreements`,
    );
    expect(disagreements.length, `${route.name}: ${disagreements.length} of ${results.length} bodies judged differently:\n${report}`).toBe(0);
    // The mix really is a mix: a generator that produced only valid (or only invalid) bodies would prove little.
    expect(accepted / results.length).toBeGreaterThan(0.2);
    expect(accepted / results.length).toBeLessThan(0.8);
  });
});
