/**
 * The operations' documentation as static HTML, for the docs page Redocly's `build-docs` writes. Redoc
 * server-renders only the page's first section: each tag's section is an empty placeholder that its script
 * fills in once it is scrolled to, so without JavaScript (a crawler, a plain headless screenshot, a reader
 * with scripts off) the page showed the introduction and no operation. `prerenderOperations` fills each
 * placeholder with its tag's operations (method, path, summary, description, parameters, responses), and
 * adds a classic script that removes them again before Redoc's module script hydrates the page: with
 * JavaScript, Redoc's own interactive sections take their place and hydration sees exactly what it rendered.
 */
import { marked } from 'marked';

interface Ref {
  $ref: string;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
}
interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: (Parameter | Ref)[];
  requestBody?: { description?: string; required?: boolean } | Ref;
  responses?: Record<string, { description?: string } | Ref>;
}
export interface DocsSpec {
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, Operation | unknown>>;
  webhooks?: Record<string, Record<string, Operation | unknown>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** The class Redoc's placeholders carry is generated; the attribute it keys them on is not. */
const PLACEHOLDER = /<div data-section-id="(\/[^"]+)"( class="[^"]*")?><\/div>/g;
/** Marks what this prerender adds, so the removing script finds exactly that. */
const MARK = 'data-prerendered';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const markdown = (text: string | undefined) => (text ? (marked.parse(text, { async: false }) as string) : '');
/** Redoc's section id of a tag: `/` and its name, lower-cased, spaces as dashes. */
export const tagSection = (name: string) => `/${name.toLowerCase().replace(/\s+/g, '-')}`;

function resolve<T>(spec: DocsSpec, value: T | Ref): T {
  if (value && typeof value === 'object' && '$ref' in value) {
    const path = value.$ref.replace(/^#\//, '').split('/');
    return resolve(spec, path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec) as T | Ref);
  }
  return value;
}

/** Every operation of the spec (paths, then webhooks), with its method and path (or webhook name). */
export function operationsOf(spec: DocsSpec): { method: string; path: string; webhook: boolean; op: Operation }[] {
  const list = (items: DocsSpec['paths'], webhook: boolean) =>
    Object.entries(items ?? {}).flatMap(([path, item]) => METHODS.filter((m) => m in item).map((method) => ({ method, path, webhook, op: item[method] as Operation })));
  return [...list(spec.paths, false), ...list(spec.webhooks, true)];
}

function operationHtml(spec: DocsSpec, { method, path, webhook, op }: ReturnType<typeof operationsOf>[number]): string {
  const params = (op.parameters ?? []).map((p) => resolve(spec, p));
  const body = op.requestBody ? resolve(spec, op.requestBody) : undefined;
  const rows = params.map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}${p.required ? ', required' : ''}</td><td>${markdown(p.description)}</td></tr>`).join('');
  const responses = Object.entries(op.responses ?? {}).map(([status, r]) => `<li><code>${escape(status)}</code> ${escape(resolve(spec, r).description ?? '')}</li>`).join('');
  return [
    `<section id="operation/${escape(op.operationId)}" style="margin:0 0 48px">`,
    `<h3>${escape(op.summary)}</h3>`,
    `<p><code>${webhook ? `webhook ${escape(path)}: ` : ''}${method.toUpperCase()} ${webhook ? '' : escape(path)}</code> <small>operationId <code>${escape(op.operationId)}</code></small></p>`,
    markdown(op.description),
    rows ? `<h4>Parameters</h4><table><tbody>${rows}</tbody></table>` : '',
    body ? `<h4>Request body${body.required ? ' (required)' : ''}</h4>${markdown(body.description ?? 'JSON; see the schema in the interactive page.')}` : '',
    responses ? `<h4>Responses</h4><ul>${responses}</ul>` : '',
    '</section>',
  ].join('\n');
}

/** One tag's section: its name, description and operations. */
function tagHtml(spec: DocsSpec, tag: { name: string; description?: string }, ops: ReturnType<typeof operationsOf>): string {
  return `<div ${MARK} style="padding:40px;max-width:720px;line-height:1.5"><h2>${escape(tag.name)}</h2>${markdown(tag.description)}${ops.map((o) => operationHtml(spec, o)).join('\n')}</div>`;
}

/**
 * `html` (Redocly's page) with every tag's placeholder holding its operations, and the script that removes
 * them before hydration. Throws when an operation's tag has no placeholder (the page's shape changed):
 * the docs must never silently lose an operation.
 */
export function prerenderOperations(html: string, spec: DocsSpec): string {
  const ops = operationsOf(spec);
  const tags = new Map((spec.tags ?? []).map((t) => [tagSection(t.name), t]));
  for (const o of ops) for (const name of o.op.tags ?? []) if (!tags.has(tagSection(name))) tags.set(tagSection(name), { name });
  const filled = new Set<string>();
  const out = html.replace(PLACEHOLDER, (whole, id: string, cls: string | undefined) => {
    const tag = tags.get(id);
    if (!tag) return whole;
    filled.add(id);
    const mine = ops.filter((o) => (o.op.tags ?? []).some((t) => tagSection(t) === id));
    return `<div data-section-id="${id}"${cls ?? ''}>${tagHtml(spec, tag, mine)}</div>`;
  });
  const missing = ops.filter((o) => !(o.op.tags ?? []).some((t) => filled.has(tagSection(t))));
  if (missing.length > 0) throw new Error(`docs: no section on the page for ${missing.map((o) => o.op.operationId).join(', ')} (tags ${[...new Set(missing.flatMap((o) => o.op.tags ?? []))].join(', ') || 'none'})`);
  // A classic script runs as the parser reaches it, before any module script (Redoc's hydrate is one).
  const hydrate = out.indexOf('<script type="module">');
  if (hydrate < 0) throw new Error('docs: Redoc\'s module script was not found on the page');
  const remove = `<script>for (const n of document.querySelectorAll('[${MARK}]')) n.remove();</script>\n`;
  return out.slice(0, hydrate) + remove + out.slice(hydrate);
}
