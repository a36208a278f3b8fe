/**
 * The item policy, table by table, with no Redis, no SQLite and no server: every error a start can end
 * with, every run end, every state change, and the lookup's elimination. The pipeline over an in-memory
 * store shows both runners' rules are these (one store of each kind is driven by the batch suites).
 */
import { describe, expect, it } from 'vitest';
import { APIConnectionError, APIError, APIUserAbortError, FloraError, ResponseValidationError } from '../core/errors.js';
import type { Flora } from '../client.js';
import { SAFE_RESEND_MS } from './keys.js';
import { processItem, type ItemStore, type PipelineDeps, type PipelineItem } from './pipeline.js';
import { canMove, classifyEnd, classifyStartError, ITEM_STATES, lookupVerdict, mayResend, scanPage, TRANSITIONS, type ItemEvent, type ItemState, type LookupScan, type StartAttempt } from './policy.js';
import type { ItemEnd } from './result.js';

const err = (status: number | undefined, code?: string, extra: Partial<{ failure: 'connection' | 'aborted' | 'timeout'; headers: Headers }> = {}) => APIError.generate({ status, code, message: code ?? `status ${status}`, ...extra });
const at = (over: Partial<StartAttempt> = {}): StartAttempt => ({ unknownSends: 0, freshKey: false, maxAttempts: 10, aborted: false, random: () => 1, ...over });

describe('classifyStartError: one verdict for every error a start can end with', () => {
  const table: [string, unknown, Partial<StartAttempt>, string, Record<string, unknown>?][] = [
    ['an unreadable answer naming the run', new ResponseValidationError({ operation: 'createTechniqueRun', status: 200, fields: [], body: {}, runId: 'run_x' }), {}, 'confirm', { runId: 'run_x' }],
    ['an unreadable answer without a run', new ResponseValidationError({ operation: 'createTechniqueRun', status: 200, fields: [], body: {} }), {}, 'resend'],
    ['a 429 with Retry-After 2', err(429, 'rate_limited', { headers: new Headers({ 'retry-after': '2' }) }), {}, 'pause', { ms: 2000 }],
    ['a 429 without Retry-After', err(429, 'rate_limited'), {}, 'pause'],
    ['a 409 after a send with no answer', err(409, 'idempotency_duplicate'), { unknownSends: 1, freshKey: true }, 'lookup'],
    ['a 409 for a key resumed from the store', err(409, 'idempotency_duplicate'), { freshKey: false }, 'lookup'],
    ['a 409 on the first send of a key the store just made', err(409, 'idempotency_duplicate'), { freshKey: true }, 'foreign'],
    ['a 402', err(402, 'insufficient_credits'), {}, 'no_credits'],
    ['a 401', err(401, 'unauthorized'), {}, 'stop'],
    ['a 403', err(403, 'forbidden'), {}, 'stop'],
    ['a 404 (technique unknown)', err(404, 'not_found'), {}, 'stop'],
    ['a 400 for the item', err(400, 'input_validation_error'), {}, 'refuse', { code: 'input_validation_error' }],
    ['a 422', err(422, 'unprocessable'), {}, 'refuse', { code: 'unprocessable' }],
    ['a 409 of another kind', err(409, 'conflict'), {}, 'refuse', { code: 'conflict' }],
    ['a 408', err(408), { unknownSends: 0 }, 'resend'],
    ['a 500', err(500, 'internal_error'), {}, 'resend', { afterMs: 100 }],
    ['a 503 after 3 unanswered sends', err(503), { unknownSends: 3 }, 'resend', { afterMs: 800 }],
    ['no answer', err(undefined, undefined, { failure: 'connection' }), {}, 'resend'],
    ['no answer, the last attempt allowed', err(undefined, undefined, { failure: 'connection' }), { unknownSends: 9 }, 'stop'],
    ['a timeout', err(undefined, undefined, { failure: 'timeout' }), { unknownSends: 2 }, 'resend'],
    ['the caller aborted', new APIUserAbortError({ message: 'aborted' }), {}, 'stop'],
    ['any error once the batch is aborted', err(500), { aborted: true }, 'stop'],
    ['a bug (not a FloraError)', new TypeError('x is undefined'), {}, 'stop'],
    ['a FloraError of no known kind', new FloraError('odd'), {}, 'resend'],
  ];
  it.each(table)('%s', (_name, error, over, verdict, fields) => {
    const v = classifyStartError(error, at(over));
    expect(v.do).toBe(verdict);
    if (fields) expect(v).toMatchObject(fields);
    if (v.do === 'stop') expect(v.error).toBe(error);
  });

  it('backs off exponentially to 8 s, and never resends past the attempts allowed', () => {
    const waits = Array.from({ length: 9 }, (_, i) => classifyStartError(err(500), at({ unknownSends: i })));
    expect(waits.map((w) => (w.do === 'resend' ? w.afterMs : w.do))).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 8000, 8000]);
    expect(classifyStartError(err(500), at({ unknownSends: 4, maxAttempts: 5 })).do).toBe('stop');
  });

  it('resends a key only while FLORA remembers it', () => {
    expect(mayResend(0, SAFE_RESEND_MS)).toBe(true);
    expect(mayResend(0, SAFE_RESEND_MS + 1)).toBe(false);
  });
});

describe('classifyEnd: the retry rule', () => {
  const rule = { retryFailed: 1, retryable: new Set(['provider_error']) };
  const table: [string, Record<string, unknown>, number, string, Partial<ItemEnd> | { attempt: number }][] = [
    ['completed', { status: 'completed', charged_cost: 0.04, outputs: [{ url: 'u' }] }, 1, 'end', { state: 'completed', chargedCost: 0.04, outputs: [{ url: 'u' }] }],
    ['failed, retryable, attempts left', { status: 'failed', error_code: 'provider_error' }, 1, 'retry', { attempt: 2 }],
    ['failed, retryable, no attempts left', { status: 'failed', error_code: 'provider_error', error_message: 'm' }, 2, 'end', { state: 'failed', errorCode: 'provider_error', errorMessage: 'm' }],
    ['failed, not retryable', { status: 'failed', error_code: 'content_policy' }, 1, 'end', { state: 'failed', errorCode: 'content_policy' }],
    ['failed without a code', { status: 'failed', error_code: null }, 1, 'end', { state: 'failed', errorCode: 'unknown' }],
    ['a null charge is no charge', { status: 'completed', charged_cost: null }, 1, 'end', { chargedCost: undefined }],
  ];
  it.each(table)('%s', (_name, run, attempt, verdict, fields) => {
    const v = classifyEnd(run as never, attempt, rule);
    expect(v.do).toBe(verdict);
    expect(v.do === 'retry' ? v : v.end).toMatchObject(fields);
  });
});

describe('the state machine', () => {
  it('allows exactly the moves the pipeline makes, from every state', () => {
    const allowed: [ItemState, ItemEvent, ItemState][] = [
      ['pending', 'send', 'starting'],
      ['starting', 'confirm', 'started'],
      ['starting', 'put_back', 'pending'],
      ['starting', 'refuse', 'failed'],
      ['starting', 'review', 'review'],
      ['started', 'end', 'completed'],
      ['started', 'end', 'failed'],
      ['started', 'retry', 'pending'],
      ['pending', 'fail_upload', 'failed'],
    ];
    const key = (m: [ItemState, ItemEvent, ItemState]) => m.join(' ');
    for (const from of ITEM_STATES) {
      for (const event of Object.keys(TRANSITIONS) as ItemEvent[]) {
        for (const to of ITEM_STATES) expect(canMove(from, event, to), `${from} -${event}-> ${to}`).toBe(allowed.some((m) => key(m) === key([from, event, to])));
      }
    }
  });
});

describe('the lookup of a lost answer', () => {
  const scan = (): LookupScan => ({ orphans: [], reached: false, pages: 0 });
  it('reads back to the anchor and finds the one unclaimed run', () => {
    const s = scan();
    expect(scanPage(s, [{ run_id: 'r3' }, { run_id: 'r2' }, { run_id: 'r1' }], [false, true, false], { anchorRunId: 'r1', sinceMs: 0 })).toBe(true);
    expect(lookupVerdict(s, 'why', 'k')).toEqual({ do: 'found', runId: 'r3' });
  });
  it('without an anchor, stops at runs created before the bound', () => {
    const s = scan();
    expect(scanPage(s, [{ run_id: 'r2', created_at: 100 }, { run_id: 'r1', created_at: 50 }], [false, false], { sinceMs: 60_000 })).toBe(true);
    expect(lookupVerdict(s, 'why', 'k')).toEqual({ do: 'found', runId: 'r2' });
  });
  it('several unclaimed runs, none, or a bound not reached: review, naming the key and the candidates', () => {
    const two = scan();
    scanPage(two, [{ run_id: 'a' }, { run_id: 'b' }, { run_id: 'x' }], [false, false, false], { anchorRunId: 'x', sinceMs: 0 });
    const v = lookupVerdict(two, 'it was lost', 'fb1-k');
    expect(v).toMatchObject({ do: 'review' });
    expect((v as { message: string }).message).toMatch(/it was lost; in the run list 2 runs are unaccounted for \(a, b\).*fb1-k/);
    expect(lookupVerdict(scan(), 'w', 'k')).toMatchObject({ do: 'review', message: expect.stringContaining('no run of the technique is unaccounted for') });
    const far = scan();
    scanPage(far, [{ run_id: 'a' }], [false], { anchorRunId: 'never', sinceMs: 0 });
    expect(lookupVerdict(far, 'w', 'k')).toMatchObject({ do: 'review', message: expect.stringContaining('without reaching') });
  });
});

/** An in-memory store that records every move and checks it against the state machine. */
class MemoryStore implements ItemStore {
  moves: string[] = [];
  last: string | undefined;
  #move(item: PipelineItem, event: ItemEvent, to: ItemState) {
    expect(canMove(item.state, event, to), `${item.state} -${event}-> ${to}`).toBe(true);
    this.moves.push(`${event}:${to}`);
    item.state = to;
  }
  async starting(item: PipelineItem, key: string, keyAt: number) {
    this.#move(item, 'send', 'starting');
    Object.assign(item, { key, keyAt });
  }
  async started(item: PipelineItem, runId: string) {
    this.#move(item, 'confirm', 'started');
    item.runId = runId;
    this.last = runId;
  }
  async ended(item: PipelineItem, end: ItemEnd) {
    this.#move(item, item.state === 'started' ? 'end' : item.state === 'pending' ? 'fail_upload' : end.state === 'review' ? 'review' : 'refuse', end.state);
  }
  async retry(item: PipelineItem, attempt: number) {
    this.#move(item, 'retry', 'pending');
    Object.assign(item, { attempt, runId: undefined, key: undefined });
  }
  async putBack(item: PipelineItem) {
    this.#move(item, 'put_back', 'pending');
  }
  lastConfirmed() {
    return this.last;
  }
}

describe('processItem over an in-memory store', () => {
  const newItem = (): PipelineItem => ({ id: 'a', inputs: [], state: 'pending', attempt: 1, key: undefined, keyAt: undefined, anchorRunId: undefined, runId: undefined, quote: undefined });
  /** A fake client whose starts answer from a script, and runs that end as told. */
  function deps(starts: (() => unknown)[], ends: Record<string, unknown>[], store: ItemStore, lookup: 'found' | 'review' = 'found'): PipelineDeps {
    let n = 0;
    const client = { techniques: { runs: { create: async () => { const next = starts.shift()!(); if (next instanceof Error) throw next; return next; } } } } as unknown as Flora;
    return {
      store,
      batchId: 'b1',
      techniqueId: 't',
      workspaceId: undefined,
      rule: { retryFailed: 1, retryable: new Set(['provider_error']) },
      now: () => 1000,
      inLane: (_item, fn) => fn(),
      startHooks: () => ({ client, now: () => 1000, maxStartAttempts: 3, rateLimited: async () => undefined, lookup: async (why) => (lookup === 'found' ? { do: 'found', runId: 'run_found' } : { do: 'review', message: why }) }),
      waitFor: async (item) => ({ run_id: item.runId!, ...ends[n++]! }) as never,
    };
  }

  it('a start, its run, a failed run retried with the next attempt, then completed', async () => {
    const store = new MemoryStore();
    const item = newItem();
    const out = await processItem(item, deps([() => ({ run_id: 'r1' }), () => ({ run_id: 'r2' })], [{ status: 'failed', error_code: 'provider_error' }, { status: 'completed' }], store));
    expect(out).toMatchObject({ kind: 'ended', end: { state: 'completed' } });
    expect(store.moves).toEqual(['send:starting', 'confirm:started', 'retry:pending', 'send:starting', 'confirm:started', 'end:completed']);
    expect(item.attempt).toBe(2);
  });

  it('no answer, then a 409: the run is looked up, not started again', async () => {
    const store = new MemoryStore();
    const item = newItem();
    await processItem(item, deps([() => err(undefined, undefined, { failure: 'connection' }), () => err(409, 'idempotency_duplicate')], [{ status: 'completed' }], store));
    expect(item.runId).toBe('run_found');
  });

  it('refused, for review, out of credits: each its own move', async () => {
    const refused = new MemoryStore();
    await processItem(newItem(), deps([() => err(400, 'input_validation_error')], [], refused));
    expect(refused.moves).toEqual(['send:starting', 'refuse:failed']);
    const review = new MemoryStore();
    await processItem(newItem(), deps([() => err(500), () => err(409, 'idempotency_duplicate')], [], review, 'review'));
    expect(review.moves).toEqual(['send:starting', 'review:review']);
    const broke = new MemoryStore();
    expect(await processItem(newItem(), deps([() => err(402, 'insufficient_credits')], [], broke))).toMatchObject({ kind: 'stopped', stop: { reason: 'insufficient_credits' } });
    expect(broke.moves).toEqual(['send:starting', 'put_back:pending']);
  });

  it('gives up after the sends allowed, keeping the key (the item stays starting)', async () => {
    const store = new MemoryStore();
    const item = newItem();
    const none = () => err(undefined, undefined, { failure: 'connection' });
    await expect(processItem(item, deps([none, none, none], [], store))).rejects.toBeInstanceOf(APIConnectionError);
    expect(item.state).toBe('starting');
  });
});
