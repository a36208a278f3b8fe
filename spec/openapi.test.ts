/**
 * The spec says what FLORA's reference pages say (../shared/seeds), and its constraints bite:
 * every example validates against its schema, and an instance that breaks each constraint is rejected.
 */
import { describe, expect, it } from 'vitest';
import { createSpecAjv, loadSpec, schemaRef } from './spec.js';

const spec = loadSpec();
const ajv = createSpecAjv(spec);

/** Validates `data` against the component schema `name`; returns ajv's errors (empty when valid). */
function errorsOf(name: string, data: unknown): string[] {
  const validate = ajv.getSchema(schemaRef(name));
  if (!validate) throw new Error(`no schema ${name}`);
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Follows one local `$ref` (the spec only references components). */
function deref<T = any>(node: any): T {
  if (node && typeof node.$ref === 'string') {
    const path = node.$ref.replace(/^#\//, '').split('/');
    return path.reduce((n: any, k: string) => n[k], spec) as T;
  }
  return node as T;
}

/** Resolves a media type's schema to a component name, inline schemas included through a temporary id. */
function validatorFor(schema: any) {
  if (schema.$ref?.startsWith('#/components/schemas/')) {
    return ajv.getSchema(schemaRef(schema.$ref.split('/').pop()))!;
  }
  const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', `${schemaRef('')}`));
  return ajv.compile(rewritten);
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
);
const webhookOperations = Object.entries(spec.webhooks ?? {}).flatMap(([name, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({ path: `webhook ${name}`, method, op: item[method] })),
);

interface Example {
  where: string;
  schema: any;
  value: unknown;
}

function mediaExamples(where: string, content: Record<string, any> | undefined): Example[] {
  return Object.entries(content ?? {}).flatMap(([mediaType, media]) => {
    const out: Example[] = [];
    if ('example' in media) out.push({ where: `${where} ${mediaType}`, schema: media.schema, value: media.example });
    for (const [name, ex] of Object.entries<any>(media.examples ?? {})) {
      out.push({ where: `${where} ${mediaType} example ${name}`, schema: media.schema, value: deref(ex).value });
    }
    return out;
  });
}

const examples: Example[] = [...operations, ...webhookOperations].flatMap(({ path, method, op }) => {
  const at = `${method.toUpperCase()} ${path}`;
  const params = (op.parameters ?? []).map(deref).filter((p: any) => 'example' in p);
  return [
    ...params.map((p: any) => ({ where: `${at} parameter ${p.name}`, schema: p.schema, value: p.example })),
    ...mediaExamples(`${at} request`, deref(op.requestBody)?.content),
    ...Object.entries<any>(op.responses).flatMap(([status, r]) => {
      const response = deref(r);
      const headers = Object.entries<any>(response.headers ?? {}).map(([name, h]) => ({
        where: `${at} ${status} header ${name}`,
        schema: deref(h).schema,
        value: deref(h).example,
      }));
      return [...headers, ...mediaExamples(`${at} ${status}`, response.content)];
    }),
  ];
});

describe('the spec describes the three operations of FLORA’s reference pages', () => {
  it('is OpenAPI 3.1 served from https://app.flora.ai/api/v1', () => {
    expect(spec.openapi).toMatch(/^3\.1\./);
    expect((spec.servers as any[]).map((s) => s.url)).toEqual(['https://app.flora.ai/api/v1']);
  });

  it('has the three operations, each other one saying it follows FLORA’s SDK, each with an operationId, summary, description, tags and bearer auth', () => {
    const seeded = ['GET /techniques/{techniqueId}/runs/{runId}', 'POST /runs/technique', 'POST /techniques/{techniqueId}/runs'];
    const labels = operations.map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(labels).toEqual(expect.arrayContaining(seeded));
    for (const { path, method, op } of operations) if (!seeded.includes(`${method.toUpperCase()} ${path}`)) expect(op.description).toContain("FLORA's SDK");
    expect(deref(spec.components.securitySchemes as any).bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { op } of operations) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.summary.length).toBeGreaterThan(4);
      expect(op.description.length).toBeGreaterThan(20);
      expect(op.tags.length).toBeGreaterThan(0);
      expect(op.security).toEqual([{ bearerAuth: [] }]);
    }
  });

  it('takes an optional Idempotency-Key header on both POSTs and not on the GET', () => {
    const names = (op: any) => (op.parameters ?? []).map(deref).map((p: any) => `${p.in}:${p.name}:${p.required}`);
    expect(names(spec.paths['/techniques/{techniqueId}/runs']!.post)).toContain('header:Idempotency-Key:false');
    expect(names(spec.paths['/runs/technique']!.post)).toContain('header:Idempotency-Key:false');
    expect(names(spec.paths['/techniques/{techniqueId}/runs/{runId}']!.get)).not.toContain(
      'header:Idempotency-Key:false',
    );
    expect(names(spec.paths['/techniques/{techniqueId}/runs/{runId}']!.get)).toEqual([
      'path:techniqueId:true',
      'path:runId:true',
    ]);
  });

  it('returns the one TechniqueRun schema from both nested routes', () => {
    for (const [path, method] of [
      ['/techniques/{techniqueId}/runs', 'post'],
      ['/techniques/{techniqueId}/runs/{runId}', 'get'],
    ] as const) {
      const ok = deref(spec.paths[path]![method].responses['200']);
      expect(ok.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TechniqueRun' });
    }
    const top = deref(spec.paths['/runs/technique']!.post.responses['200']);
    expect(top.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RunStartedResponse' });
  });

  const ALL_ERRORS = {
    '400': 'input_validation_error',
    '401': 'unauthorized',
    '402': 'insufficient_credits',
    '403': 'forbidden',
    '404': 'not_found',
    '409': 'idempotency_duplicate',
    '429': 'rate_limited',
    '500': 'unknown_error',
  };
  it.each([
    ['POST', '/techniques/{techniqueId}/runs', ALL_ERRORS],
    ['POST', '/runs/technique', ALL_ERRORS],
    [
      'GET',
      '/techniques/{techniqueId}/runs/{runId}',
      { '401': 'unauthorized', '403': 'forbidden', '404': 'not_found', '429': 'rate_limited', '500': 'unknown_error' },
    ],
  ])('%s %s documents each error status with its code in the error envelope', (method, path, expected) => {
    const op = spec.paths[path]![method.toLowerCase()];
    const errors = Object.fromEntries(
      Object.entries<any>(op.responses)
        .filter(([status]) => status >= '400')
        .map(([status, r]) => {
          const media = deref(r).content['application/json'];
          expect(media.schema).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' });
          return [status, media.example.error.code];
        }),
    );
    expect(errors).toEqual(expected);
  });

  it('documents Retry-After on 429 and fields on 400', () => {
    expect(Object.keys(deref(spec.components.responses.RateLimited).headers)).toEqual(['Retry-After']);
    expect(spec.components.responses.InputValidationError.content['application/json'].example.error.fields).toEqual([
      { field: 'prompt', message: 'Required' },
    ]);
  });

  it('uses the seed values in its examples', () => {
    const text = JSON.stringify(examples.map((e) => e.value));
    for (const seed of [
      'run_abc123',
      'art-directors-critique',
      'tech_abcd1234',
      'ws_abc123',
      'prj_abc123',
      't2i-flux-2-pro',
      'Invalid API key.',
      'Insufficient credits.',
      'prompt: Required',
      'Duplicate idempotency key.',
      'Rate limit exceeded.',
      'An unknown error occurred.',
      'The provider failed to complete the generation.',
      'https://media.flora.ai/output.png',
    ]) {
      expect(text).toContain(seed);
    }
  });
});

describe('the enums hold exactly the seed values, in order', () => {
  const enumOf = (name: string) => spec.components.schemas[name]!.enum;
  it('ActionId has the 37 action ids', () => {
    expect(enumOf('ActionId')).toEqual([
      'split-text', 'find-and-replace-text', 'concat-text', 'ken-burns-video', 'color-grade-image',
      'change-image-ar', 'rotate-image', 'flip-image', 'color-filter-image', 'color-tint-image',
      'filter-color-image', 'blur-image', 'duplicate-image', 'side-by-side-composite', 'add-shape-to-image',
      'generate-shape-image', 'add-text-to-image', 'generate-text-image', 'qr-code-generator', 'stitch-videos',
      'split-video', 'extract-video-frames', 'color-grade-video', 'video-to-frame-grid', 'boomerang-video',
      'reverse-video', 'video-to-long-exposure', 'video-effect', 'color-filter-video', 'speed-up-video',
      'slow-down-video', 'duplicate-video', 'greenscreen-video', 'resize-video', 'change-video-ar',
      'split-audio-from-video', 'merge-audio-into-video',
    ]);
    expect(enumOf('ActionId')).toHaveLength(37);
  });
  it.each([
    ['RunStatus', ['pending', 'running', 'completed', 'failed']],
    ['OutputType', ['imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl']],
    ['InputType', ['text', 'imageUrl', 'videoUrl']],
    ['RunMode', ['async', 'stream']],
    ['RunType', ['generation', 'technique', 'action']],
    [
      'ErrorCode',
      [
        'input_validation_error', 'unauthorized', 'insufficient_credits', 'forbidden', 'not_found',
        'idempotency_duplicate', 'rate_limited', 'unknown_error',
      ],
    ],
  ])('%s', (name, values) => {
    expect(enumOf(name)).toEqual(values);
  });
  it('declares each enum once: no schema repeats another enum inline', () => {
    const inline = JSON.stringify(spec.paths).match(/"enum"/g) ?? [];
    expect(inline).toHaveLength(0);
  });
});

describe('every example in the spec validates against its schema', () => {
  it('finds examples for every request body and response', () => {
    expect(examples.length).toBeGreaterThanOrEqual(25);
  });
  it.each(examples.map((e) => [e.where, e] as const))('%s', (_where, { schema, value }) => {
    const validate = validatorFor(schema);
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
  });
});

const RUN = { created_at: 0, progress: 0, run_id: 'run_abc123', status: 'pending' };
const STARTED = { charged_cost: 0, estimated_seconds: 0, run_id: 'run_abc123', type: 'technique' };
const NESTED = { inputs: [{ id: 'prompt', type: 'text', value: 'a red fox' }], mode: 'async' };
const TOP = { inputs: { foo: 'bar' }, technique_id: 'tech_abcd1234', workspace_id: 'ws_abc123' };
const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

describe('each constraint rejects an instance that breaks it', () => {
  it('accepts the minimal valid instances the negative cases start from', () => {
    expect(errorsOf('TechniqueRun', RUN)).toEqual([]);
    expect(errorsOf('RunStartedResponse', STARTED)).toEqual([]);
    expect(errorsOf('TechniqueRunCreateRequest', NESTED)).toEqual([]);
    expect(errorsOf('StartTechniqueRunRequest', TOP)).toEqual([]);
  });

  it.each<[schema: string, what: string, instance: unknown, path: string]>([
    ['TechniqueRun', 'a status outside the four', { ...RUN, status: 'queued' }, '/status'],
    ['TechniqueRun', 'an output type outside the five', { ...RUN, outputs: [{ output_id: 'o', type: 'gif', url: 'u' }] }, '/outputs/0/type'],
    ['TechniqueRun', 'an output without url', { ...RUN, outputs: [{ output_id: 'o', type: 'text' }] }, '/outputs/0'],
    ['TechniqueRun', 'a string progress', { ...RUN, progress: '10' }, '/progress'],
    ...(['created_at', 'progress', 'run_id', 'status'] as const).map(
      (k): [string, string, unknown, string] => ['TechniqueRun', `missing ${k}`, without(RUN, k), '/'],
    ),
    ['RunStartedResponse', 'an action outside the 37', { ...STARTED, action: { action_id: 'explode-video' } }, '/action/action_id'],
    ['RunStartedResponse', 'a negative charged_cost', { ...STARTED, charged_cost: -0.01 }, '/charged_cost'],
    ['RunStartedResponse', 'a negative estimated_seconds', { ...STARTED, estimated_seconds: -1 }, '/estimated_seconds'],
    ['RunStartedResponse', 'a type outside the three', { ...STARTED, type: 'batch' }, '/type'],
    ['RunStartedResponse', 'an empty model_id', { ...STARTED, model: { model_id: '' } }, '/model/model_id'],
    ['RunStartedResponse', 'a poll_url that is not a URI', { ...STARTED, poll_url: 'not a uri' }, '/poll_url'],
    ['RunStartedResponse', 'a technique without name', { ...STARTED, technique: { technique_id: 'tech_a' } }, '/technique'],
    ...(['charged_cost', 'estimated_seconds', 'run_id', 'type'] as const).map(
      (k): [string, string, unknown, string] => ['RunStartedResponse', `missing ${k}`, without(STARTED, k), '/'],
    ),
    ['TechniqueRunCreateRequest', 'a missing mode', without(NESTED, 'mode'), '/'],
    ['TechniqueRunCreateRequest', 'a missing inputs', without(NESTED, 'inputs'), '/'],
    ['TechniqueRunCreateRequest', 'a mode outside the two', { ...NESTED, mode: 'sync' }, '/mode'],
    ['TechniqueRunCreateRequest', 'an input type outside the three', { ...NESTED, inputs: [{ id: 'a', type: 'audioUrl', value: 'v' }] }, '/inputs/0/type'],
    ['TechniqueRunCreateRequest', 'an input without value', { ...NESTED, inputs: [{ id: 'a', type: 'text' }] }, '/inputs/0'],
    ['TechniqueRunCreateRequest', 'an http callback_url', { ...NESTED, callback_url: 'http://example.com/hook' }, '/callback_url'],
    ['TechniqueRunCreateRequest', 'an empty idempotency_key', { ...NESTED, idempotency_key: '' }, '/idempotency_key'],
    ['TechniqueRunCreateRequest', 'an unknown property', { ...NESTED, prompt: 'x' }, '/'],
    ['StartTechniqueRunRequest', 'a technique_id without tech_', { ...TOP, technique_id: 'art-directors-critique' }, '/technique_id'],
    ['StartTechniqueRunRequest', 'a workspace_id without ws_', { ...TOP, workspace_id: 'abc123' }, '/workspace_id'],
    ['StartTechniqueRunRequest', 'inputs that are not a map', { ...TOP, inputs: ['a'] }, '/inputs'],
    ['StartTechniqueRunRequest', 'a missing workspace_id', without(TOP, 'workspace_id'), '/'],
    ['ErrorEnvelope', 'an error code outside the eight', { error: { code: 'teapot', message: 'x' } }, '/error/code'],
    ['ErrorEnvelope', 'an error without message', { error: { code: 'not_found' } }, '/error'],
    ['ErrorEnvelope', 'a field error without field', { error: { code: 'input_validation_error', message: 'x', fields: [{ message: 'm' }] } }, '/error/fields/0'],
  ])('%s rejects %s', (schema, _what, instance, path) => {
    const errors = errorsOf(schema, instance);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.startsWith(`${path} `))).toBe(true);
  });
});
