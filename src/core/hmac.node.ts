/**
 * `hmac.ts` on `node:crypto`: the package's Node builds (`dist/*.cjs`, which Node's `import` reaches too)
 * get this file in its place (see `tsup.config.ts`), since `createHmac` costs a few microseconds where Node's
 * `crypto.subtle` costs a few hundred. Same functions, same answers (`hmac.test.ts` holds them to it).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function digest(secret: string, prefix: string, body: string | Uint8Array): Buffer {
  const h = createHmac('sha256', secret).update(prefix, 'utf8');
  return (typeof body === 'string' ? h.update(body, 'utf8') : h.update(body)).digest();
}

/** The HMAC-SHA256 of `prefix + body` keyed with `secret`, as lower-case hex. */
export async function hmacSha256Hex(secret: string, prefix: string, body: string | Uint8Array): Promise<string> {
  return digest(secret, prefix, body).toString('hex');
}

/** Whether any of `candidates` (64 hex digits each) is the HMAC: each compared in constant time, every one compared. */
export async function anyHmacMatches(secret: string, prefix: string, body: string | Uint8Array, candidates: readonly string[]): Promise<boolean> {
  const expected = digest(secret, prefix, body);
  let matched = false;
  for (const c of candidates) {
    const given = Buffer.from(c, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
