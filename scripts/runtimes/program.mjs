/**
 * The program of the runtime matrix (`npm run test:runtimes`): the same on every runtime, against the
 * simulator at `baseUrl`. Plain JavaScript and the Fetch and Web Crypto APIs only, so Node, Bun, Deno,
 * workerd and a browser all run it as written; the package is imported as an application imports it.
 * Resolves with one finding per step; a step that throws is reported with its error, the others still run.
 */
import Flora, { AuthenticationError, FloraError, WebhookVerificationError } from 'flora-runs-client';
import { signWebhook, verifyWebhook } from 'flora-runs-client/webhooks';

const BODY = { inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }], mode: 'async' };

/** @param {string} baseUrl @param {string} apiKey @returns {Promise<Record<string, unknown>>} */
export async function check(baseUrl, apiKey) {
  const flora = new Flora({ apiKey, baseUrl, logLevel: 'off' });
  const steps = {
    import: async () => typeof Flora === 'function' && Flora.name === 'Flora',
    create: async () => {
      const run = await flora.techniques.runs.create('art-directors-critique', BODY);
      return run.status === 'pending' && run.run_id.startsWith('run_') ? run.run_id : `unexpected ${JSON.stringify(run)}`;
    },
    retrieve: async () => {
      const run = await flora.techniques.runs.create('art-directors-critique', BODY);
      const again = await flora.techniques.runs.retrieve(run.run_id, { techniqueId: 'art-directors-critique' });
      return again.run_id === run.run_id;
    },
    list: async () => {
      const { techniques } = await flora.techniques.list({ limit: 5 });
      const page = await flora.techniques.runs.list({ limit: 5 });
      return techniques.length > 0 && page.technique_runs.length > 0;
    },
    typed401: async () => {
      const wrong = new Flora({ apiKey: 'flora_wrong_key', baseUrl, logLevel: 'off', maxRetries: 0 });
      try {
        await wrong.techniques.list();
        return 'no error';
      } catch (e) {
        return e instanceof AuthenticationError && e instanceof FloraError && e.status === 401 && e.constructor.name === 'AuthenticationError';
      }
    },
    createAndWait: async () => {
      const run = await flora.techniques.runs.createAndWait('art-directors-critique', BODY, { minInterval: 50 });
      return run.status === 'completed' && (run.outputs ?? []).length > 0;
    },
    webhook: async () => {
      const body = JSON.stringify({ id: 'whd_1', type: 'run.completed', api_version: '2026-01-01', created_at: Date.now(), data: { run_id: 'run_1', run_type: 'technique', workspace_id: 'ws_1', status: 'completed' } });
      const t = Math.floor(Date.now() / 1000);
      const header = await signWebhook(body, 'whsec_runtime', t);
      const event = await verifyWebhook(new TextEncoder().encode(body), { 'Flora-Signature': header }, 'whsec_runtime');
      const forged = await verifyWebhook(body.replace('completed', 'failed'), { 'Flora-Signature': header }, 'whsec_runtime').then(
        () => 'accepted',
        (e) => e instanceof WebhookVerificationError && e.reason,
      );
      return event.data.run_id === 'run_1' && forged === 'signature_mismatch';
    },
  };
  /** @type {Record<string, unknown>} */
  const results = {};
  for (const [name, step] of Object.entries(steps)) {
    try {
      const outcome = await step();
      results[name] = outcome === true ? 'ok' : typeof outcome === 'string' && outcome.startsWith('run_') ? 'ok' : `failed: ${String(outcome)}`;
    } catch (e) {
      results[name] = `threw ${e && e.constructor ? e.constructor.name : typeof e}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return results;
}
