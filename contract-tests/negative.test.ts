/**
 * Negative contract tests: ./rewrite-proxy.ts sits in front of Prism and bends 200 answers out of the spec
 * (a renamed `run_id`, an unknown `action.action_id`, `status: queued`, a negative `charged_cost`, truncated
 * JSON, an HTML page...). The client must throw `ResponseValidationError` whose `fields` name the field and
 * whose message names the operation and status; and ajv, reading the spec, must reject the same body.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ResponseValidationError } from '../src/core/errors.js';
import { callOperation, defaultCallParams, OPERATION_IDS, recordingClient, withRequestCheck, type OperationId } from './harness.js';
import { REWRITE_HEADER, REWRITES, startRewriteProxy, type RewriteProxy } from './rewrite-proxy.js';
import { responseProblems, specOperation } from './spec.js';

const params = defaultCallParams();
let proxy: RewriteProxy;

beforeAll(async () => {
  proxy = await startRewriteProxy(inject('prismUrl'));
});
afterAll(async () => {
  await proxy?.close();
});

const call = (operationId: OperationId, headers: Record<string, string>) => {
  const rec = recordingClient(proxy.url, 'contract-test-key', { maxRetries: 0 });
  return { rec, promise: () => callOperation(rec.client, operationId, params, { headers }) };
};

describe('the rewrite proxy', () => {
  it.each(OPERATION_IDS)('passes %s through untouched when asked for no rewrite', async (operationId) => {
    const { rec, promise } = call(operationId, {});
    const data = await withRequestCheck(specOperation(operationId).label, rec, promise);
    expect(responseProblems(operationId, 200, data)).toEqual([]);
  });
});

const cases = Object.entries(REWRITES).flatMap(([name, rewrite]) =>
  rewrite.operations.map((operationId) => ({ name, operationId, label: specOperation(operationId).label, ...rewrite })),
);

describe('answers outside the spec', () => {
  it.each(cases)('$label with $name: ResponseValidationError naming $field', async ({ name, operationId, label, field, prefer }) => {
    const headers: Record<string, string> = { [REWRITE_HEADER]: name };
    if (prefer) headers.Prefer = prefer;
    const { rec, promise } = call(operationId, headers);
    const before = proxy.applied[name] ?? 0;
    let caught: unknown;
    await withRequestCheck(label, rec, promise).then(
      (data) => {
        throw new Error(`${label} with ${name}: the client accepted ${JSON.stringify(data)}`);
      },
      (err: unknown) => {
        caught = err;
      },
    );
    expect(proxy.applied[name], 'the proxy applied the rewrite').toBe(before + 1);
    expect(caught).toBeInstanceOf(ResponseValidationError);
    const err = caught as ResponseValidationError;
    expect(err.operation).toBe(label);
    expect(err.status).toBe(200);
    expect(err.fields.map((f) => f.field)).toContain(field);
    expect(err.message).toContain(`${label} answered 200`);
    expect(err.message).toContain(field);
    // ajv, reading the spec, rejects the same body (for bodies that parsed as JSON at all).
    if (field !== '(body)') {
      const segments = field.replace(/\[(\d+)\]/g, '.$1').split('.');
      const pointer = `/${segments.join('/')}`;
      const parent = `/${segments.slice(0, -1).join('/')}`;
      const problems = responseProblems(operationId, 200, err.body);
      expect(problems.length, `ajv accepted the rewritten body ${JSON.stringify(err.body)}`).toBeGreaterThan(0);
      // ajv names the field itself, or (for a missing one) its parent and the property it lacks.
      const names = (p: string) => p.startsWith(`${label} 200: ${pointer} `) || p.startsWith(`${label} 200: ${parent} must have required property '${segments.at(-1)}'`);
      expect(problems.filter(names), `ajv's problems name ${field}:\n${problems.join('\n')}`).not.toEqual([]);
    }
  });
});
