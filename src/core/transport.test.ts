/**
 * An attempt ends at its deadline whatever the body is doing: found by the generated adversary, a read of
 * a gzip body Node 20's fetch is still inflating could stay pending after the fetch's own abort, so calls
 * with a 600 ms timeout never ended.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHostileServer, type HostileServer } from '../../reliability/hostile-server.js';
import { Flora } from '../index.js';
import { APIError } from './errors.js';

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer(8 * 1024 * 1024 + 1);
});
afterAll(() => server?.close());

it('four gzip bombs read at once: every call ends (timeout or too large) long before a must-not-hang bound', async () => {
  const client = new Flora({ apiKey: 'flora_test_key_bombs', baseUrl: server.url, timeout: 600, maxRetries: 0, logLevel: 'off' });
  const calls = Array.from({ length: 4 }, () => client.techniques.runs.retrieve('run_1', { techniqueId: 'gzipBomb' }).then(() => 'data', (e: unknown) => e));
  const hung = new Promise((r) => setTimeout(() => r('still pending after 20 s'), 20_000).unref());
  const outcomes = await Promise.race([Promise.all(calls), hung]);
  expect(outcomes).not.toBe('still pending after 20 s');
  for (const o of outcomes as unknown[]) expect(o).toBeInstanceOf(APIError);
});
