/**
 * `fetchOptions` (FLORA's SDK's name), per client and per call: a real undici dispatcher sends the client's
 * requests through a real forward proxy to the simulator, a call's own options win over the client's, and
 * the client's method, headers, body, signal and redirect are never overridden.
 */
import { Agent, ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwardProxy, type ForwardProxy } from '../scripts/forward-proxy.js';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadRun } from './download/index.js';
import { Flora, InputValidationError } from './index.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from './testing/index.js';
import { json, RUN, scriptedFetch, testClient } from './test-utils.js';

let sim: Simulator;
let proxy: ForwardProxy;
beforeAll(async () => {
  [sim, proxy] = await Promise.all([startSimulator({ timeScale: 100 }), startForwardProxy()]);
});
afterAll(() => Promise.all([sim?.close(), proxy?.close()]));

const BODY = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a red fox' }], mode: 'async' as const };

describe('fetchOptions', () => {
  it("takes an undici dispatcher for every request of the client: the client's calls go through the proxy", async () => {
    const dispatcher = new ProxyAgent(proxy.url);
    const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', fetchOptions: { dispatcher } });
    const before = proxy.seen.length;
    const run = await flora.techniques.runs.createAndWait('art-directors-critique', BODY);
    expect(run.status).toBe('completed');
    expect(proxy.seen.slice(before)).toContain(`CONNECT 127.0.0.1:${sim.port}`);
    await dispatcher.close();
  });

  it("a call's fetchOptions go over the client's: another dispatcher for one call bypasses the proxy", async () => {
    const viaProxy = new ProxyAgent(proxy.url);
    const direct = new Agent();
    const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', fetchOptions: { dispatcher: viaProxy } });
    const run = await flora.techniques.runs.create('art-directors-critique', BODY);
    const proxied = proxy.seen.length;
    await viaProxy.close(); // a call still using it would now fail
    const again = await flora.techniques.runs.retrieve(run.run_id, { techniqueId: 'art-directors-critique' }, { fetchOptions: { dispatcher: direct } });
    expect(again.run_id).toBe(run.run_id);
    expect(proxy.seen.length).toBe(proxied);
    await direct.close();
  });

  it("sends an upload's bytes to the storage host through the dispatcher, with the client's headers only", async () => {
    const dispatcher = new ProxyAgent(proxy.url);
    const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off', fetchOptions: { dispatcher, headers: { authorization: 'Bearer stolen' } } as never });
    const before = proxy.seen.length;
    const sent = sim.storageRequests.length;
    // Over 4 MB: a signed upload, its bytes to the storage host (another loopback origin).
    const asset = await flora.assets.upload(Buffer.alloc(5 * 1024 * 1024, 1), { workspace_id: 'ws_abc123', file_name: 'big.png' });
    expect(asset.status).toBe('ready');
    expect(proxy.seen.slice(before)).toContain(`CONNECT ${new URL(sim.storageUrl).host}`);
    expect(sim.storageRequests.slice(sent).map((r) => r.authorization)).toEqual([false]);
    await dispatcher.close();
  });

  it('downloadRun takes fetchOptions too: outputs come from the media host through the dispatcher', async () => {
    const dispatcher = new ProxyAgent(proxy.url);
    const flora = new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url, logLevel: 'off' });
    const run = await flora.techniques.runs.createAndWait('art-directors-critique', BODY);
    const dir = await mkdtemp(join(tmpdir(), 'flora-fo-'));
    try {
      const before = proxy.seen.length;
      const files = await downloadRun(run, dir, { fetchOptions: { dispatcher } });
      expect(files.length).toBeGreaterThan(0);
      expect(await readdir(dir)).toHaveLength(files.length);
      expect(proxy.seen.slice(before)).toContain(`CONNECT ${new URL(sim.mediaUrl).host}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await dispatcher.close();
    }
  });

  it("reaches a custom fetch beside the Request, and never replaces the client's method, headers, body, signal or redirect", async () => {
    const inits: RequestInit[] = [];
    const { fetch, requests } = scriptedFetch(json(RUN));
    const hostile = { method: 'DELETE', headers: { authorization: 'Bearer stolen' }, body: 'x', signal: AbortSignal.abort(), redirect: 'follow', keepalive: true, priority: 'low' };
    const client = testClient((request, init) => (inits.push(init!), fetch(request)), { fetchOptions: { keepalive: true, priority: 'high', custom: 1 } });
    await client.techniques.runs.retrieve('run_abc123', { techniqueId: 't' }, { fetchOptions: hostile as never });
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.headers.get('authorization')).not.toBe('Bearer stolen');
    expect(inits[0]).toMatchObject({ method: 'GET', redirect: 'manual', keepalive: true, priority: 'low', custom: 1 });
    expect(inits[0]!.body).toBeUndefined();
    expect(inits[0]!.signal?.aborted).toBe(false);
  });

  it('refuses fetchOptions that are not an object, naming the option', () => {
    for (const bad of ['proxy', 1, [], null]) expect(() => testClient(scriptedFetch().fetch, { fetchOptions: bad as never })).toThrow(InputValidationError);
    expect(() => testClient(scriptedFetch().fetch, { fetchOptions: 'x' as never })).toThrow(/fetchOptions must be an object/i);
  });
});
