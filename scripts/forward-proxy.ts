/**
 * A small forward proxy on loopback, as a corporate proxy behaves for the tests that go through one: it
 * tunnels `CONNECT host:port` (what undici's ProxyAgent, curl and Go send for https, and undici for http
 * too) and forwards plain `GET http://host/...` requests. It records what it was asked, so a test can tell
 * whether a request went through it. Only loopback targets are let through: test traffic stays here.
 *   tsx scripts/forward-proxy.ts [port]    (prints its URL; Ctrl-C stops it)
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`: the value of HTTPS_PROXY / HTTP_PROXY. */
  url: string;
  /** What it was asked, oldest first: `CONNECT 127.0.0.1:4010` or `GET http://127.0.0.1:4010/...`. */
  seen: string[];
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Starts the proxy on a free loopback port (or `port`). */
export async function startForwardProxy(port = 0): Promise<ForwardProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('a forward proxy takes absolute URLs');
      return;
    }
    if (!LOOPBACK.has(target.hostname) || target.protocol !== 'http:') {
      res.writeHead(403).end('this test proxy forwards to loopback only');
      return;
    }
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const url = new URL(`http://${req.url}`);
    if (!LOOPBACK.has(url.hostname)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(url.port), url.hostname.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const proxy = await startForwardProxy(Number(process.argv[2] ?? 0));
  console.log(`forward proxy on ${proxy.url} (loopback targets only); Ctrl-C stops it`);
  process.once('SIGINT', () => void proxy.close().then(() => process.exit(0)));
}
