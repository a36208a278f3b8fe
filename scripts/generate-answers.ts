/**
 * Writes `generated/answers.ts`: the types of what the client hands back (answer and webhook bodies) as it
 * reads them, tolerantly, from the live layer (the spec with FLORA's SDK's variants applied, see
 * scripts/generate-live.ts). Every string enum is open (`'a' | 'b' | (string & {})`, as Stainless SDKs type
 * them, so TypeScript users must handle a value the spec does not list; the values the live layer adds
 * are spelled out too), and a property may be `null` where it is optional or where the live layer says
 * so. The spec's own types (`openapi.ts`) stay exact; requests are typed by them.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import type { OpenAPISpec } from '../spec/spec.js';

type Schema = Record<string, any>;
const REF = '#/components/schemas/';

/** The component schemas `names` refer to, transitively, `names` included. */
function reachable(all: Record<string, Schema>, names: readonly string[]): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) {
        const name = v.slice(REF.length);
        if (!out.has(name)) {
          out.add(name);
          visit(all[name]);
        }
      } else visit(v);
    }
  };
  names.forEach((n) => visit({ $ref: REF + n }));
  return out;
}

/** `schema` with every object's optional properties allowing `null`, and enums marked open. */
function loosen(schema: Schema): Schema {
  if (Array.isArray(schema.enum)) return { ...schema, 'x-open-enum': schema.enum };
  const out: Schema = { ...schema };
  if (schema.items) out.items = loosen(schema.items);
  if (schema.properties) {
    const required = new Set<string>(schema.required ?? []);
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, Schema>).map(([name, p]) => {
        const loose = loosen(p);
        // The live layer's `type: [..., 'null']` is nullable already.
        const nullable = !required.has(name) && !(Array.isArray(p.type) && p.type.includes('null'));
        return [name, nullable ? { anyOf: [loose, { type: 'null' }], ...(p.description ? { description: p.description } : {}) } : loose];
      }),
    );
  }
  return out;
}

const openEnum = (values: unknown[]): ts.TypeNode =>
  ts.factory.createUnionTypeNode([
    ...values.map((v) => ts.factory.createLiteralTypeNode(ts.factory.createStringLiteral(String(v)))),
    ts.factory.createIntersectionTypeNode([ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), ts.factory.createTypeLiteralNode([])]),
  ]);

/** The generated module for the answer schemas `names` (and what they refer to). */
export async function answersFile(header: string, spec: OpenAPISpec, names: readonly string[]): Promise<string> {
  const all = spec.components.schemas as Record<string, Schema>;
  const used = [...reachable(all, names)].sort((a, b) => Object.keys(all).indexOf(a) - Object.keys(all).indexOf(b));
  const doc = {
    openapi: spec.openapi,
    info: { title: 'answers', version: '0' },
    paths: {},
    components: { schemas: Object.fromEntries(used.map((n) => [n, loosen(all[n]!)])) },
  };
  const ast = await openapiTS(doc as never, {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    silent: true,
    transform: (schema) => ((schema as Schema)['x-open-enum'] ? openEnum((schema as Schema)['x-open-enum']) : undefined),
  });
  return [
    header,
    '// The answers the client returns, typed as it reads them: open enums, `null` where a property is optional',
    "// or FLORA's SDK says it may be null. See scripts/generate-answers.ts.",
    astToString(ast),
  ].join('\n');
}
