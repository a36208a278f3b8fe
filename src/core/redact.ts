/**
 * Redaction, in one place: the API key (and any other secret the client is given) never reaches a log
 * line, an error, or data handed back, even when a server or a fetch wrapper echoes it. The exact
 * secrets are replaced first, then anything shaped like a bearer credential.
 */

const BEARER = /(Bearer\s+)[^\s"',;]+/gi;
const MARK = '[redacted]';
const ESCAPE = /\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g;
const SIMPLE: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** `text` with its JSON string escapes (`\/`, `\u0041`, ...) undone: how a reader of it sees it. */
const unescape = (text: string) => text.replace(ESCAPE, (_, hex: string | undefined, c: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : SIMPLE[c!]!));

/** Removes a client's secrets from text, headers and errors. */
export class Redactor {
  readonly #secrets: readonly string[];

  constructor(secrets: readonly (string | undefined)[]) {
    // Longest first, so a secret that contains another is replaced whole.
    this.#secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0).sort((a, b) => b.length - a.length);
  }

  /** Whether `text` holds one of the secrets as it is. */
  holdsSecret(text: string): boolean {
    for (const s of this.#secrets) if (text.includes(s)) return true;
    return false;
  }

  /**
   * `text` with every secret, then every bearer credential, replaced by `[redacted]`. A secret spelled
   * with JSON escapes (`\/`, `\u0066`, as PHP's json_encode writes) counts: such text is shown unescaped.
   */
  text(text: string): string {
    let out = text;
    if (out.includes('\\')) {
      const plain = unescape(out);
      if (this.holdsSecret(plain)) out = plain;
    }
    for (const s of this.#secrets) if (out.includes(s)) out = out.split(s).join(MARK);
    return out.replace(BEARER, `$1${MARK}`);
  }

  /**
   * An answer's body with the secrets removed, also where JSON escapes spell them: JSON stays JSON (its
   * strings redacted, then written again), other text is shown unescaped. The same string when clean.
   */
  body(text: string): string {
    let out = this.holdsSecret(text) ? this.text(text) : text;
    if (!out.includes('\\') || !this.holdsSecret(unescape(out))) return out;
    try {
      return JSON.stringify(this.value(JSON.parse(out)));
    } catch {
      return this.text(out);
    }
  }

  /** A parsed value with the secrets removed from every string in it, at any depth (a copy where it changes). */
  value<T>(value: T): T {
    const clean = (v: unknown): unknown => {
      if (typeof v === 'string') return this.holdsSecret(v) ? this.text(v) : v;
      if (v === null || typeof v !== 'object') return v;
      if (Array.isArray(v)) return v.map(clean);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.holdsSecret(k) ? this.text(k) : k, clean(x)]));
    };
    return clean(value) as T;
  }

  /** `headers`, or a copy with the secrets redacted from its values when one holds them. */
  headers(headers: Headers): Headers {
    let leaks = false;
    headers.forEach((v) => {
      leaks ||= this.holdsSecret(v);
    });
    if (!leaks) return headers;
    const clean = new Headers();
    headers.forEach((v, k) => clean.append(k, this.text(v)));
    return clean;
  }

  /** `response`, or an empty copy with the secrets redacted from its headers and status text when they hold them (its body has been read). */
  response(response: Response): Response {
    const headers = this.headers(response.headers);
    if (headers === response.headers && !this.holdsSecret(response.statusText)) return response;
    return new Response(null, { status: response.status, statusText: this.text(response.statusText), headers });
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
}
