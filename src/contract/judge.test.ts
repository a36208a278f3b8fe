/**
 * Judging one answer, without a server: each kind of difference is named by its JSON path and the spec's
 * schema path (read from the generated checks' own messages, for every keyword they check), a variant the
 * live layer documents is told apart from drift, and a wrong status, a body that is not JSON or not
 * declared JSON, an undocumented status and a route the spec lacks are drift.
 */
import { describe, expect, it } from 'vitest';
import { schemaProblems, type SchemaName } from '../../generated/validators.js';
import { judge, type RecordedAnswer } from './judge.js';
import { fieldKeys, jsonPath, schemaPathOf } from './schema-path.js';

const RUN = { run_id: 'run_1', status: 'running', progress: 40, created_at: 1767225600 };
const STARTED = { run_id: 'run_1', type: 'technique', charged_cost: 0.04, estimated_seconds: 45 };
const answer = (operationId: RecordedAnswer['operationId'], body: unknown, more: Partial<RecordedAnswer> = {}): RecordedAnswer => ({
  step: 'test',
  operationId,
  method: 'GET',
  path: '/x',
  status: 200,
  contentType: 'application/json; charset=utf-8',
  text: typeof body === 'string' ? body : JSON.stringify(body),
  ...more,
});
const summary = (a: RecordedAnswer) => judge(a).findings.map((f) => [f.verdict, f.path, f.schemaPath, f.expected, f.received]);

describe('schema paths, from the generated checks’ own messages', () => {
  it.each<[string, SchemaName, unknown, string]>([
    ['type', 'TechniqueRun', { ...RUN, progress: '40' }, 'progress'],
    ['enum', 'TechniqueRun', { ...RUN, status: 'queued' }, 'status'],
    ['required', 'TechniqueRun', { ...RUN, run_id: undefined }, 'run_id'],
    ['additionalProperties', 'TechniqueRunCreateRequest', { inputs: [], mode: 'async', extra: 1 }, 'extra'],
    ['pattern', 'StartTechniqueRunRequest', { inputs: {}, technique_id: 'abc', workspace_id: 'ws_1' }, 'technique_id'],
    ['format', 'RunStartedResponse', { ...STARTED, poll_url: 'not a url' }, 'poll_url'],
    ['minimum', 'RunStartedResponse', { ...STARTED, charged_cost: -1 }, 'charged_cost'],
    ['maximum', 'ListTechniquesQuery', { limit: 101 }, 'limit'],
    ['maxLength', 'TechniqueRunCreateRequest', { inputs: [], mode: 'async', idempotency_key: 'k'.repeat(256) }, 'idempotency_key'],
    ['minLength', 'TechniqueRunCreateRequest', { inputs: [], mode: 'async', idempotency_key: '' }, 'idempotency_key'],
  ])('%s: the generated message names the keyword', (keyword, schema, data, field) => {
    const problem = schemaProblems(schema, data).find((p) => p.field === field);
    expect(problem, JSON.stringify(schemaProblems(schema, data))).toBeDefined();
    expect(schemaPathOf(schema, field, problem!.message)).toMatch(new RegExp(`/${keyword}$`));
  });

  it.each([
    ['TechniqueRun', 'progress', 'must be number', '#/components/schemas/TechniqueRun/properties/progress/type'],
    ['TechniqueRun', 'status', 'must be one of: pending', '#/components/schemas/RunStatus/enum'],
    ['TechniqueRun', 'run_id', 'Required', '#/components/schemas/TechniqueRun/required'],
    ['TechniqueRun', 'outputs[0].url', 'Required', '#/components/schemas/RunOutput/required'],
    ['TechniqueRun', 'outputs[0].type', 'must be one of: text', '#/components/schemas/OutputType/enum'],
    ['TechniqueRunCreateRequest', 'inputs[0].extra', 'Unknown field', '#/components/schemas/TechniqueInput/additionalProperties'],
    ['TechniqueRunList', 'technique_runs[2].technique.name', 'must be string', '#/components/schemas/RunTechnique/properties/name/type'],
    ['TechniqueRun', '(body)', 'must be object', '#/components/schemas/TechniqueRun/type'],
  ])('%s %s (%s): %s', (schema, field, message, pointer) => {
    expect(schemaPathOf(schema, field, message)).toBe(pointer);
  });

  it('field paths become JSONPath', () => {
    expect(fieldKeys('outputs[0].type')).toEqual(['outputs', 0, 'type']);
    expect(jsonPath('outputs[0].type')).toBe('$.outputs[0].type');
    expect(jsonPath('(body)')).toBe('$');
    expect(jsonPath('a-b.c')).toBe('$["a-b"].c');
  });
});

describe('one answer judged', () => {
  it('conforms when the spec allows it', () => {
    expect(judge(answer('getTechniqueRun', RUN))).toMatchObject({ verdict: 'conforms', findings: [], operation: 'GET /techniques/{techniqueId}/runs/{runId}' });
  });

  it("is a documented variant where the live layer allows what the spec does not, naming FLORA's SDK's words", () => {
    const judged = judge(answer('startTechniqueRun', { ...STARTED, estimated_seconds: null, action: { action_id: 'crop-image-browser' } }, { method: 'POST' }));
    expect(judged.verdict).toBe('documented variant');
    expect(judged.findings.map((f) => [f.path, f.schemaPath, f.received])).toEqual([
      ['$.estimated_seconds', '#/components/schemas/RunStartedResponse/properties/estimated_seconds/type', 'null'],
      ['$.action.action_id', '#/components/schemas/ActionId/enum', '"crop-image-browser"'],
    ]);
    expect(judged.findings[0]!.note).toMatch(/^FLORA's SDK 0\.11\.0 types estimated_seconds `number \| null`/);
    expect(judged.findings[1]!.note).toMatch(/^FLORA's SDK 0\.11\.0 lists 21 action ids/);
  });

  it('drifts where neither allows it, saying how the client reads it, beside a variant in the same answer', () => {
    expect(summary(answer('startTechniqueRun', { ...STARTED, estimated_seconds: null, action: { action_id: 'explode-video' }, type: undefined }, { method: 'POST' }))).toEqual([
      ['drift', '$.type', '#/components/schemas/RunStartedResponse/required', 'a value (required)', '(missing)'],
      ['documented variant', '$.estimated_seconds', '#/components/schemas/RunStartedResponse/properties/estimated_seconds/type', 'number', 'null'],
      ['drift', '$.action.action_id', '#/components/schemas/ActionId/enum', 'one of 58 values (split-text, find-and-replace-text, concat-text, ken-burns-video, color-grade-image, change-image-ar, rotate-image, flip-image, …)', '"explode-video"'],
    ]);
    const notes = judge(answer('startTechniqueRun', { ...STARTED, action: { action_id: 'explode-video' }, type: undefined })).findings.map((f) => f.note);
    expect(notes).toEqual(['the client refuses it (ResponseValidationError)', 'the client reads it as data (with a warning)']);
  });

  it('drifts on a status other than the one the check required, then judges the body by the status it got', () => {
    expect(summary(answer('getRun', RUN, { expect: { status: 404, why: 'no such run' } }))).toEqual([['drift', '$', '#/paths/~1runs~1{runId}/get/responses/404', 'status 404 (no such run)', 'status 200']]);
  });

  it('drifts on an undocumented status, a body that is not JSON, one not declared JSON, one too large, and a route the spec lacks', () => {
    expect(summary(answer('listWorkspaces', { error: { code: 'gone', message: 'x' } }, { status: 410 }))).toEqual([['drift', '$', '#/paths/~1workspaces/get/responses', 'a documented status (200, 401, 403, 429, 500)', 'status 410']]);
    expect(summary(answer('listWorkspaces', '<html>502</html>', { contentType: 'text/html' }))).toEqual([
      ['drift', '$', '#/paths/~1workspaces/get/responses/200/content', 'content-type application/json', '"text/html"'],
      ['drift', '$', '#/paths/~1workspaces/get/responses/200/content', 'a JSON body', '"<html>502</html>"'],
    ]);
    expect(summary(answer('listWorkspaces', undefined, { text: undefined }))[0]![4]).toBe('(too large)');
    expect(judge(answer(undefined, {}, { method: 'DELETE', path: '/runs/run_1?x=1' }))).toMatchObject({ verdict: 'drift', operation: 'DELETE /runs/run_1', findings: [{ expected: 'an operation of the spec' }] });
  });

  it('judges an error answer by the error envelope', () => {
    expect(judge(answer('getRun', { error: { code: 'not_found', message: 'Not found.' } }, { status: 404 })).verdict).toBe('conforms');
    expect(summary(answer('getRun', { error: { code: 'missing', message: 'Not found.' } }, { status: 404 }))).toEqual([
      ['drift', '$.error.code', '#/components/schemas/ErrorCode/enum', 'one of: input_validation_error, unauthorized, insufficient_credits, forbidden, not_found, idempotency_duplicate, rate_limited, unknown_error', '"missing"'],
    ]);
  });

  it('excerpts what came', () => {
    const [finding] = judge(answer('getTechniqueRun', { ...RUN, status: 'x'.repeat(500) })).findings;
    expect(finding!.received.length).toBeLessThanOrEqual(161);
    expect(finding!.received.endsWith('…')).toBe(true);
  });
});
