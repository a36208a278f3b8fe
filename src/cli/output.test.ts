/**
 * Every output format shows server text inert (C0, DEL, C1, line separators, bidi controls as escapes)
 * and means what it received: JSON and YAML read back to the same value. A time out of the Date range
 * never crashes the summary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { format, table } from './output.js';
import { inline, safeJson, safeYaml } from './safe.js';

/** What must never reach a terminal raw (tab and newline aside, which JSON and YAML escape in strings anyway). */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'a\u009b31mred\u001b[2J\u0085next\u202egnp.exe\u2066x\u2069\u2028\u200f\u061c\u0007\u007f';

describe('output formats', () => {
  const run = { run_id: `run_${HOSTILE}`, status: HOSTILE, progress: 5, created_at: 1_767_225_600, [`x${HOSTILE}`]: [HOSTILE, { [HOSTILE]: HOSTILE }] };

  it.each(['json', 'yaml', 'pretty'] as const)('-o %s shows C0, C1 and bidi controls as escapes', (as) => {
    const out = format(run, as);
    expect(out).not.toMatch(UNSAFE);
    expect(out).toContain('\\u009b');
    expect(out).toContain('\\u202e');
  });

  it('JSON and YAML read back to exactly what was received', () => {
    expect(JSON.parse(format(run, 'json'))).toEqual(run);
    expect(parse(format(run, 'yaml'))).toEqual(run);
  });

  it('a line break in a value cannot forge a line of the summary or a table row', () => {
    const forged = { run_id: 'run_1\nstatus: completed', status: 'failed' };
    expect(format(forged, 'pretty').split('\n')).toHaveLength(2);
    expect(table([forged], ['run_id', 'status']).split('\n')).toHaveLength(2);
  });

  it.each([1e20, -1e20, 8.64e15 + 1, Number.MAX_SAFE_INTEGER])('-o pretty and tables show created_at %d (outside the Date range) as the number, never crash', (t) => {
    expect(format({ run_id: 'r', created_at: t }, 'pretty')).toContain(`created_at: ${t}`);
    expect(table([{ run_id: 'r', created_at: t }], ['run_id', 'created_at'])).toContain(String(t));
  });

  it('generated values: every format is inert, and JSON and YAML mean the same value', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const value = fc.dictionary(text, fc.oneof(text, fc.double(), fc.integer(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 3 })), { maxKeys: 6 });
    fc.assert(
      fc.property(value, (v) => {
        for (const as of ['json', 'yaml', 'pretty'] as const) expect(format(v, as)).not.toMatch(UNSAFE);
        // Lone surrogates aside (JSON writes them as escapes, YAML as the character): the same value back.
        expect(JSON.parse(safeJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
        expect(parse(safeYaml(v))).toEqual(JSON.parse(JSON.stringify(v)));
        for (const s of Object.keys(v)) expect(inline(s)).not.toMatch(/[\n\t]|[\u0000-\u001f]/);
      }),
      { seed: 23, numRuns: 50 },
    );
  });
});
