/**
 * The adversary's server on loopback: it plays each case's answers byte by byte on raw sockets (so
 * HTTP itself can be the attack), and a second origin that must never be reached. Each case has its
 * own path prefix, `/c/<id>/api/v1`, so one server serves every child process at once; every request
 * is recorded for the parent's invariants (which origin, method, idempotency keys, and whether a whole,
 * honest 2xx was sent).
 */
import net, { type AddressInfo, type Socket } from 'node:net';
import { brotliCompressSync, constants, createGzip, deflateSync, gzipSync } from 'node:zlib';
import { pour } from '../hostile-server.js';
import { build, headerSafe, honest, spell, secretOf, tokenSafe } from './bodies.js';
import type { Answer, Case } from './plan.js';

export interface Seen {
  origin: 'main' | 'other';
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  bodyKey: string | undefined;
  status: number;
  /** Whether it carried an Authorization header (a media host's request never may). */
  authorization: boolean;
  /** A 2xx whose framing and encoding were honest and whole. */
  complete2xx: boolean;
  /** ... and whose body a tolerant reader can use. */
  usable2xx: boolean;
}

const MAX_BODY = 8 * 1024 * 1024;
const zeros = Buffer.alloc(64 * 1024, 0x30);
const PLAIN: Answer = { status: 200, headers: [], body: { kind: 'valid', mutations: [], echoes: [] }, transfer: { kind: 'whole' }, encoding: 'identity' };

export interface AdversaryServer {
  origin: string;
  otherOrigin: string;
  /** Registers a case; its base URL for the client. */
  add(id: string, c: Case, strict: boolean): string;
  /** What a case was sent, and forgets it. */
  take(id: string): Seen[];
  /** Requests that named no known case. */
  stray: number;
  close(): Promise<void>;
}

/** `a` with no echo of a secret in its status text, headers or body. */
function withoutEchoes(a: Answer): Answer {
  const body = 'echoes' in a.body ? { ...a.body, echoes: [] } : a.body;
  const location = a.location === 'sameEcho' || a.location === 'userinfo' ? 'same' : a.location === 'otherEcho' ? 'other' : a.location;
  return { ...a, statusTextEcho: undefined, headers: a.headers.map((h) => ({ ...h, echo: undefined })), body, location };
}

export async function startAdversaryServer(): Promise<AdversaryServer> {
  const cases = new Map<string, { c: Case; seen: Seen[]; strict: boolean }>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let origin = '';
  let otherOrigin = '';
  const state = { stray: 0 };

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };

  /** Reads one request (head and body); calls `on` with it. */
  const readRequest = (socket: Socket, on: (method: string, path: string, headers: Record<string, string>, body: string) => void) => {
    let buffered = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [line = '', ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buffered.length < end + 4 + length) return;
      socket.off('data', onData);
      const [method = 'GET', path = '/'] = line.split(' ');
      on(method, path, headers, buffered.subarray(end + 4, end + 4 + length).toString('utf8'));
    };
    socket.on('data', onData);
  };

  const record = (kind: Seen['origin'], method: string, path: string, headers: Record<string, string>, body: string) => {
    const id = /^\/c\/([^/]+)\//.exec(path)?.[1];
    const entry = id ? cases.get(id) : undefined;
    if (!entry) {
      state.stray++;
      return undefined;
    }
    let bodyKey: string | undefined;
    try {
      bodyKey = (JSON.parse(body) as { idempotency_key?: string }).idempotency_key;
    } catch {
      // no JSON body
    }
    const seen: Seen = { origin: kind, method, path, idempotencyKey: headers['idempotency-key'], bodyKey, authorization: headers.authorization !== undefined, status: 0, complete2xx: false, usable2xx: false };
    entry.seen.push(seen);
    return { entry, seen, id: id! };
  };

  const other = net.createServer((socket) => {
    track(socket);
    readRequest(socket, (method, path, headers, body) => {
      record('other', method, path, headers, body);
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}');
    });
  });

  const answer = (socket: Socket, c: Case, strict: boolean, a: Answer, final: boolean, n: number, method: string, path: string, id: string, seen: Seen) => {
    const base = `${origin}/c/${id}/api/v1`;
    const apiPath = path.slice(`/c/${id}/api/v1`.length) || '/';
    const built = build(c, a.body, method, apiPath, final, n, base, strict);
    let body = Buffer.from(built.text, 'utf8');
    const head: string[] = ['connection: close'];
    const type = a.headers.find((h) => h.name === 'content-type');
    head.push(`content-type: ${type?.value ?? 'application/json'}`);
    for (const h of a.headers) {
      const echoed = h.echo ? spell(secretOf(c, h.echo), h.echo.form) : '';
      if (!headerSafe(echoed)) continue;
      if (h.name === 'flood') for (let i = 0; i < Number(h.value); i++) head.push(`x-f${i}: ${i}`);
      else if (h.name === 'echo-name') {
        if (h.echo && tokenSafe(echoed)) head.push(`x-${echoed}: 1`);
      } else if (h.name === 'x-echo') head.push(`x-echo: ${h.value}${echoed}`);
      else if (h.name === 'set-cookie') head.push(`set-cookie: session=${echoed || 'abc'}; HttpOnly`);
      else if (h.name === 'www-authenticate') head.push(`www-authenticate: Bearer realm="${echoed}"`);
      else if (h.name !== 'content-type') head.push(`${h.name}: ${h.value}${echoed}`);
    }
    if (a.status >= 300 && a.status < 400 && a.location) {
      const sep = apiPath.includes('?') ? '&' : '?';
      const other = `${otherOrigin}/c/${id}/api/v1${apiPath.split('?')[0]}`;
      const where = {
        same: `${path}${sep}r=${n}`,
        sameEcho: `${origin}${path}${sep}k=${spell(c.key, 'url')}`,
        userinfo: `http://u:${encodeURIComponent(c.key)}@${origin.slice('http://'.length)}${path}`,
        other,
        otherEcho: `${other}?k=${spell(c.key, 'url')}`,
        protocolRelative: `//${otherOrigin.slice('http://'.length)}/c/${id}/x`,
        scheme: ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'data:text/plain,hi', 'javascript:alert(1)', 'mailto:a@b.test'][n % 5]!,
        malformed: ['http://[::1', '', ' ', 'http://%zz/', 'http://127.0.0.1:99999/'][n % 5]!,
        loop: path,
      }[a.location];
      head.push(`location: ${where}`);
    }
    const statusText = a.statusTextEcho ? spell(secretOf(c, a.statusTextEcho), a.statusTextEcho.form) : 'X';
    const line = `HTTP/1.1 ${a.status} ${headerSafe(statusText) ? statusText : 'X'}\r\n`;
    const is2xx = a.status >= 200 && a.status < 300;

    if (a.body.kind === 'huge') {
      const bytes = a.body.bytes;
      if (a.encoding === 'gzip' || a.encoding === 'gzip,gzip' || a.encoding === 'deflate') {
        // A bomb: a small gzip stream inflating to `bytes`.
        socket.write(`${line}${head.join('\r\n')}\r\ncontent-encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n`);
        const gzip = createGzip({ level: 9 });
        gzip.on('data', (d: Buffer) => {
          if (!socket.destroyed && !socket.write(Buffer.concat([Buffer.from(`${d.length.toString(16)}\r\n`), d, Buffer.from('\r\n')]))) gzip.pause();
        });
        socket.on('drain', () => gzip.resume());
        gzip.on('end', () => socket.end('0\r\n\r\n'));
        socket.on('close', () => gzip.destroy());
        pour(socket, zeros, bytes, gzip);
      } else {
        socket.write(`${line}${head.join('\r\n')}\r\ncontent-length: ${bytes}\r\n\r\n`);
        pour(socket, zeros, bytes);
      }
      return;
    }

    let encoding = '';
    if (a.encoding === 'gzip') body = gzipSync(body);
    if (a.encoding === 'deflate') body = deflateSync(body);
    if (a.encoding === 'br') body = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
    if (a.encoding === 'gzip,gzip') body = gzipSync(gzipSync(body));
    if (a.encoding !== 'identity') encoding = `content-encoding: ${{ gzip: 'gzip', deflate: 'deflate', br: 'br', 'gzip,gzip': 'gzip, gzip', 'lie-gzip': 'gzip', unknown: 'x-unknown' }[a.encoding]}\r\n`;
    const complete = is2xx && honest(a, c.timeoutMs, body.length);
    const done = () => {
      seen.complete2xx = complete;
      seen.usable2xx = complete && built.usable && a.status !== 204 && Buffer.byteLength(built.text) <= MAX_BODY;
    };
    const t = a.transfer;
    const withLength = (n: number) => `${line}${head.join('\r\n')}\r\n${encoding}content-length: ${n}\r\n\r\n`;
    if (t.kind === 'stallHead') return;
    if (t.kind === 'whole' || t.kind === 'longer' || t.kind === 'shorter') {
      const declared = t.kind === 'longer' ? body.length + 100 : t.kind === 'shorter' ? Math.max(0, body.length - 5) : body.length;
      done();
      return void socket.end(Buffer.concat([Buffer.from(withLength(declared), 'latin1'), body]));
    }
    if (t.kind === 'chunked' || t.kind === 'badChunk') {
      const half = Math.floor(body.length / 2);
      const chunk = (b: Buffer) => (b.length ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]) : Buffer.alloc(0));
      const bad = t.kind === 'badChunk' ? Buffer.from('zz\r\nxx\r\n') : Buffer.alloc(0);
      done();
      return void socket.end(Buffer.concat([Buffer.from(`${line}${head.join('\r\n')}\r\n${encoding}transfer-encoding: chunked\r\n\r\n`, 'latin1'), chunk(body.subarray(0, half)), bad, chunk(body.subarray(half)), Buffer.from('0\r\n\r\n')]));
    }
    socket.write(withLength(body.length), 'latin1');
    if (t.kind === 'drop') {
      if (t.after === 'half') socket.write(body.subarray(0, Math.floor(body.length / 2)));
      return void socket.destroy();
    }
    if (t.kind === 'stallBody') return void socket.write(body.subarray(0, Math.floor(body.length / 2)));
    // trickle
    let at = 0;
    const timer = setInterval(() => {
      if (socket.destroyed) return void (clearInterval(timer), timers.delete(timer));
      socket.write(body.subarray(at, (at += t.chunk)));
      if (at >= body.length) {
        clearInterval(timer);
        timers.delete(timer);
        done();
        socket.end();
      }
    }, t.gapMs);
    timers.add(timer);
  };

  const main = net.createServer((socket) => {
    track(socket);
    readRequest(socket, (method, path, headers, body) => {
      const r = record('main', method, path, headers, body);
      if (!r) return void socket.end('HTTP/1.1 404 X\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      const { entry, seen, id } = r;
      const n = entry.seen.filter((s) => s.origin === 'main').length - 1;
      const given = entry.c.answers[n] ?? PLAIN;
      // A media host never receives the key (promise 1 checks no request to it carries one), so it cannot
      // echo it: its answers are as hostile as the API's in every other way.
      const a = path.includes('/media/') ? withoutEchoes(given) : given;
      seen.status = a.status;
      try {
        answer(socket, entry.c, entry.strict, a, n >= entry.c.answers.length, n, method, path, id, seen);
      } catch (err) {
        // A fault of the harness, not of the client: said loudly, and the case fails on it.
        console.error('adversary server failed to answer', err);
        seen.status = -1;
        socket.destroy();
      }
    });
  });

  await Promise.all([new Promise<void>((r) => main.listen(0, '127.0.0.1', r)), new Promise<void>((r) => other.listen(0, '127.0.0.1', r))]);
  origin = `http://127.0.0.1:${(main.address() as AddressInfo).port}`;
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  return {
    origin,
    otherOrigin,
    add(id, c, strict) {
      cases.set(id, { c, seen: [], strict });
      return `${origin}/c/${id}/api/v1`;
    },
    take(id) {
      const seen = cases.get(id)?.seen ?? [];
      cases.delete(id);
      return seen;
    },
    get stray() {
      return state.stray;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => main.close(r)), new Promise((r) => other.close(r))]);
    },
  };
}
