import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunWebhookEvent } from '../generated/answers.js';
import { FloraError, InputValidationError } from './core/errors.js';
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

function headersFor(rawBody: string, secret = SECRET, t = NOW): Record<string, string> {
  return { 'Flora-Signature': signWebhook(rawBody, secret, t), 'Flora-Webhook-Id': event.id, 'Flora-Event': event.type };
}

function reasonOf(fn: () => unknown): WebhookVerificationReason {
  try {
    fn();
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
  it('is t=<seconds>,v1=HMAC-SHA256(secret, "<t>.<body>")', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${body}`).digest('hex');
    expect(signWebhook(body, SECRET, NOW)).toBe(`t=${NOW},v1=${expected}`);
    expect(signWebhook(body, SECRET, NOW)).toMatch(/^t=\d+(,v1=[0-9a-f]{64})+$/);
  });

  it('refuses an empty secret and a non-integer timestamp, naming them', () => {
    expect(() => signWebhook(body, '', NOW)).toThrow(InputValidationError);
    expect(() => signWebhook(body, SECRET, 1.5)).toThrow(/timestamp/);
  });
});

describe('verifyWebhook', () => {
  it('accepts a valid event and returns it typed', () => {
    expect(verifyWebhook(body, headersFor(body), SECRET, { now: NOW + 10 })).toEqual(event);
  });

  it('accepts bytes, a Headers object and lower-case header names', () => {
    const bytes = new TextEncoder().encode(body);
    expect(verifyWebhook(bytes, new Headers(headersFor(body)), SECRET, { now: NOW })).toEqual(event);
    expect(verifyWebhook(body, { 'flora-signature': signWebhook(body, SECRET, NOW) }, SECRET, { now: NOW })).toEqual(event);
  });

  it('uses the wall clock by default', () => {
    const t = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(body, headersFor(body, SECRET, t), SECRET).id).toBe(event.id);
  });

  it('accepts a failed event with its error fields', () => {
    const failed = JSON.stringify({
      ...event,
      type: 'run.failed',
      data: { ...event.data, status: 'failed', error_code: 'provider_error', error_message: 'The provider failed to complete the generation.' },
    });
    expect(verifyWebhook(failed, headersFor(failed), SECRET, { now: NOW }).data.error_code).toBe('provider_error');
  });

  it('rejects a tampered body', () => {
    const headers = headersFor(body);
    expect(reasonOf(() => verifyWebhook(body.replace('completed', 'failed'), headers, SECRET, { now: NOW }))).toBe('signature_mismatch');
  });

  it('rejects a signature made with another secret', () => {
    expect(reasonOf(() => verifyWebhook(body, headersFor(body, OTHER_SECRET), SECRET, { now: NOW }))).toBe('signature_mismatch');
  });

  it('rejects a timestamp older than the tolerance, and accepts it with a wider one', () => {
    const headers = headersFor(body, SECRET, NOW - 301);
    expect(reasonOf(() => verifyWebhook(body, headers, SECRET, { now: NOW }))).toBe('timestamp_outside_tolerance');
    expect(verifyWebhook(body, headers, SECRET, { now: NOW, toleranceSeconds: 600 }).id).toBe(event.id);
  });

  it('rejects a timestamp in the future beyond the tolerance', () => {
    const headers = headersFor(body, SECRET, NOW + 301);
    expect(reasonOf(() => verifyWebhook(body, headers, SECRET, { now: NOW }))).toBe('timestamp_outside_tolerance');
  });

  it('rejects a missing header', () => {
    expect(reasonOf(() => verifyWebhook(body, {}, SECRET, { now: NOW }))).toBe('missing_header');
    expect(reasonOf(() => verifyWebhook(body, { 'Flora-Signature': undefined }, SECRET, { now: NOW }))).toBe('missing_header');
    expect(reasonOf(() => verifyWebhook(body, new Headers(), SECRET, { now: NOW }))).toBe('missing_header');
  });

  it.each([
    ['garbage', 'nonsense'],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no signature', `t=${NOW}`],
    ['non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`],
    ['only a short v1', `t=${NOW},v1=abc`],
    ['an empty t', `t=,v1=${'a'.repeat(64)}`],
  ])('rejects a malformed header (%s)', (_label, value) => {
    expect(reasonOf(() => verifyWebhook(body, { 'Flora-Signature': value }, SECRET, { now: NOW }))).toBe('malformed_header');
  });

  it('accepts several v1 values when one matches (secret rotation), and ignores unknown schemes', () => {
    const good = signWebhook(body, SECRET, NOW).split(',v1=')[1];
    const bad = signWebhook(body, OTHER_SECRET, NOW).split(',v1=')[1];
    const header = `t=${NOW},v1=${bad},v0=whatever,v1=${good}`;
    expect(verifyWebhook(body, { 'Flora-Signature': header }, SECRET, { now: NOW })).toEqual(event);
    expect(verifyWebhook(body, { 'flora-signature': [`t=${NOW},v1=${bad}`, `t=${NOW},v1=${good}`] }, SECRET, { now: NOW })).toEqual(event);
    expect(reasonOf(() => verifyWebhook(body, { 'Flora-Signature': `t=${NOW},v1=${bad},v1=${bad}` }, SECRET, { now: NOW }))).toBe(
      'signature_mismatch',
    );
  });

  it('reads headers as FLORA’s SDK does: a bare value, stray parts, short v1 values and spaces ignored, the last t counting', () => {
    const good = signWebhook(body, SECRET, NOW).split(',v1=')[1];
    expect(verifyWebhook(body, `t=${NOW},v1=${good}`, SECRET, { now: NOW })).toEqual(event);
    expect(verifyWebhook(body, { 'Flora-Signature': ` t=${NOW} , stray, v1=abc, v2=zz, v1=${good} ` }, SECRET, { now: NOW })).toEqual(event);
    expect(verifyWebhook(body, { 'Flora-Signature': `t=1,t=${NOW},v1=${good}` }, SECRET, { now: NOW })).toEqual(event);
    expect(reasonOf(() => verifyWebhook(body, { 'Flora-Signature': `t=${NOW},t=1,v1=${good}` }, SECRET, { now: NOW }))).toBe('signature_mismatch');
    expect(reasonOf(() => verifyWebhook(body, { 'Flora-Signature': `t=${NOW},v1=${good!.toUpperCase()}` }, SECRET, { now: NOW }))).toBe('malformed_header');
  });

  it('refuses a now or tolerance that is not a number, instead of accepting any timestamp', () => {
    for (const options of [{ now: Number.NaN }, { now: 'soon' as never }, { toleranceSeconds: Number.NaN }, { toleranceSeconds: -1 }]) {
      expect(() => verifyWebhook(body, headersFor(body), SECRET, options)).toThrow(InputValidationError);
    }
  });

  it('reads a validly signed event tolerantly: an event type it does not know is data; strict refuses it', () => {
    const exploded = JSON.stringify({ ...event, type: 'run.exploded', data: { ...event.data, run_type: 'action' }, extra: 1 });
    expect(verifyWebhook(exploded, headersFor(exploded), SECRET, { now: NOW }).type).toBe('run.exploded');
    let err: WebhookVerificationError | undefined;
    try {
      verifyWebhook(exploded, headersFor(exploded), SECRET, { now: NOW, validate: 'strict' });
    } catch (e) {
      err = e as WebhookVerificationError;
    }
    expect(err?.reason).toBe('invalid_body');
    expect(err?.message).toContain('type');
    expect(err?.fields?.[0]?.field).toBe('type');

    const missing = JSON.stringify({ ...event, data: { run_id: 'run_1' } });
    expect(reasonOf(() => verifyWebhook(missing, headersFor(missing), SECRET, { now: NOW }))).toBe('invalid_body');
    expect(reasonOf(() => verifyWebhook('{not json', headersFor('{not json'), SECRET, { now: NOW }))).toBe('invalid_body');
  });

  it('never puts the secret in a message, whatever the failure', () => {
    const cases: Array<() => unknown> = [
      () => verifyWebhook(body, {}, SECRET, { now: NOW }),
      () => verifyWebhook(body, { 'Flora-Signature': SECRET }, SECRET, { now: NOW }),
      () => verifyWebhook(body, headersFor(body, OTHER_SECRET), SECRET, { now: NOW }),
      () => verifyWebhook(body, headersFor(body, SECRET, 0), SECRET, { now: NOW }),
      () => verifyWebhook('[]', headersFor('[]'), SECRET, { now: NOW }),
    ];
    for (const c of cases) reasonOf(c);
  });
});
