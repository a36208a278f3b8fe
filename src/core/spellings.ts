/**
 * The spellings of a secret a server or a proxy can plausibly produce, for `redact.ts` to find: behind
 * JSON string escapes and percent-encoding (one inside another, layer by layer), and inside base64 of any
 * text that holds it. Plain code, no Node API: the client runs in browsers and edge runtimes too.
 */

const ESCAPE = /\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g;
const SIMPLE: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const PERCENT = /(?:%[0-9a-fA-F]{2})+/g;
/** Whether text has an escape or a percent-encoding to look behind. */
export const ENCODED = /[\\%]/;

/** `text` with its JSON string escapes (`\/`, `\u0041`, ...) undone: how a reader of it sees it. */
const unescape = (text: string) => text.replace(ESCAPE, (_, hex: string | undefined, c: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : SIMPLE[c!]!));

/** `text` with its percent-encoding undone (as UTF-8 where it is, byte by byte where it is not). */
function percentDecode(text: string): string {
  return text.replace(PERCENT, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
  });
}

/**
 * `text` with JSON escapes and percent-encoding undone, layer by layer, a few layers deep (an escaped
 * URL in a JSON string in a URL...): each layer, since decoding one too many can hide a secret again (a
 * secret holding `%A0`, say).
 */
export function layers(text: string): string[] {
  const out: string[] = [];
  let current = text;
  for (let i = 0; i < 4 && ENCODED.test(current); i++) {
    for (const next of [unescape(current), percentDecode(current)]) if (next !== current && !out.includes(next)) out.push(next);
    const both = percentDecode(unescape(current));
    if (both === current) break;
    if (!out.includes(both)) out.push(both);
    current = both;
  }
  return out;
}

/**
 * The part of the base64 of any text holding `secret` that depends on the secret alone, for each of the
 * three alignments it can start at: whatever surrounds it, its base64 holds one of these. Standard and
 * URL-safe alphabets. Only long enough ones: a short one could match by chance.
 */
export function base64Cores(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    // btoa, not Buffer: the client runs in browsers and edge runtimes too.
    let binary = '\0'.repeat(pad);
    for (const b of bytes) binary += String.fromCharCode(b);
    const text = btoa(binary);
    // Characters whose 6 bits lie wholly inside the secret's bytes.
    const first = Math.ceil((8 * pad) / 6);
    const last = Math.floor((8 * (pad + bytes.length) - 6) / 6);
    const core = text.slice(first, last + 1);
    if (core.length >= 8) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}
