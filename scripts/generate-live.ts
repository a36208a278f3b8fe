/**
 * The live layer: spec/openapi.yaml with spec/live.overlay.yaml applied (an OpenAPI Overlay 1.0 document of
 * FLORA's SDK's documented variants), by a maintained tool, `redocly bundle --overlay`. The generator makes
 * the "live" schema set from it (`liveSchemaProblems` in generated/validators.ts, generated/live-schemas.json, the answer types).
 *
 * Redocly ignores an action whose target names nothing, so a variant would silently vanish when the spec
 * moves under it; here every target must be a plain dotted path under `$.components.schemas` that names a
 * node of the spec, and the overlay may change nothing but `components.schemas`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import type { OpenAPISpec, SchemaObject } from '../spec/spec.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const OVERLAY_PATH = join(root, 'spec', 'live.overlay.yaml');

/** One documented variant: where in the spec (a JSON pointer) and what FLORA's SDK says there. */
export interface Variant {
  schemaPath: string;
  description: string;
}

export interface LiveLayer {
  /** The spec with the overlay applied. */
  spec: OpenAPISpec;
  /** Each variant once, in the overlay's order. */
  variants: Variant[];
}

interface OverlayAction {
  target?: unknown;
  description?: unknown;
  update?: unknown;
  remove?: unknown;
}

const TARGET = /^\$\.components\.schemas(\.[A-Za-z_][\w-]*)+$/;

/** `$.components.schemas.A.properties.b` -> `#/components/schemas/A/properties/b`. */
const pointerOf = (target: string) => `#/${target.slice(2).split('.').join('/')}`;

/** Checks the overlay's actions against the spec and lists its variants; throws naming the action. */
function variantsOf(spec: OpenAPISpec, overlayPath: string): Variant[] {
  const overlay = parse(readFileSync(overlayPath, 'utf8')) as { overlay?: unknown; actions?: OverlayAction[] };
  if (typeof overlay?.overlay !== 'string' || !Array.isArray(overlay.actions)) throw new Error(`${overlayPath}: not an OpenAPI Overlay document (overlay, actions)`);
  const variants = new Map<string, Variant>();
  overlay.actions.forEach((action, i) => {
    const at = `${overlayPath}: actions[${i}]`;
    if (typeof action.target !== 'string' || !TARGET.test(action.target)) {
      throw new Error(`${at}: target ${JSON.stringify(action.target)} must be a dotted path under $.components.schemas`);
    }
    if (typeof action.description !== 'string' || !action.description.trim()) throw new Error(`${at}: every variant needs a description (what FLORA's SDK says)`);
    if ((action.remove === true) === (action.update !== undefined)) throw new Error(`${at}: give either update or remove: true`);
    const keys = action.target.slice(2).split('.');
    const node = keys.reduce<any>((n, k) => (n && typeof n === 'object' ? n[k] : undefined), spec);
    if (node === undefined) throw new Error(`${at}: target ${action.target} names nothing in the spec (did the spec move under this variant?)`);
    // A removed `type` and the update that gives it again are one variant, at the property.
    const schemaPath = pointerOf(action.remove === true && keys.at(-1) === 'type' ? action.target.slice(0, -'.type'.length) : action.target);
    if (!variants.has(schemaPath)) variants.set(schemaPath, { schemaPath, description: action.description.trim() });
  });
  return [...variants.values()];
}

/** Runs `redocly bundle --overlay`; the bundled document, parsed. */
function bundle(specPath: string, overlayPath: string): OpenAPISpec {
  const dir = mkdtempSync(join(tmpdir(), 'flora-live-'));
  try {
    const out = join(dir, 'live.json');
    const r = spawnSync(join(root, 'node_modules', '.bin', 'redocly'), ['bundle', specPath, '--overlay', overlayPath, '--lint-config', 'off', '-o', out], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    if (r.status !== 0) throw new Error(`redocly bundle --overlay ${overlayPath} failed:\n${(r.stderr || String(r.error)).replace(/\n*[ \t]*╔[^]*?╝\n*/, '\n')}`);
    return JSON.parse(readFileSync(out, 'utf8')) as OpenAPISpec;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The live layer of `spec` (read from `specPath`), with the overlay at `overlayPath`. */
export function liveLayer(spec: OpenAPISpec, specPath: string, overlayPath = OVERLAY_PATH): LiveLayer {
  const variants = variantsOf(spec, overlayPath);
  const bundled = bundle(specPath, overlayPath);
  const { components: { schemas, ...otherComponents }, ...rest } = bundled;
  const { components: { schemas: _, ...ourComponents }, ...ourRest } = spec;
  if (!isDeepStrictEqual(rest, ourRest) || !isDeepStrictEqual(otherComponents, ourComponents)) {
    throw new Error(`${overlayPath}: the live layer may change components.schemas only`);
  }
  return { spec: { ...spec, components: { ...spec.components, schemas: schemas as Record<string, SchemaObject> } }, variants };
}

/** A schema without what says nothing about validity (descriptions, examples), for the shipped JSON. */
export function withoutAnnotations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutAnnotations);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => !['description', 'example', 'examples', 'title'].includes(k) && !k.startsWith('x-'))
      .map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, withoutAnnotations(s)])) : withoutAnnotations(v)]),
  );
}

const REF = '#/components/schemas/';
type Schema = Record<string, unknown>;

/** The component schemas `node` refers to. */
function refsOf(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) out.add(v.slice(REF.length));
      else refsOf(v, out);
    }
  }
  return out;
}

/**
 * The live layer's schemas for one module of checks beside the spec's: each live schema that differs from
 * the spec's, itself or through a schema it refers to, as `Live<Name>` (its references to such schemas
 * renamed too), and which component checks each of `names` in the live set. The rest is shared.
 */
export function liveComponents(seeds: Record<string, Schema>, live: Record<string, Schema>, names: readonly string[]): { schemas: Record<string, Schema>; component: Record<string, string> } {
  const memo = new Map<string, boolean>();
  const differs = (name: string): boolean => {
    if (memo.has(name)) return memo.get(name)!;
    memo.set(name, false); // a cycle back to `name` decides nothing
    const own = !isDeepStrictEqual(withoutAnnotations(seeds[name]), withoutAnnotations(live[name]));
    const result = own || [...refsOf(live[name])].some(differs);
    memo.set(name, result);
    return result;
  };
  const liveName = (name: string) => {
    const renamed = `Live${name}`;
    if (renamed in seeds) throw new Error(`components.schemas.${renamed}: the name is taken; the live layer's copy of ${name} needs it`);
    return renamed;
  };
  const rename = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(rename)
      : node && typeof node === 'object'
        ? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith(REF) && differs(v.slice(REF.length)) ? `${REF}${liveName(v.slice(REF.length))}` : rename(v)]))
        : node;
  const schemas: Record<string, Schema> = {};
  const component: Record<string, string> = {};
  const visit = (name: string) => {
    if (!differs(name) || liveName(name) in schemas) return;
    schemas[liveName(name)] = rename(live[name]) as Schema;
    refsOf(live[name]).forEach(visit);
  };
  for (const name of names) {
    visit(name);
    component[name] = differs(name) ? liveName(name) : name;
  }
  return { schemas, component };
}
