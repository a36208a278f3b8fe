/**
 * The whole callback path, as a user's integration test would run it: the client starts a run on the
 * local simulator with a callback URL pointing at a local receiver, waits for it, and the receiver
 * verifies the signed event it was sent.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flora } from './index.js';
import { startReceiver } from './test-utils.js';
import { verifyWebhook, WebhookVerificationError } from './webhooks.js';
import { DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET, startSimulator, type Simulator } from './testing/index.js';

let sim: Simulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 40, seed: 3 });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

it('creates a run with a callback URL, waits for it, and verifies the delivered signed callback', async () => {
  const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
  const run = await flora.techniques.runs.createAndWait('art-directors-critique', {
    inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }],
    mode: 'async',
    callback_url: `${receiver.origin}/flora/webhook`,
  });
  expect(run.status).toBe('completed');
  await sim.callbacksSettled();

  expect(receiver.received).toHaveLength(1);
  const { body, headers } = receiver.received[0]!;
  const event = await verifyWebhook(body, headers as Record<string, string>, DEFAULT_WEBHOOK_SECRET);
  expect(event.type).toBe('run.completed');
  expect(event.data).toMatchObject({ run_id: run.run_id, status: 'completed', workspace_id: 'ws_abc123' });
  expect(headers['flora-event']).toBe('run.completed');
  expect(headers['flora-webhook-id']).toBe(event.id);

  // The same delivery, tampered with or checked with the wrong secret, is refused.
  await expect(verifyWebhook(body.replace('completed', 'failed'), headers as Record<string, string>, DEFAULT_WEBHOOK_SECRET)).rejects.toThrow(WebhookVerificationError);
  await expect(verifyWebhook(body, headers as Record<string, string>, 'whsec_wrong')).rejects.toThrow(/signature/);
});
