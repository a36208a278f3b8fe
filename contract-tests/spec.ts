/**
 * What spec/openapi.yaml says about each operation's responses, read from its `paths` at run time (never
 * from a table here): the documented statuses, the schema of each status's body (following `$ref`s into
 * `components.responses`), its named examples, and an ajv check whose messages name the operation,
 * status and field, e.g. `POST /runs/technique 200: /action/action_id must be equal to one of the allowed values`.
 * Break the spec and these break with it.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createSpecAjv, loadSpec, pointerKeys, schemaRef, SPEC_ID } from '../spec/spec.js';

export const spec = loadSpec();
export const ajv = createSpecAjv(spec);
/** The spec as FLORA's SDK describes the live API (the live layer, spec/live.overlay.yaml): what a live target may answer. */
export const liveAjv = createSpecAjv(spec, {}, { live: true });
const strictAjv = ajv;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const JSON_MEDIA = 'application/json';

export interface SpecOperation {
  operationId: string;
  method: string;
  /** The spec's path template, e.g. `/techniques/{techniqueId}/runs`. */
  path: string;
  /** `POST /runs/technique`: how the client's errors name an operation too. */
  label: string;
  /** The operation object, `$ref`s not yet followed. */
  raw: Record<string, any>;
}

/** Follows a local `$ref` (`#/components/...`), repeatedly, to the object it names. */
export function deref<T = any>(node: any, seen: string[] = []): T {
  if (!node || typeof node !== 'object' || typeof node.$ref !== 'string') return node as T;
  const ref: string = node.$ref;
  if (!ref.startsWith('#/')) throw new Error(`spec: only local $refs are supported, got ${ref}`);
  if (seen.includes(ref)) throw new Error(`spec: $ref cycle ${[...seen, ref].join(' -> ')}`);
  const target = ref
    .slice(2)
    .split('/')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((n, k) => (n == null ? undefined : n[k]), spec);
  if (target === undefined) throw new Error(`spec: $ref ${ref} points nowhere`);
  return deref<T>(target, [...seen, ref]);
}

/** Every operation under `paths`, by operationId. */
export const operations: ReadonlyMap<string, SpecOperation> = new Map(
  Object.entries(spec.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => {
      const raw = item[method] as Record<string, any>;
      const operationId = raw.operationId as string;
      if (!operationId) throw new Error(`spec: ${method.toUpperCase()} ${path} has no operationId`);
      return [operationId, { operationId, method, path, label: `${method.toUpperCase()} ${path}`, raw }] as const;
    }),
  ),
);

export function specOperation(operationId: string): SpecOperation {
  const op = operations.get(operationId);
  if (!op) throw new Error(`spec: no operation ${operationId} (have: ${[...operations.keys()].join(', ')})`);
  return op;
}

/** The statuses the spec documents for an operation, ascending (`default` and ranges like `5XX` left out). */
export function documentedStatuses(operationId: string): number[] {
  return Object.keys(specOperation(operationId).raw.responses ?? {})
    .filter((s) => /^\d{3}$/.test(s))
    .map(Number)
    .sort((a, b) => a - b);
}

export const errorStatuses = (operationId: string): number[] => documentedStatuses(operationId).filter((s) => s >= 400);
export const successStatuses = (operationId: string): number[] => documentedStatuses(operationId).filter((s) => s >= 200 && s < 300);

/** The response object for a status, `$ref` to `components.responses` followed. */
export function specResponse(operationId: string, status: number): Record<string, any> {
  const op = specOperation(operationId);
  const responses = op.raw.responses ?? {};
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (!response) {
    throw new Error(`${op.label} ${status}: the spec documents no such status (documented: ${documentedStatuses(operationId).join(', ')})`);
  }
  return deref(response);
}

/** The JSON media type of a status's response. */
function jsonMedia(operationId: string, status: number): Record<string, any> {
  const response = specResponse(operationId, status);
  const media = response.content?.[JSON_MEDIA];
  if (!media) throw new Error(`${specOperation(operationId).label} ${status}: the spec gives no ${JSON_MEDIA} body`);
  return media;
}

const validators = new Map<string, ValidateFunction>();

/** Points `#/components/schemas/X` at the schema ajv already holds as `${SPEC_ID}#/$defs/X`. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/') ? `${SPEC_ID}#/$defs/${v.split('/').pop()}` : rewriteRefs(v),
    ]),
  );
}

/** The ajv validator of the body the spec documents for an operation and status (with `live`, as FLORA's SDK describes it). */
export function responseValidator(operationId: string, status: number, live = false): ValidateFunction {
  const ajv = live ? liveAjv : strictAjv;
  const key = `${operationId} ${status} ${live}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = jsonMedia(operationId, status).schema;
    if (!schema) throw new Error(`${specOperation(operationId).label} ${status}: the ${JSON_MEDIA} body has no schema`);
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/components/schemas/')) {
      validate = ajv.getSchema(schemaRef(schema.$ref.split('/').pop()!));
      if (!validate) throw new Error(`spec: ${schema.$ref} is not a component schema`);
    } else {
      validate = ajv.compile(rewriteRefs(schema) as object);
    }
    validators.set(key, validate);
  }
  return validate;
}

/** The response examples of a status: each named example (`examples`) and the unnamed `example`. */
export function responseExamples(operationId: string, status: number): { name: string; value: unknown }[] {
  const media = jsonMedia(operationId, status);
  const out: { name: string; value: unknown }[] = [];
  for (const [name, example] of Object.entries<any>(media.examples ?? {})) out.push({ name, value: deref(example).value });
  if ('example' in media) out.push({ name: '(example)', value: media.example });
  return out;
}

/** The value at a JSON pointer, for messages. */
function at(data: unknown, pointer: string): unknown {
  return pointerKeys(pointer).reduce<any>((n, k) => (n == null ? undefined : n[k]), data);
}

function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** One ajv error as `/pointer message (got value)`. */
export function describeError(e: ErrorObject, data: unknown): string {
  const where = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  let detail = '';
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) detail = ` (got ${show(at(data, e.instancePath))})`;
  else if (e.keyword === 'additionalProperties') detail = ` (${String(params.additionalProperty)})`;
  else if (e.keyword !== 'required') detail = ` (got ${show(at(data, e.instancePath))})`;
  return `${where} ${e.message ?? e.keyword}${detail}`;
}

/**
 * What is wrong with `data` as the body of `operationId`'s `status` answer, one message per problem,
 * each naming the operation, status and field. Empty when it matches the spec.
 */
export function responseProblems(operationId: string, status: number, data: unknown, live = false): string[] {
  const label = specOperation(operationId).label;
  let validate: ValidateFunction;
  try {
    validate = responseValidator(operationId, status, live);
  } catch (err) {
    return [(err as Error).message];
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${label} ${status}: ${describeError(e, data)}`);
}

/** Throws one error listing every problem of `data` as `operationId`'s `status` answer. */
export function assertMatchesSpec(operationId: string, status: number, data: unknown, context = '', live = false): void {
  const problems = responseProblems(operationId, status, data, live);
  if (problems.length > 0) {
    throw new Error(`${problems.join('\n')}${context ? `\n${context}` : ''}\nbody: ${show(data)}`);
  }
}

/** Schema check of a request body against a component schema, for the differential tests. */
export function requestSchemaProblems(schemaName: string, data: unknown): string[] {
  const validate = ajv.getSchema(schemaRef(schemaName));
  if (!validate) throw new Error(`spec: no component schema ${schemaName}`);
  return validate(data) ? [] : (validate.errors ?? []).map((e) => describeError(e, data));
}

/** The component schema an operation's JSON request body uses (by `$ref`), e.g. `StartTechniqueRunRequest`. */
export function requestSchemaName(operationId: string): string {
  const body = deref(specOperation(operationId).raw.requestBody);
  const ref: unknown = body?.content?.[JSON_MEDIA]?.schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) {
    throw new Error(`${specOperation(operationId).label}: no ${JSON_MEDIA} request body schema by $ref`);
  }
  return ref.split('/').pop()!;
}
