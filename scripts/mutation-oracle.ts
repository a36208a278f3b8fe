/**
 * The mutation harness's judge of "does the server disagree with this spec?" (scripts/mutate.ts runs it in
 * each scratch copy, after regenerating): broad, fixed traffic against the simulator in both profiles with
 * plain fetch (every operation, both start routes, every technique, runs pending, running and ended,
 * failed ones too, every list page, and the 400, 401, 402, 403, 404 and 409 answers), each answer judged
 * by ajv reading the (mutated) spec: the seeds profile by the spec, the live profile by its live layer.
 * Independent of the client and of the contract suite. Prints JSON: `{ answers, disagreements }`.
 */
import { OPERATIONS, type OperationId } from '../generated/operations.js';
import { createSpecAjv, loadSpec, schemaRef } from '../spec/spec.js';
import { DEFAULT_TECHNIQUES, startSimulator } from '../src/testing/index.js';

const KEY = 'flora_oracle_key';
const BROKE = 'flora_oracle_no_credits';
const LOCKED = 'flora_oracle_no_access';

interface Disagreement {
  profile: string;
  operation: string;
  status: number;
  problem: string;
}

const spec = loadSpec();
const judges = { seeds: createSpecAjv(spec), live: createSpecAjv(spec, {}, { live: true }) };

async function traffic(profile: 'seeds' | 'live', out: Disagreement[]): Promise<number> {
  const sim = await startSimulator({ profile, seed: 17, failureRate: 0.4, pendingSeconds: 2, runDurationSeconds: 20, keys: { [KEY]: {}, [BROKE]: { credits: false }, [LOCKED]: { access: false } } });
  const ajv = judges[profile];
  let count = 0;
  const call = async (method: string, path: string, body?: unknown, { key = KEY, headers = {} }: { key?: string; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    count++;
    const bare = path.split('?')[0]!;
    const id = (Object.keys(OPERATIONS) as OperationId[]).find((o) => OPERATIONS[o].method === method && OPERATIONS[o].pathPattern.test(bare));
    const operation = id ? `${method} ${OPERATIONS[id].path}` : `${method} ${bare}`;
    const disagree = (problem: string) => out.push({ profile, operation, status: res.status, problem });
    let data: any;
    try {
      data = JSON.parse(text);
    } catch {
      disagree('not JSON');
      return { status: res.status, data: undefined };
    }
    if (!id) disagree('no operation of the spec');
    else {
      const schema = (OPERATIONS[id].responses as Record<number, string>)[res.status];
      if (!schema) disagree(`status ${res.status} not documented`);
      else {
        const check = ajv.getSchema(schemaRef(schema))!;
        if (!check(data)) disagree(ajv.errorsText(check.errors));
      }
    }
    return { status: res.status, data };
  };

  // Reads: every page of techniques, each technique by id and slug, workspaces.
  let cursor: string | undefined;
  do {
    const { data } = await call('GET', `/techniques?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    cursor = data?.meta?.next_cursor ?? undefined;
  } while (cursor);
  for (const t of DEFAULT_TECHNIQUES) {
    await call('GET', `/techniques/${t.id}`);
    await call('GET', `/techniques/${t.slug}`);
  }
  await call('GET', '/workspaces');
  // Runs: each technique through both routes (a start repeated with its key), read at every stage.
  const runs: { id: string; technique: string }[] = [];
  for (const [i, t] of DEFAULT_TECHNIQUES.entries()) {
    for (let n = 0; n < 3; n++) {
      const nested = await call('POST', `/techniques/${t.slug}/runs`, { inputs: [{ id: 'prompt', type: 'text', value: 'a fox' }], mode: 'async' });
      if (nested.data?.run_id) runs.push({ id: nested.data.run_id, technique: t.slug });
      const key = `oracle-${profile}-${i}-${n}`;
      const top = await call('POST', '/runs/technique', { technique_id: t.id, workspace_id: 'ws_abc123', inputs: { prompt: 'a fox' } }, { headers: { 'idempotency-key': key } });
      if (top.data?.run_id) runs.push({ id: top.data.run_id, technique: t.id });
      await call('POST', '/runs/technique', { technique_id: t.id, workspace_id: 'ws_abc123', inputs: { prompt: 'a fox' } }, { headers: { 'idempotency-key': key } });
    }
  }
  const readAll = async () => {
    for (const r of runs) {
      await call('GET', `/techniques/${r.technique}/runs/${r.id}`);
      await call('GET', `/runs/${r.id}`);
    }
    let page: string | undefined;
    do {
      const { data } = await call('GET', `/technique-runs?limit=7${page ? `&cursor=${page}` : ''}`);
      page = data?.meta?.next_cursor ?? undefined;
    } while (page);
  };
  await readAll(); // pending
  sim.advance(8);
  await readAll(); // running (and some failed)
  sim.advance(3600);
  await readAll(); // ended, charges settled
  // Errors.
  await call('GET', '/runs/run_oracle_missing');
  await call('GET', '/techniques/no-such-technique');
  await call('GET', `/techniques/${DEFAULT_TECHNIQUES[0]!.slug}/runs/run_oracle_missing`);
  await call('GET', '/workspaces', undefined, { key: 'flora_oracle_not_a_key' });
  await call('POST', '/runs/technique', { technique_id: 'abc', inputs: {} });
  await call('POST', `/techniques/${DEFAULT_TECHNIQUES[0]!.slug}/runs`, { inputs: [{ id: 'prompt', type: 'text', value: 'a fox' }], mode: 'async' }, { key: BROKE });
  await call('GET', '/workspaces', undefined, { key: LOCKED });
  await sim.close();
  return count;
}

const disagreements: Disagreement[] = [];
let answers = 0;
for (const profile of ['seeds', 'live'] as const) answers += await traffic(profile, disagreements);
process.stdout.write(`${JSON.stringify({ answers, disagreements })}\n`);
