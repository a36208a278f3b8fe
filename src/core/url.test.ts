/** Path segments are always safe: whatever validation says, an id never addresses another route. */
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../generated/operations.js';
import { InputValidationError } from './errors.js';
import { json, NESTED_BODY, RUN, scriptedFetch, testClient } from '../test-utils.js';
import { operationUrl, pathProblems } from './url.js';

describe('operation URLs', () => {
  it('fill each parameter in as one encoded segment', () => {
    const op = OPERATIONS.getTechniqueRun;
    expect(operationUrl('https://h/api/v1', op, { techniqueId: 'a/b c', runId: 'run_1?x#y' })).toBe('https://h/api/v1/techniques/a%2Fb%20c/runs/run_1%3Fx%23y');
    expect(operationUrl('https://h/api/v1', OPERATIONS.startTechniqueRun)).toBe('https://h/api/v1/runs/technique');
    expect(operationUrl('https://h/v1', OPERATIONS.startTechniqueRun, undefined, { limit: 5, cursor: undefined, q: 'a b' })).toBe('https://h/v1/runs/technique?limit=5&q=a+b');
  });

  it.each([
    ['', 'must not be empty'],
    ['  ', 'must not be empty'],
    ['.', 'must not be "." or ".."'],
    ['..', 'must not be "." or ".."'],
    ['a\uD800b', 'must be valid Unicode (it holds a lone surrogate)'],
    [undefined, 'Required'],
    [42, 'Required'],
  ])('refuse %j as a segment: %s', (value, message) => {
    expect(pathProblems(OPERATIONS.getTechniqueRun, { techniqueId: value, runId: 'run_1' })).toEqual([{ field: 'techniqueId', message }]);
  });
});

describe('with validation off, the client still refuses what would go elsewhere', () => {
  const off = () => {
    const { fetch, requests } = scriptedFetch(json(RUN));
    return { client: testClient(fetch, { validate: false }), requests };
  };

  it.each([['..'], ['.'], [''], ['\uDC00']])('create(%j) sends nothing and names techniqueId', async (id) => {
    const { client, requests } = off();
    const error = await client.techniques.runs.create(id, NESTED_BODY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).fields[0]!.field).toBe('techniqueId');
    expect(requests).toHaveLength(0);
  });

  it('a header value with a line break, and a body that cannot be JSON, are InputValidationErrors, not sent', async () => {
    const { client, requests } = off();
    const crlf = await client.techniques.runs.retrieve('run_1', { techniqueId: 't' }, { headers: { 'x-note': 'a\r\nb' } }).catch((e: unknown) => e);
    expect(crlf).toBeInstanceOf(InputValidationError);
    expect((crlf as InputValidationError).fields).toEqual([{ field: 'headers.x-note', message: 'must be text without line breaks or control characters' }]);
    const circular: Record<string, unknown> = { mode: 'async' };
    circular.inputs = [circular];
    const big = await client.techniques.runs.create('t', circular as never).catch((e: unknown) => e);
    expect(big).toBeInstanceOf(InputValidationError);
    expect((big as InputValidationError).fields[0]!.field).toBe('(body)');
    const bigint = await client.techniques.runs.create('t', { ...NESTED_BODY, extra: 1n } as never).catch((e: unknown) => e);
    expect(bigint).toBeInstanceOf(InputValidationError);
    expect(requests).toHaveLength(0);
  });
});
