/**
 * Breaking-change guard for spec/openapi.yaml: `npm run spec:diff`.
 *
 * Compares the spec with the version on `main` (on `main` itself: the committed `main`, so uncommitted edits
 * are checked; on another branch: the merge-base with `main`) and fails when a change that breaks existing
 * clients is not announced in the spec. `--base <git ref>` (or SPEC_DIFF_BASE) compares with another commit.
 *
 * "Breaking" is judged from a client's side. Data a client sends (request bodies and parameters; for webhooks,
 * the answer) must keep accepting what it accepted; data a client receives (responses; for webhooks, the event
 * and its headers) must not give it anything it did not promise before. So:
 *   - a removed operation, response status, media type or response header breaks;
 *   - in what clients send: a removed property (request bodies are closed), a new required property or
 *     parameter, a removed enum value, a narrower type, a tighter constraint (min/max, pattern, format) break;
 *     an added enum value or optional property does not;
 *   - in what clients receive: a removed property, one no longer required, a wider type, a looser constraint
 *     and an added enum value break (this client validates responses against the spec, so a value it does
 *     not know is an error for it); a removed enum value or an added optional property does not.
 *
 * A breaking change is announced by naming its id (printed with it, e.g.
 * `response-property-removed TechniqueRun.poll_url`) in the revised spec, either in a list
 *
 *     x-breaking-changes:                 # at the root or under info
 *       - response-property-removed TechniqueRun.poll_url
 *       - { change: "operation-removed POST /runs/*", reason: "replaced by ..." }
 *
 * or on a line `BREAKING: <id> <why>` of `info.description`. `*` in an announcement matches any text.
 *
 * Everything below `main()` is pure functions on parsed specs (tested in scripts/spec-diff.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;
export type OpenAPIDoc = Record<string, Json>;

/** Which way data flows, seen from a client: what it sends, or what it receives. */
export type Direction = 'request' | 'response';

export interface Change {
  /** What kind of change, e.g. `response-property-removed`. */
  rule: string;
  breaking: boolean;
  /** Where: an operation (`POST /runs/technique`), a schema path (`TechniqueRun.poll_url`), ... */
  subject: string;
  /** What, when the subject is not enough: an enum value, `number -> string`. */
  detail?: string;
  /** `rule subject[ detail]`: what an announcement names. */
  id: string;
  message: string;
  /** The operations through which the change is seen. */
  usedBy: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/* ------------------------------------------------------------------------------------------------ */
/* Collecting changes                                                                                 */
/* ------------------------------------------------------------------------------------------------ */

class Collector {
  readonly changes = new Map<string, Change>();

  add(rule: string, breaking: boolean, subject: string, message: string, usedBy: string, detail?: string): void {
    const id = detail === undefined ? `${rule} ${subject}` : `${rule} ${subject} ${detail}`;
    const known = this.changes.get(id);
    if (known) {
      if (!known.usedBy.includes(usedBy)) known.usedBy.push(usedBy);
      return;
    }
    this.changes.set(id, { rule, breaking, subject, ...(detail === undefined ? {} : { detail }), id, message, usedBy: [usedBy] });
  }
}

/** Follows local `$ref`s (`#/components/...`); returns the target and, for a component schema, its name. */
export function deref(doc: OpenAPIDoc, node: Json, seen = new Set<string>()): { node: Json; name?: string } {
  let name: string | undefined;
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    const ref: string = node.$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) return { node: undefined, ...(name ? { name } : {}) };
    seen.add(ref);
    const parts = ref
      .slice(2)
      .split('/')
      .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
    let target: Json = doc;
    for (const p of parts) target = target?.[p];
    if (parts[0] === 'components' && parts[1] === 'schemas' && parts.length === 3) name = parts[2];
    node = target;
  }
  return { node, ...(name ? { name } : {}) };
}

/** `type` as a set; `integer` is kept apart from `number` but counted inside it when comparing. */
function typesOf(schema: Json): Set<string> | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const t = schema.type;
  const types = new Set<string>(Array.isArray(t) ? t : typeof t === 'string' ? [t] : []);
  if (schema.nullable === true) types.add('null');
  return types.size ? types : undefined;
}

const covers = (types: Set<string>, t: string) => types.has(t) || (t === 'integer' && types.has('number'));
const fmt = (types: Set<string>) => [...types].join('|');
const show = (v: Json) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** `allOf` branches merged into one schema (properties and required united): enough for comparing shapes. */
function flatten(doc: OpenAPIDoc, schema: Json): Json {
  if (!schema || typeof schema !== 'object' || !Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  const merged: Json = { ...rest, properties: { ...(rest.properties ?? {}) }, required: [...(rest.required ?? [])] };
  for (const part of allOf) {
    const s = flatten(doc, deref(doc, part).node);
    if (!s || typeof s !== 'object') continue;
    for (const [k, v] of Object.entries(s)) {
      if (k === 'properties') Object.assign(merged.properties, v);
      else if (k === 'required') merged.required.push(...(v as string[]));
      else if (!(k in merged)) merged[k] = v;
    }
  }
  if (!Object.keys(merged.properties).length) delete merged.properties;
  if (!merged.required.length) delete merged.required;
  return merged;
}

/** Lower and upper bounds: tightening one breaks requests, loosening one breaks responses. */
const LOWER_BOUNDS = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'] as const;
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'] as const;

interface Walk {
  base: OpenAPIDoc;
  rev: OpenAPIDoc;
  out: Collector;
  dir: Direction;
  usedBy: string;
  /** Pairs of component schemas being compared, against cycles. */
  stack: Set<string>;
}

function compareSchema(w: Walk, baseNode: Json, revNode: Json, label: string): void {
  const b0 = deref(w.base, baseNode);
  const r0 = deref(w.rev, revNode);
  if (r0.name) label = r0.name;
  else if (b0.name) label = b0.name;
  const pair = `${b0.name ?? '-'}|${r0.name ?? '-'}|${label}`;
  if ((b0.name || r0.name) && w.stack.has(pair)) return;
  w.stack.add(pair);
  try {
    compareResolved(w, flatten(w.base, b0.node), flatten(w.rev, r0.node), label);
  } finally {
    w.stack.delete(pair);
  }
}

function compareResolved(w: Walk, b: Json, r: Json, label: string): void {
  if (!b || !r || typeof b !== 'object' || typeof r !== 'object') return;
  const { out, dir, usedBy } = w;
  const req = dir === 'request';

  // Types.
  const bt = typesOf(b);
  const rt = typesOf(r);
  if (bt && rt) {
    const narrowed = [...bt].filter((t) => !covers(rt, t));
    const widened = [...rt].filter((t) => !covers(bt, t));
    if (narrowed.length || widened.length) {
      const breaking = req ? narrowed.length > 0 : widened.length > 0;
      out.add(
        `${dir}-type-changed`,
        breaking,
        label,
        `Type of \`${label}\` in ${dir}s changed from ${fmt(bt)} to ${fmt(rt)}.`,
        usedBy,
        `${fmt(bt)} -> ${fmt(rt)}`,
      );
    }
  }

  // Enums (and const, a one-value enum).
  const benum: Json[] | undefined = Array.isArray(b.enum) ? b.enum : 'const' in b ? [b.const] : undefined;
  const renum: Json[] | undefined = Array.isArray(r.enum) ? r.enum : 'const' in r ? [r.const] : undefined;
  if (benum && renum) {
    const has = (list: Json[], v: Json) => list.some((x) => JSON.stringify(x) === JSON.stringify(v));
    for (const v of benum.filter((v) => !has(renum, v))) {
      out.add(
        `${dir}-enum-value-removed`,
        req,
        label,
        req
          ? `\`${label}\` no longer accepts ${show(v)}: clients that send it are refused.`
          : `\`${label}\` is no longer returned as ${show(v)} (clients that handle it are unaffected).`,
        usedBy,
        String(v),
      );
    }
    for (const v of renum.filter((v) => !has(benum, v))) {
      out.add(
        `${dir}-enum-value-added`,
        !req,
        label,
        req
          ? `\`${label}\` also accepts ${show(v)}.`
          : `\`${label}\` may now be ${show(v)}: clients that validate responses (this one does) or switch over every value break on it.`,
        usedBy,
        String(v),
      );
    }
  } else if (benum && !renum && !req) {
    out.add(`${dir}-enum-removed`, true, label, `\`${label}\` is no longer limited to ${benum.map(show).join(', ')}.`, usedBy);
  } else if (!benum && renum && req) {
    out.add(`${dir}-enum-added`, true, label, `\`${label}\` now only accepts ${renum.map(show).join(', ')}.`, usedBy);
  }

  // Constraints.
  for (const k of LOWER_BOUNDS) compareBound(w, label, k, b[k], r[k], 'lower');
  for (const k of UPPER_BOUNDS) compareBound(w, label, k, b[k], r[k], 'upper');
  for (const k of ['pattern', 'format'] as const) {
    if (b[k] === r[k]) continue;
    // Requests break when a rule appears or changes; responses when one disappears or changes.
    const breaking = req ? r[k] !== undefined : b[k] !== undefined;
    out.add(
      `${dir}-${k}-changed`,
      breaking,
      label,
      `${k} of \`${label}\` in ${dir}s changed from ${b[k] === undefined ? 'none' : show(b[k])} to ${r[k] === undefined ? 'none' : show(r[k])}.`,
      usedBy,
    );
  }

  // Object properties.
  const bp: Record<string, Json> = b.properties && typeof b.properties === 'object' ? b.properties : {};
  const rp: Record<string, Json> = r.properties && typeof r.properties === 'object' ? r.properties : {};
  const breq = new Set<string>(Array.isArray(b.required) ? b.required : []);
  const rreq = new Set<string>(Array.isArray(r.required) ? r.required : []);
  const closed = r.additionalProperties === false;
  for (const name of Object.keys(bp)) {
    const sub = `${label}.${name}`;
    if (!(name in rp)) {
      if (req) {
        out.add(
          'request-property-removed',
          closed,
          sub,
          closed
            ? `Request property \`${sub}\` was removed, and the object is closed: clients that send it are refused.`
            : `Request property \`${sub}\` was removed (unknown properties are still allowed).`,
          usedBy,
        );
      } else {
        out.add('response-property-removed', true, sub, `Response property \`${sub}\` was removed: clients that read it get nothing.`, usedBy);
      }
      continue;
    }
    compareSchema(w, bp[name], rp[name], sub);
  }
  for (const name of Object.keys(rp)) {
    if (name in bp) continue;
    const sub = `${label}.${name}`;
    if (req && rreq.has(name)) continue; // reported below as a new required property
    out.add(`${dir}-property-added`, false, sub, `${req ? 'Request' : 'Response'} property \`${sub}\` was added (optional).`, usedBy);
  }
  if (req) {
    for (const name of rreq) {
      if (breq.has(name)) continue;
      const sub = `${label}.${name}`;
      out.add(
        'request-property-required',
        true,
        sub,
        name in bp ? `Request property \`${sub}\` became required.` : `Request property \`${sub}\` was added as required.`,
        usedBy,
      );
    }
    if (b.additionalProperties !== false && r.additionalProperties === false && (b.type === 'object' || b.properties)) {
      out.add('request-object-closed', true, label, `\`${label}\` no longer accepts properties it does not list.`, usedBy);
    }
  } else {
    for (const name of breq) {
      if (rreq.has(name) || !(name in rp)) continue;
      const sub = `${label}.${name}`;
      out.add('response-property-optional', true, sub, `Response property \`${sub}\` is no longer always present.`, usedBy);
    }
  }
  const bap = b.additionalProperties;
  const rap = r.additionalProperties;
  if (bap && rap && typeof bap === 'object' && typeof rap === 'object') compareSchema(w, bap, rap, `${label}.*`);

  // Arrays.
  if (b.items && r.items && !Array.isArray(b.items) && !Array.isArray(r.items)) compareSchema(w, b.items, r.items, `${label}[]`);

  // Variants.
  for (const k of ['oneOf', 'anyOf'] as const) {
    const bv: Json[] = Array.isArray(b[k]) ? b[k] : [];
    const rv: Json[] = Array.isArray(r[k]) ? r[k] : [];
    if (!bv.length && !rv.length) continue;
    if (rv.length < bv.length) {
      out.add(`${dir}-variant-removed`, req, label, `\`${label}\` has ${bv.length - rv.length} fewer ${k} variant(s).`, usedBy, k);
    } else if (rv.length > bv.length) {
      out.add(`${dir}-variant-added`, !req, label, `\`${label}\` has ${rv.length - bv.length} more ${k} variant(s).`, usedBy, k);
    }
    for (let i = 0; i < Math.min(bv.length, rv.length); i++) compareSchema(w, bv[i], rv[i], `${label}<${k}${i}>`);
  }
}

function compareBound(w: Walk, label: string, key: string, bv: Json, rv: Json, side: 'lower' | 'upper'): void {
  if (bv === rv) return;
  const req = w.dir === 'request';
  // A boolean exclusiveMinimum/Maximum (OpenAPI 3.0) is compared as a change of rule only.
  const num = (v: Json) => (typeof v === 'number' ? v : undefined);
  const b = num(bv);
  const r = num(rv);
  let tighter: boolean;
  if (b === undefined && r === undefined) tighter = rv === true;
  else if (b === undefined) tighter = true;
  else if (r === undefined) tighter = false;
  else tighter = side === 'lower' ? r > b : r < b;
  const breaking = req ? tighter : !tighter;
  w.out.add(
    `${w.dir}-constraint-${tighter ? 'tightened' : 'loosened'}`,
    breaking,
    label,
    `${key} of \`${label}\` in ${w.dir}s changed from ${bv === undefined ? 'none' : show(bv)} to ${rv === undefined ? 'none' : show(rv)}.`,
    w.usedBy,
    key,
  );
}

/* ------------------------------------------------------------------------------------------------ */
/* Operations                                                                                         */
/* ------------------------------------------------------------------------------------------------ */

/** `/techniques/{techniqueId}/runs` and `/techniques/{id}/runs` are the same route. */
const routeKey = (path: string) => path.replace(/\{[^}]*\}/g, '{}');

interface Operation {
  key: string;
  op: Json;
  pathItem: Json;
  /** Webhooks flow the other way: the API sends the request, the client answers. */
  webhook: boolean;
}

function operationsOf(doc: OpenAPIDoc): Map<string, Operation> {
  const ops = new Map<string, Operation>();
  for (const [group, webhook] of [
    ['paths', false],
    ['webhooks', true],
  ] as const) {
    for (const [path, rawItem] of Object.entries<Json>(doc[group] ?? {})) {
      const pathItem = deref(doc, rawItem).node ?? {};
      for (const method of METHODS) {
        const op = pathItem[method];
        if (!op || typeof op !== 'object') continue;
        const shown = webhook ? `WEBHOOK ${path} ${method.toUpperCase()}` : `${method.toUpperCase()} ${path}`;
        const id = webhook ? `webhook|${path}|${method}` : `path|${routeKey(path)}|${method}`;
        ops.set(id, { key: shown, op, pathItem, webhook });
      }
    }
  }
  return ops;
}

function parametersOf(doc: OpenAPIDoc, o: Operation): Map<string, Json> {
  const params = new Map<string, Json>();
  for (const raw of [...(o.pathItem.parameters ?? []), ...(o.op.parameters ?? [])]) {
    const p = deref(doc, raw).node;
    if (!p || typeof p.name !== 'string') continue;
    params.set(`${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`, p);
  }
  return params;
}

function compareOperation(base: OpenAPIDoc, rev: OpenAPIDoc, out: Collector, b: Operation, r: Operation): void {
  const key = r.key;
  const sendDir: Direction = r.webhook ? 'response' : 'request';
  const receiveDir: Direction = r.webhook ? 'request' : 'response';
  const walk = (dir: Direction): Walk => ({ base, rev, out, dir, usedBy: key, stack: new Set() });

  // Parameters: sent by the client (received, for a webhook).
  const bps = parametersOf(base, b);
  const rps = parametersOf(rev, r);
  for (const [id, bp] of bps) {
    const where = `${key} ${bp.in} ${bp.name}`;
    const rp = rps.get(id);
    if (!rp) {
      if (bp.in === 'path') continue; // a renamed path template is the same route
      out.add(
        'parameter-removed',
        !r.webhook || bp.required === true,
        where,
        r.webhook ? `The API no longer sends ${bp.in} \`${bp.name}\`.` : `Parameter ${bp.in} \`${bp.name}\` was removed: clients that send it no longer type-check, and may be refused.`,
        key,
      );
      continue;
    }
    if (r.webhook && bp.required === true && rp.required !== true) {
      out.add('parameter-optional', true, where, `The API may now omit ${bp.in} \`${bp.name}\`.`, key);
    }
    compareSchema(walk(sendDir), bp.schema, rp.schema, where);
  }
  if (!r.webhook) {
    for (const [id, rp] of rps) {
      if (rp.required !== true || rp.in === 'path') continue;
      const bp = bps.get(id);
      if (bp?.required === true) continue;
      out.add(
        'parameter-required',
        true,
        `${key} ${rp.in} ${rp.name}`,
        bp ? `Parameter ${rp.in} \`${rp.name}\` became required.` : `Required parameter ${rp.in} \`${rp.name}\` was added.`,
        key,
      );
    }
  }

  // Request body.
  const bb = deref(base, b.op.requestBody).node;
  const rb = deref(rev, r.op.requestBody).node;
  const bodyDir = r.webhook ? 'response' : 'request';
  if (bb && !rb) {
    out.add('request-body-removed', !r.webhook, key, `${key} no longer takes a request body.`, key);
  } else if (rb && !r.webhook && rb.required === true && bb?.required !== true) {
    out.add('request-body-required', true, key, `${key} now requires a request body.`, key);
  }
  if (bb && rb) compareContent(base, rev, out, key, `${key} request body`, bb.content, rb.content, bodyDir, r.webhook ? 'received' : 'sent');

  // Responses: received by the client (sent, for a webhook).
  const bres: Record<string, Json> = b.op.responses ?? {};
  const rres: Record<string, Json> = r.op.responses ?? {};
  for (const [status, braw] of Object.entries(bres)) {
    const rraw = rres[status];
    if (rraw === undefined) {
      out.add(
        'response-removed',
        !r.webhook,
        `${key} ${status}`,
        r.webhook ? `Response ${status} of the webhook is no longer described.` : `Response ${status} was removed: clients handling it get an undocumented answer.`,
        key,
      );
      continue;
    }
    const bresp = deref(base, braw).node ?? {};
    const rresp = deref(rev, rraw).node ?? {};
    for (const h of Object.keys(bresp.headers ?? {})) {
      const found = Object.keys(rresp.headers ?? {}).some((x) => x.toLowerCase() === h.toLowerCase());
      if (!found && !r.webhook) out.add('response-header-removed', true, `${key} ${status} ${h}`, `Response ${status} no longer sends header \`${h}\`.`, key);
    }
    compareContent(base, rev, out, key, `${key} ${status} response`, bresp.content, rresp.content, receiveDir, r.webhook ? 'sent' : 'received');
  }
  for (const status of Object.keys(rres)) {
    if (!(status in bres)) out.add('response-added', false, `${key} ${status}`, `Response ${status} was added.`, key);
  }
}

function compareContent(
  base: OpenAPIDoc,
  rev: OpenAPIDoc,
  out: Collector,
  key: string,
  label: string,
  bc: Record<string, Json> | undefined,
  rc: Record<string, Json> | undefined,
  dir: Direction,
  flow: 'sent' | 'received',
): void {
  for (const [media, bm] of Object.entries(bc ?? {})) {
    const rm = rc?.[media];
    if (!rm) {
      out.add(`${dir}-media-type-removed`, true, `${label} ${media}`, `${label} is no longer ${flow} as ${media}.`, key);
      continue;
    }
    compareSchema({ base, rev, out, dir, usedBy: key, stack: new Set() }, bm.schema, rm.schema, label);
  }
}

/** Every change from `base` to `revision`, breaking ones first, each once (with every operation it is seen through). */
export function diffSpecs(base: OpenAPIDoc, revision: OpenAPIDoc): Change[] {
  const out = new Collector();
  const bops = operationsOf(base);
  const rops = operationsOf(revision);
  for (const [id, b] of bops) {
    const r = rops.get(id);
    if (!r) {
      out.add(b.webhook ? 'webhook-removed' : 'operation-removed', true, b.key, `${b.key} was removed.`, b.key);
      continue;
    }
    compareOperation(base, revision, out, b, r);
  }
  for (const [id, r] of rops) {
    if (!bops.has(id)) out.add(r.webhook ? 'webhook-added' : 'operation-added', false, r.key, `${r.key} was added.`, r.key);
  }
  return [...out.changes.values()].sort((a, b) => Number(b.breaking) - Number(a.breaking));
}

/* ------------------------------------------------------------------------------------------------ */
/* Announcements                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

/** What the spec announces: `x-breaking-changes` (root or info; strings or `{ change | id }`) and `BREAKING:` lines. */
export function announcementsOf(spec: OpenAPIDoc): string[] {
  const found: string[] = [];
  for (const list of [spec['x-breaking-changes'], spec.info?.['x-breaking-changes']]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item === 'string') found.push(item);
      else if (item && typeof item === 'object') {
        const text = item.change ?? item.id;
        if (typeof text === 'string') found.push(text);
      }
    }
  }
  const description = spec.info?.description;
  if (typeof description === 'string') {
    for (const m of description.matchAll(/^\s*(?:[-*]\s*)?BREAKING:\s*(.+?)\s*$/gm)) found.push(m[1]!);
  }
  return found.map((a) => a.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Whether an announcement names the change: its id, followed by the end or a space (`*` matches anything). */
export function names(announcement: string, change: Change): boolean {
  const pattern = announcement.includes('*')
    ? new RegExp(`^${announcement.split('*').map(escape).join('.*')}$`)
    : new RegExp(`(^|\\s)${escape(change.id)}($|[\\s,;:)])`);
  return announcement.includes('*') ? pattern.test(change.id) : pattern.test(announcement);
}

export interface Verdict {
  changes: Change[];
  breaking: Change[];
  unannounced: Change[];
  /** Announcements new in the revision that name no change: probably a typo. */
  unused: string[];
  /** The major version did not go up although something breaks. */
  versionNotBumped: boolean;
}

function major(version: Json): number | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(String(version ?? ''));
  if (!m) return undefined;
  // 0.x: the minor number plays the major's part.
  return m[1] === '0' ? Number(m[2]) / 1000 : Number(m[1]);
}

export function judge(base: OpenAPIDoc, revision: OpenAPIDoc): Verdict {
  const changes = diffSpecs(base, revision);
  const breaking = changes.filter((c) => c.breaking);
  const announced = announcementsOf(revision);
  const before = new Set(announcementsOf(base));
  const unannounced = breaking.filter((c) => !announced.some((a) => names(a, c)));
  const unused = announced.filter((a) => !before.has(a) && !changes.some((c) => names(a, c)));
  const bm = major(base.info?.version);
  const rm = major(revision.info?.version);
  const versionNotBumped = breaking.length > 0 && bm !== undefined && rm !== undefined && rm <= bm;
  return { changes, breaking, unannounced, unused, versionNotBumped };
}

export function report(v: Verdict, baseName: string): string {
  const lines: string[] = [];
  const item = (c: Change, mark: string) =>
    `  ${mark} ${c.id}\n      ${c.message}${c.usedBy.length > 1 || c.usedBy[0] !== c.subject ? `\n      via ${c.usedBy.join(', ')}` : ''}`;
  if (!v.changes.length) lines.push(`spec/openapi.yaml: no API changes from ${baseName} (only descriptions, examples or layout differ).`);
  const unannounced = new Set(v.unannounced);
  if (v.breaking.length) {
    lines.push(`Breaking changes from ${baseName}: ${v.breaking.length} (${v.unannounced.length} not announced)`);
    for (const c of v.breaking) lines.push(item(c, unannounced.has(c) ? '✖' : '✔ announced:'));
  }
  const other = v.changes.filter((c) => !c.breaking);
  if (other.length) {
    lines.push(`Compatible changes: ${other.length}`);
    for (const c of other) lines.push(item(c, '·'));
  }
  for (const a of v.unused) lines.push(`warning: announcement "${a}" names no change from ${baseName}.`);
  if (v.versionNotBumped) lines.push('warning: something breaks but info.version did not go up a major (a minor for 0.x) version.');
  if (v.unannounced.length) {
    lines.push(
      '',
      'To ship a breaking change on purpose, announce it in spec/openapi.yaml, e.g.:',
      '  x-breaking-changes:',
      ...v.unannounced.map((c) => `    - ${JSON.stringify(c.id)}`),
      "or with a line 'BREAKING: <id> <why>' in info.description.",
    );
  }
  return lines.join('\n');
}

/* ------------------------------------------------------------------------------------------------ */
/* Command line                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

function git(args: string[], cwd: string): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout : undefined;
}

/** The commit to compare with, and how to call it; undefined when there is no `main` to compare with. */
export function resolveBase(cwd: string, explicit?: string): { ref: string; name: string } | undefined {
  if (explicit) return { ref: explicit, name: explicit };
  const main = ['main', 'origin/main'].find((ref) => git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd) !== undefined);
  if (!main) return undefined;
  const head = git(['rev-parse', 'HEAD'], cwd)?.trim();
  const mainSha = git(['rev-parse', main], cwd)?.trim();
  const branch = git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd)?.trim();
  if (branch === 'main' || head === mainSha) return { ref: main, name: main };
  const mergeBase = git(['merge-base', 'HEAD', main], cwd)?.trim();
  return mergeBase ? { ref: mergeBase, name: `the merge-base with ${main} (${mergeBase.slice(0, 12)})` } : { ref: main, name: main };
}

function redoclyCrossCheck(root: string, baseText: string, specPath: string): void {
  const redocly = resolve(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.bin', 'redocly');
  const dir = mkdtempSync(join(tmpdir(), 'flora-spec-diff-'));
  try {
    const basePath = join(dir, 'base.yaml');
    writeFileSync(basePath, baseText);
    const r = spawnSync(redocly, ['diff', basePath, specPath, '--format=json', '--fail-on=none'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const json = r.stdout.slice(r.stdout.indexOf('{'));
    const parsed = JSON.parse(json) as { changes?: { path: string; impact: string; verdicts?: { ruleId: string; message: string }[] }[] };
    const majors = (parsed.changes ?? []).filter((c) => c.impact === 'major');
    console.log(`\nredocly diff (experimental), for comparison: ${majors.length} major change(s)`);
    for (const c of majors) for (const v of c.verdicts ?? []) console.log(`  ${v.ruleId}: ${v.message} (${c.path})`);
  } catch (e) {
    console.log(`\nredocly diff could not be run: ${(e as Error).message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(argv: string[]): number {
  // The repository is the working directory (npm runs scripts at the package root); redocly is this one's.
  const root = process.cwd();
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const specRel = opt('--spec') ?? 'spec/openapi.yaml';
  const specPath = resolve(root, specRel);
  const base = resolveBase(root, opt('--base') ?? process.env.SPEC_DIFF_BASE);
  if (!base) {
    console.log('spec:diff: no `main` branch to compare with (neither main nor origin/main exists); nothing checked.');
    return 0;
  }
  const baseText = git(['show', `${base.ref}:${specRel}`], root);
  if (baseText === undefined) {
    console.log(`spec:diff: ${specRel} does not exist on ${base.name} (or that ref is unknown); nothing to compare.`);
    return opt('--base') || process.env.SPEC_DIFF_BASE ? 1 : 0;
  }
  const revText = readFileSync(specPath, 'utf8');
  if (revText === baseText) {
    console.log(`spec:diff: ${specRel} is identical to ${base.name}: no changes.`);
    return 0;
  }
  const verdict = judge(parse(baseText) as OpenAPIDoc, parse(revText) as OpenAPIDoc);
  if (argv.includes('--json')) console.log(JSON.stringify(verdict, null, 2));
  else console.log(report(verdict, base.name));
  if (argv.includes('--redocly')) redoclyCrossCheck(root, baseText, specPath);
  if (verdict.unannounced.length) {
    console.error(`\nspec:diff: ${verdict.unannounced.length} unannounced breaking change(s).`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
