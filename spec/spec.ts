/**
 * Reading spec/openapi.yaml, for the generator and the tests: the parsed document, and an ajv (JSON
 * Schema 2020-12, with formats) that knows its schemas under one id, `${SPEC_ID}#/$defs/Name`, so every
 * test (the spec's own examples, answers of Prism and the simulator, the client's checker) judges the
 * same way. Nothing shipped imports this.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';

export const SPEC_PATH = fileURLToPath(new URL('./openapi.yaml', import.meta.url));
export const SPEC_ID = 'https://app.flora.ai/api/v1/openapi.json';

export interface SchemaObject {
  enum?: unknown[];
  [key: string]: unknown;
}

export interface OpenAPISpec {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  webhooks?: Record<string, Record<string, any>>;
  components: {
    schemas: Record<string, SchemaObject>;
    responses: Record<string, any>;
    parameters: Record<string, any>;
    headers: Record<string, any>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export function loadSpec(path: string = SPEC_PATH): OpenAPISpec {
  return parse(readFileSync(path, 'utf8')) as OpenAPISpec;
}

/** The id of one of the spec's component schemas, for `ajv.getSchema`. */
export const schemaRef = (name: string): string => `${SPEC_ID}#/$defs/${name}`;

/** Rewrites `#/components/schemas/X` references to `#/$defs/X`, the place JSON Schema keeps them. */
function toDefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : toDefs(v),
    ]),
  );
}

export const LIVE_SCHEMAS_PATH = fileURLToPath(new URL('../generated/live-schemas.json', import.meta.url));

/**
 * The live layer as generated from spec/live.overlay.yaml (`npm run generate`, scripts/generate-live.ts):
 * the spec's component schemas with FLORA's SDK's documented variants applied, and the variants. What the
 * live simulator profile (and, as far as the SDK knows, the real API) may send.
 */
export function loadLiveLayer(path: string = LIVE_SCHEMAS_PATH): { schemas: Record<string, SchemaObject>; variants: { schemaPath: string; description: string }[] } {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * An ajv (strict, all errors) holding the spec's component schemas as one JSON Schema document (with
 * `live`, the live layer's, `loadLiveLayer`). Only `components.schemas` is given to ajv: the rest of an
 * OpenAPI document is not JSON Schema.
 */
export function createSpecAjv(spec: OpenAPISpec = loadSpec(), options: Options = {}, { live = false } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, ...options });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports, whose .default is the plugin.
  ajvFormats.default(ajv);
  ajv.addSchema({ $id: SPEC_ID, $defs: toDefs(live ? loadLiveLayer().schemas : spec.components.schemas) as Record<string, object> });
  return ajv;
}

/** The keys of a JSON pointer (`/inputs/0/type` -> `inputs`, `0`, `type`), unescaped. */
export function pointerKeys(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}
