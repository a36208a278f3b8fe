/**
 * The simulator's request pipeline: route (from the generated operation table), faults, authentication,
 * the body (read only for an admitted caller, and capped), the operation's handler, and the reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleCors, type CorsOption } from './cors.js';
import type { FaultInjector } from './faults.js';
import { retryAfterHeaders } from './rate-limit.js';
import { BASE_PATH } from './defaults.js';
import { ERRORS, readBody, send, sendMalformed, sendText, validationReply } from './http.js';
import { HANDLERS } from './handlers.js';
import type { OperationContext } from './operations.js';
import type { Random } from './random.js';
import { matchRoute } from './router.js';
import { routeOf } from './routes.js';
import type { KeyRing, Stats } from './state.js';
import type { SimulatorLogger } from './types.js';

const MAX_BODY_BYTES = 1024 * 1024;
/** A direct asset upload carries its file: the simulator's direct limit, plus room for the form's other parts. */
const MAX_UPLOAD_BODY_BYTES = (p: Pipeline) => p.ctx.assets.settings.maxDirectBytes + 64 * 1024;

/** What the pipeline works with. */
export interface Pipeline {
  ctx: OperationContext;
  /** Which browser origins may call (see `cors.ts`). */
  cors: CorsOption | undefined;
  keys: KeyRing;
  stats: Stats;
  injector: FaultInjector;
  requestIds: Random;
  log: SimulatorLogger | undefined;
  /** Real-time delay that `close()` can cut short. */
  delay(ms: number): Promise<void>;
  closed(): boolean;
}

/** Answers one request. */
export async function handle(p: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('x-request-id', p.requestIds.id('req_', 20));
  if (handleCors(p.cors, req, res)) return;
  const method = req.method ?? 'GET';
  let pathname = '';
  let query = new URLSearchParams();
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    pathname = url.pathname;
    query = url.searchParams;
  } catch {
    // An unparsable request target names no route; it falls through to the 404 below.
  }
  const matched = matchRoute(method, pathname);
  if (matched.operationId === undefined) {
    p.stats.count('unknown', 404);
    // A known path with another method: the API's 404 envelope, and the method it takes.
    if (matched.allow) return refuse(req, res, ERRORS.notFound({ allow: matched.allow }));
    // No operation at this path: what a web server answers, not the API's envelope (a wrong base URL
    // reaches FLORA's web app, not its API), so a client can say its base URL may be wrong.
    req.resume();
    return sendText(res, 404, `Cannot ${method} ${pathname.slice(0, 200)}: no such route. This API's operations are under ${BASE_PATH}.`);
  }
  const route = routeOf(matched.operationId);
  const operate = HANDLERS[matched.operationId];
  const plan = p.injector.plan(route);
  if (plan.delayMs > 0) await p.delay(plan.delayMs);
  if (p.closed()) return void req.socket.destroy();
  if (plan.fault === 'slow') p.stats.fault('slow');
  if (plan.fault === 'serverError' || plan.fault === 'dropBeforeRecord') {
    p.stats.fault(plan.fault);
    p.log?.debug?.(`fault ${plan.fault}`, { route });
    if (plan.fault === 'dropBeforeRecord') {
      p.stats.count(route, 'dropped');
      return void req.socket.destroy();
    }
    p.stats.count(route, 500);
    return refuse(req, res, ERRORS.unknown());
  }
  if (plan.fault === 'rateLimited') {
    p.stats.fault('rateLimited');
    p.stats.count(route, 429);
    return refuse(req, res, ERRORS.rateLimited(retryAfterHeaders(plan.retryAfterMs ?? 0)));
  }
  const caller = p.keys.admit(req.headers.authorization);
  if ('status' in caller) {
    p.stats.count(route, caller.status);
    return refuse(req, res, caller);
  }
  const limit = matched.operationId === 'createAsset' ? MAX_UPLOAD_BODY_BYTES(p) : MAX_BODY_BYTES;
  const bytes = await readBody(req, limit);
  if (p.closed()) return void req.socket.destroy();
  const reply =
    bytes === undefined
      ? validationReply([{ field: '(body)', message: `must be at most ${limit} bytes` }])
      : await operate(p.ctx, { caller, params: matched.params, query, body: bytes.toString('utf8'), bytes, headers: req.headers });
  // Lost answers and corrupt bodies only make sense for work that succeeded.
  if (reply.status === 200 && (plan.fault === 'dropAfterRecord' || plan.fault === 'malformed')) {
    p.stats.fault(plan.fault);
    p.log?.debug?.(`fault ${plan.fault}`, { route });
    if (plan.fault === 'dropAfterRecord') {
      p.stats.count(route, 'dropped');
      return void req.socket.destroy();
    }
    p.stats.count(route, 200);
    return sendMalformed(res, reply);
  }
  p.stats.count(route, reply.status);
  p.log?.debug?.(`${method} ${pathname} -> ${reply.status}`);
  send(res, reply);
}

/** Answers without keeping the body: what the client sends is discarded as it arrives. */
function refuse(req: IncomingMessage, res: ServerResponse, reply: Parameters<typeof send>[1]): void {
  req.resume();
  send(res, reply);
}
