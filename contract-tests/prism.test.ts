/**
 * Prism-specific contract checks (they steer Prism with `Prefer`, so they run against Prism only):
 * - every named example of every operation's success answer, served by Prism, comes back from the
 *   client as exactly that data, and ajv agrees it matches the spec;
 * - many seeded `Prefer: dynamic=true` answers, generated from the schemas, are accepted by the client and
 *   by ajv;
 * - every documented error status, forced with `Prefer: code=NNN`, reaches the caller as the right typed
 *   error with the envelope's code, message and (400) fields.
 * Throughout, Prism also validates the request the client sent: any violation fails the test.
 */
import { beforeAll, describe, expect, it, inject } from 'vitest';
import type { Flora } from '../src/client.js';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  IdempotencyDuplicateError,
  InputValidationError,
  InsufficientCreditsError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '../src/core/errors.js';
import {
  BODY_PARAM,
  callOperation,
  defaultCallParams,
  formatViolations,
  mapConcurrent,
  OPERATION_IDS,
  recordingClient,
  requestExamples,
  requestViolations,
  withRequestCheck,
  type OperationId,
} from './harness.js';
import { expectSpecError } from './response-checks.js';
import { errorStatuses, responseExamples, responseProblems, specOperation, successStatuses } from './spec.js';

const KEY = 'contract-test-key';
const params = defaultCallParams();
/** Seeded dynamic answers per operation (CONTRACT_DYNAMIC_ITERATIONS overrides). */
const ITERATIONS = Number(process.env.CONTRACT_DYNAMIC_ITERATIONS ?? 60);
const SEED = process.env.CONTRACT_SEED ?? 'flora-contract';

/**
 * The error class each documented status must become for the envelope the spec's example shows. A status
 * the spec adds without an entry here fails below ("no expected error class"), on purpose.
 */
const ERROR_CLASS: Record<number, abstract new (...args: any[]) => APIError> = {
  400: InputValidationError,
  401: AuthenticationError,
  402: InsufficientCreditsError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: IdempotencyDuplicateError,
  429: RateLimitError,
  500: InternalServerError,
};
/** For bodies generated from the schema (any code of the enum): the class by status alone. */
const ERROR_BASE_CLASS: Record<number, abstract new (...args: any[]) => APIError> = { ...ERROR_CLASS, 400: BadRequestError, 409: ConflictError };

let baseUrl: string;
beforeAll(() => {
  baseUrl = inject('prismUrl');
});

/** A fresh recording client (so violations are per call), no retries unless asked. */
const prism = (maxRetries = 0) => recordingClient(baseUrl, KEY, { maxRetries });

const call = (client: Flora, operationId: OperationId, prefer: string, body?: { createBody?: any; startBody?: any; assetBody?: any }) =>
  callOperation(client, operationId, { ...params, ...body }, { headers: { Prefer: prefer } });

describe.each(OPERATION_IDS)('%s through Prism', (operationId) => {
  const op = specOperation(operationId);
  const successes = successStatuses(operationId);

  it('documents at least one success with named examples', () => {
    expect(successes.length, `${op.label}: no 2xx in the spec`).toBeGreaterThan(0);
    for (const status of successes) expect(responseExamples(operationId, status).length, `${op.label} ${status}: no examples`).toBeGreaterThan(0);
  });

  const examples = successes.flatMap((status) =>
    responseExamples(operationId, status)
      .filter((e) => e.name !== '(example)')
      .map((e) => ({ status, ...e })),
  );
  it.each(examples)(`static example $name ($status) comes back as that data and matches the spec`, async ({ status, name, value }) => {
    const rec = prism();
    const { data, response } = await withRequestCheck(op.label, rec, () =>
      call(rec.client, operationId, `code=${status}, example=${name}`).withResponse(),
    );
    expect(response.status).toBe(status);
    expect(data).toEqual(value);
    expect(responseProblems(operationId, status, data)).toEqual([]);
  });

  // Every request example of the operation is a request Prism accepts (a GET has none to check).
  const bodies = requestExamples(operationId);
  if (bodies.length > 0) it(`every request example in the spec is accepted by the client and by Prism`, async () => {
    for (const { name, value } of bodies) {
      const rec = prism();
      const key = BODY_PARAM[operationId] ?? 'createBody';
      const { response } = await withRequestCheck(`${op.label} request example ${name}`, rec, () =>
        call(rec.client, operationId, `code=${successes[0]}`, { [key]: value }).withResponse(),
      );
      expect(response.status).toBe(successes[0]);
    }
  });

  it(`${ITERATIONS} seeded dynamic answers are accepted by the client and by ajv`, async () => {
    const failures: string[] = [];
    let optionalsSeen = 0;
    await mapConcurrent(
      Array.from({ length: ITERATIONS }, (_, i) => i),
      8,
      async (i) => {
        const seed = `${SEED}-${operationId}-${i}`;
        const rec = prism();
        try {
          const { data, response } = await withRequestCheck(op.label, rec, () =>
            call(rec.client, operationId, `dynamic=true, seed=${seed}`).withResponse(),
          );
          if (data === undefined || data === null) failures.push(`seed ${seed}: the client returned no data`);
          const problems = responseProblems(operationId, response.status, data);
          if (problems.length) failures.push(`seed ${seed}: ${problems.join('; ')}`);
          if (Object.keys(data as object).length > 4) optionalsSeen++;
        } catch (err) {
          // The client rejected Prism's answer (ResponseValidationError names operation, status and field), or Prism the request.
          const prismSaid = formatViolations(rec.violations.filter((v) => v.location[0] === 'response'));
          failures.push(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}${prismSaid ? `\n  Prism on its own answer:\n${prismSaid}` : ''}`);
        }
      },
    );
    expect(failures, `${failures.length} of ${ITERATIONS} dynamic answers failed:\n${failures.slice(0, 10).join('\n')}`).toEqual([]);
    // The generator really exercised the optional fields (Prism fills every optional one).
    expect(optionalsSeen).toBeGreaterThan(0);
  });

  const errors = errorStatuses(operationId);
  it('documents error statuses', () => {
    expect(errors.length).toBeGreaterThan(0);
  });

  it.each(errors)('documented error %i (Prefer: code) is the right typed error with code, message and fields', async (status) => {
    const errorClass = ERROR_CLASS[status];
    if (!errorClass) throw new Error(`${op.label}: the spec documents ${status}, but there is no expected error class for it here`);
    const rec = prism();
    const err = await withRequestCheck(op.label, rec, () => expectSpecError(operationId, status, errorClass, () => call(rec.client, operationId, `code=${status}`)));
    expect(rec.requests, 'maxRetries 0: one attempt').toHaveLength(1);
    // What the spec's example for this status says is what the caller gets.
    const example = responseExamples(operationId, status)[0]?.value as { error: { code: string; message: string; fields?: unknown } } | undefined;
    expect(example, `${op.label} ${status}: the spec has no example`).toBeDefined();
    expect(err.code).toBe(example!.error.code);
    expect(err.message).toContain(example!.error.message);
    if (status === 400) {
      expect(err.fields).toEqual(example!.error.fields);
      expect(err.fields!.length).toBeGreaterThan(0);
    }
    if (status === 429) expect((err as RateLimitError).retryAfter).toBeTypeOf('number');
  });

  it.each(errors)('error %i with schema-generated bodies keeps status, code and fields', async (status) => {
    const errorClass = ERROR_BASE_CLASS[status];
    if (!errorClass) throw new Error(`${op.label}: the spec documents ${status}, but there is no expected error class for it here`);
    for (let i = 0; i < 5; i++) {
      const rec = prism();
      const err = await withRequestCheck(op.label, rec, () =>
        expectSpecError(operationId, status, errorClass, () => call(rec.client, operationId, `code=${status}, dynamic=true, seed=${SEED}-${status}-${i}`)),
      );
      const envelope = (err.body as { error: { fields?: unknown } }).error;
      expect(err.fields).toEqual(envelope.fields);
    }
  });
});

describe('retries against Prism', () => {
  it('a 500 is retried with the same Idempotency-Key, and Prism accepts every attempt', async () => {
    const rec = prism(1);
    await withRequestCheck('POST /runs/technique', rec, () =>
      expectSpecError('startTechniqueRun', 500, InternalServerError, () => call(rec.client, 'startTechniqueRun', 'code=500')),
    );
    expect(rec.requests).toHaveLength(2);
    const keys = rec.requests.map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect(requestViolations(rec.violations)).toEqual([]);
  });
});
