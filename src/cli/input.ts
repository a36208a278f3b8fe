/**
 * Parsing `--input` values. FLORA's own CLI takes `--input '{id: prompt, type: text, value: "a red fox"}'`,
 * which is YAML flow syntax; JSON is YAML too, so one parser takes both. A syntax error says where.
 */
import { parseDocument } from 'yaml';

/** A usage error: bad flags or values. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Aliases (`*a`) a value may use: a handful serve a person; thousands are an attack on memory. */
const MAX_ALIASES = 20;

/** The path of the first part of `value` that JSON cannot carry (a Set, bytes, a date, `__proto__`), if any. */
function notJson(value: unknown, at: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at} (${value})`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = notJson(value[i], `${at}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__') return `${at}.__proto__ (a key the client refuses)`;
      const bad = notJson(v, at ? `${at}.${k}` : k);
      if (bad) return bad;
    }
    return undefined;
  }
  return `${at || 'the value'} (${value instanceof Uint8Array ? 'bytes' : value instanceof Set ? 'a set' : value instanceof Date ? 'a date' : typeof value})`;
}

/** Parses a YAML/JSON mapping given to `flag`; `what` names it in errors (e.g. `--input #2`). */
export function parseMapping(text: string, what: string): Record<string, unknown> {
  const doc = parseDocument(text, { prettyErrors: true, strict: true, uniqueKeys: true });
  // Warnings (an unknown tag, say) would otherwise let a value through that means something else.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const where = pos ? (text.includes('\n') ? `line ${pos.line}, column ${pos.col}` : `column ${pos.col}`) : 'an unknown position';
    const reason = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UsageError(`${what} is not valid YAML or JSON at ${where}: ${reason}\n  ${text}\n  ${' '.repeat(Math.max(0, (pos?.col ?? 1) - 1))}^`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new UsageError(`${what} could not be read: ${err instanceof Error ? err.message : String(err)} (at most ${MAX_ALIASES} aliases)`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${what} must be a mapping like {id: prompt, type: text, value: "a red fox"}, got ${JSON.stringify(value)}`);
  }
  const bad = notJson(value, '');
  if (bad) throw new UsageError(`${what} holds a value JSON cannot carry: ${bad}`);
  return value as Record<string, unknown>;
}

/** `key=value` pairs into a map; values that parse as JSON (numbers, booleans, objects) are taken as such. */
export function parsePairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--input ${JSON.stringify(pair)} must be key=value`);
    if (pair.slice(0, at) === '__proto__') throw new UsageError(`--input ${JSON.stringify(pair)}: __proto__ is a key the client refuses`);
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
