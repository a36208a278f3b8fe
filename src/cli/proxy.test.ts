/**
 * The `flora` command behind a proxy, as curl and FLORA's Go CLI are: HTTPS_PROXY, HTTP_PROXY and NO_PROXY,
 * in upper and lower case, with a real forward proxy (`scripts/forward-proxy.ts`) on loopback and the
 * simulator behind it, over http and over https (a TLS front with a test-only certificate the CLI is told to
 * trust through NODE_EXTRA_CA_CERTS). Each case is the real CLI in a process of its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startForwardProxy, type ForwardProxy } from '../../scripts/forward-proxy.js';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../testing/index.js';

const repo = resolve(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'scripts', 'fixtures');
let sim: Simulator;
let proxy: ForwardProxy;
let tls: https.Server;
let httpsUrl = '';

beforeAll(async () => {
  [sim, proxy] = await Promise.all([startSimulator(), startForwardProxy()]);
  // The simulator behind TLS, as FLORA's https API is: each request passed on as it came.
  tls = https.createServer({ key: readFileSync(join(fixtures, 'loopback-tls.key')), cert: readFileSync(join(fixtures, 'loopback-tls.crt')) }, (req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: sim.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((listening) => tls.listen(0, '127.0.0.1', listening));
  httpsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => Promise.all([sim?.close(), proxy?.close(), new Promise((closed) => (tls ? tls.close(closed) : closed(undefined)))]));

/** `flora <args>` (default `workspaces list`) against `baseUrl`, with only the given proxy variables set. */
function flora(baseUrl: string, env: Record<string, string>, args = ['workspaces', 'list']) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|no|all)_proxy$/i.test(k)));
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repo, 'src', 'cli', 'index.ts'), '--max-retries', '0', ...args],
      { env: { ...clean, FLORA_API_KEY: DEFAULT_API_KEY, FLORA_BASE_URL: baseUrl, NODE_EXTRA_CA_CERTS: join(fixtures, 'loopback-tls.crt'), ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

it('goes through HTTPS_PROXY / HTTP_PROXY in either case, skips NO_PROXY hosts, and fails clearly at a dead proxy', async () => {
  const target = (url: string) => `CONNECT ${new URL(url).host}`;
  const dead = 'http://127.0.0.1:9'; // the discard port: nothing listens there
  const cases = [
    { name: 'HTTPS_PROXY, https API', url: httpsUrl, env: { HTTPS_PROXY: proxy.url }, via: true },
    { name: 'https_proxy, https API', url: httpsUrl, env: { https_proxy: proxy.url }, via: true },
    { name: 'HTTP_PROXY, http API', url: sim.url, env: { HTTP_PROXY: proxy.url }, via: true },
    { name: 'http_proxy, http API', url: sim.url, env: { http_proxy: proxy.url }, via: true },
    { name: 'HTTPS_PROXY with NO_PROXY naming the host', url: httpsUrl, env: { HTTPS_PROXY: dead, NO_PROXY: 'example.com,127.0.0.1' }, via: false },
    { name: 'https_proxy with no_proxy naming the host and port', url: httpsUrl, env: { https_proxy: dead, no_proxy: new URL(httpsUrl).host }, via: false },
    { name: 'HTTPS_PROXY to a dead proxy', url: httpsUrl, env: { HTTPS_PROXY: dead }, via: 'fails' },
  ] as const;
  const results = await Promise.all(cases.map((c) => flora(c.url, c.env)));
  cases.forEach((c, i) => {
    const r = results[i]!;
    const seen = proxy.seen.filter((s) => s === target(c.url)).length;
    if (c.via === 'fails') {
      expect(r.code, c.name).toBe(1);
      expect(r.stderr, c.name).toMatch(/^error: Connection error/m);
      return;
    }
    expect({ name: c.name, code: r.code, stderr: r.stderr }).toEqual({ name: c.name, code: 0, stderr: '' });
    expect(r.stdout, c.name).toContain('"workspace_id":"ws_abc123"');
    if (c.via) expect(seen, c.name).toBeGreaterThan(0);
  });
  // Two cases each went through the proxy to each target; the NO_PROXY ones never reached it (its port is dead).
  expect(proxy.seen.filter((s) => s === target(httpsUrl))).toHaveLength(2);
  expect(proxy.seen.filter((s) => s === target(sim.url))).toHaveLength(2);
});

it("sends a file's bytes to the storage host and fetches outputs from the media host through the proxy too", async () => {
  const work = mkdtempSync(join(tmpdir(), 'flora-proxy-'));
  const fast = await startSimulator({ seed: 3, timeScale: 100, runDurationSeconds: 2, pendingSeconds: 0 });
  try {
    // Over 4 MB: a signed upload, whose bytes go to the simulator's storage host (another loopback origin).
    const big = join(work, 'big.png');
    writeFileSync(big, Buffer.alloc(5 * 1024 * 1024, 7));
    const out = join(work, 'out');
    const before = proxy.seen.length;
    const env = { HTTP_PROXY: proxy.url };
    const [upload, run] = await Promise.all([
      flora(fast.url, env, ['assets', 'upload', big, '--workspace-id', 'ws_abc123']),
      flora(fast.url, env, ['techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', '{id: prompt, type: text, value: "a fox"}', '--mode', 'async', '--wait', '--download', out]),
    ]);
    expect({ code: upload.code, stderr: upload.stderr }).toEqual({ code: 0, stderr: '' });
    expect({ code: run.code, error: /^error/m.test(run.stderr) }).toEqual({ code: 0, error: false });
    expect(run.stderr).toMatch(/saved output_2 -> .*\.png/);
    const seen = proxy.seen.slice(before);
    expect(seen).toContain(`CONNECT ${new URL(fast.storageUrl).host}`);
    expect(seen).toContain(`CONNECT ${new URL(fast.mediaUrl).host}`);
    const files = readdirSync(out);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(statSync(join(out, f)).size, f).toBeGreaterThan(0);
  } finally {
    await fast.close();
    rmSync(work, { recursive: true, force: true });
  }
});
