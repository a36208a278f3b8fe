/**
 * The part of `generated/validators.ts` that reads problems by field path pattern (`problemPatterns`):
 * runtime code emitted as it is, kept apart from the schema compiler in `generate-validators.ts`.
 */

/** The lines of `problemPatterns` (and `liveProblemPatterns` when the file has a live layer). */
export function patternLines(live: boolean): string[] {
  return [
    '/** A problem shared by every field of one path pattern: `field` is the first of them, `count` how many there are. */',
    'export interface ProblemPattern extends SchemaProblem {',
    '  /** The path with its array indexes left out: `outputs[].type`. */',
    '  pattern: string;',
    '  count: number;',
    '}',
    '',
    '/**',
    ' * The problems of `data` against `name` by field path pattern (`outputs[3].type` and `outputs[7].type` are',
    ' * one, `outputs[].type`) and kind (a tolerable and a fatal problem of one pattern are two), in the order',
    ' * first found; at most `max` patterns, and when more are found, one more saying whether any of them is',
    ' * fatal. Memory stays bounded however large `data` is: what a reader of a large answer needs.',
    ' */',
    'export function problemPatterns(name: SchemaName, data: unknown, max = 50): ProblemPattern[] {',
    '  return patternsOf(CHECKS[name], data, max);',
    '}',
    '',
    ...(live
      ? [
          '/** `problemPatterns` as the live layer has them (`liveSchemaProblems`). */',
          'export function liveProblemPatterns(name: LiveSchemaName, data: unknown, max = 50): ProblemPattern[] {',
          '  return patternsOf(LIVE_CHECKS[name], data, max);',
          '}',
          '',
        ]
      : []),
    'function patternsOf(check: Check, data: unknown, max: number): ProblemPattern[] {',
    '  if (check(data)) return [];',
    '  const out = new Map<string, ProblemPattern>();',
    '  let more: ProblemPattern | undefined;',
    '  check(data, {',
    '    push([f, message, tolerable]) {',
    "      const field = f || '(body)';",
    "      const pattern = field.replace(/\\[\\d+\\]/g, '[]');",
    "      const key = `${tolerable ? 't' : 'f'}${pattern}`;",
    '      const seen = out.get(key);',
    '      if (seen) seen.count++;',
    '      else if (out.size < max) out.set(key, { field, message, tolerable, pattern, count: 1 });',
    "      else if (!more || (more.tolerable && !tolerable)) more = { field, message, tolerable, pattern: '(more)', count: (more?.count ?? 0) + 1 };",
    '      else more.count++;',
    '    },',
    '  });',
    '  return more ? [...out.values(), more] : [...out.values()];',
    '}',
    '',
  ];
}
