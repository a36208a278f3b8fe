/** Printing results as JSON, YAML or a short human summary; server text never acts on the terminal. */
import { stringify } from 'yaml';
import { visible } from './safe.js';

export type OutputFormat = 'json' | 'yaml' | 'pretty';

/** A field's value for a person: times as ISO dates, durations in seconds, the rest as it is. */
function shown(key: string, v: unknown): string {
  // Unix seconds (milliseconds from webhooks and anything past 2286 in seconds) as an ISO date.
  if (key.endsWith('_at') && typeof v === 'number' && Number.isFinite(v)) return new Date(v > 1e11 ? v : v * 1000).toISOString().replace(/\.000Z$/, 'Z');
  if (key.endsWith('_seconds') && typeof v === 'number') return `${v} s`;
  return String(v);
}

/** A value inside a line: text as it is, anything else as JSON. */
const inline = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/**
 * One item of a list for a person: a run's output (`imageUrl https://... (output_1)`), an input or output of a
 * technique's definition (`prompt (text) Prompt`, `reference (imageUrl, optional) Reference image`), anything
 * else as `key=value` pairs.
 */
function item(v: unknown): string {
  if (v === null || typeof v !== 'object') return inline(v);
  const o = v as Record<string, unknown>;
  if (typeof o.url === 'string') return `${inline(o.type)} ${o.url}${o.output_id === undefined ? '' : ` (${inline(o.output_id)})`}`;
  if (typeof o.id === 'string' && typeof o.type === 'string') {
    const rest = Object.entries(o).filter(([k]) => !['id', 'type', 'name', 'optional'].includes(k));
    return [`${o.id} (${o.type}${o.optional === true ? ', optional' : ''})`, ...(typeof o.name === 'string' ? [o.name] : []), ...rest.map(([k, x]) => `${k}=${inline(x)}`)].join(' ');
  }
  return Object.entries(o).map(([k, x]) => `${k}=${inline(x)}`).join(' ');
}

function pretty(value: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      if (v.length === 0) lines.push(`${key}: (none)`);
      else if (v.every((x) => x === null || typeof x !== 'object')) lines.push(`${key}: ${v.map(inline).join(', ')}`);
      else lines.push(`${key}:`, ...v.map((x) => `  - ${item(x)}`));
    } else if (v !== null && typeof v === 'object') {
      lines.push(`${key}: ${item(v)}`);
    } else {
      lines.push(`${key}: ${shown(key, v)}`);
    }
  }
  return visible(lines.join('\n'));
}

/**
 * `value` as `as`: JSON on one line (JSON lines: a result a line, whether one or a list, for `jq` and line
 * readers), YAML, or the summary. JSON and YAML escape control characters themselves, the summary shows them
 * as escapes.
 */
export function format(value: Record<string, unknown>, as: OutputFormat): string {
  if (as === 'yaml') return stringify(value).trimEnd();
  if (as === 'pretty') return pretty(value);
  return JSON.stringify(value);
}

/** `rows` as a plain-text table of `columns`, times and durations shown as in the summary. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = [columns.map((c) => c.toUpperCase()), ...rows.map((r) => columns.map((c) => (r[c] === undefined || r[c] === null ? '' : shown(c, r[c]))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return visible(cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n'));
}
