/**
 * One generated case, run in the child process that measures it: the library (every resource method,
 * waiting, pagination, `withResponse()`, the raw client), the CLI (every output format) or the webhook
 * verifier, against the adversary's server. It collects everything a user could see (data, errors at any
 * depth, headers and URL of a response, log lines, CLI stdout and stderr) and checks, here, that no
 * secret shows in any spelling, that memory stayed bounded, and that what came back is data or a typed
 * error.
 */
import './platform-fetch.js';
import dc from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { Agent } from 'undici';
import { Flora, FloraError } from '../../src/index.js';
import { everythingAbout, exposes } from '../harness.js';
import { cli, cliBound, library, MAX_LOG_LINES, MAX_MESSAGE, texts, webhook } from './actions.js';
import type { Case } from './plan.js';

/** One request as the client's fetch (undici) saw it: its answer's status, and whether its body arrived whole. */
export interface Wire {
  origin: string;
  method: string;
  path: string;
  status?: number | undefined;
  whole: boolean;
  /** When it was made and when its body had arrived whole (performance.now()). */
  at: number;
  wholeAt?: number | undefined;
}

/** Every request the platform fetch makes while a case runs, from undici's diagnostics channels. */
const wire = new Map<object, Wire>();
dc.subscribe('undici:request:create', (m) => {
  const { request } = m as { request: { origin: string; method: string; path: string } };
  wire.set(request, { origin: String(request.origin), method: request.method, path: request.path, whole: false, at: performance.now() });
});
dc.subscribe('undici:request:headers', (m) => {
  const { request, response } = m as { request: object; response: { statusCode: number } };
  const w = wire.get(request);
  if (w) w.status = response.statusCode;
});
dc.subscribe('undici:request:trailers', (m) => {
  const w = wire.get((m as { request: object }).request);
  if (w) {
    w.whole = true;
    w.wholeAt = performance.now();
  }
});

export interface Outcome {
  kind: 'data' | 'error' | 'crash';
  /** The error's class, `data`, or what crashed. */
  what: string;
  message: string;
  /** For the CLI: its exit code. */
  exitCode?: number | undefined;
  /** Where a secret showed, with a little of its context. */
  leaks: string[];
  /** Resident memory growth while the case ran, in bytes. */
  growth: number;
  elapsedMs: number;
  /** CPU time the child spent on it, user and system. */
  cpuMs: number;
  /** The most it may take: its deadline (plus what the CLI's flags allow); the margin is the parent's. */
  boundMs: number;
  /** Unhandled rejections and uncaught exceptions while it ran; what came back that inspect or JSON.stringify could not show; control characters the CLI printed raw. */
  unhandled: string[];
  /** The requests of this case as the client saw them, in order. */
  wire: Wire[];
}

/** Runs case `c` against `base`; measures and checks it. */
export async function drive(c: Case, base: string): Promise<Outcome> {
  const unhandled: string[] = [];
  const onRejection = (e: unknown) => void unhandled.push(`unhandled rejection: ${String(e).slice(0, 200)}`);
  const onException = (e: unknown) => void unhandled.push(`uncaught exception: ${String(e).slice(0, 200)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  (globalThis as { gc?: () => void }).gc?.();
  const base0 = process.memoryUsage.rss();
  let peak = base0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const seen: string[] = [];
  const faults: string[] = [];
  const logs: string[] = [];
  const line = (level: string) => (m: string, ...rest: unknown[]) => void logs.push(`${level} ${m} ${rest.map((r) => inspect(r)).join(' ')}`);
  const boundMs = c.action.kind === 'cli' ? cliBound(c as never) : c.action.kind === 'webhook' ? 1000 : c.budgetMs;
  wire.clear();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let outcome: Pick<Outcome, 'kind' | 'what' | 'message' | 'exitCode'>;
  let dispatcher: Agent | undefined;
  try {
    let value: unknown;
    if (c.action.kind === 'library') {
      const a = c.action;
      // A caller's own dispatcher (`fetchOptions`), as behind a proxy: the same promises hold through it.
      dispatcher = a.dispatcher ? new Agent({ connections: 4 }) : undefined;
      const client = new Flora({ apiKey: c.key, baseUrl: base, fetchOptions: dispatcher ? { dispatcher } : undefined, timeout: c.timeoutMs, maxRetries: c.maxRetries, logLevel: 'debug', logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }, validate: a.validate === 'off' ? false : a.validate === 'strict' ? 'strict' : true });
      value = await library(c as never, client, seen, faults, dispatcher ? { dispatcher } : undefined);
      outcome = { kind: 'data', what: 'data', message: '' };
    } else if (c.action.kind === 'cli') {
      const { code, error } = await cli(c as never, base, seen, faults);
      outcome = { kind: code === 0 ? 'data' : 'error', what: `exit ${code}`, message: error, exitCode: code };
    } else {
      value = await webhook(c as never, seen);
      outcome = { kind: 'data', what: 'data', message: '' };
    }
    seen.push(...texts(value, faults));
  } catch (error) {
    const typed = error instanceof FloraError;
    outcome = { kind: typed ? 'error' : 'crash', what: error instanceof Error ? error.constructor.name : `non-Error ${typeof error}`, message: String((error as Error)?.message ?? error).slice(0, 300) };
    try {
      seen.push(everythingAbout(error));
    } catch (e) {
      faults.push(`inspecting the error threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    texts(error, faults);
    // Errors keep bounded excerpts of what they received, whatever its size.
    const size = String((error as Error)?.message ?? '').length;
    if (size > MAX_MESSAGE) faults.push(`an error's message is ${size} characters long`);
  }
  const elapsedMs = performance.now() - started;
  void dispatcher?.destroy().catch(() => {});
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  // Anything the case left behind (a late rejection) shows up within a turn or two.
  await new Promise((r) => setImmediate(r));
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  // A warning per field path pattern, not per array index: the log stays short whatever the answer.
  if (logs.length > MAX_LOG_LINES) faults.push(`${logs.length} log lines for one call`);
  const leaks: string[] = [];
  const secrets: [string, string][] = [['key', c.key], ['webhook secret', c.webhookSecret]];
  const sources: [string, string[]][] = [['shown', seen.slice(c.action.kind === 'webhook' ? 1 : 0)], ['logs', logs]];
  for (const [where, list] of sources) {
    for (const text of list) {
      for (const [name, secret] of secrets) if (exposes(text, secret)) leaks.push(`${name} in ${where}: …${text.slice(Math.max(0, text.toLowerCase().indexOf(secret.toLowerCase().slice(0, 6)) - 80), 200)}…`);
      if (c.action.kind === 'webhook' && text.includes(seen[0]!.slice('expected '.length))) leaks.push(`expected signature in ${where}`);
    }
  }
  // This case's requests to the API's origin (not another's, nor a request an earlier case left behind).
  const { origin, pathname } = new URL(base);
  const prefix = pathname.split('/').slice(0, 3).join('/');
  const requests = [...wire.values()].filter((w) => w.origin === origin && w.path.startsWith(`${prefix}/`));
  return { ...outcome, leaks, growth: peak - base0, elapsedMs, cpuMs: (used.user + used.system) / 1000, boundMs, unhandled: [...unhandled, ...faults], wire: requests };
}
