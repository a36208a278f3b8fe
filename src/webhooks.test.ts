import { createHmac } from 'node:crypto';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunWebhookEvent } from '../generated/answers.js';
import { FloraError, InputValidationError } from './core/errors.js';
import * as webCrypto from './core/hmac.js';
import * as nodeCrypto from './core/hmac.node.js';
import * as root from './index.js';
import { signWebhook, verifyWebhook, WebhookVerificationError, type WebhookVerificationReason } from './webhooks.js';

const SECRET = 'whsec_test_5f3c9a1e7b2d4c6f8a0e1b3d5f7a9c1e';
const OTHER_SECRET = 'whsec_other_0000000000000000000000000000';
const NOW = 1_767_225_600;

const event: RunWebhookEvent = {
  id: 'whd_abc123',
  type: 'run.completed',
  api_version: '2026-01-01',
  created_at: NOW * 1000,
  data: { run_id: 'run_abc123', run_type: 'technique', workspace_id: 'ws_abc123', status: 'completed' },
};
const body = JSON.stringify(event);

async function headersFor(rawBody: string, secret = SECRET, t = NOW): Promise<Record<string, string>> {
  return { 'Flora-Signature': await signWebhook(rawBody, secret, t), 'Flora-Webhook-Id': event.id, 'Flora-Event': event.type };
}

async function reasonOf(fn: () => Promise<unknown>): Promise<WebhookVerificationReason> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WebhookVerificationError);
    expect(e).toBeInstanceOf(FloraError);
    const err = e as WebhookVerificationError;
    expect(err.name).toBe('WebhookVerificationError');
    expect(err.message).not.toContain(SECRET);
    expect(JSON.stringify(err)).not.toContain(SECRET);
    expect(String(err.stack)).not.toContain(SECRET);
    return err.reason;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('signWebhook', () => {
  it('is t=<seconds>,v1=HMAC-SHA256(secret, "<t>.<body>")', async () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${body}`).digest('hex');
    expect(await signWebhook(body, SECRET, NOW)).toBe(`t=${NOW},v1=${expected}`);
    expect(await signWebhook(body, SECRET, NOW)).toMatch(/^t=\d+(,v1=[0-9a-f]{64})+$/);
  });

  it('refuses an empty secret and a non-integer timestamp, naming them', async () => {
    await expect(signWebhook(body, '', NOW)).rejects.toThrow(InputValidationError);
    await expect(signWebhook(body, SECRET, 1.5)).rejects.toThrow(/timestamp/);
  });
});

describe('verifyWebhook', () => {
  it('accepts a valid event and returns it typed', async () => {
    expect(await verifyWebhook(body, await headersFor(body), SECRET, { now: NOW + 10 })).toEqual(event);
  });

  it('accepts bytes, a Headers object and lower-case header names', async () => {
    const bytes = new TextEncoder().encode(body);
    expect(await verifyWebhook(bytes, new Headers(await headersFor(body)), SECRET, { now: NOW })).toEqual(event);
    expect(await verifyWebhook(body, { 'flora-signature': await signWebhook(body, SECRET, NOW) }, SECRET, { now: NOW })).toEqual(event);
  });

  it('uses the wall clock by default', async () => {
    const t = Math.floor(Date.now() / 1000);
    expect((await verifyWebhook(body, await headersFor(body, SECRET, t), SECRET)).id).toBe(event.id);
  });

  it('accepts a failed event with its error fields', async () => {
    const failed = JSON.stringify({
      ...event,
      type: 'run.failed',
      data: { ...event.data, status: 'failed', error_code: 'provider_error', error_message: 'The provider failed to complete the generation.' },
    });
    expect((await verifyWebhook(failed, await headersFor(failed), SECRET, { now: NOW })).data.error_code).toBe('provider_error');
  });

  it('rejects a tampered body', async () => {
    const headers = await headersFor(body);
    expect(await reasonOf(async () => verifyWebhook(body.replace('completed', 'failed'), headers, SECRET, { now: NOW }))).toBe('signature_mismatch');
  });

  it('rejects a signature made with another secret', async () => {
    expect(await reasonOf(async () => verifyWebhook(body, await headersFor(body, OTHER_SECRET), SECRET, { now: NOW }))).toBe('signature_mismatch');
  });

  it('rejects a timestamp older than the tolerance, and accepts it with a wider one', async () => {
    const headers = await headersFor(body, SECRET, NOW - 301);
    expect(await reasonOf(async () => verifyWebhook(body, headers, SECRET, { now: NOW }))).toBe('timestamp_outside_tolerance');
    expect((await verifyWebhook(body, headers, SECRET, { now: NOW, toleranceSeconds: 600 })).id).toBe(event.id);
  });

  it('rejects a timestamp in the future beyond the tolerance', async () => {
    const headers = await headersFor(body, SECRET, NOW + 301);
    expect(await reasonOf(async () => verifyWebhook(body, headers, SECRET, { now: NOW }))).toBe('timestamp_outside_tolerance');
  });

  it('rejects a missing header', async () => {
    expect(await reasonOf(async () => verifyWebhook(body, {}, SECRET, { now: NOW }))).toBe('missing_header');
    expect(await reasonOf(async () => verifyWebhook(body, { 'Flora-Signature': undefined }, SECRET, { now: NOW }))).toBe('missing_header');
    expect(await reasonOf(async () => verifyWebhook(body, new Headers(), SECRET, { now: NOW }))).toBe('missing_header');
  });

  it.each([
    ['garbage', 'nonsense'],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no signature', `t=${NOW}`],
    ['non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`],
    ['only a short v1', `t=${NOW},v1=abc`],
    ['an empty t', `t=,v1=${'a'.repeat(64)}`],
  ])('rejects a malformed header (%s)', async (_label, value) => {
    expect(await reasonOf(async () => verifyWebhook(body, { 'Flora-Signature': value }, SECRET, { now: NOW }))).toBe('malformed_header');
  });

  it('accepts several v1 values when one matches (secret rotation), and ignores unknown schemes', async () => {
    const good = (await signWebhook(body, SECRET, NOW)).split(',v1=')[1];
    const bad = (await signWebhook(body, OTHER_SECRET, NOW)).split(',v1=')[1];
    const header = `t=${NOW},v1=${bad},v0=whatever,v1=${good}`;
    expect(await verifyWebhook(body, { 'Flora-Signature': header }, SECRET, { now: NOW })).toEqual(event);
    expect(await verifyWebhook(body, { 'flora-signature': [`t=${NOW},v1=${bad}`, `t=${NOW},v1=${good}`] }, SECRET, { now: NOW })).toEqual(event);
    expect(await reasonOf(async () => verifyWebhook(body, { 'Flora-Signature': `t=${NOW},v1=${bad},v1=${bad}` }, SECRET, { now: NOW }))).toBe(
      'signature_mismatch',
    );
  });

  it('reads headers as FLORA’s SDK does: a bare value, stray parts, short v1 values and spaces ignored, the last t counting', async () => {
    const good = (await signWebhook(body, SECRET, NOW)).split(',v1=')[1];
    expect(await verifyWebhook(body, `t=${NOW},v1=${good}`, SECRET, { now: NOW })).toEqual(event);
    expect(await verifyWebhook(body, { 'Flora-Signature': ` t=${NOW} , stray, v1=abc, v2=zz, v1=${good} ` }, SECRET, { now: NOW })).toEqual(event);
    expect(await verifyWebhook(body, { 'Flora-Signature': `t=1,t=${NOW},v1=${good}` }, SECRET, { now: NOW })).toEqual(event);
    expect(await reasonOf(async () => verifyWebhook(body, { 'Flora-Signature': `t=${NOW},t=1,v1=${good}` }, SECRET, { now: NOW }))).toBe('signature_mismatch');
    expect(await reasonOf(async () => verifyWebhook(body, { 'Flora-Signature': `t=${NOW},v1=${good!.toUpperCase()}` }, SECRET, { now: NOW }))).toBe('malformed_header');
  });

  it('refuses a now or tolerance that is not a number, instead of accepting any timestamp', async () => {
    for (const options of [{ now: Number.NaN }, { now: 'soon' as never }, { toleranceSeconds: Number.NaN }, { toleranceSeconds: -1 }]) {
      await expect(verifyWebhook(body, await headersFor(body), SECRET, options)).rejects.toThrow(InputValidationError);
    }
  });

  it('reads a validly signed event tolerantly: an event type it does not know is data; strict refuses it', async () => {
    const exploded = JSON.stringify({ ...event, type: 'run.exploded', data: { ...event.data, run_type: 'action' }, extra: 1 });
    expect((await verifyWebhook(exploded, await headersFor(exploded), SECRET, { now: NOW })).type).toBe('run.exploded');
    let err: WebhookVerificationError | undefined;
    try {
      await verifyWebhook(exploded, await headersFor(exploded), SECRET, { now: NOW, validate: 'strict' });
    } catch (e) {
      err = e as WebhookVerificationError;
    }
    expect(err?.reason).toBe('invalid_body');
    expect(err?.message).toContain('type');
    expect(err?.fields?.[0]?.field).toBe('type');

    const missing = JSON.stringify({ ...event, data: { run_id: 'run_1' } });
    expect(await reasonOf(async () => verifyWebhook(missing, await headersFor(missing), SECRET, { now: NOW }))).toBe('invalid_body');
    expect(await reasonOf(async () => verifyWebhook('{not json', await headersFor('{not json'), SECRET, { now: NOW }))).toBe('invalid_body');
  });

  it('never puts the secret in a message, whatever the failure', async () => {
    const cases: Array<() => Promise<unknown>> = [
      async () => verifyWebhook(body, {}, SECRET, { now: NOW }),
      async () => verifyWebhook(body, { 'Flora-Signature': SECRET }, SECRET, { now: NOW }),
      async () => verifyWebhook(body, await headersFor(body, OTHER_SECRET), SECRET, { now: NOW }),
      async () => verifyWebhook(body, await headersFor(body, SECRET, 0), SECRET, { now: NOW }),
      async () => verifyWebhook('[]', await headersFor('[]'), SECRET, { now: NOW }),
    ];
    for (const c of cases) await reasonOf(c);
  });
});

describe('the verifier everywhere the client runs', () => {
  it('is built on Web Crypto: its ESM build bundles for a browser with no Node module', async () => {
    const result = await build({ entryPoints: [new URL('./webhooks.ts', import.meta.url).pathname], bundle: true, write: false, platform: 'browser', format: 'esm', metafile: true, logLevel: 'silent' });
    const imported = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    expect(imported.filter((p) => p.startsWith('node:') || p === 'crypto' || p === 'buffer')).toEqual([]);
    expect(result.outputFiles[0]!.text).toContain('crypto.subtle');
  });

  it("the Node build's node:crypto and Web Crypto agree on every signature, and match only the right one", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string(), fc.oneof(fc.string(), fc.uint8Array()), fc.boolean(), async (secret, prefix, body, tamper) => {
        const hex = await webCrypto.hmacSha256Hex(secret, prefix, body);
        expect(await nodeCrypto.hmacSha256Hex(secret, prefix, body)).toBe(hex);
        const candidate = tamper ? `${hex.slice(0, 63)}${hex[63] === '0' ? '1' : '0'}` : hex;
        const other = await webCrypto.hmacSha256Hex(`${secret}x`, prefix, body);
        for (const impl of [webCrypto, nodeCrypto]) expect(await impl.anyHmacMatches(secret, prefix, body, [other, candidate])).toBe(!tamper);
      }),
      { numRuns: 60 },
    );
  });

  it('takes the body as an ArrayBuffer too, as FLORA’s SDK does', async () => {
    const bytes = new TextEncoder().encode(body);
    expect(await verifyWebhook(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), await headersFor(body), SECRET, { now: NOW })).toEqual(event);
    await expect(verifyWebhook(42 as never, await headersFor(body), SECRET, { now: NOW })).rejects.toThrow(InputValidationError);
  });

  it('its error class is exported from the package root too, as FLORA’s SDK exports it', async () => {
    expect(root.WebhookVerificationError).toBe(WebhookVerificationError);
    const e = await verifyWebhook(body, {}, SECRET).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(root.WebhookVerificationError);
    expect(e).toBeInstanceOf(root.FloraError);
  });
});
