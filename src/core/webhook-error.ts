/** Webhook verification's error, apart from the client's so the verifier stays a small import. */
import type { FieldError } from '../../generated/openapi.js';
import { FloraError } from './flora-error.js';

/** Why a webhook was rejected. */
export type WebhookVerificationReason = 'missing_header' | 'malformed_header' | 'timestamp_outside_tolerance' | 'signature_mismatch' | 'invalid_body';

/**
 * A webhook failed verification (`verifyWebhook`, from `flora-runs-client/webhooks`): treat the request as
 * not from FLORA and answer it with a 4xx. Neither the message nor any property ever contains the secret.
 */
export class WebhookVerificationError extends FloraError {
  override name = 'WebhookVerificationError';
  /** Machine-readable cause, to branch on without parsing the message. */
  readonly reason: WebhookVerificationReason;
  /** For `invalid_body` against the schema: each offending field. */
  readonly fields: FieldError[] | undefined;

  constructor(reason: WebhookVerificationReason, message: string, options?: { fields?: FieldError[]; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.fields = options?.fields;
  }
}
