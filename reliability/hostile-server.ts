/**
 * A hostile (or broken) FLORA on loopback: each request's technique id (`/api/v1/techniques/<case>/...`)
 * picks a misbehaviour, written byte by byte on the raw socket where HTTP itself is the attack. It echoes
 * whatever `Authorization` it is sent, the way a careless proxy or a debug endpoint would. Every socket it
 * opens is closed by `close()`.
 */
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';

/** What a case is given: the socket, the request's method, path and head, and the base URL of this server. */
export interface Request {
  socket: Socket;
  method: string;
  path: string;
  authorization: string;
  head: string;
  origin: string;
}

export type Behaviour = (req: Request) => void;

const RUN = { created_at: 1767225600, progress: 0, run_id: 'run_hostile_1', status: 'pending' };

/** A complete HTTP/1.1 answer. */
export function answer(socket: Socket, status: number, body: string, headers: Record<string, string> = {}): void {
  const head = Object.entries({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} X\r\n${head}\r\n${body}`);
}

/**
 * Writes `chunk` into `into` (the socket, or a gzip stream in front of it) until the peer goes away or
 * `bytes` have gone (Infinity: forever), respecting backpressure; then ends `into`.
 */
export function pour(socket: Socket, chunk: Buffer, bytes: number, into: Writable = socket): void {
  let sent = 0;
  const more = () => {
    while (sent < bytes && !socket.destroyed) {
      sent += chunk.length;
      if (!into.write(chunk)) return void into.once('drain', more);
    }
    if (sent >= bytes) into.end();
  };
  more();
}

const MiB = 1024 * 1024;
const zeros = Buffer.alloc(MiB, 0x30);

/** The misbehaviours, by name. `bytes` scales the big ones. */
export function behaviours(bytes: number): Record<string, Behaviour> {
  return {
    /** A 200 declaring (and sending, as long as anyone reads) a body of `bytes`. */
    huge: ({ socket }) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${bytes}\r\n\r\n`);
      pour(socket, zeros, bytes);
    },
    /** A chunked 200 that never ends. */
    endless: ({ socket }) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
      const chunk = Buffer.concat([Buffer.from(`${MiB.toString(16)}\r\n`), zeros, Buffer.from('\r\n')]);
      pour(socket, chunk, Infinity);
    },
    /** A small gzip body that inflates to `bytes`. */
    gzipBomb: ({ socket }) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n');
      const gzip = createGzip({ level: 9 });
      gzip.on('data', (d: Buffer) => {
        if (!socket.write(Buffer.concat([Buffer.from(`${d.length.toString(16)}\r\n`), d, Buffer.from('\r\n')]))) gzip.pause();
      });
      socket.on('drain', () => gzip.resume());
      gzip.on('end', () => socket.end('0\r\n\r\n'));
      socket.on('close', () => gzip.destroy());
      pour(socket, zeros, bytes, gzip);
    },
    /** The key echoed in a 200's JSON with every `/` escaped and each letter as \u00XX (PHP's json_encode, and worse). */
    escapedEcho: ({ socket, authorization }) => {
      const key = authorization.replace(/^Bearer /, '');
      const escaped = [...key].map((c) => (c === '/' ? '\\/' : c === '"' || c === '\\' ? `\\${c}` : /[a-z]/.test(c) ? `\\u00${c.charCodeAt(0).toString(16)}` : c)).join('');
      answer(socket, 200, `{"created_at":1,"progress":0,"run_id":"run_1","status":"pending","debug":"${escaped}","nested":{"list":["${escaped}"]}}`);
    },
    /** The same, in an error envelope. */
    escapedEchoError: ({ socket, authorization }) => {
      const escaped = authorization.replace(/[\\"]/g, '\\$&').replace(/\//g, '\\/');
      answer(socket, 401, `{"error":{"code":"unauthorized","message":"bad key ${escaped}","fields":[{"field":"authorization","message":"${escaped}"}]}}`);
    },
    /** The key echoed in a response header of a 200. */
    headerEcho: ({ socket, authorization }) => answer(socket, 200, JSON.stringify(RUN), { 'x-echo': authorization, 'x-request-id': 'req_echo' }),
    /** A header line the parser rejects (a NUL), carrying the key: the parse error holds the bytes. */
    malformedEchoHeader: ({ socket, authorization }) => socket.end(`HTTP/1.1 200 OK\r\nx-echo: ${authorization}\u0000\r\ncontent-length: 2\r\n\r\n{}`),
    /** The key echoed raw in an HTML error page. */
    htmlEcho: ({ socket, authorization }) => answer(socket, 502, `<html><body>upstream said: ${authorization}</body></html>`, { 'content-type': 'text/html' }),
    /** 307 and 308 to another origin: the POST must not be replayed there. */
    redirectOther307: ({ socket }) => answer(socket, 307, '', { location: `${OTHER.origin}/api/v1/runs/technique` }),
    redirectOther308: ({ socket }) => answer(socket, 308, '', { location: `${OTHER.origin}/api/v1/runs/technique?token=secret` }),
    /** 301, 302 and 303 to another origin: the client must not present that host's answer as the run. */
    redirectOther301: ({ socket }) => answer(socket, 301, '', { location: `${OTHER.origin}/api/v1/techniques/x/runs/run_other` }),
    redirectOther302: ({ socket }) => answer(socket, 302, '', { location: `${OTHER.origin}/api/v1/techniques/x/runs/run_other` }),
    redirectOther303: ({ socket }) => answer(socket, 303, '', { location: `${OTHER.origin}/api/v1/techniques/x/runs/run_other` }),
    /** A same-origin redirect: followed for a GET, refused for a POST. */
    redirectSame: ({ socket, origin }) => answer(socket, 302, '', { location: `${origin}/api/v1/techniques/plain/runs/run_hostile_1` }),
    /** Redirects to itself, forever. */
    redirectLoop: ({ socket, path }) => answer(socket, 302, '', { location: path }),
    plain: ({ socket }) => answer(socket, 200, JSON.stringify(RUN)),
    /** An envelope whose parts have the wrong shapes. */
    badEnvelope: ({ socket }) => answer(socket, 400, '{"error":{"code":"input_validation_error","message":"x","fields":[null, 5, {"field": 1}]}}'),
    badEnvelopeTypes: ({ socket }) => answer(socket, 409, '{"error":{"code":{"a":1},"message":["x"],"fields":"prompt"}}'),
    /** Headers, then one byte of the body every 50 ms (slowloris, answering). */
    slowloris: ({ socket }) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n');
      const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(' ')), 50);
      socket.on('close', () => clearInterval(timer));
    },
    /** Chunked encoding that breaks: a chunk size that is not hex, then one longer than it says. */
    badChunk: ({ socket }) => socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'),
    lyingChunk: ({ socket }) => socket.end('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{"run_id": 1}\r\n0\r\n\r\n'),
    /** JSON nested 100 000 deep, valid. */
    deepJson: ({ socket }) => answer(socket, 200, `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    deepField: ({ socket }) => answer(socket, 200, `{"created_at":1,"progress":0,"run_id":"run_1","status":"pending","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
    /** Numbers JSON allows and JavaScript cannot hold. */
    hugeNumbers: ({ socket }) => answer(socket, 200, '{"created_at":1e400,"progress":-1e400,"run_id":"run_1","status":"pending","charged_cost":123456789012345678901234567890}'),
    /** 10 000 headers, and one header of 1 MiB. */
    headerFlood: ({ socket }) => socket.end(`HTTP/1.1 200 OK\r\n${Array.from({ length: 10_000 }, (_, i) => `x-h${i}: ${i}\r\n`).join('')}content-length: 2\r\n\r\n{}`),
    hugeHeader: ({ socket }) => socket.end(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(MiB)}\r\ncontent-length: 2\r\n\r\n{}`),
    /** Control characters and a shell injection in what a terminal will show. */
    ansi: ({ socket }) => answer(socket, 200, JSON.stringify({ ...RUN, run_id: 'run_1; touch /tmp/pwned', status: 'pending\u001b[2J\u001b]0;owned\u0007', error_message: '\u001b[31mred' })),
    ansiError: ({ socket }) => answer(socket, 500, JSON.stringify({ error: { code: 'unknown_error', message: 'boom\u001b]52;c;cHduZWQ=\u0007\u001b[2J' } })),
    /** Silence after the request. */
    silent: () => {},
  };
}

/** A second origin that must never be reached: it counts what it is sent. */
export const OTHER = { origin: '', received: 0 };

export interface HostileServer {
  url: string;
  origin: string;
  /** Requests seen, by case. */
  seen: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the hostile server (and the other origin). */
export async function startHostileServer(bytes: number): Promise<HostileServer> {
  const cases = behaviours(bytes);
  const sockets = new Set<Socket>();
  const seen = new Map<string, number>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const other = net.createServer((socket) => {
    track(socket);
    OTHER.received++;
    socket.once('data', () => answer(socket, 200, JSON.stringify({ ...RUN, run_id: 'run_other_host' })));
  });
  let origin = '';
  const server = net.createServer((socket) => {
    track(socket);
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const [line = '', ...lines] = head.slice(0, end).split('\r\n');
      const [method = 'GET', path = '/'] = line.split(' ');
      const authorization = lines.find((l) => /^authorization:/i.test(l))?.replace(/^authorization:\s*/i, '') ?? '';
      const name = /^\/api\/v1\/techniques\/([^/]+)\//.exec(path)?.[1] ?? 'plain';
      seen.set(name, (seen.get(name) ?? 0) + 1);
      (cases[name] ?? cases.plain!)({ socket, method, path, authorization, head, origin });
    };
    socket.on('data', onData);
  });
  const listen = (s: net.Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  origin = `http://127.0.0.1:${await listen(server)}`;
  OTHER.origin = `http://127.0.0.1:${await listen(other)}`;
  OTHER.received = 0;
  return {
    url: `${origin}/api/v1`,
    origin,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
    },
  };
}
