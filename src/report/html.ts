/**
 * A batch's results as one self-contained HTML page: a grid with a tile per item (its id, status, run,
 * cost and error, and its outputs: a thumbnail of each downloaded image, a player for videos and audio, an
 * excerpt of texts, a link to other files) under the batch's totals. `renderReport` is a pure function of
 * the items it is given: it reads nothing and fetches nothing. The page has no script at all (its CSP
 * forbids any), its style is inline, and it loads only the downloaded files it names, by the paths given
 * (relative to the page, so the page and its folder move together); outputs not downloaded are links,
 * never loaded. Every string from a server or a user is escaped.
 */

/** One output of an item as the report shows it. */
export interface ReportFile {
  output_id: string;
  /** The output's type (`imageUrl`, `videoUrl`, `text`, ...). */
  type: string;
  /** Where it was downloaded, relative to the page (or absolute); absent when it was not. */
  path?: string | undefined;
  /** Its URL as the run gave it (a text output's may be the text itself). */
  url?: string | undefined;
  /** The start of a text output, to show. */
  excerpt?: string | undefined;
}

/** One item of the batch: what RESULTS.jsonl holds for it, with its outputs. */
export interface ReportItem {
  id: string;
  status: string;
  run_id?: string | null | undefined;
  charged_cost?: number | null | undefined;
  error?: { code?: string | undefined; message?: string | undefined } | null | undefined;
  files?: readonly ReportFile[] | undefined;
}

export interface ReportOptions {
  /** The page's title. Default `FLORA batch report`. */
  title?: string | undefined;
  /** When the report was made (shown as written; the function reads no clock). */
  generatedAt?: string | undefined;
}

/** The longest excerpt shown for a text output, in characters. */
export const EXCERPT_CHARACTERS = 600;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text safe inside an element or a double-quoted attribute. Lone surrogates and controls other than tab and line breaks become U+FFFD. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '\uFFFD')
    .replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/**
 * A path as a URL the page can load: each segment percent-encoded (so `#`, `?` or `%` in a name stay part
 * of it), `\` read as a separator, an absolute path as a `file:` URL. Never a scheme of its own choosing.
 */
export function pathHref(path: string): string {
  const drive = /^[A-Za-z]:[\\/]/.test(path);
  const joined = path
    .replace(LONE_SURROGATE, '\uFFFD') // which encodeURIComponent cannot encode
    .split(/[\\/]/)
    .map((s, i) => (drive && i === 0 ? s : encodeURIComponent(s)))
    .join('/');
  if (drive) return `file:///${joined}`;
  // Leading separators collapse to one: `//host/share` must not become a file URL naming another machine.
  if (/^[\\/]/.test(path)) return `file:///${joined.replace(/^\/+/, '')}`;
  // Relative: an encoded first segment holds no `:`, so it never reads as a scheme (`javascript:`).
  return joined;
}

const IMAGE = /\.(png|jpe?g|webp|gif|avif|svg|bmp)$/i;
const VIDEO = /\.(mp4|webm|mov)$/i;
const AUDIO = /\.(mp3|wav|ogg|aac|m4a|flac)$/i;
const isHttp = (url: string | undefined): url is string => url !== undefined && /^https?:\/\/\S+$/i.test(url);

const usd = (n: number) => `$${n.toFixed(4).replace(/0{1,2}$/, '')}`;

function excerptOf(f: ReportFile): string | undefined {
  const text = f.excerpt ?? (f.type === 'text' && f.url !== undefined && !isHttp(f.url) ? f.url : undefined);
  if (text === undefined) return undefined;
  return text.length > EXCERPT_CHARACTERS ? `${text.slice(0, EXCERPT_CHARACTERS)}…` : text;
}

function fileHtml(item: ReportItem, f: ReportFile): string {
  const label = `<div class="file">${escapeHtml(f.output_id)} <span class="type">${escapeHtml(f.type)}</span></div>`;
  const text = excerptOf(f);
  if (f.path !== undefined) {
    const href = escapeHtml(pathHref(f.path));
    const alt = escapeHtml(`${f.output_id} of ${item.id}`);
    if (text !== undefined) return `${label}<pre class="excerpt">${escapeHtml(text)}</pre><a href="${href}">${escapeHtml(f.path)}</a>`;
    if (IMAGE.test(f.path)) return `${label}<a href="${href}"><img class="thumb" src="${href}" alt="${alt}" loading="lazy"></a>`;
    if (VIDEO.test(f.path)) return `${label}<video class="player" src="${href}" controls preload="metadata" title="${alt}"></video><a href="${href}">${escapeHtml(f.path)}</a>`;
    if (AUDIO.test(f.path)) return `${label}<audio src="${href}" controls preload="none" title="${alt}"></audio>`;
    return `${label}<a href="${href}">${escapeHtml(f.path)}</a>`;
  }
  if (text !== undefined) return `${label}<pre class="excerpt">${escapeHtml(text)}</pre>`;
  if (isHttp(f.url)) return `${label}<a class="remote" href="${escapeHtml(f.url)}" rel="noreferrer">not downloaded: open</a>`;
  return `${label}<span class="missing">not downloaded</span>`;
}

const KNOWN_STATUSES = new Set(['completed', 'failed', 'review', 'not_started', 'running', 'pending']);

function tileHtml(item: ReportItem): string {
  const status = KNOWN_STATUSES.has(item.status) ? item.status : 'other';
  const facts = [
    item.run_id ? `<span class="run">${escapeHtml(item.run_id)}</span>` : '',
    typeof item.charged_cost === 'number' && Number.isFinite(item.charged_cost) ? `<span class="cost">${escapeHtml(usd(item.charged_cost))}</span>` : '',
  ].join(' ');
  const error = item.error
    ? `<div class="error" role="alert"><b>${escapeHtml(item.error.code ?? 'error')}</b> ${escapeHtml(item.error.message ?? '')}</div>`
    : '';
  const files = (item.files ?? []).map((f) => `<div class="output">${fileHtml(item, f)}</div>`).join('');
  return `<article class="tile ${status}" data-status="${escapeHtml(item.status)}"><header><h2 class="id">${escapeHtml(item.id)}</h2><span class="status">${escapeHtml(item.status)}</span></header><div class="facts">${facts}</div>${error}${files}</article>`;
}

function totalsHtml(items: readonly ReportItem[]): string {
  const counts = new Map<string, number>();
  let spent = 0;
  let downloaded = 0;
  for (const item of items) {
    counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
    if (typeof item.charged_cost === 'number' && Number.isFinite(item.charged_cost)) spent += item.charged_cost;
    downloaded += (item.files ?? []).filter((f) => f.path !== undefined).length;
  }
  const parts = [`<span class="total">${items.length} item${items.length === 1 ? '' : 's'}</span>`];
  for (const [status, n] of [...counts].sort(([a], [b]) => a.localeCompare(b))) parts.push(`<span class="count ${KNOWN_STATUSES.has(status) ? status : 'other'}">${n} ${escapeHtml(status)}</span>`);
  parts.push(`<span class="spent">${escapeHtml(usd(spent))} charged</span>`, `<span class="files">${downloaded} file${downloaded === 1 ? '' : 's'} downloaded</span>`);
  return `<p class="totals">${parts.join(' · ')}</p>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d1d1f;background:#f5f5f7}
h1{font-size:1.4rem;margin:0 0 .25rem}.meta{color:#666;margin:0 0 .5rem}
.totals span{white-space:nowrap}.count.failed,.count.review{color:#b3261e;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px;margin-top:1rem}
.tile{background:#fff;border-radius:10px;padding:10px;box-shadow:0 1px 3px #0002;overflow-wrap:anywhere;border-top:4px solid #999}
.tile.completed{border-top-color:#2e7d32}.tile.failed,.tile.review{border-top-color:#b3261e}.tile.not_started{border-top-color:#f9a825}
.tile header{display:flex;justify-content:space-between;gap:8px;align-items:baseline}
.id{font-size:1rem;margin:0}.status{font-size:.8rem;text-transform:uppercase;color:#555;white-space:nowrap}
.facts{color:#666;font-size:.8rem;margin:.2rem 0}.error{background:#fdecea;color:#b3261e;padding:6px;border-radius:6px;margin:.4rem 0}
.output{margin-top:.5rem}.file{font-size:.8rem;color:#444}.type{color:#888}
.thumb{display:block;width:100%;max-height:220px;object-fit:contain;background:#eee;border-radius:6px}
.player{display:block;width:100%;max-height:220px;background:#000;border-radius:6px}audio{width:100%}
.excerpt{white-space:pre-wrap;background:#f0f0f3;padding:6px;border-radius:6px;max-height:160px;overflow:auto;font-size:.8rem;margin:.2rem 0}
.missing{color:#999}`;

/** The page (see the module's description) for `items`, in their order. */
export function renderReport(items: readonly ReportItem[], options: ReportOptions = {}): string {
  const title = escapeHtml(options.title ?? 'FLORA batch report');
  const generated = options.generatedAt ? `<p class="meta">Generated ${escapeHtml(options.generatedAt)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' file: data:; media-src 'self' file:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><h1>${title}</h1>${generated}${totalsHtml(items)}
<main class="grid">
${items.map(tileHtml).join('\n')}
</main></body></html>
`;
}
