/** Type-level checks on the generated types: they say what the spec says. */
import { describe, expectTypeOf, it } from 'vitest';
import type { ActionId, OutputType, RunStatus, TechniqueRun, RunStartedResponse, StartTechniqueRunRequest, TechniqueRunCreateRequest, paths, ErrorEnvelope } from '../generated/openapi.js';
import { ACTION_IDS, OUTPUT_TYPES, RUN_STATUSES } from '../generated/constants.js';

describe('generated types', () => {
  it('ActionId is the union of the 37 action ids', () => {
    expectTypeOf<ActionId>().toEqualTypeOf<(typeof ACTION_IDS)[number]>();
    expectTypeOf<(typeof ACTION_IDS)['length']>().toEqualTypeOf<37>();
    expectTypeOf<'split-text'>().toExtend<ActionId>();
    expectTypeOf<'merge-audio-into-video'>().toExtend<ActionId>();
    expectTypeOf<'explode-video'>().not.toExtend<ActionId>();
  });

  it('RunStatus has 4 members and OutputType 5', () => {
    expectTypeOf<RunStatus>().toEqualTypeOf<'pending' | 'running' | 'completed' | 'failed'>();
    expectTypeOf<(typeof RUN_STATUSES)['length']>().toEqualTypeOf<4>();
    expectTypeOf<OutputType>().toEqualTypeOf<'imageUrl' | 'videoUrl' | 'audioUrl' | 'text' | 'documentUrl'>();
    expectTypeOf<(typeof OUTPUT_TYPES)['length']>().toEqualTypeOf<5>();
  });

  it('TechniqueRun requires created_at, progress, run_id and status, and nothing else', () => {
    type Required<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
    expectTypeOf<Required<TechniqueRun>>().toEqualTypeOf<'created_at' | 'progress' | 'run_id' | 'status'>();
    expectTypeOf<Required<RunStartedResponse>>().toEqualTypeOf<'charged_cost' | 'estimated_seconds' | 'run_id' | 'type'>();
    expectTypeOf<Required<TechniqueRunCreateRequest>>().toEqualTypeOf<'inputs' | 'mode'>();
    expectTypeOf<Required<StartTechniqueRunRequest>>().toEqualTypeOf<'inputs' | 'technique_id' | 'workspace_id'>();
  });

  it('the operations return the shared schemas', () => {
    type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
      responses: { 200: { content: { 'application/json': infer B } } };
    }
      ? B
      : never;
    expectTypeOf<Ok<'/techniques/{techniqueId}/runs', 'post'>>().toEqualTypeOf<TechniqueRun>();
    expectTypeOf<Ok<'/techniques/{techniqueId}/runs/{runId}', 'get'>>().toEqualTypeOf<TechniqueRun>();
    expectTypeOf<Ok<'/runs/technique', 'post'>>().toEqualTypeOf<RunStartedResponse>();
    expectTypeOf<ErrorEnvelope['error']['code']>().toEqualTypeOf<
      | 'input_validation_error'
      | 'unauthorized'
      | 'insufficient_credits'
      | 'forbidden'
      | 'not_found'
      | 'idempotency_duplicate'
      | 'rate_limited'
      | 'unknown_error'
    >();
  });
});
