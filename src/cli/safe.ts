/**
 * Text from a server on a terminal, in every output format: control characters (C0 such as ESC and
 * BEL, DEL, C1 such as the 8-bit CSI U+009B, line and paragraph separators) and the bidirectional
 * controls that reorder what a reader sees (Trojan Source) are shown as escapes instead of acting on the
 * terminal; values put into a suggested command are quoted for the shell. JSON and YAML stay valid and
 * mean the same: the escapes are their own.
 */
import { Document, visit } from 'yaml';

/** Characters that act on a terminal or reorder text, tab and newline aside. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, tab and newline included: what one line or one table cell must not hold. */
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const HAS_CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every control character but tab and newline shown as `\uXXXX`. */
export function visible(text: string): string {
  return text.replace(CONTROL, escape);
}

/** `text` as one line (a field of a summary, a table cell): tabs and line breaks shown as escapes too. */
export function inline(text: string): string {
  return text.replace(CONTROL_OR_BREAK, escape);
}

/** `value` as JSON (`indent` spaces, or one line), with every control character escaped (JSON.stringify leaves DEL, C1 and the bidi controls raw). */
export function safeJson(value: unknown, indent?: number): string {
  return visible(JSON.stringify(value, null, indent));
}

/**
 * `value` as YAML, with every control character escaped: a string holding one is written double-quoted
 * (where YAML has `\uXXXX` escapes), then the characters the library leaves raw are escaped.
 */
export function safeYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && HAS_CONTROL_OR_BREAK.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  // Only double-quoted scalars can still hold such characters, and there `\uXXXX` means the character.
  return visible(String(doc));
}

/** `value` as one shell word: as it is when it is plainly safe, else single-quoted. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${inline(value).replace(/'/g, `'\\''`)}'`;
}
