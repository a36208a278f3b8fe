/**
 * How FLORA signs a callback, written from its documentation (spec `webhooks.runEnded`, and FLORA's own
 * SDK, which verifies `Flora-Signature: t=<unix seconds>,v1=<hex>` as the HMAC-SHA256 of `<t>.<raw body>`
 * keyed with the whole `whsec_` secret). Kept apart from the client's `verifyWebhook` on purpose: the
 * tests that have one verify the other prove two readings of the documentation agree.
 */
import { createHmac } from 'node:crypto';

/** The headers of a delivery. */
export const DELIVERY_HEADERS = { signature: 'Flora-Signature', eventId: 'Flora-Webhook-Id', event: 'Flora-Event' } as const;

/** The `Flora-Signature` value for `body` signed at `timestamp` (unix seconds). */
export function signature(body: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}
