/** Printing results as JSON, YAML or a short human summary; server text never acts on the terminal. */
import { inline, safeJson, safeYaml } from './safe.js';

export type OutputFormat = 'json' | 'yaml' | 'pretty';

/** A field's value for a person: times as ISO dates, durations in seconds, the rest as it is. */
function shown(key: string, v: unknown): string {
  // Unix seconds (milliseconds from webhooks and anything past 2286 in seconds) as an ISO date.
  if (key.endsWith('_at') && typeof v === 'number' && Number.isFinite(v)) {
    const time = new Date(v > 1e11 ? v : v * 1000);
    // A time the Date range cannot hold is shown as the number it is, never a crash of the view.
    if (!Number.isNaN(time.getTime())) return time.toISOString().replace(/\.000Z$/, 'Z');
  }
  if (key.endsWith('_seconds') && typeof v === 'number') return `${v} s`;
  return String(v);
}

/** A value inside a line: text as it is, anything else as JSON. */
const part = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/**
 * One item of a list for a person: a run's output (`imageUrl https://... (output_1)`), an input or output of a
 * technique's definition (`prompt (text) Prompt`, `reference (imageUrl, optional) Reference image`), anything
 * else as `key=value` pairs.
 */
function item(v: unknown): string {
  if (v === null || typeof v !== 'object') return part(v);
  const o = v as Record<string, unknown>;
  if (typeof o.url === 'string') return `${part(o.type)} ${o.url}${o.output_id === undefined ? '' : ` (${part(o.output_id)})`}`;
  if (typeof o.id === 'string' && typeof o.type === 'string') {
    const rest = Object.entries(o).filter(([k]) => !['id', 'type', 'name', 'optional'].includes(k));
    return [`${o.id} (${o.type}${o.optional === true ? ', optional' : ''})`, ...(typeof o.name === 'string' ? [o.name] : []), ...rest.map(([k, x]) => `${k}=${part(x)}`)].join(' ');
  }
  return Object.entries(o).map(([k, x]) => `${k}=${part(x)}`).join(' ');
}

/** Every line of the summary is one line: server text in it shows line breaks and controls as escapes. */
function pretty(value: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      if (v.length === 0) lines.push(inline(`${key}: (none)`));
      else if (v.every((x) => x === null || typeof x !== 'object')) lines.push(inline(`${key}: ${v.map(part).join(', ')}`));
      else lines.push(inline(`${key}:`), ...v.map((x) => `  - ${inline(item(x))}`));
    } else if (v !== null && typeof v === 'object') {
      lines.push(inline(`${key}: ${item(v)}`));
    } else {
      lines.push(inline(`${key}: ${shown(key, v)}`));
    }
  }
  return lines.join('\n');
}

/**
 * `value` as `as`: JSON on one line (JSON lines: a result a line, whether one or a list, for `jq` and line
 * readers), YAML, or the summary. In every format a control character from a server is shown as an escape
 * (JSON.stringify and YAML leave C1, separators and bidi controls raw).
 */
export function format(value: Record<string, unknown>, as: OutputFormat): string {
  if (as === 'yaml') return safeYaml(value).trimEnd();
  if (as === 'pretty') return pretty(value);
  return safeJson(value);
}

/** `rows` as a plain-text table of `columns`, times and durations shown as in the summary. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = [columns.map((c) => c.toUpperCase()), ...rows.map((r) => columns.map((c) => (r[c] === undefined || r[c] === null ? '' : inline(shown(c, r[c])))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
