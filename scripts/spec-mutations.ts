/**
 * The spec mutations of `npm run test:mutations` (scripts/mutate.ts): single changes of the kinds real
 * drift produces, each applied to a parsed copy of spec/openapi.yaml and spec/live.overlay.yaml. A
 * mutation stands for "the spec (or FLORA's SDK) now says this, the server did not change": the harness
 * counts it when the simulator's answers disagree with the mutated spec, and asks whether a contract
 * test notices.
 */
type Node = Record<string, any>;

export type MutationKind = 'rename' | 'type' | 'required' | 'enum' | 'status' | 'nullable' | 'format';

export interface Mutation {
  name: string;
  kind: MutationKind;
  /** Changes the spec and/or the live layer's overlay in place. */
  apply(spec: Node, overlay: Node): void;
}

const schema = (spec: Node, name: string): Node => {
  const s = spec.components.schemas[name];
  if (!s) throw new Error(`mutation: no schema ${name}`);
  return s;
};
const prop = (spec: Node, name: string, p: string): Node => {
  const s = schema(spec, name).properties?.[p];
  if (!s) throw new Error(`mutation: no property ${name}.${p}`);
  return s;
};

/** Renames a property (and its place in `required`), as a server renaming a field would need. */
const rename = (name: string, from: string, to: string): Mutation => ({
  name: `${name}.${from} renamed to ${to}`,
  kind: 'rename',
  apply: (spec, overlay) => {
    const s = schema(spec, name);
    s.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k === from ? to : k, v]));
    if (Array.isArray(s.required)) s.required = s.required.map((r: string) => (r === from ? to : r));
    // The live layer follows the spec (its targets would name nothing otherwise).
    for (const a of overlay.actions) a.target = a.target.replace(`.${name}.properties.${from}`, `.${name}.properties.${to}`);
  },
});

const retype = (name: string, p: string, type: string): Mutation => ({
  name: `${name}.${p} retyped to ${type}`,
  kind: 'type',
  apply: (spec) => {
    const s = prop(spec, name, p);
    for (const k of ['minimum', 'maximum', 'format', 'pattern', 'minLength', 'maxLength']) delete s[k];
    s.type = type;
  },
});

const requires = (name: string, p: string): Mutation => ({
  name: `${name}.${p} now required`,
  kind: 'required',
  apply: (spec) => {
    const s = schema(spec, name);
    prop(spec, name, p);
    s.required = [...(s.required ?? []), p];
  },
});

const unrequire = (name: string, p: string): Mutation => ({
  name: `${name}.${p} no longer required`,
  kind: 'required',
  apply: (spec) => {
    const s = schema(spec, name);
    s.required = s.required.filter((r: string) => r !== p);
  },
});

const dropValue = (name: string, value: string): Mutation => ({
  name: `${name} loses ${value}`,
  kind: 'enum',
  apply: (spec) => {
    const s = schema(spec, name);
    if (!s.enum.includes(value)) throw new Error(`mutation: ${name} has no ${value}`);
    s.enum = s.enum.filter((v: string) => v !== value);
  },
});

const addValue = (name: string, value: string): Mutation => ({
  name: `${name} gains ${value}`,
  kind: 'enum',
  apply: (spec) => {
    schema(spec, name).enum.push(value);
  },
});

const errorEnum = (value: string): Mutation => ({
  name: `ErrorCode loses ${value}`,
  kind: 'enum',
  apply: (spec) => {
    const s = schema(spec, 'ErrorCode');
    s.enum = s.enum.filter((v: string) => v !== value);
    // The spec's own examples must stay valid, or the mutation is a broken spec rather than drift.
    for (const r of Object.values<Node>(spec.components.responses)) {
      const ex = r.content?.['application/json']?.example;
      if (ex?.error?.code === value) ex.error.code = s.enum[0];
    }
  },
});

/** A documented status moved (200 -> 201) or removed. */
const status = (path: string, method: string, from: string, to: string | undefined): Mutation => ({
  name: `${method.toUpperCase()} ${path} ${to ? `answers ${to} instead of ${from}` : `no longer documents ${from}`}`,
  kind: 'status',
  apply: (spec) => {
    const responses = spec.paths[path][method].responses;
    if (!responses[from]) throw new Error(`mutation: ${method} ${path} has no ${from}`);
    const value = responses[from];
    delete responses[from];
    if (to) responses[to] = value;
  },
});

/** A live-layer variant dropped: FLORA's SDK no longer documents it. */
const dropVariant = (target: string, what: string): Mutation => ({
  name: `live layer: ${what} no longer documented`,
  kind: 'nullable',
  apply: (_spec, overlay) => {
    const before = overlay.actions.length;
    overlay.actions = overlay.actions.filter((a: Node) => a.target !== target && a.target !== `${target}.type`);
    if (overlay.actions.length === before) throw new Error(`mutation: no variant at ${target}`);
  },
});

const nullable = (name: string, p: string): Mutation => ({
  name: `${name}.${p} may be null`,
  kind: 'nullable',
  apply: (spec) => {
    const s = prop(spec, name, p);
    s.type = [s.type, 'null'];
  },
});

const constrain = (name: string, p: string, what: string, change: Node): Mutation => ({
  name: `${name}.${p} ${what}`,
  kind: 'format',
  apply: (spec) => Object.assign(prop(spec, name, p), change),
});

const RUN_PATH = '/techniques/{techniqueId}/runs/{runId}';

/** Every mutation, in a fixed order. */
export const MUTATIONS: readonly Mutation[] = [
  rename('TechniqueRun', 'run_id', 'runId'),
  rename('TechniqueRun', 'progress', 'percent'),
  rename('RunStartedResponse', 'charged_cost', 'cost'),
  rename('RunStartedResponse', 'estimated_seconds', 'eta_seconds'),
  rename('Technique', 'run_cost', 'cost_usd'),
  rename('Workspace', 'workspace_id', 'id'),
  rename('TechniqueRunListItem', 'technique_run_id', 'techniqueRunId'),
  rename('RunOutput', 'url', 'href'),
  rename('TechniqueList', 'techniques', 'items'),
  rename('TechniqueInputOutput', 'type', 'media_type'),
  retype('TechniqueRun', 'progress', 'string'),
  retype('TechniqueRun', 'created_at', 'string'),
  retype('Technique', 'run_cost', 'string'),
  retype('Workspace', 'role', 'integer'),
  retype('RunStartedResponse', 'run_id', 'integer'),
  retype('TechniqueRunListItem', 'progress', 'string'),
  retype('RunOutput', 'output_id', 'number'),
  requires('TechniqueRun', 'started_at'),
  requires('TechniqueRun', 'outputs'),
  requires('RunStartedResponse', 'model'),
  requires('Technique', 'description'),
  requires('TechniqueRunListItem', 'completed_at'),
  unrequire('TechniqueRun', 'run_id'),
  unrequire('Technique', 'inputs'),
  dropValue('RunStatus', 'running'),
  dropValue('RunStatus', 'pending'),
  dropValue('OutputType', 'imageUrl'),
  dropValue('RunType', 'technique'),
  dropValue('TechniqueMediaType', 'text'),
  addValue('RunStatus', 'queued'),
  errorEnum('not_found'),
  errorEnum('unauthorized'),
  errorEnum('idempotency_duplicate'),
  status(RUN_PATH, 'get', '200', '201'),
  status('/runs/technique', 'post', '200', '202'),
  status('/runs/{runId}', 'get', '404', undefined),
  status('/workspaces', 'get', '401', undefined),
  status('/runs/technique', 'post', '409', undefined),
  dropVariant('$.components.schemas.RunStartedResponse.properties.action', 'a null action'),
  dropVariant('$.components.schemas.RunStartedResponse.properties.model', 'a null model'),
  dropVariant('$.components.schemas.Workspace.properties.created_at', 'a null workspace created_at'),
  dropVariant('$.components.schemas.PageMeta.properties.next_cursor', 'a null next_cursor'),
  nullable('TechniqueRun', 'progress'),
  constrain('TechniqueRun', 'poll_url', 'must be https', { pattern: '^https://' }),
  constrain('Workspace', 'workspace_id', 'must start with wsp_', { pattern: '^wsp_' }),
  constrain('TechniqueRun', 'progress', 'at most 99', { maximum: 99 }),
  constrain('RunStartedResponse', 'charged_cost', 'at most 0.01', { maximum: 0.01 }),
  constrain('TechniqueRun', 'poll_url', 'must be a URI', { format: 'uri' }),
  constrain('RunOutput', 'url', 'must be https', { pattern: '^https://' }),
];
