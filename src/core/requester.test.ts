/**
 * One idempotency key per call, in every channel the operation takes it in: whichever one the server
 * honours, a retry after a lost answer never starts a second run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, startSimulator, type IdempotencyChannel, type Simulator } from '../testing/index.js';
import { Flora } from '../client.js';
import { IdempotencyDuplicateError } from './errors.js';
import { NESTED_BODY, TOP_BODY } from '../test-utils.js';

/** A fetch that lets the first attempt reach the server, then loses its answer, as a dropped connection does. */
function losingFirstAnswer() {
  const sent: { headerKey: string | null; bodyKey: unknown }[] = [];
  const fetch = async (request: Request) => {
    const body = request.method === 'POST' ? await request.clone().text() : '';
    sent.push({ headerKey: request.headers.get('idempotency-key'), bodyKey: body ? JSON.parse(body).idempotency_key : undefined });
    const response = await globalThis.fetch(request);
    if (sent.length === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    return response;
  };
  return { fetch, sent };
}

const CHANNELS: IdempotencyChannel[] = ['header', 'body', 'both'];
const sims = new Map<IdempotencyChannel, Simulator>();
beforeAll(async () => {
  for (const channel of CHANNELS) sims.set(channel, await startSimulator({ idempotencyChannel: channel, seed: 3 }));
});
afterAll(async () => {
  await Promise.all([...sims.values()].map((s) => s.close()));
});

describe.each(CHANNELS)('a server honouring the %s channel', (channel) => {
  const client = (fetch: (r: Request) => Promise<Response>) => new Flora({ apiKey: DEFAULT_API_KEY, baseUrl: sims.get(channel)!.url, fetch, logLevel: 'off', maxRetries: 2 });

  const runsWith = (key: string | null) => sims.get(channel)!.listRuns().filter((r) => r.idempotencyKey === key);

  it.concurrent('create: a retry after the lost answer starts no second run', async () => {
    const { fetch, sent } = losingFirstAnswer();
    const error = await client(fetch).techniques.runs.create('art-directors-critique', NESTED_BODY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyDuplicateError);
    expect((error as IdempotencyDuplicateError).acceptedEarlier).toBe(true);
    expect(runsWith(sent[0]!.headerKey)).toHaveLength(1);
    // The same key in both channels, on every attempt.
    expect(sent).toHaveLength(2);
    for (const s of sent) expect(s).toEqual({ headerKey: sent[0]!.headerKey, bodyKey: sent[0]!.headerKey });
  });

  it.concurrent("create: the caller's own key goes in both channels too", async () => {
    const { fetch, sent } = losingFirstAnswer();
    await client(fetch).techniques.runs.create('art-directors-critique', NESTED_BODY, { idempotencyKey: `order-${channel}-1` }).catch(() => undefined);
    expect(sent.every((s) => s.headerKey === `order-${channel}-1` && s.bodyKey === `order-${channel}-1`)).toBe(true);
  });

  it.concurrent('startTechnique (header only, as the spec has it): a retry after the lost answer starts no second run', async () => {
    const { fetch, sent } = losingFirstAnswer();
    const error = await client(fetch).runs.startTechnique(TOP_BODY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyDuplicateError);
    expect(runsWith(sent[0]!.headerKey)).toHaveLength(1);
    expect(sent.map((s) => s.bodyKey)).toEqual([undefined, undefined]);
  });
});
