/**
 * Writes `generated/operations.ts`: what each operation of the spec is (method, path, its parameters,
 * request and answer schemas, where it takes an idempotency key), typed against the generated `paths`
 * and `operations`. The client, the simulator's router, the contract suite and the simulator's spec
 * checks read this table; none keeps its own list.
 */
import type { OpenAPISpec } from '../spec/spec.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const REF = '#/components/';

export interface OperationEntry {
  operationId: string;
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** The query parameters as one object schema, checked like a body (`<OperationId>Query`). */
  querySchema: { name: string; schema: Record<string, unknown> } | undefined;
  idempotencyKey: { header?: string; body?: string } | undefined;
  requestBody: string | undefined;
  /** The multipart/form-data body's schema, when the operation also takes one (a file upload). */
  multipartBody: string | undefined;
  success: { status: number; schema: string };
  responses: Record<string, string>;
}

/** Follows `#/components/...` references inside the spec. */
function deref(spec: OpenAPISpec, node: any): any {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 20; i++) {
    if (!n.$ref.startsWith(REF)) throw new Error(`only local component references are supported, got ${n.$ref}`);
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((o: any, k: string) => o?.[k], spec);
  }
  return n;
}

/** The component schema a JSON (or, with `media`, another) body names by `$ref`. */
function schemaName(spec: OpenAPISpec, content: any, at: string, media = 'application/json'): string {
  const ref = content?.[media]?.schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith(`${REF}schemas/`)) throw new Error(`${at}: the ${media} body must be a $ref to a component schema`);
  const name = ref.slice(`${REF}schemas/`.length);
  if (!spec.components.schemas[name]) throw new Error(`${at}: ${ref} is not defined`);
  return name;
}

/** Every operation under `paths`, in the spec's order. */
export function operationEntries(spec: OpenAPISpec): OperationEntry[] {
  const out: OperationEntry[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const label = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId !== 'string') throw new Error(`${label}: no operationId`);
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: unknown) => deref(spec, p));
      const named = (where: string) => params.filter((p) => p.in === where).map((p) => p.name as string);
      const pathParams = named('path');
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      if (JSON.stringify([...pathParams].sort()) !== JSON.stringify([...inTemplate].sort())) {
        throw new Error(`${label}: path parameters [${pathParams.join(', ')}] do not match the template`);
      }
      const bodyContent = op.requestBody ? deref(spec, op.requestBody).content : undefined;
      const otherMedia = Object.keys(bodyContent ?? {}).filter((m) => m !== 'application/json' && m !== 'multipart/form-data');
      if (otherMedia.length > 0) throw new Error(`${label} request body: only application/json and multipart/form-data are supported, got ${otherMedia.join(', ')}`);
      const requestBody = op.requestBody ? schemaName(spec, bodyContent, `${label} request body`) : undefined;
      const multipartBody = bodyContent?.['multipart/form-data'] ? schemaName(spec, bodyContent, `${label} request body`, 'multipart/form-data') : undefined;
      const responses: Record<string, string> = {};
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!/^\d{3}$/.test(status)) throw new Error(`${label}: response ${status}: only explicit statuses are supported`);
        responses[status] = schemaName(spec, deref(spec, response).content, `${label} ${status}`);
      }
      const successes = Object.keys(responses).filter((s) => s.startsWith('2'));
      if (successes.length !== 1) throw new Error(`${label}: expected exactly one 2xx answer, got ${successes.length}`);
      const header = named('header').find((n) => n.toLowerCase() === 'idempotency-key');
      const query = params.filter((p) => p.in === 'query');
      const querySchema = query.length
        ? {
            name: `${op.operationId[0].toUpperCase()}${op.operationId.slice(1)}Query`,
            schema: {
              type: 'object',
              additionalProperties: false,
              ...(query.some((p) => p.required) ? { required: query.filter((p) => p.required).map((p) => p.name) } : {}),
              properties: Object.fromEntries(query.map((p) => [p.name, p.schema ?? {}])),
            },
          }
        : undefined;
      const body = requestBody && 'idempotency_key' in ((spec.components.schemas[requestBody]?.properties as object) ?? {}) ? 'idempotency_key' : undefined;
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        pathParams: inTemplate,
        queryParams: named('query'),
        querySchema,
        idempotencyKey: header || body ? { ...(header ? { header } : {}), ...(body ? { body } : {}) } : undefined,
        requestBody,
        multipartBody,
        success: { status: Number(successes[0]), schema: responses[successes[0]!]! },
        responses,
      });
    }
  }
  return out;
}

/** The schemas of what the client hands back as data: success answers and webhook events. */
export function answerSchemas(spec: OpenAPISpec, ops: readonly OperationEntry[]): string[] {
  const webhooks = Object.entries(spec.webhooks ?? {}).flatMap(([name, item]) =>
    METHODS.filter((m) => item[m]?.requestBody).map((m) => schemaName(spec, deref(spec, item[m].requestBody).content, `webhook ${name}`)),
  );
  return [...new Set([...ops.map((op) => op.success.schema), ...webhooks])];
}

/** The schemas of every answer the client reads (success and error bodies) and of webhook events: what the live layer checks. */
export function responseSchemas(spec: OpenAPISpec, ops: readonly OperationEntry[]): string[] {
  return [...new Set([...ops.flatMap((op) => Object.values(op.responses)), ...answerSchemas(spec, ops)])];
}

/** The schemas something is checked against: request, answer and webhook bodies. */
export function checkedSchemas(spec: OpenAPISpec, ops: readonly OperationEntry[]): string[] {
  const names = new Set<string>();
  for (const op of ops) {
    if (op.querySchema) names.add(op.querySchema.name);
    if (op.requestBody) names.add(op.requestBody);
    if (op.multipartBody) names.add(op.multipartBody);
    for (const s of Object.values(op.responses)) names.add(s);
  }
  for (const [name, item] of Object.entries(spec.webhooks ?? {})) {
    for (const method of METHODS) if (item[method]?.requestBody) names.add(schemaName(spec, deref(spec, item[method].requestBody).content, `webhook ${name}`));
  }
  return [...names];
}

export function operationsFile(header: string, ops: readonly OperationEntry[]): string {
  const q = JSON.stringify;
  const rows = ops.map((op) => {
    const fields = [
      `method: ${q(op.method)}`,
      `path: ${q(op.path)}`,
      `pathParams: ${q(op.pathParams)}`,
      `pathPattern: /^${op.path.replace(/[.*+?^$()|[\]\\/]/g, '\\$&').replace(/\{\w+\}/g, '([^/]+)')}$/`,
      `queryParams: ${q(op.queryParams)}`,
      `idempotencyKey: ${op.idempotencyKey ? `{ ${Object.entries(op.idempotencyKey).map(([k, v]) => `${k}: ${q(v)}`).join(', ')} }` : 'undefined'}`,
      `query: ${op.querySchema ? q(op.querySchema.name) : 'undefined'}`,
      `requestBody: ${op.requestBody ? q(op.requestBody) : 'undefined'}`,
      `multipartBody: ${op.multipartBody ? q(op.multipartBody) : 'undefined'}`,
      `success: { status: ${op.success.status}, schema: ${q(op.success.schema)} }`,
      `responses: { ${Object.entries(op.responses).map(([s, n]) => `${s}: ${q(n)}`).join(', ')} }`,
    ];
    return `  ${op.operationId}: {\n    ${fields.join(',\n    ')},\n  },`;
  });
  return [
    header,
    "import type { components as answers } from './answers.js';",
    "import type { operations, paths } from './openapi.js';",
    "import type { LiveSchemaName, SchemaName } from './validators.js';",
    '',
    '/** What one operation is, as the spec says. */',
    'export interface OperationSpec {',
    "  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';",
    '  readonly path: keyof paths;',
    '  /** Names in the path template, in order. */',
    '  readonly pathParams: readonly string[];',
    '  /** Matches a path (after the base URL) of this operation; each group is one parameter, still encoded. */',
    '  readonly pathPattern: RegExp;',
    '  readonly queryParams: readonly string[];',
    "  /** The schema the query parameters are checked against, as one object. */",
    '  readonly query: SchemaName | undefined;',
    '  /** Where the operation takes an idempotency key: a header, a body field, or both. */',
    '  readonly idempotencyKey: { readonly header?: string; readonly body?: string } | undefined;',
    '  /** The JSON request body\'s schema. */',
    '  readonly requestBody: SchemaName | undefined;',
    "  /** The multipart/form-data body's schema, when the operation also takes one (its file parts are checked as strings). */",
    '  readonly multipartBody: SchemaName | undefined;',
    '  /** The one 2xx answer (its schema is checked by both schema sets: the spec\'s and the live layer\'s). */',
    '  readonly success: { readonly status: number; readonly schema: SchemaName & LiveSchemaName };',
    '  /** Every documented status and its body\'s schema. */',
    '  readonly responses: Readonly<Record<number, SchemaName & LiveSchemaName>>;',
    '}',
    '',
    '/** The operationId of every operation under the spec\'s `paths`. */',
    `export type OperationId = ${ops.map((op) => q(op.operationId)).join(' | ')};`,
    '',
    '/** Every operation under the spec\'s `paths`, by operationId. */',
    'export const OPERATIONS = {',
    ...rows,
    "} as const satisfies { [K in OperationId]: OperationSpec };",
    '',
    '/** The generated types of one operation. */',
    'type Op<K extends OperationId> = operations[K];',
    '/** Its path parameters, e.g. `{ techniqueId: string; runId: string }`. */',
    "export type PathParams<K extends OperationId> = Op<K>['parameters'] extends { path: infer P } ? P : never;",
    '/** Its query parameters. */',
    "export type QueryParams<K extends OperationId> = Op<K>['parameters'] extends { query?: infer Q } ? NonNullable<Q> : never;",
    '/** Its JSON request body. */',
    "export type RequestBody<K extends OperationId> = Op<K> extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;",
    '/** Its multipart/form-data request body, with the generated types (a file part is typed as a string there). */',
    "export type MultipartBody<K extends OperationId> = Op<K> extends { requestBody: { content: { 'multipart/form-data': infer B } } } ? B : never;",
    "/** Its success answer's body as the client hands it back (`answers.ts`: open enums, nulls). */",
    "export type AnswerBody<K extends OperationId> = answers['schemas'][(typeof OPERATIONS)[K]['success']['schema']];",
    '/** Its success answer\'s JSON body. */',
    "export type SuccessBody<K extends OperationId> = Op<K>['responses'][(typeof OPERATIONS)[K]['success']['status']] extends { content: { 'application/json': infer B } } ? B : never;",
    '',
    "/** Compile-time proof that each entry's method and path name that operation in the generated `paths`. */",
    'export type OperationsMatchPaths = AllTrue<{',
    "  [K in OperationId]: paths[(typeof OPERATIONS)[K]['path']][Lowercase<(typeof OPERATIONS)[K]['method']>] extends Op<K> ? true : false;",
    '}>;',
    'type AllTrue<T extends Record<OperationId, true>> = T;',
    '/** Compile-time proof that the table names only operations the generated `operations` has. */',
    'export type OperationIdsKnown = AllTrue<{ [K in OperationId]: K extends keyof operations ? true : false }>;',
    '',
  ].join('\n');
}
