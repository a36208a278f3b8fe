/**
 * Redaction, in one place: the API key (and any other secret the client is given) never reaches a log
 * line, an error, a URL, a header (name or value) or data handed back, even when a server, a proxy or a
 * fetch wrapper echoes it. A secret is found as it is (in any letter case: a header name or a host name
 * is lower-cased on the way), inside base64 (standard or URL-safe, at any offset) and behind JSON
 * escapes and percent-encoding, one within another (`spellings.ts`); then anything shaped like a bearer
 * credential is removed from text (not from data). Text that held an escaped or encoded secret is shown
 * decoded, with the secret replaced.
 */
import { base64Cores, ENCODED, layers } from './spellings.js';

const BEARER = /(Bearer\s+)[^\s"',;]+/gi;
const HAS_BEARER = /Bearer\s+[^\s"',;]/i;
const MARK = '[redacted]';
/** What replaces a secret in a header name, which cannot hold brackets. */
const NAME_MARK = 'redacted';
/** Characters a header value cannot carry (a decoded view may hold them). */
const NOT_IN_HEADER = /[\0\r\n]|[^\0-\u00ff]/g;
/** Past this depth a value is not walked (`value` refuses it): nothing the client keeps nests so deep. */
const MAX_DEPTH = 256;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Removes a client's secrets from text, URLs, headers, answers and errors. */
export class Redactor {
  /** Finds any spelling of any secret (non-global: `test` keeps no state). */
  readonly #find: RegExp | undefined;
  readonly #replace: RegExp | undefined;
  /**
   * The characters a secret spelled behind escapes is made of: the secrets' own (either case), escape
   * characters and hex digits. Only runs of them around an escape, at least as long as the shortest
   * secret, are decoded, so a large body costs one scan, not a decoding of the whole of it.
   */
  readonly #runChars = new Set<number>();
  #shortest = Infinity;

  constructor(secrets: readonly (string | undefined)[]) {
    const forms = new Set<string>();
    for (const c of '\\%/"0123456789abcdefABCDEFuUbfnrt') this.#runChars.add(c.charCodeAt(0));
    for (const s of secrets) {
      if (typeof s !== 'string' || s.length === 0) continue;
      forms.add(s);
      for (const core of base64Cores(s)) forms.add(core);
      for (const c of `${s.toLowerCase()}${s.toUpperCase()}`) this.#runChars.add(c.charCodeAt(0));
      this.#shortest = Math.min(this.#shortest, s.length);
    }
    // Longest first, so a secret that contains another is replaced whole.
    const source = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
    this.#find = source ? new RegExp(source, 'i') : undefined;
    this.#replace = source ? new RegExp(source, 'gi') : undefined;
  }

  /** Whether `text` holds one of the secrets, in any spelling this class knows. */
  holdsSecret(text: string): boolean {
    if (!this.#find) return false;
    if (this.#find.test(text)) return true;
    if (!ENCODED.test(text)) return false;
    for (const [start, end] of this.#encodedRuns(text)) if (layers(text.slice(start, end)).some((layer) => this.#find!.test(layer))) return true;
    return false;
  }

  /** Where `text` has runs that could spell a secret behind escapes: [start, end) of each, in order. Linear. */
  #encodedRuns(text: string): [number, number][] {
    const runs: [number, number][] = [];
    const inRun = (i: number) => this.#runChars.has(text.charCodeAt(i));
    let backslash = text.indexOf('\\');
    let percent = text.indexOf('%');
    while (backslash >= 0 || percent >= 0) {
      const at = backslash < 0 ? percent : percent < 0 ? backslash : Math.min(backslash, percent);
      let start = at;
      let end = at + 1;
      while (start > 0 && inRun(start - 1)) start--;
      while (end < text.length && inRun(end)) end++;
      if (end - start >= this.#shortest) runs.push([start, end]);
      if (backslash >= 0 && backslash < end) backslash = text.indexOf('\\', end);
      if (percent >= 0 && percent < end) percent = text.indexOf('%', end);
    }
    return runs;
  }

  /**
   * `text` with every secret, then every bearer credential, replaced by `[redacted]`. Text that
   * held a secret behind escapes or percent-encoding is shown decoded.
   */
  text(text: string): string {
    let out = text;
    if (this.#replace) {
      if (this.#find!.test(out)) out = out.replace(this.#replace, MARK);
      // A run that spells a secret behind escapes is shown decoded as far as needed, layer by layer.
      if (ENCODED.test(out)) {
        let shown = '';
        let last = 0;
        for (const [start, end] of this.#encodedRuns(out)) {
          shown += out.slice(last, start) + this.#decodedRun(out.slice(start, end));
          last = end;
        }
        out = shown + out.slice(last);
      }
    }
    return HAS_BEARER.test(out) ? out.replace(BEARER, `$1${MARK}`) : out;
  }

  /** A run of text with every secret spelled in it behind escapes replaced (decoded where it held one). */
  #decodedRun(run: string): string {
    let out = run;
    for (let i = 0; i < 8 && ENCODED.test(out); i++) {
      const plain = layers(out).find((layer) => this.#find!.test(layer));
      if (plain === undefined) break;
      out = plain.replace(this.#replace!, MARK);
    }
    return out;
  }

  /** A URL as it may be shown: credentials (userinfo) removed whatever they are, then redacted as text. */
  url(url: string): string {
    let out = url;
    try {
      const u = new URL(url);
      if (u.username || u.password) {
        u.username = '';
        u.password = '';
        out = u.href;
      }
    } catch {
      // Not a URL: redacted as text.
    }
    return this.text(out);
  }

  /**
   * An answer's body with the secrets removed: JSON stays JSON (its strings and names redacted, then
   * written again), other text is redacted as text. The same string when clean.
   */
  body(text: string): string {
    if (!this.holdsSecret(text)) return text;
    try {
      return JSON.stringify(this.value(JSON.parse(text)));
    } catch {
      return this.text(text);
    }
  }

  /**
   * A parsed value with the secrets removed from every string and property name in it: the same value
   * when clean, else a copy of the parts that change. Throws `RangeError` past 256 levels.
   */
  value<T>(value: T): T {
    const clean = (v: unknown, depth: number): unknown => {
      if (typeof v === 'string') return this.holdsSecret(v) ? this.text(v) : v;
      if (v === null || typeof v !== 'object') return v;
      if (depth > MAX_DEPTH) throw new RangeError(`nested deeper than ${MAX_DEPTH} levels`);
      if (Array.isArray(v)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < v.length; i++) {
          const c = clean(v[i], depth + 1);
          if (c !== v[i]) (copy ??= v.slice())[i] = c;
        }
        return copy ?? v;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
      let changed = false;
      const entries = Object.entries(v).map(([k, x]) => {
        const ck = this.holdsSecret(k) ? this.text(k) : k;
        const cx = clean(x, depth + 1);
        changed ||= ck !== k || cx !== x;
        return [ck, cx] as const;
      });
      return changed ? Object.fromEntries(entries) : v;
    };
    return clean(value, 0) as T;
  }

  /** `headers`, or a copy with the secrets redacted from its names and values when one holds them. */
  headers(headers: Headers): Headers {
    let leaks = false;
    headers.forEach((v, k) => {
      leaks ||= this.holdsSecret(v) || this.holdsSecret(k);
    });
    if (!leaks) return headers;
    const clean = new Headers();
    headers.forEach((v, k) => {
      const name = this.holdsSecret(k) ? NAME_MARK : k;
      // A decoded view may hold what a header cannot: shown as `?`.
      clean.append(name, this.text(v).replace(NOT_IN_HEADER, '?'));
    });
    return clean;
  }

  /**
   * `response`, or an empty copy with the secrets redacted from its headers, status text and URL when
   * they hold them (its body has been read). The copy keeps the URL, redacted and without credentials.
   */
  response(response: Response): Response {
    const headers = this.headers(response.headers);
    const url = response.url;
    if (headers === response.headers && !this.holdsSecret(response.statusText) && !this.#urlLeaks(url)) return response;
    const status = response.status >= 200 && response.status <= 599 ? response.status : 500;
    const copy = new Response(null, { status, statusText: this.text(response.statusText).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'), headers });
    Object.defineProperty(copy, 'url', { value: url ? this.url(url) : url, enumerable: false });
    if (status !== response.status) Object.defineProperty(copy, 'status', { value: response.status, enumerable: false });
    return copy;
  }

  #urlLeaks(url: string): boolean {
    if (!url) return false;
    if (this.holdsSecret(url)) return true;
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
  }

  /** A one-line description of a platform error (a fetch failure): its message and its cause's code or message, redacted. */
  describe(err: unknown): string {
    const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
    const base = err instanceof Error ? err.message : String(err);
    const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
    return this.text(detail ? `${base} (${detail})` : base);
  }

  /**
   * A copy of a platform error safe to keep as a cause: name, message, `code` and causes (a few levels
   * deep), redacted, and nothing else. The original is never kept, since a caller's fetch may hang the
   * Request, and so the Authorization header, on it.
   */
  error(err: unknown, depth = 3): Error {
    const source = (err ?? {}) as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
    const message = typeof source.message === 'string' ? source.message : String(err);
    const copy = new Error(this.text(message), depth > 1 && source.cause !== undefined ? { cause: this.error(source.cause, depth - 1) } : undefined);
    copy.name = typeof source.name === 'string' ? this.text(source.name) : 'Error';
    if (typeof source.code === 'string') Object.assign(copy, { code: this.text(source.code) });
    copy.stack = `${copy.name}: ${copy.message}`;
    return copy;
  }

  /**
   * An error of the client's own, about to be thrown, with the secrets removed wherever it keeps text:
   * message, stack, every property (strings, headers, responses, bodies, fields) and its causes. The
   * last line of defence: whatever a server put where, the caller never sees a secret.
   */
  thrown<E>(err: E, depth = 4): E {
    if (!(err instanceof Error) || depth === 0) return err;
    const target = err as unknown as Record<string, unknown>;
    const set = (key: string, v: unknown) => Object.defineProperty(target, key, { value: v, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(target, key) });
    if (this.holdsSecret(err.message) || HAS_BEARER.test(err.message)) set('message', this.text(err.message));
    if (typeof err.stack === 'string' && (this.holdsSecret(err.stack) || HAS_BEARER.test(err.stack))) set('stack', this.text(err.stack));
    for (const key of Object.keys(target)) {
      const v = target[key];
      let clean: unknown = v;
      if (typeof v === 'string') clean = this.holdsSecret(v) ? this.text(v) : v;
      else if (v instanceof Headers) clean = this.headers(v);
      else if (v instanceof Response) clean = this.response(v);
      else if (v instanceof Error) clean = this.thrown(v, depth - 1);
      else if (typeof v === 'object' && v !== null) {
        try {
          clean = this.value(v);
        } catch {
          clean = '(not kept: nested too deep)';
        }
      }
      if (clean !== v) set(key, clean);
    }
    if (err.cause instanceof Error) this.thrown(err.cause, depth - 1);
    else if (typeof err.cause === 'string' && this.holdsSecret(err.cause)) set('cause', this.text(err.cause));
    return err;
  }
}
