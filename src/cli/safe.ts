/**
 * Text from a server on a terminal: control characters (ANSI and OSC escape sequences, bells, carriage
 * returns) are shown as escapes instead of acting on the terminal, and values put into a suggested command
 * are quoted for the shell.
 */

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `text` with every control character but tab and newline shown as `\uXXXX`. */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `value` as one shell word: as it is when it is plainly safe, else single-quoted. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${visible(value).replace(/'/g, `'\\''`)}'`;
}
