/**
 * Parsing `--input` values. FLORA's own CLI takes `--input '{id: prompt, type: text, value: "a red fox"}'`,
 * which is YAML flow syntax; JSON is YAML too, so one parser takes both. A syntax error says where.
 */
import { parse, YAMLParseError } from 'yaml';

/** A usage error: bad flags or values. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses a YAML/JSON mapping given to `flag`; `what` names it in errors (e.g. `--input #2`). */
export function parseMapping(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse(text, { prettyErrors: true, strict: true, uniqueKeys: true });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      const where = pos ? (text.includes('\n') ? `line ${pos.line}, column ${pos.col}` : `column ${pos.col}`) : 'an unknown position';
      const reason = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new UsageError(`${what} is not valid YAML or JSON at ${where}: ${reason}\n  ${text}\n  ${' '.repeat(Math.max(0, (pos?.col ?? 1) - 1))}^`);
    }
    throw err;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${what} must be a mapping like {id: prompt, type: text, value: "a red fox"}, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/** `key=value` pairs into a map; values that parse as JSON (numbers, booleans, objects) are taken as such. */
export function parsePairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--input ${JSON.stringify(pair)} must be key=value`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[pair.slice(0, at)] = value;
  }
  return out;
}
