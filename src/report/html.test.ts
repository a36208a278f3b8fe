/** The batch report page: escaping of every string it is given (generated adversaries), and what it shows. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, pathHref, renderReport, type ReportItem } from './html.js';

/** Strings built to break out of HTML: tags, quotes, entities, scripts, schemes, controls, lone surrogates. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('<', '>', '"', "'", '`', '&', '/', '\\', ':', '=', ' ', 'script', 'img', 'javascript', 'onerror', '\0', '\u2028', '\uD800', '#', '?', '%'), maxLength: 16 }),
  fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert('x')", '//evil.example/x.png', 'C:\\out\\a.png', '&lt;b&gt;', '</pre><b>', ''),
);

const file = fc.record(
  { output_id: hostile, type: fc.oneof(fc.constantFrom('imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl'), hostile), path: fc.option(hostile, { nil: undefined }), url: fc.option(hostile, { nil: undefined }), excerpt: fc.option(hostile, { nil: undefined }) },
  { requiredKeys: ['output_id', 'type'] },
);
const item: fc.Arbitrary<ReportItem> = fc.record(
  {
    id: hostile,
    status: fc.oneof(fc.constantFrom('completed', 'failed', 'review', 'not_started'), hostile),
    run_id: fc.option(hostile, { nil: null }),
    charged_cost: fc.option(fc.oneof(fc.double(), fc.constant(0.04)), { nil: null }),
    error: fc.option(fc.record({ code: hostile, message: hostile }), { nil: undefined }),
    files: fc.array(file, { maxLength: 3 }),
  },
  { requiredKeys: ['id', 'status'] },
);

/** Every tag the page may have, with the attributes it may carry. */
const TAGS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'p', 'span', 'main', 'article', 'header', 'div', 'b', 'pre', 'a', 'img', 'video', 'audio']);
const ATTRIBUTES = new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'data-status', 'role', 'href', 'src', 'alt', 'loading', 'controls', 'preload', 'title', 'rel']);

/** What is wrong with the page's markup: a tag or attribute not of ours, a value that could hold a quote or a bracket, an address with a scheme of the input's choosing. */
function markupProblems(html: string): string[] {
  const problems: string[] = [];
  const body = html.replace(/<style>[^<]*<\/style>/, '<style></style>');
  for (const token of body.split(/(<[^>]*>)/)) {
    if (!token.startsWith('<')) {
      if (/[<>]/.test(token)) problems.push(`bracket in text: ${token}`);
      continue;
    }
    if (token === '<!doctype html>') continue;
    const m = /^<\/?([a-z0-9]+)((?:\s[a-z-]+(?:="[^"<>`]*")?)*)>$/.exec(token);
    if (!m || !TAGS.has(m[1]!)) problems.push(`tag: ${token}`);
    for (const [, name] of m?.[2]!.matchAll(/\s([a-z-]+)(?:="[^"]*")?/g) ?? []) if (!ATTRIBUTES.has(name!)) problems.push(`attribute ${name}: ${token}`);
  }
  // A loaded or linked address is a file URL, a plain http(s) URL (outputs not downloaded), or relative (no scheme).
  for (const [, url] of body.matchAll(/\s(?:href|src)="([^"]*)"/g)) if (!/^(file:\/\/\/|https?:\/\/)/i.test(url!) && /^[^/]*:/.test(url!)) problems.push(`address: ${url}`);
  return problems;
}

describe('renderReport', () => {
  it('escapes every string it is given: only its own tags and attributes, one tile per item, no address with a scheme of the input\'s choosing', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), hostile, (items, title) => {
        const html = renderReport(items, { title, generatedAt: title });
        expect(markupProblems(html)).toEqual([]);
        expect(html.match(/<article /g)?.length ?? 0).toBe(items.length);
        expect(items.filter((i) => !html.includes(`<h2 class="id">${escapeHtml(i.id)}</h2>`))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it("shows each item's status, run, cost and error, its outputs by kind, and the batch's totals", () => {
    const html = renderReport([
      { id: 'shot-1', status: 'completed', run_id: 'run_a', charged_cost: 0.04, files: [{ output_id: 'output_1', type: 'imageUrl', path: 'out/shot-1.output_1.png' }, { output_id: 'output_2', type: 'text', path: 'out/shot-1.output_2.txt', excerpt: 'A <b>bold</b> fox' }] },
      { id: 'shot-2', status: 'completed', run_id: 'run_b', charged_cost: 0.5, files: [{ output_id: 'output_1', type: 'videoUrl', path: 'out/shot 2#.output_1.mp4' }, { output_id: 'output_2', type: 'audioUrl', url: 'https://cdn.example/a.mp3' }] },
      { id: 'shot-3', status: 'failed', run_id: 'run_c', charged_cost: 0, error: { code: 'provider_error', message: 'The provider failed <again>.' } },
      { id: 'shot-4', status: 'not_started', run_id: null, charged_cost: null },
    ]);
    expect(html).toContain('<img class="thumb" src="out/shot-1.output_1.png"');
    expect(html).toContain('<pre class="excerpt">A &lt;b&gt;bold&lt;/b&gt; fox</pre>');
    expect(html).toContain('<video class="player" src="out/shot%202%23.output_1.mp4" controls');
    expect(html).toContain('<a class="remote" href="https://cdn.example/a.mp3" rel="noreferrer">not downloaded: open</a>');
    expect(html).toContain('<div class="error" role="alert"><b>provider_error</b> The provider failed &lt;again&gt;.</div>');
    expect(html).toContain('4 items</span> · <span class="count completed">2 completed</span> · <span class="count failed">1 failed</span> · <span class="count not_started">1 not_started</span> · <span class="spent">$0.54 charged</span> · <span class="files">3 files downloaded</span>');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none';/);
    expect(html).not.toMatch(/<script/i);
  });

  it('turns paths into addresses that stay paths', () => {
    expect(pathHref('out/a b#c?.png')).toBe('out/a%20b%23c%3F.png');
    expect(pathHref('javascript:alert(1)')).toBe('javascript%3Aalert(1)');
    expect(pathHref('/tmp/out/x.png')).toBe('file:///tmp/out/x.png');
    expect(pathHref('//evil.example/share/x.png')).toBe('file:///evil.example/share/x.png');
    expect(pathHref('C:\\Users\\me\\x.png')).toBe('file:///C:/Users/me/x.png');
    expect(pathHref('out\\x.png')).toBe('out/x.png');
    expect(pathHref('a\uD800.png')).toBe('a%EF%BF%BD.png');
  });
});
