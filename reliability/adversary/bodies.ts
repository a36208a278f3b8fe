/**
 * What the adversary's answers say: a secret spelled in every form a server can produce, bodies for each
 * operation (valid, then mutated), envelopes, text, depth and size, and whether the client can be
 * expected to use an answer (for the invariant that a usable 2xx is never turned into an error).
 */
import type { Answer, Body, Case, Echo, EchoPlace, Form, Mutation } from './plan.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** `secret` spelled as `form`. */
export function spell(secret: string, form: Form): string {
  switch (form) {
    case 'plain':
      return secret;
    case 'upper':
      return secret.toUpperCase();
    case 'lower':
      return secret.toLowerCase();
    case 'url':
      return encodeURIComponent(secret);
    case 'urlLower':
      return encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    case 'urlAll':
      return [...Buffer.from(secret)].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
    case 'url2':
      return encodeURIComponent(encodeURIComponent(secret));
    case 'b64':
      return b64(secret);
    case 'b64url':
      return Buffer.from(secret).toString('base64url');
    case 'b64basic':
      return b64(`user:${secret}`);
    case 'b64bearer':
      return b64(`Bearer ${secret}`);
    case 'json':
      return JSON.stringify(secret).slice(1, -1).replace(/\//g, '\\/');
    case 'jsonU':
      return [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    case 'jsonInUrl':
      return encodeURIComponent(JSON.stringify(secret));
  }
}

export const secretOf = (c: Case, e: Echo) => (e.secret === 'key' ? c.key : c.webhookSecret);
/** An echo as it may stand inside a JSON string: forms that are JSON escapes already are kept, the rest escaped. */
export const inJson = (c: Case, e: Echo) => {
  const s = spell(secretOf(c, e), e.form);
  return e.form === 'json' || e.form === 'jsonU' ? s : JSON.stringify(s).slice(1, -1);
};
/** Whether an echo can stand in a header name (a token) or value (visible ASCII). */
export const tokenSafe = (s: string) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(s);
export const headerSafe = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** The schema of the answer an operation gives, by method and path (relative to the API's base). */
export function schemaOf(method: string, path: string): 'TechniqueRun' | 'RunStartedResponse' | 'TechniqueList' | 'Technique' | 'TechniqueRunList' | 'WorkspaceList' | 'Asset' | 'AssetList' | 'AssetCreated' {
  const p = path.split('?')[0]!;
  if (p === '/assets') return method === 'POST' ? 'AssetCreated' : 'AssetList';
  if (p.startsWith('/assets/')) return method === 'POST' ? 'AssetCreated' : 'Asset';
  if (method === 'POST' && p === '/runs/technique') return 'RunStartedResponse';
  if (p === '/techniques') return 'TechniqueList';
  if (p === '/technique-runs') return 'TechniqueRunList';
  if (p === '/workspaces') return 'WorkspaceList';
  if (/^\/techniques\/[^/]+$/.test(p)) return 'Technique';
  return 'TechniqueRun';
}

const RAW = '"__raw_number__"';

/** The run id a request names (the last path segment of a run route), else a fixed one. */
const runIdOf = (path: string) => {
  const m = /\/runs\/([^/?]+)/.exec(path.split('?')[0]!);
  return m ? decodeURIComponent(m[1]!) : 'run_adv_1';
};

export interface Built {
  text: string;
  /** A 2xx carrying it can be used by a tolerant reader. */
  usable: boolean;
}

/**
 * The valid answer of `schema` for the request at `path`: `final` ends a wait (completed) or a list (no
 * cursor, or per `lists`), and `n` numbers the pages.
 */
function valid(schema: ReturnType<typeof schemaOf>, path: string, final: boolean, lists: Case['lists'], n: number, base: string): Record<string, any> {
  const runId = runIdOf(path);
  const run = { run_id: runId, status: final ? 'completed' : 'pending', progress: final ? 100 : 10, created_at: 1_767_225_600, outputs: [{ output_id: 'o1', type: 'imageUrl', url: `${base}/media/o1.png` }] };
  const cursor = !final ? `c${n}` : lists === 'new' ? `c${n}` : lists === 'repeat' ? 'c_again' : undefined;
  const meta = cursor === undefined ? {} : { next_cursor: cursor };
  const technique = { technique_id: 'tech_abcd1234', name: 'Adversary', run_cost: 1, inputs: [{ id: 'prompt', name: 'Prompt', type: 'text' }], outputs: [] };
  const item = { run_id: runId, technique_run_id: runId, status: 'completed', progress: 100, created_at: 1_767_225_600, project_id: 'p_1', workspace_id: 'ws_abc123', technique: { name: 'A', technique_id: 'tech_abcd1234' } };
  const asset = { asset_id: 'ast_adv_1', content_type: 'image/png', status: final ? 'ready' : 'pending_upload', uploaded_via: 'direct', url: 'https://cdn.example.test/a.png', workspace_id: 'ws_abc123' };
  switch (schema) {
    case 'Asset':
      return asset;
    case 'AssetList':
      return { assets: [{ ...asset, status: 'ready' }], meta };
    case 'AssetCreated':
      return { ...asset, visibility: 'workspace' };
    case 'RunStartedResponse':
      return { run_id: runId, type: 'technique', charged_cost: 1, estimated_seconds: 0, poll_url: `${base}/runs/${runId}`, technique: { name: 'A', technique_id: 'tech_abcd1234' } };
    case 'TechniqueList':
      return { techniques: [technique], meta };
    case 'Technique':
      return technique;
    case 'TechniqueRunList':
      return { technique_runs: [item], meta };
    case 'WorkspaceList':
      return { workspaces: [{ workspace_id: 'ws_abc123', name: 'W', role: 'owner', created_at: 1_767_225_600 }] };
    default:
      return run;
  }
}

/** The array a `wide` mutation widens, and one of its items. */
const wideOf = (b: Record<string, any>): any[] | undefined => [b.outputs, b.techniques, b.technique_runs, b.workspaces, b.assets].find((l) => Array.isArray(l) && l.length > 0);

function mutate(b: Record<string, any>, m: Mutation): boolean {
  const list = wideOf(b);
  const first = list?.[0] ?? b;
  switch (m.kind) {
    case 'unknownEnum':
      if ('status' in first) first.status = m.value;
      else if ('type' in first) first.type = m.value;
      else if ('role' in first) first.role = m.value;
      return m.value !== '' || !('type' in first);
    case 'nullOptional':
      // Optional fields only (a run's outputs are optional, a technique's are not).
      if ('estimated_seconds' in b) for (const k of ['estimated_seconds', 'poll_url', 'technique']) b[k] = null;
      else if ('run_id' in b) for (const k of ['outputs', 'poll_url', 'charged_cost', 'error_message']) b[k] = null;
      return true;
    case 'oddNumber': {
      // A time first (a view must show any number there), else a count or a cost.
      const value = typeof m.value === 'number' ? m.value : RAW_MARK(m.value);
      const target = 'created_at' in b ? b : first;
      if ('created_at' in target) target.created_at = value;
      else if ('run_cost' in target) target.run_cost = value;
      else if ('charged_cost' in b) b.charged_cost = value;
      else if ('progress' in first) first.progress = value;
      return typeof m.value === 'number' && m.value >= 0;
    }
    case 'oddString':
      if ('name' in first) first.name = m.value;
      else b.error_message = m.value;
      return true;
    case 'extra':
      if (m.name === '__proto__') return false;
      b[m.name] = m.value;
      return true;
    case 'wide':
      if (list) for (let i = 1; i < m.items; i++) list.push({ ...list[0], ...('output_id' in list[0] ? { output_id: `o${i}` } : {}) });
      return m.items <= 2000;
    case 'missingRequired':
      delete b.run_id;
      delete b.techniques;
      delete b.technique_runs;
      delete b.workspaces;
      delete b.technique_id;
      delete b.assets;
      delete b.asset_id;
      return false;
    case 'wrongType':
      if ('progress' in first) first.progress = '50';
      else b.run_cost = '1';
      return false;
  }
}

let raws: string[] = [];
const RAW_MARK = (text: string) => {
  raws.push(text);
  return '__raw_number__';
};

function placeEchoes(c: Case, b: Record<string, any>, list: [EchoPlace, Echo][], base: string): void {
  for (const [place, e] of list) {
    const s = spell(secretOf(c, e), e.form);
    if (place === 'error_message') b.error_message = `upstream said ${s}`;
    if (place === 'run_id' && 'run_id' in b) b.run_id = `run_${s}`;
    if (place === 'outputs' && 'run_id' in b && Array.isArray(b.outputs)) b.outputs.push({ output_id: s, type: 'imageUrl', url: `${base}/media/o2.png?sig=${encodeURIComponent(s)}` });
    if (place === 'extra') b.debug = { authorization: `Bearer ${s}`, list: [s] };
    if (place === 'extra_name') b[`x_${s}`] = 1;
    if (place === 'cursor' && b.meta) b.meta.next_cursor = s;
    if (place === 'poll_url' && 'run_id' in b) b.poll_url = `${base}/runs/${encodeURIComponent(String(b.run_id))}?k=${encodeURIComponent(s)}`;
  }
}

/** The body text of `body` for a request of `method` `path`. */
export function build(c: Case, body: Body, method: string, path: string, final: boolean, n: number, base: string, strict: boolean): Built {
  switch (body.kind) {
    case 'valid': {
      raws = [];
      const b = valid(schemaOf(method, path), path, final, c.lists, n, base);
      let usable = !strict || body.mutations.length === 0;
      for (const m of body.mutations) usable = mutate(b, m) && usable && (!strict || m.kind === 'extra');
      placeEchoes(c, b, body.echoes, base);
      let text = JSON.stringify(b);
      for (const r of raws) text = text.replace(RAW, r);
      // JSON-escape forms are spelled inside the JSON text as they are (JSON.stringify escaped their backslashes).
      for (const [, e] of body.echoes) if (e.form === 'json' || e.form === 'jsonU') text = text.split(JSON.stringify(spell(secretOf(c, e), e.form)).slice(1, -1)).join(spell(secretOf(c, e), e.form));
      return { text, usable };
    }
    case 'envelope': {
      const message = body.echoes.filter(([p]) => p === 'envelope_message').map(([, e]) => inJson(c, e)).join(' ');
      const field = body.echoes.find(([p]) => p === 'envelope_fields');
      const fields = Array.from({ length: body.fields }, (_, i) => `{"field":"f${i}","message":"${field ? inJson(c, field[1]) : 'bad'}"}`).join(',');
      const deep = body.deep ? `,"x":${'['.repeat(body.deep)}${']'.repeat(body.deep)}` : '';
      return { text: `{"error":{"code":"${body.code}","message":"bad key ${message}"${body.fields ? `,"fields":[${fields}]` : ''}${deep}}}`, usable: false };
    }
    case 'text': {
      const echoed = body.echoes.map(([, e]) => spell(secretOf(c, e), e.form)).join(' ');
      const text = { html: `<html><body><h1>502</h1>${echoed}</body></html>`, truncated: `{"run_id":"run_1","status":"pend${echoed}`, empty: '', garbage: `\u0000\u00ff${echoed}\u0000`, bom: `\ufeff{"run_id":"r","status":"pending","progress":0,"created_at":1}${echoed}` }[body.text];
      return { text, usable: false };
    }
    case 'deep':
      return { text: `{"run_id":"r","status":"pending","progress":0,"created_at":1,"x":${'['.repeat(body.depth)}${']'.repeat(body.depth)}}`, usable: false };
    case 'huge':
      return { text: '', usable: false };
  }
}

/** Whether an answer, whole and honest on the wire, can be used (a tolerant read of a good body). */
export function honest(a: Answer, timeoutMs: number, bytes: number): boolean {
  const t = a.transfer;
  const framing = t.kind === 'whole' || t.kind === 'chunked' || (t.kind === 'trickle' && Math.ceil(bytes / t.chunk) * t.gapMs < timeoutMs / 3);
  return framing && ['identity', 'gzip', 'deflate', 'br', 'gzip,gzip'].includes(a.encoding);
}
