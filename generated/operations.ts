// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.

import type { components as answers } from './answers.js';
import type { operations, paths } from './openapi.js';
import type { LiveSchemaName, SchemaName } from './validators.js';

/** What one operation is, as the spec says. */
export interface OperationSpec {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  readonly path: keyof paths;
  /** Names in the path template, in order. */
  readonly pathParams: readonly string[];
  /** Matches a path (after the base URL) of this operation; each group is one parameter, still encoded. */
  readonly pathPattern: RegExp;
  readonly queryParams: readonly string[];
  /** The schema the query parameters are checked against, as one object. */
  readonly query: SchemaName | undefined;
  /** Where the operation takes an idempotency key: a header, a body field, or both. */
  readonly idempotencyKey: { readonly header?: string; readonly body?: string } | undefined;
  /** The JSON request body's schema. */
  readonly requestBody: SchemaName | undefined;
  /** The multipart/form-data body's schema, when the operation also takes one (its file parts are checked as strings). */
  readonly multipartBody: SchemaName | undefined;
  /** The one 2xx answer (its schema is checked by both schema sets: the spec's and the live layer's). */
  readonly success: { readonly status: number; readonly schema: SchemaName & LiveSchemaName };
  /** Every documented status and its body's schema. */
  readonly responses: Readonly<Record<number, SchemaName & LiveSchemaName>>;
}

/** The operationId of every operation under the spec's `paths`. */
export type OperationId = "createTechniqueRun" | "getTechniqueRun" | "startTechniqueRun" | "listTechniques" | "getTechnique" | "listTechniqueRuns" | "listWorkspaces" | "getRun" | "listAssets" | "createAsset" | "getAsset" | "completeAsset" | "retryAsset";

/** Every operation under the spec's `paths`, by operationId. */
export const OPERATIONS = {
  createTechniqueRun: {
    method: "POST",
    path: "/techniques/{techniqueId}/runs",
    pathParams: ["techniqueId"],
    pathPattern: /^\/techniques\/([^/]+)\/runs$/,
    queryParams: [],
    idempotencyKey: { header: "Idempotency-Key", body: "idempotency_key" },
    query: undefined,
    requestBody: "TechniqueRunCreateRequest",
    multipartBody: undefined,
    success: { status: 200, schema: "TechniqueRun" },
    responses: { 200: "TechniqueRun", 400: "ErrorEnvelope", 401: "ErrorEnvelope", 402: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 409: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  getTechniqueRun: {
    method: "GET",
    path: "/techniques/{techniqueId}/runs/{runId}",
    pathParams: ["techniqueId","runId"],
    pathPattern: /^\/techniques\/([^/]+)\/runs\/([^/]+)$/,
    queryParams: [],
    idempotencyKey: undefined,
    query: undefined,
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "TechniqueRun" },
    responses: { 200: "TechniqueRun", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  startTechniqueRun: {
    method: "POST",
    path: "/runs/technique",
    pathParams: [],
    pathPattern: /^\/runs\/technique$/,
    queryParams: [],
    idempotencyKey: { header: "Idempotency-Key" },
    query: undefined,
    requestBody: "StartTechniqueRunRequest",
    multipartBody: undefined,
    success: { status: 200, schema: "RunStartedResponse" },
    responses: { 200: "RunStartedResponse", 400: "ErrorEnvelope", 401: "ErrorEnvelope", 402: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 409: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  listTechniques: {
    method: "GET",
    path: "/techniques",
    pathParams: [],
    pathPattern: /^\/techniques$/,
    queryParams: ["cursor","limit","workspace_id","query"],
    idempotencyKey: undefined,
    query: "ListTechniquesQuery",
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "TechniqueList" },
    responses: { 200: "TechniqueList", 400: "ErrorEnvelope", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  getTechnique: {
    method: "GET",
    path: "/techniques/{techniqueId}",
    pathParams: ["techniqueId"],
    pathPattern: /^\/techniques\/([^/]+)$/,
    queryParams: [],
    idempotencyKey: undefined,
    query: undefined,
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "Technique" },
    responses: { 200: "Technique", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  listTechniqueRuns: {
    method: "GET",
    path: "/technique-runs",
    pathParams: [],
    pathPattern: /^\/technique-runs$/,
    queryParams: ["cursor","limit","workspace_id","project_id","technique_id","status"],
    idempotencyKey: undefined,
    query: "ListTechniqueRunsQuery",
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "TechniqueRunList" },
    responses: { 200: "TechniqueRunList", 400: "ErrorEnvelope", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  listWorkspaces: {
    method: "GET",
    path: "/workspaces",
    pathParams: [],
    pathPattern: /^\/workspaces$/,
    queryParams: [],
    idempotencyKey: undefined,
    query: undefined,
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "WorkspaceList" },
    responses: { 200: "WorkspaceList", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  getRun: {
    method: "GET",
    path: "/runs/{runId}",
    pathParams: ["runId"],
    pathPattern: /^\/runs\/([^/]+)$/,
    queryParams: [],
    idempotencyKey: undefined,
    query: undefined,
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "TechniqueRun" },
    responses: { 200: "TechniqueRun", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  listAssets: {
    method: "GET",
    path: "/assets",
    pathParams: [],
    pathPattern: /^\/assets$/,
    queryParams: ["cursor","limit","workspace_id","project_id","query"],
    idempotencyKey: undefined,
    query: "ListAssetsQuery",
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "AssetList" },
    responses: { 200: "AssetList", 400: "ErrorEnvelope", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  createAsset: {
    method: "POST",
    path: "/assets",
    pathParams: [],
    pathPattern: /^\/assets$/,
    queryParams: [],
    idempotencyKey: { header: "Idempotency-Key" },
    query: undefined,
    requestBody: "AssetCreateRequest",
    multipartBody: "AssetUploadForm",
    success: { status: 200, schema: "AssetCreated" },
    responses: { 200: "AssetCreated", 400: "ErrorEnvelope", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 409: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  getAsset: {
    method: "GET",
    path: "/assets/{assetId}",
    pathParams: ["assetId"],
    pathPattern: /^\/assets\/([^/]+)$/,
    queryParams: [],
    idempotencyKey: undefined,
    query: undefined,
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "Asset" },
    responses: { 200: "Asset", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  completeAsset: {
    method: "POST",
    path: "/assets/{assetId}/complete",
    pathParams: ["assetId"],
    pathPattern: /^\/assets\/([^/]+)\/complete$/,
    queryParams: [],
    idempotencyKey: { header: "Idempotency-Key" },
    query: undefined,
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "AssetUploadState" },
    responses: { 200: "AssetUploadState", 400: "ErrorEnvelope", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 409: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
  retryAsset: {
    method: "POST",
    path: "/assets/{assetId}/retry",
    pathParams: ["assetId"],
    pathPattern: /^\/assets\/([^/]+)\/retry$/,
    queryParams: [],
    idempotencyKey: { header: "Idempotency-Key" },
    query: undefined,
    requestBody: undefined,
    multipartBody: undefined,
    success: { status: 200, schema: "AssetUploadState" },
    responses: { 200: "AssetUploadState", 400: "ErrorEnvelope", 401: "ErrorEnvelope", 403: "ErrorEnvelope", 404: "ErrorEnvelope", 409: "ErrorEnvelope", 429: "ErrorEnvelope", 500: "ErrorEnvelope" },
  },
} as const satisfies { [K in OperationId]: OperationSpec };

/** The generated types of one operation. */
type Op<K extends OperationId> = operations[K];
/** Its path parameters, e.g. `{ techniqueId: string; runId: string }`. */
export type PathParams<K extends OperationId> = Op<K>['parameters'] extends { path: infer P } ? P : never;
/** Its query parameters. */
export type QueryParams<K extends OperationId> = Op<K>['parameters'] extends { query?: infer Q } ? NonNullable<Q> : never;
/** Its JSON request body. */
export type RequestBody<K extends OperationId> = Op<K> extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
/** Its multipart/form-data request body, with the generated types (a file part is typed as a string there). */
export type MultipartBody<K extends OperationId> = Op<K> extends { requestBody: { content: { 'multipart/form-data': infer B } } } ? B : never;
/** Its success answer's body as the client hands it back (`answers.ts`: open enums, nulls). */
export type AnswerBody<K extends OperationId> = answers['schemas'][(typeof OPERATIONS)[K]['success']['schema']];
/** Its success answer's JSON body. */
export type SuccessBody<K extends OperationId> = Op<K>['responses'][(typeof OPERATIONS)[K]['success']['status']] extends { content: { 'application/json': infer B } } ? B : never;

/** Compile-time proof that each entry's method and path name that operation in the generated `paths`. */
export type OperationsMatchPaths = AllTrue<{
  [K in OperationId]: paths[(typeof OPERATIONS)[K]['path']][Lowercase<(typeof OPERATIONS)[K]['method']>] extends Op<K> ? true : false;
}>;
type AllTrue<T extends Record<OperationId, true>> = T;
/** Compile-time proof that the table names only operations the generated `operations` has. */
export type OperationIdsKnown = AllTrue<{ [K in OperationId]: K extends keyof operations ? true : false }>;
