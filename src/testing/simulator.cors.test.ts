/**
 * The simulator answers browsers: preflights from allowed origins (by default pages on this machine), the
 * headers the client reads exposed to them, and nothing for other origins unless the option names them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from './index.js';

const NESTED = '/techniques/art-directors-critique/runs';
const preflight = (sim: Simulator, origin: string) =>
  fetch(`${sim.url}${NESTED}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' } });

let byDefault: Simulator;
let anyOrigin: Simulator;
let listed: Simulator;
let none: Simulator;
beforeAll(async () => {
  [byDefault, anyOrigin, listed, none] = await Promise.all([
    startSimulator(),
    startSimulator({ cors: true }),
    startSimulator({ cors: ['https://app.example.com'] }),
    startSimulator({ cors: false }),
  ]);
});
afterAll(() => Promise.all([byDefault, anyOrigin, listed, none].map((s) => s?.close())));

describe('CORS', () => {
  it('answers a preflight from a page on this machine by default, with what it asked to send', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'https://[::1]:3000']) {
      const res = await preflight(byDefault, origin);
      expect(res.status, origin).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type, idempotency-key');
      expect(res.headers.get('vary')).toBe('Origin');
    }
  });

  it('refuses a preflight from another origin unless told to allow it, saying how', async () => {
    const other = await preflight(byDefault, 'https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(await other.text()).toContain('--cors https://evil.example');
    expect((await preflight(anyOrigin, 'https://evil.example')).headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect((await preflight(listed, 'https://app.example.com')).status).toBe(204);
    expect((await preflight(listed, 'http://localhost:5173')).status).toBe(403);
  });

  it('marks the answers to an allowed page readable, with the headers the client reads; none when off', async () => {
    const call = (sim: Simulator) =>
      fetch(`${sim.url}${NESTED}/run_none`, { headers: { origin: 'http://localhost:5173', authorization: `Bearer ${DEFAULT_API_KEY}` } });
    const res = await call(byDefault);
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(res.headers.get('access-control-expose-headers')).toContain('retry-after');
    const off = await call(none);
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(none, 'http://localhost:5173')).status).toBe(404); // no preflight answered: an OPTIONS is a wrong method
  });

  it('refuses an option that is not true, false or a list of origins', async () => {
    await expect(startSimulator({ cors: ['localhost'] })).rejects.toThrow(/cors/);
    await expect(startSimulator({ cors: 'yes' as never })).rejects.toThrow(/cors/);
  });
});
