/**
 * The four promises every generated case is held to, checked on what the child measured and saw and on
 * what the server was sent: (1) no secret shows anywhere, in any spelling; (2) memory grows by less
 * than 160 MiB and the call ends within its bound plus a small margin; (3) the outcome is data or a
 * typed FloraError (a CLI exit code it documents), never an untyped throw, a crash or an unhandled
 * rejection; (4) nothing reaches another origin, a POST is never started twice (one Idempotency-Key, in
 * both channels, nothing sent after a whole 2xx), and a usable 2xx is never retried or made an error.
 */
import type { Outcome, Wire } from './drive.js';
import type { Case } from './plan.js';
import type { Seen } from './server.js';
import { FULL } from '../scale.js';

export const MEMORY_BOUND = 160 * 1024 * 1024;
/**
 * What a call may take past its bound: reading (at most 8 MiB) and a quiet machine's lag, 2 s, in the long
 * run (`npm run test:adversary`, `test:reliability`). The quick slice in `npm test` shares a loaded machine
 * with other work, where a child can run ten times slower: there the bound is a wide "must not hang" one,
 * so its verdict never depends on the machine's pace (deadline overruns are measured by the long run and by
 * the unit tests that count work, not time).
 */
export const MARGIN_MS = FULL ? 2_000 : 30_000;

/** Actions that make one request (and its retries and redirects): a 2xx ends them. */
const SINGLE = new Set(['assets.retrieve', 'assets.complete', 'techniques.runs.create', 'techniques.runs.retrieve', 'techniques.runs.list', 'runs.startTechnique', 'techniques.retrieve', 'generations.retrieve', 'workspaces.list', 'raw.GET', 'raw.POST', 'create', 'retrieve', 'runs list', 'start-technique', 'techniques retrieve', 'workspaces list']);

/**
 * The one crash this harness knows and does not count against the client: the `undici` package's (7.x)
 * HTTP/1 parser asserting `!this.paused` from its socket `end` handler when a body is read slower than it
 * arrives and the server closes (nodejs/undici#5360, fixed in undici 8, which needs Node 22.19). It happens
 * only through a caller's dispatcher from that package; Node's own fetch does not do it. Counted and
 * printed by the test, never hidden; any other uncaught exception still fails the case.
 */
export function upstream(c: Case, unhandled: string): boolean {
  return c.action.kind === 'library' && c.action.dispatcher === true && unhandled.startsWith('uncaught exception: AssertionError') && unhandled.includes('assert(!this.paused)');
}

/** What case `c` broke; empty when it kept every promise. */
export function broken(c: Case, o: Outcome, seen: Seen[]): string[] {
  const out: string[] = [];
  for (const leak of o.leaks) out.push(`(1) a secret showed: ${leak}`);
  const media = seen.filter((s) => s.path.includes('/media/') && s.authorization);
  if (media.length > 0) out.push(`(1) ${media.length} request(s) to the media host carried an Authorization header`);
  if (o.growth >= MEMORY_BOUND) out.push(`(2) memory grew ${(o.growth / 2 ** 20).toFixed(0)} MiB`);
  if (o.elapsedMs > o.boundMs + MARGIN_MS) out.push(`(2) took ${o.elapsedMs.toFixed(0)} ms, bound ${o.boundMs} ms + ${MARGIN_MS} ms`);
  if (o.kind === 'crash') out.push(`(3) neither data nor a typed FloraError: ${o.what}: ${o.message}`);
  if (o.exitCode !== undefined && ![0, 1, 2, 3, 4].includes(o.exitCode)) out.push(`(3) the CLI exited ${o.exitCode}`);
  for (const u of o.unhandled) if (!upstream(c, u)) out.push(`(3) ${u}`);
  if (seen.some((s) => s.status === -1)) out.push('(harness) the adversary server failed to build an answer');
  // A media host may send a download elsewhere (a CDN's signed URL): a GET without credentials, no leak.
  const download = c.action.kind === 'library' && c.action.method === 'runs.download';
  const other = seen.filter((s) => s.origin === 'other' && !(download && s.method === 'GET' && !s.authorization));
  if (other.length > 0) out.push(`(4) ${other.length} request(s) reached another origin: ${other.map((s) => `${s.method} ${s.path}`).join(', ')}`);
  // Each POST operation of a case (an upload's create, say) is one call: its attempts share one key.
  const posts = seen.filter((s) => s.method === 'POST' && s.origin === 'main');
  for (const path of new Set(posts.map((p) => p.path.split('?')[0]))) {
    const attempts = posts.filter((p) => p.path.split('?')[0] === path);
    if (new Set(attempts.map((p) => p.idempotencyKey)).size > 1 || attempts.some((p) => !p.idempotencyKey)) out.push(`(4) the attempts of POST ${path} carried different (or no) Idempotency-Keys`);
  }
  if (posts.some((p) => p.bodyKey !== undefined && p.bodyKey !== p.idempotencyKey)) out.push("(4) a POST's body key differed from its header");
  // A 2xx counts once the server sent it whole and honest and the client's fetch received it whole within
  // half the attempt's timeout (a client whose attempt timed out first, reading or decoding it, has no
  // answer and rightly retries). Server and client see the same requests in the same order.
  const main = seen.filter((s) => s.origin === 'main');
  const inTime = (w: Wire | undefined) => w !== undefined && w.whole && w.wholeAt! - w.at < c.timeoutMs / 2;
  const received = main.map((s, i) => s.complete2xx && inTime(o.wire[i]) && o.wire[i]!.status === s.status);
  const again = (i: number) => main.slice(i + 1).some((s) => s.method === 'POST' && s.path.split('?')[0] === main[i]!.path.split('?')[0]);
  if (main.some((s, i) => s.method === 'POST' && received[i] && again(i))) out.push('(4) a POST was sent again after a whole 2xx answer');
  const what = c.action.kind === 'library' ? c.action.method : c.action.kind === 'cli' ? c.action.command : '';
  if (SINGLE.has(what)) {
    const whole = received.indexOf(true);
    if (whole >= 0 && whole < main.length - 1) out.push(`(4) a whole ${main[whole]!.status} was retried`);
    if (main.some((s, i) => s.usable2xx && received[i]) && o.kind !== 'data') out.push(`(4) a usable 2xx became an error: ${o.what}: ${o.message}`);
  }
  return out;
}
