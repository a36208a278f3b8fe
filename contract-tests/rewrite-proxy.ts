/**
 * A small node:http proxy for negative contract tests: it forwards every request to an upstream (Prism, or
 * the simulator) and, when the request names a rewrite in `x-contract-rewrite` (or the proxy was started
 * with rewrites to apply `always`, to the operations each names), turns a 200 answer's body into one the
 * spec does not allow. The client must then throw `ResponseValidationError` naming the field, and
 * `flora contract check` must report drift there and nowhere else.
 */
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATIONS, type OperationId } from '../generated/operations.js';

export const REWRITE_HEADER = 'x-contract-rewrite';

export interface Rewrite {
  /** The operations whose answers this applies to. */
  operations: OperationId[];
  /** The field the client's `ResponseValidationError.fields` must name. */
  field: string;
  /** The `Prefer` header to ask Prism for, when the rewrite needs an example with some optional field. */
  prefer?: string;
  /** The new body (text) and content type; `request` is what the client sent. */
  apply(body: any, request: { headers: IncomingHttpHeaders }): { text: string; contentType?: string };
}

const RUN_OPS: OperationId[] = ['createTechniqueRun', 'getTechniqueRun'];
const ALL_OPS: OperationId[] = ['createTechniqueRun', 'getTechniqueRun', 'startTechniqueRun'];
const json = (body: unknown) => ({ text: JSON.stringify(body) });

/** The rewrites, by name. Each takes a valid 200 body and makes it break the spec in one way. */
export const REWRITES: Record<string, Rewrite> = {
  'run_id renamed to runId': {
    operations: ALL_OPS,
    field: 'run_id',
    apply: ({ run_id, ...rest }) => json({ ...rest, runId: run_id }),
  },
  'action.action_id outside the enum': {
    operations: ['startTechniqueRun'],
    field: 'action.action_id',
    prefer: 'example=reference',
    apply: (body) => json({ ...body, action: { ...body.action, action_id: 'explode-video' } }),
  },
  'status queued': {
    operations: RUN_OPS,
    field: 'status',
    apply: (body) => json({ ...body, status: 'queued' }),
  },
  'negative charged_cost': {
    operations: ['startTechniqueRun'],
    field: 'charged_cost',
    apply: (body) => json({ ...body, charged_cost: -0.04 }),
  },
  'type missing': {
    operations: ['startTechniqueRun'],
    field: 'type',
    apply: ({ type: _type, ...rest }) => json(rest),
  },
  'poll_url not a URI': {
    operations: ['startTechniqueRun'],
    field: 'poll_url',
    apply: (body) => json({ ...body, poll_url: 'not a url' }),
  },
  'progress as a string': {
    operations: RUN_OPS,
    field: 'progress',
    apply: (body) => json({ ...body, progress: '50' }),
  },
  'output type outside the enum': {
    operations: RUN_OPS,
    field: 'outputs[0].type',
    prefer: 'example=completed',
    apply: (body) => json({ ...body, outputs: [{ ...body.outputs[0], type: 'gif' }] }),
  },
  'output without url': {
    operations: RUN_OPS,
    field: 'outputs[0].url',
    prefer: 'example=completed',
    apply: (body) => json({ ...body, outputs: [{ output_id: 'output_1', type: 'imageUrl' }] }),
  },
  'truncated JSON': {
    operations: ALL_OPS,
    field: '(body)',
    apply: (body) => {
      const text = JSON.stringify(body);
      return { text: text.slice(0, Math.floor(text.length / 2)) };
    },
  },
  'an HTML page': {
    operations: ALL_OPS,
    field: '(body)',
    apply: () => ({
      text: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream hiccup</p></body></html>',
      contentType: 'text/html; charset=utf-8',
    }),
  },
  'an empty body': {
    operations: ALL_OPS,
    field: '(body)',
    apply: () => ({ text: '' }),
  },
  'JSON null': {
    operations: ALL_OPS,
    field: '(body)',
    apply: () => ({ text: 'null' }),
  },
  'a JSON array': {
    operations: ALL_OPS,
    field: '(body)',
    apply: (body) => json([body]),
  },
  // The read operations drift too.
  'workspace role as a number': {
    operations: ['listWorkspaces'],
    field: 'workspaces[0].role',
    apply: (body) => json({ ...body, workspaces: body.workspaces.map((w: object) => ({ ...w, role: 3 })) }),
  },
  'technique without run_cost': {
    operations: ['getTechnique'],
    field: 'run_cost',
    apply: ({ run_cost: _cost, ...rest }) => json(rest),
  },
  'run list item without workspace_id': {
    operations: ['listTechniqueRuns'],
    field: 'technique_runs[0].workspace_id',
    apply: (body) => json({ ...body, technique_runs: body.technique_runs.map(({ workspace_id: _w, ...run }: Record<string, unknown>) => run) }),
  },
  // A hostile server that echoes the caller's Authorization header where a report quotes what came.
  'status echoes the key': {
    operations: ['getTechniqueRun'],
    field: 'status',
    apply: (body, request) => json({ ...body, status: String(request.headers.authorization) }),
  },
};

/** The operation a request (path after the proxy's root) addresses. */
function operationOf(method: string | undefined, url: string | undefined): OperationId | undefined {
  const path = (url ?? '').split(/[?#]/)[0]!;
  return (Object.keys(OPERATIONS) as OperationId[]).find((id) => OPERATIONS[id].method === method && OPERATIONS[id].pathPattern.test(path));
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade', 'proxy-connection', REWRITE_HEADER]);

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k, v]) => v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())));
}

export interface RewriteProxy {
  url: string;
  /** Rewrites applied so far, by name. */
  applied: Record<string, number>;
  close(): Promise<void>;
}

/**
 * Starts the proxy on a free loopback port, in front of `upstream` (an http URL). `always` names rewrites
 * applied to every 200 answer of the operations each lists, without a header (for a client that sends none).
 */
export async function startRewriteProxy(upstream: string, { always = [] }: { always?: string[] } = {}): Promise<RewriteProxy> {
  for (const name of always) if (!REWRITES[name]) throw new Error(`rewrite-proxy: no rewrite named ${name}`);
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const applied: Record<string, number> = {};

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req.method, req.url);
      const rewriteName = req.headers[REWRITE_HEADER] ?? always.find((name) => op && REWRITES[name]!.operations.includes(op));
      const rewrite = typeof rewriteName === 'string' ? REWRITES[rewriteName] : undefined;
      if (typeof rewriteName === 'string' && !rewrite) {
        res.writeHead(599, { 'content-type': 'text/plain' }).end(`rewrite-proxy: no rewrite named ${rewriteName}`);
        return;
      }
      const upstreamReq = httpRequest(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: `${target.pathname.replace(/\/$/, '')}${req.url}`,
          headers: { ...forwardable(req.headers), 'content-length': String(body.length) },
          agent,
        },
        (upstreamRes) => {
          const out: Buffer[] = [];
          upstreamRes.on('data', (c: Buffer) => out.push(c));
          upstreamRes.on('end', () => {
            let text = Buffer.concat(out);
            const headers = forwardable(upstreamRes.headers);
            if (rewrite && upstreamRes.statusCode === 200) {
              const next = rewrite.apply(JSON.parse(text.toString('utf8')), { headers: req.headers });
              text = Buffer.from(next.text, 'utf8');
              if (next.contentType) headers['content-type'] = next.contentType;
              applied[rewriteName as string] = (applied[rewriteName as string] ?? 0) + 1;
            }
            res.writeHead(upstreamRes.statusCode ?? 502, { ...headers, 'content-length': String(text.length) });
            res.end(text);
          });
          upstreamRes.on('error', () => res.destroy());
        },
      );
      upstreamReq.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`rewrite-proxy: upstream failed: ${err.message}`);
      });
      upstreamReq.end(body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    applied,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
