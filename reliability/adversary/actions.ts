/**
 * What one generated case drives: a library method (every resource method, waiting, pagination,
 * `withResponse()`, the raw client), a CLI command (every output format, the key by flag or environment)
 * or the webhook verifier (genuine and forged deliveries). Each puts what a user could see into `seen`,
 * and what cannot be shown at all into `faults`.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { main } from '../../src/cli/program.js';
import { downloadRun } from '../../src/download/index.js';
import type { FetchOptions, Flora } from '../../src/index.js';
import { signWebhook, verifyWebhook } from '../../src/webhooks.js';
import type { Case } from './plan.js';

const NESTED = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a red fox' }], mode: 'async' as const };
const TOP = { inputs: { prompt: 'a red fox' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' };

/** What a user sees of a value: inspect and JSON.stringify, which must both work on anything the client hands out. */
export const texts = (value: unknown, faults: string[]): string[] => {
  const out = [inspect(value, { depth: 30, getters: true, maxArrayLength: 200, maxStringLength: 100_000 })];
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch (e) {
    faults.push(`JSON.stringify of what came back threw ${(e as Error).name}: ${(e as Error).message}`);
  }
  return out;
};

/** The longest error message a case may end with, and the most log lines one call may write. */
export const MAX_MESSAGE = 64 * 1024;
export const MAX_LOG_LINES = 1000;

/** What must never reach a terminal raw from the CLI: C0 (tab and newline aside), DEL, C1, separators, bidi controls. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const responseTexts = (r: Response | undefined): string[] => {
  if (!r) return [];
  const headers: string[] = [];
  r.headers.forEach((v, k) => headers.push(`${k}: ${v}`));
  return [r.url, r.statusText, ...headers];
};

/** Every item of a paginated walk. */
async function every(walk: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of walk) items.push(item);
  return items;
}

/** The library call a case names, with its bound; what it resolved with is returned, what it threw thrown. */
export async function library(c: Case & { action: { kind: 'library' } }, client: Flora, seen: string[], faults: string[], fetchOptions?: FetchOptions): Promise<unknown> {
  const a = c.action;
  const deadline = Date.now() + c.budgetMs;
  const signal = AbortSignal.timeout(c.budgetMs);
  const one = { deadline, timeout: c.timeoutMs };
  const wait = { waitTimeout: c.budgetMs, timeout: c.timeoutMs, maxRetries: c.maxRetries };
  const shown = async <T>(p: { withResponse(): Promise<{ data: T; response: Response; requestId: string | undefined }> } & PromiseLike<T>) => {
    if (!a.withResponse) return p;
    const { data, response, requestId } = await p.withResponse();
    seen.push(...responseTexts(response), String(requestId));
    return data;
  };
  switch (a.method) {
    case 'techniques.runs.create':
      return shown(client.techniques.runs.create('tech_abcd1234', NESTED, one));
    case 'techniques.runs.createAndWait':
      return client.techniques.runs.createAndWait('tech_abcd1234', NESTED, wait);
    case 'techniques.runs.retrieve':
      return shown(client.techniques.runs.retrieve('run_adv_1', { techniqueId: 'tech_abcd1234' }, one));
    case 'techniques.runs.wait':
      return client.techniques.runs.wait('run_adv_1', { techniqueId: 'tech_abcd1234' }, wait);
    case 'techniques.runs.list':
      return shown(client.techniques.runs.list({ limit: 5 }, one));
    case 'techniques.runs.list.all':
      return every(client.techniques.runs.list({}, { ...one, maxPages: 4 }));
    case 'runs.startTechnique':
      return shown(client.runs.startTechnique(TOP, one));
    case 'runs.startTechniqueAndWait':
      return client.runs.startTechniqueAndWait(TOP, wait);
    case 'runs.waitAll':
      return client.runs.waitAll([{ run_id: 'run_adv_1', technique_id: 'tech_abcd1234' }, 'run_adv_2'], { waitTimeout: c.budgetMs, signal });
    case 'runs.retrieveMany':
      return client.runs.retrieveMany([{ run_id: 'run_adv_1', technique_id: 'tech_abcd1234' }, 'run_adv_2'], { signal, timeout: c.timeoutMs, maxRetries: c.maxRetries });
    case 'runs.findAccepted':
      return client.runs.findAccepted(undefined, { techniqueId: 'tech_abcd1234', since: Date.now() - 60_000, maxPages: 3 }, { ...one, signal });
    case 'techniques.list.all':
      return every(client.techniques.list({}, { ...one, maxPages: 4 }));
    case 'techniques.retrieve':
      return shown(client.techniques.retrieve('tech_abcd1234', one));
    case 'generations.retrieve':
      return shown(client.generations.retrieve('run_adv_1', one));
    case 'workspaces.list':
      return shown(client.workspaces.list(one));
    case 'raw.GET': {
      const r = await client.raw.GET('/techniques/{techniqueId}/runs/{runId}', { params: { path: { techniqueId: 'tech_abcd1234', runId: 'run_adv_1' } }, signal });
      seen.push(...responseTexts(r.response), ...texts(r.error, faults));
      return r.data;
    }
    case 'assets.retrieve':
      return shown(client.assets.retrieve('ast_adv_1', one));
    case 'assets.list.all':
      return every(client.assets.list({}, { ...one, maxPages: 4 }));
    case 'assets.complete':
      return shown(client.assets.complete('ast_adv_1', one));
    case 'assets.upload':
      return client.assets.upload(new TextEncoder().encode('a small file'), { workspace_id: 'ws_abc123', file_name: 'a.txt', content_type: 'text/plain' }, { ...wait, signal });
    case 'runs.download': {
      // The run's outputs from the media host (the adversary's server again, on its own paths: the case's
      // next answers are the media host's), within the call's bound. The run is taken as completed, as a
      // webhook would say it is, so that the media host's answers are as hostile as the API's.
      const retrieved = await client.techniques.runs.retrieve('run_adv_1', { techniqueId: 'tech_abcd1234' }, one);
      const run = { ...retrieved, status: 'completed' };
      const dir = await mkdtemp(join(tmpdir(), 'flora-adversary-'));
      try {
        return await downloadRun(run, dir, { signal, timeout: c.timeoutMs, maxRetries: c.maxRetries, maxBytes: 16 * 1024 * 1024, fetchOptions });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    case 'raw.POST': {
      const r = await client.raw.POST('/runs/technique', { body: TOP, signal });
      seen.push(...responseTexts(r.response), ...texts(r.error, faults));
      return r.data;
    }
  }
}

const CLI_ARGS: Record<string, string[]> = {
  create: ['techniques:runs', 'create', '--technique-id', 'tech_abcd1234', '--input', '{id: prompt, type: text, value: x}', '--mode', 'async'],
  'create --wait': ['techniques:runs', 'create', '--technique-id', 'tech_abcd1234', '--input', '{id: prompt, type: text, value: x}', '--mode', 'async', '--wait'],
  retrieve: ['techniques:runs', 'retrieve', '--technique-id', 'tech_abcd1234', '--run-id', 'run_adv_1'],
  wait: ['techniques:runs', 'wait', '--technique-id', 'tech_abcd1234', '--run-id', 'run_adv_1'],
  'runs list': ['techniques:runs', 'list', '--limit', '5'],
  'runs list --all': ['techniques:runs', 'list', '--all', '--max-pages', '4'],
  'start-technique': ['runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123', '--input', 'prompt=x'],
  'techniques list --all': ['techniques', 'list', '--all', '--max-pages', '4'],
  'techniques retrieve': ['techniques', 'retrieve', '--technique-id', 'tech_abcd1234'],
  'workspaces list': ['workspaces', 'list'],
};

/** How long a CLI command may take: its attempts (each request up to 6 with redirects), the waits between them, and --wait-timeout. */
export function cliBound(c: Case & { action: { kind: 'cli' } }): number {
  const retries = Math.min(c.maxRetries, 1);
  const pages = c.action.command.endsWith('--all') ? 4 : 1;
  const waits = c.action.command.includes('wait') ? c.budgetMs : 0;
  return pages * ((retries + 1) * 6 * c.timeoutMs + retries * 1_200) + waits;
}

export async function cli(c: Case & { action: { kind: 'cli' } }, base: string, seen: string[], faults: string[]): Promise<{ code: number; error: string }> {
  const a = c.action;
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => ((stdout += s), true), isTTY: false }, stderr: { write: (s: string) => ((stderr += s), true), isTTY: false }, interrupt: new AbortController().signal };
  const argv = [
    '--base-url', base, '--timeout', String(c.timeoutMs / 1000), '--max-retries', String(Math.min(c.maxRetries, 1)), '-o', a.output,
    ...(a.verbose ? ['--verbose'] : []), ...(a.keyVia === 'flag' ? ['--api-key', c.key] : []),
    ...CLI_ARGS[a.command]!, ...(a.command.includes('wait') ? ['--wait-timeout', String(c.budgetMs / 1000)] : []),
  ];
  const env = process.env.FLORA_API_KEY;
  if (a.keyVia === 'env') process.env.FLORA_API_KEY = c.key;
  try {
    const code = await main(argv, io as never, '0.0.0');
    return { code, error: /^error: .*$/m.exec(stderr)?.[0]?.slice(0, 300) ?? '' };
  } finally {
    if (env === undefined) delete process.env.FLORA_API_KEY;
    else process.env.FLORA_API_KEY = env;
    seen.push(stdout, stderr);
    const lines = stderr.split('\n').length;
    if (lines > MAX_LOG_LINES) faults.push(`${lines} lines on stderr for one command`);
    const raw = UNSAFE.exec(stdout + stderr);
    if (raw) faults.push(`the CLI printed U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')} raw`);
    if (/^error: unexpected/m.test(stderr)) throw new Error(`the CLI failed unexpectedly: ${stderr.slice(0, 300)}`);
  }
}

/** A delivery to the webhook verifier: genuine, or forged by someone without the secret. */
export async function webhook(c: Case & { action: { kind: 'webhook' } }, seen: string[]): Promise<unknown> {
  const { tamper, junk } = c.action;
  const now = 1_767_225_600;
  let body = JSON.stringify({ id: 'evt_1', type: 'run.completed', api_version: '2026-01-01', created_at: now * 1000, data: { run_id: `run_${junk}`, run_type: 'technique', workspace_id: 'ws_abc123', status: 'completed' } });
  if (tamper === 'badBody') body = `{"id":${JSON.stringify(junk)}`;
  const t = tamper === 'old' ? now - 10_000 : now;
  let header: string | undefined = await signWebhook(body, c.webhookSecret, t);
  // What a forger cannot know, and the error must not tell: the signature this body needs.
  seen.push(`expected ${createHmac('sha256', c.webhookSecret).update(`${now}.${body}`).digest('hex')}`);
  if (tamper === 'forged') header = `t=${now},v1=${createHmac('sha256', 'not-the-secret').update(`${now}.${body}`).digest('hex')}`;
  if (tamper === 'junkHeader') header = junk;
  if (tamper === 'noHeader') header = undefined;
  if (tamper === 'secretInHeader') header = `t=${now},v1=${'a'.repeat(64)},s=${c.webhookSecret}`;
  return verifyWebhook(body, header === undefined ? {} : { 'flora-signature': header }, c.webhookSecret, { now });
}
