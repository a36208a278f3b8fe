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

/** Every line of the summary is one line: server text in it shows line breaks and controls as escapes. */
function pretty(value: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'outputs' && Array.isArray(v)) {
      lines.push('outputs:');
      for (const o of v as { output_id: unknown; type: unknown; url: unknown }[]) lines.push(`  - ${inline(`${String(o?.type)} ${String(o?.url)} (${String(o?.output_id)})`)}`);
    } else if (v !== null && typeof v === 'object') {
      lines.push(inline(`${key}: ${Object.entries(v).map(([k, x]) => `${k}=${String(x)}`).join(' ')}`));
    } else {
      lines.push(inline(`${key}: ${shown(key, v)}`));
    }
  }
  return lines.join('\n');
}

/** `value` as `as`; in every format a control character from a server is shown as an escape. */
export function format(value: Record<string, unknown>, as: OutputFormat): string {
  if (as === 'yaml') return safeYaml(value).trimEnd();
  if (as === 'pretty') return pretty(value);
  return safeJson(value, 2);
}

/** `rows` as a plain-text table of `columns`, times and durations shown as in the summary. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = [columns.map((c) => c.toUpperCase()), ...rows.map((r) => columns.map((c) => (r[c] === undefined || r[c] === null ? '' : inline(shown(c, r[c])))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
