/**
 * One answer judged against the spec and its live layer: it *conforms* (to the spec, what FLORA's reference
 * pages say), differs only where FLORA's SDK documents a *variant* (the live layer, spec/live.overlay.yaml),
 * or *drifts* (neither allows it). Each difference is a finding that names the operation, the JSON path,
 * the spec's schema path, what was expected and what came. Both judgements are the generated checks
 * (generated/validators.ts): nothing here reads the spec at run time.
 */
import { OPERATIONS, type OperationId, type OperationSpec } from '../../generated/operations.js';
import { liveSchemaProblems, schemaProblems, type SchemaProblem } from '../../generated/validators.js';
import { fieldKeys, jsonPath, schemaPathOf, variantAt } from './schema-path.js';

export type Verdict = 'conforms' | 'documented variant' | 'drift';

/** One difference between an answer and the spec. */
export interface Finding {
  verdict: Exclude<Verdict, 'conforms'>;
  /** `POST /runs/technique`. */
  operation: string;
  status: number;
  /** Where in the answer: `$.action.action_id`, `$` for the whole body or the status. */
  path: string;
  /** Where in the spec: `#/components/schemas/ActionId/enum`. */
  schemaPath: string;
  expected: string;
  /** What came, as JSON, excerpted (and redacted: answers are redacted when recorded). */
  received: string;
  /** For a variant, what FLORA's SDK says; for drift, how the client reads it. */
  note?: string | undefined;
}

/** An answer as recorded (and saved by `--save`): its body is already redacted. */
export interface RecordedAnswer {
  /** What the check was doing, e.g. `list techniques` or `repeat the start with the same key`. */
  step: string;
  /** The spec's operation this request addressed; absent when it matched none. */
  operationId?: OperationId | undefined;
  method: string;
  /** The path after the base URL, with its query. */
  path: string;
  status: number;
  contentType?: string | undefined;
  requestId?: string | undefined;
  /** The body as text (redacted); absent when it was too large to keep. */
  text?: string | undefined;
  /** The status the check required, and why (a repeated key must answer 409). */
  expect?: { status: number; why: string } | undefined;
}

export interface JudgedAnswer extends RecordedAnswer {
  operation: string;
  verdict: Verdict;
  findings: Finding[];
}

const MAX_EXCERPT = 160;

/** A value as short JSON for a report. */
export function excerpt(value: unknown): string {
  const text = value === undefined ? '(missing)' : typeof value === 'string' && value.length === 0 ? '""' : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT)}…` : text;
}

/** The value at a field path (`outputs[0].type`). */
function valueAt(data: unknown, field: string): unknown {
  return fieldKeys(field).reduce<any>((v, k) => (v == null ? undefined : v[k]), data);
}

/** What a generated check's message expected, in a report's words. */
function expectation(message: string): string {
  if (message === 'Required') return 'a value (required)';
  if (message === 'Unknown field') return 'no such field (the schema is closed)';
  const oneOf = /^must be one of: (.*)$/.exec(message);
  if (oneOf) {
    const values = oneOf[1]!.split(', ');
    return values.length > 8 ? `one of ${values.length} values (${values.slice(0, 8).join(', ')}, …)` : `one of: ${values.join(', ')}`;
  }
  return message.replace(/^must be (?=[a-z,]+$)/, '');
}

const pointer = (path: string) => path.replace(/~/g, '~0').replace(/\//g, '~1');
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/** Judges one recorded answer. */
export function judge(answer: RecordedAnswer): JudgedAnswer {
  const op: OperationSpec | undefined = answer.operationId ? OPERATIONS[answer.operationId] : undefined;
  const operation = op ? `${op.method} ${op.path}` : `${answer.method} ${answer.path.split('?')[0]}`;
  const findings: Finding[] = [];
  const drift = (path: string, schemaPath: string, expected: string, received: string, note?: string) =>
    findings.push({ verdict: 'drift', operation, status: answer.status, path, schemaPath, expected, received, ...(note ? { note } : {}) });
  const done = (): JudgedAnswer => ({
    ...answer,
    operation,
    verdict: findings.some((f) => f.verdict === 'drift') ? 'drift' : findings.length ? 'documented variant' : 'conforms',
    findings,
  });

  if (!op) {
    drift('$', '#/paths', 'an operation of the spec', operation);
    return done();
  }
  const at = `#/paths/${pointer(op.path)}/${op.method.toLowerCase()}/responses`;
  if (answer.expect && answer.status !== answer.expect.status) drift('$', `${at}/${answer.expect.status}`, `status ${answer.expect.status} (${answer.expect.why})`, `status ${answer.status}`);
  const schema = op.responses[answer.status];
  if (!schema) {
    drift('$', at, `a documented status (${Object.keys(op.responses).join(', ')})`, `status ${answer.status}`);
    return done();
  }
  if (answer.text === undefined) {
    drift('$', `${at}/${answer.status}/content`, 'an answer the checks can hold (8 MiB at most)', '(too large)');
    return done();
  }
  if (!answer.contentType || !JSON_TYPE.test(answer.contentType)) drift('$', `${at}/${answer.status}/content`, 'content-type application/json', excerpt(answer.contentType ?? '(none)'));
  let data: unknown;
  try {
    data = JSON.parse(answer.text);
  } catch {
    drift('$', `${at}/${answer.status}/content`, 'a JSON body', answer.text ? excerpt(answer.text) : '(empty body)');
    return done();
  }
  const seeds = new Map(schemaProblems(schema, data).map((p) => [p.field, p]));
  const live = new Map(liveSchemaProblems(schema, data).map((p) => [p.field, p]));
  const received = (p: SchemaProblem) => (p.message === 'Required' ? '(missing)' : excerpt(valueAt(data, p.field)));
  for (const field of new Set([...seeds.keys(), ...live.keys()])) {
    const drifted = live.get(field);
    if (drifted) {
      const note = drifted.tolerable ? 'the client reads it as data (with a warning)' : 'the client refuses it (ResponseValidationError)';
      drift(jsonPath(field), schemaPathOf(schema, field, drifted.message), expectation(drifted.message), received(drifted), note);
      continue;
    }
    const differs = seeds.get(field)!;
    const schemaPath = schemaPathOf(schema, field, differs.message);
    findings.push({
      verdict: 'documented variant',
      operation,
      status: answer.status,
      path: jsonPath(field),
      schemaPath,
      expected: expectation(differs.message),
      received: received(differs),
      note: variantAt(schemaPath)?.description ?? 'allowed by the live layer (spec/live.overlay.yaml)',
    });
  }
  return done();
}
