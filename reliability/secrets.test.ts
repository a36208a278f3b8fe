/**
 * The API key and the webhook secret never show. Collected: every line the client logs
 * at `debug` while it works through a faulty simulator (drops, 500s, timeouts, 401, 402, 403, 404, 409, 429,
 * refused input); every error it throws, as message, stack, `inspect(err, { depth: 10 })`, JSON and String,
 * causes included; errors from a server that echoes the Authorization header back in error bodies; the
 * stdout and stderr of spawned `flora` CLI runs at FLORA_LOG=debug; and every `WebhookVerificationError`
 * from `verifyWebhook` on generated tampered or malformed deliveries.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Flora, type Logger } from '../src/index.js';
import { signWebhook, verifyWebhook } from '../src/webhooks.js';
import { startSimulator, type Simulator } from '../src/testing/index.js';
import { everythingAbout, pool, table } from './harness.js';
import { pick, SCALE_NAME } from './scale.js';

// Fresh random secrets, so nothing can contain them by accident.
const KEY = `flora_live_${randomBytes(18).toString('hex')}`;
const UNKNOWN_KEY = `flora_live_${randomBytes(18).toString('hex')}`;
const NO_ACCESS_KEY = `flora_live_${randomBytes(18).toString('hex')}`;
const NO_CREDITS_KEY = `flora_live_${randomBytes(18).toString('hex')}`;
const LIMITED_KEY = `flora_live_${randomBytes(18).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('hex')}`;
const OTHER_SECRET = `whsec_${randomBytes(24).toString('hex')}`;
const SECRETS = [KEY, UNKNOWN_KEY, NO_ACCESS_KEY, NO_CREDITS_KEY, LIMITED_KEY, WEBHOOK_SECRET, OTHER_SECRET];

const CALLS = pick(150, 1_500);
const WEBHOOK_CASES = pick(200, 2_000);

const NESTED = { inputs: [{ id: 'prompt', type: 'text' as const, value: 'a red fox' }], mode: 'async' as const };
const TOP = { inputs: { prompt: 'a red fox' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' };

/** Everything collected, by where it came from. */
const seen = new Map<string, string[]>();
const collect = (source: string, text: string) => {
  const list = seen.get(source) ?? [];
  list.push(text);
  seen.set(source, list);
};
const leaksIn = (text: string) => SECRETS.filter((s) => text.includes(s));

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    seed: 3,
    timeScale: 40,
    keys: {
      [KEY]: { webhookSecret: WEBHOOK_SECRET },
      [NO_ACCESS_KEY]: { access: false },
      [NO_CREDITS_KEY]: { credits: false },
      // One request an hour: every call of this key after its first is a 429, however slowly the calls come.
      [LIMITED_KEY]: { rateLimit: { requests: 1, perSeconds: 3600 } },
    },
    faults: { serverErrorRate: 0.1, dropBeforeRecordRate: 0.05, dropAfterRecordRate: 0.05, malformedRate: 0.03, slowRate: 0.03, slowMs: 400 },
  });
});
afterAll(() => sim?.close());

function capturingLogger(source: string): Logger {
  const line = (level: string) => (message: string, ...args: unknown[]) => collect(source, `${level} ${message} ${args.map(String).join(' ')}`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

it(`the client's debug log and errors (${SCALE_NAME}: ${CALLS} calls through faults and every error status) never show a secret`, async () => {
  // Each outcome asserted below comes from the key or the call, never from timing: a loaded machine answers
  // slowly, and a per-attempt timeout near the simulator's pace would turn 404s and 403s into timeouts.
  const client = (apiKey: string, maxRetries = 2) => new Flora({ apiKey, baseUrl: sim.url, logger: capturingLogger('client log'), logLevel: 'debug', timeout: 30_000, maxRetries });
  // The rate-limited key gets no retries, so its 429s surface as RateLimitErrors at once.
  const clients = [client(KEY), client(UNKNOWN_KEY), client(NO_ACCESS_KEY), client(NO_CREDITS_KEY), client(LIMITED_KEY, 0)];
  const statuses = new Map<string, number>();
  const noteError = (e: unknown) => {
    collect('errors', everythingAbout(e));
    const name = (e as Error).constructor.name;
    statuses.set(name, (statuses.get(name) ?? 0) + 1);
  };
  await pool(CALLS, 20, async (i) => {
    const c = clients[i % clients.length]!;
    const work = [
      () => c.techniques.runs.create('art-directors-critique', NESTED, { idempotencyKey: i % 7 === 0 ? 'reused-key' : undefined }),
      () => c.runs.startTechnique(TOP),
      () => c.techniques.runs.retrieve('run_missing', { techniqueId: 'art-directors-critique' }),
      () => c.techniques.runs.createAndWait('product-shot', NESTED, { waitTimeout: 3_000 }),
      () => c.runs.startTechnique({ ...TOP, workspace_id: 'ws_someone_else' }),
      () => c.runs.startTechnique({ ...TOP, technique_id: 'nope' } as never),
      () => c.techniques.runs.create('art-directors-critique', NESTED, { signal: AbortSignal.abort() }),
    ];
    try {
      await work[Math.floor(i / clients.length) % work.length]!();
      statuses.set('ok', (statuses.get('ok') ?? 0) + 1);
    } catch (e) {
      noteError(e);
    }
  });
  // A server (or proxy) that echoes the request's Authorization header back in its error bodies (status >= 400).
  const echo = new Flora({
    apiKey: KEY,
    baseUrl: 'https://api.example.test/v1',
    logger: capturingLogger('client log'),
    logLevel: 'debug',
    maxRetries: 1,
    timeout: 1_000,
    fetch: async (request) => {
      const auth = request.headers.get('authorization') ?? '';
      const n = Math.floor(Math.random() * 4);
      if (n === 0) return new Response(JSON.stringify({ error: { code: 'unauthorized', message: `Invalid key ${auth}` } }), { status: 401, headers: { 'content-type': 'application/json' } });
      if (n === 1) return new Response(`<html><body>502 upstream said: ${auth} / ${auth.slice(7)}</body></html>`, { status: 502, headers: { 'retry-after-ms': '1' } });
      if (n === 2) return new Response(JSON.stringify({ error: { code: 'input_validation_error', message: 'bad', fields: [{ field: 'key', message: auth.slice(7) }] } }), { status: 400 });
      // (A fetch that throws an error quoting the header: reliability/secret-leaks.test.ts.)
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    },
  });
  await pool(pick(40, 200), 20, async (i) => {
    try {
      await (i % 2 ? echo.runs.startTechnique(TOP) : echo.techniques.runs.retrieve('run_abc', { techniqueId: 'art-directors-critique' }));
    } catch (e) {
      noteError(e);
    }
  });
  const logLines = seen.get('client log') ?? [];
  console.log(['', `### Secrets (${SCALE_NAME}): client`, '', table(['outcome', 'calls'], [...statuses].sort()), '', `${logLines.length} log lines, ${seen.get('errors')?.length ?? 0} errors inspected`].join('\n'));
  // The log really was at debug and saw the key's neighbourhood (requests, retries).
  expect(logLines.some((l) => l.startsWith('debug → POST'))).toBe(true);
  for (const status of ['AuthenticationError', 'PermissionDeniedError', 'InsufficientCreditsError', 'NotFoundError', 'RateLimitError', 'InputValidationError', 'APIUserAbortError']) {
    expect(statuses.get(status), status).toBeGreaterThan(0);
  }
  for (const source of ['client log', 'errors']) {
    const leaks = (seen.get(source) ?? []).filter((t) => leaksIn(t).length > 0);
    expect(leaks.slice(0, 3), `${source} shows a secret`).toEqual([]);
  }
});

it(`spawned flora CLI runs at FLORA_LOG=debug against a faulty simulator (${SCALE_NAME}) never print a secret`, async () => {
  const INPUT = '{id: prompt, type: text, value: "a red fox"}';
  const runs: { name: string; args: string[]; key: string }[] = [
    { name: 'create --wait', args: ['--max-retries', '6', 'techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async', '--wait'], key: KEY },
    { name: 'start-technique --wait', args: ['--max-retries', '6', 'runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123', '--input', 'prompt=a red fox', '--wait'], key: KEY },
    { name: 'retrieve (404)', args: ['techniques:runs', 'retrieve', '--technique-id', 'art-directors-critique', '--run-id', 'run_missing'], key: KEY },
    { name: 'unknown key (401)', args: ['runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_abc123', '--input', 'prompt=x'], key: UNKNOWN_KEY },
    ...(pick(false, true)
      ? [
          { name: '--api-key flag, other workspace (403)', args: ['--api-key', KEY, 'runs', 'start-technique', '--technique-id', 'tech_abcd1234', '--workspace-id', 'ws_other', '--input', 'prompt=x'], key: '' },
          { name: 'timeouts (--timeout 0.05)', args: ['--timeout', '0.05', '--max-retries', '1', 'techniques:runs', 'create', '--technique-id', 'art-directors-critique', '--input', INPUT, '--mode', 'async'], key: KEY },
        ]
      : []),
  ];
  const results = await Promise.all(
    runs.map(
      (r) =>
        new Promise<{ name: string; code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...r.args], {
            env: { PATH: process.env.PATH, HOME: process.env.HOME, FLORA_LOG: 'debug', FLORA_BASE_URL: sim.url, ...(r.key ? { FLORA_API_KEY: r.key } : {}) },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.stderr.on('data', (d) => (stderr += d));
          child.on('error', reject);
          child.on('close', (code) => resolve({ name: r.name, code, stdout, stderr }));
        }),
    ),
  );
  for (const r of results) collect('CLI output', `${r.stdout}\n${r.stderr}`);
  console.log(['', `### Secrets (${SCALE_NAME}): CLI`, '', table(['run', 'exit code', 'stdout bytes', 'stderr lines'], results.map((r) => [r.name, String(r.code), r.stdout.length, r.stderr.split('\n').length]))].join('\n'));
  expect(results.some((r) => /→ (POST|GET)/.test(r.stderr)), 'the CLI logged at debug').toBe(true);
  for (const r of results) expect(leaksIn(`${r.stdout}\n${r.stderr}`), `${r.name} printed a secret`).toEqual([]);
});

it(`webhook verification errors (${SCALE_NAME}: ${WEBHOOK_CASES} tampered or malformed deliveries) never show the secret`, async () => {
  const now = 1_767_225_600;
  const event = (runId: string) =>
    JSON.stringify({ id: 'evt_1', type: 'run.completed', api_version: '2026-01-01', created_at: now, data: { run_id: runId, run_type: 'technique', workspace_id: 'ws_abc123', status: 'completed' } });
  const delivery = fc.record({
    runId: fc.stringMatching(/^run_[a-z0-9]{1,10}$/),
    tamper: fc.constantFrom('none', 'body', 'other secret', 'old', 'future', 'no header', 'garbage header', 'empty header', 'short signature', 'two signatures, one good', 'bad json', 'bad schema', 'secret in body', 'secret as signature', 'secret in header'),
    junk: fc.string({ maxLength: 40 }),
    skew: fc.integer({ min: 301, max: 100_000 }),
  });
  const outcomes = new Map<string, number>();
  for (const d of fc.sample(delivery, { seed: 77, numRuns: WEBHOOK_CASES })) {
    let body = event(d.runId);
    let t = now;
    let secret = WEBHOOK_SECRET;
    if (d.tamper === 'other secret') secret = OTHER_SECRET;
    if (d.tamper === 'old') t = now - d.skew;
    if (d.tamper === 'future') t = now + d.skew;
    if (d.tamper === 'bad json') body = `${body.slice(0, -3)}${d.junk}`;
    if (d.tamper === 'bad schema') body = JSON.stringify({ id: 'evt_1', type: 'run.started', data: d.junk });
    if (d.tamper === 'secret in body') body = JSON.stringify({ id: WEBHOOK_SECRET, type: 'nope', data: { secret: WEBHOOK_SECRET } });
    const signed = await signWebhook(body, secret, t);
    let header: string | undefined = signed;
    if (d.tamper === 'body') body = body.replace(d.runId, `${d.runId}x`);
    if (d.tamper === 'no header') header = undefined;
    if (d.tamper === 'garbage header') header = d.junk || 'garbage';
    if (d.tamper === 'empty header') header = '';
    if (d.tamper === 'short signature') header = signed.slice(0, -10);
    if (d.tamper === 'two signatures, one good') header = `${signed},v1=${'0'.repeat(64)}`;
    if (d.tamper === 'secret as signature') header = `t=${t},v1=${WEBHOOK_SECRET}`;
    if (d.tamper === 'secret in header') header = `t=${t},v1=${'a'.repeat(64)},s=${WEBHOOK_SECRET}`;
    try {
      await verifyWebhook(body, header === undefined ? {} : { 'flora-signature': header }, WEBHOOK_SECRET, { now });
      outcomes.set(`${d.tamper}: verified`, (outcomes.get(`${d.tamper}: verified`) ?? 0) + 1);
    } catch (e) {
      const reason = (e as { reason?: string }).reason ?? (e as Error).name;
      outcomes.set(`${d.tamper}: ${reason}`, (outcomes.get(`${d.tamper}: ${reason}`) ?? 0) + 1);
      // The secret may be in what the attacker sent (the body); it must not be in what we made of it.
      const shown = everythingAbout(e);
      collect('webhook errors', d.tamper === 'secret in body' ? shown.split(body).join('[the body as received]') : shown);
    }
  }
  console.log(['', `### Secrets (${SCALE_NAME}): webhook verification`, '', table(['delivery: outcome', 'cases'], [...outcomes].sort())].join('\n'));
  expect(outcomes.get('none: verified')).toBeGreaterThan(0);
  expect(outcomes.get('two signatures, one good: verified')).toBeGreaterThan(0);
  for (const [k] of outcomes) if (!k.startsWith('none') && !k.startsWith('two signatures')) expect(k.endsWith(': verified'), k).toBe(false);
  const leaks = (seen.get('webhook errors') ?? []).filter((t) => leaksIn(t).length > 0);
  expect(leaks.slice(0, 3)).toEqual([]);
});
