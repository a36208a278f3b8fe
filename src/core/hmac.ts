/**
 * HMAC-SHA256 for webhook signatures on Web Crypto (`crypto.subtle`), which every runtime the client runs
 * on has: browsers, workerd, Deno, Bun, Node. The package's Node builds use `hmac.node.ts` instead (the same
 * functions on `node:crypto`, over 20 times faster there); `tsup.config.ts` swaps it in.
 */

const encoder = new TextEncoder();

/** `prefix` then `body`, as the bytes that are signed: a string body as UTF-8, bytes as received. */
function signedBytes(prefix: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return encoder.encode(prefix + body);
  const head = encoder.encode(prefix);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** The HMAC-SHA256 of `prefix + body` keyed with `secret`, as lower-case hex. */
export async function hmacSha256Hex(secret: string, prefix: string, body: string | Uint8Array): Promise<string> {
  const key = await hmacKey(secret, 'sign');
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, signedBytes(prefix, body))));
}

/**
 * Whether any of `candidates` (64 hex digits each) is the HMAC-SHA256 of `prefix + body`. Each is checked
 * by `crypto.subtle.verify`, which compares in constant time, and every one is checked (no early exit), so
 * timing tells neither how much of a signature was right nor which one matched.
 */
export async function anyHmacMatches(secret: string, prefix: string, body: string | Uint8Array, candidates: readonly string[]): Promise<boolean> {
  const key = await hmacKey(secret, 'verify');
  const data = signedBytes(prefix, body);
  const results = await Promise.all(candidates.map((c) => crypto.subtle.verify('HMAC', key, fromHex(c), data)));
  return results.includes(true);
}
