/**
 * FLORA's own SDK (`@flora-ai/flora` 0.11.0, generated from FLORA's real API description) as a second
 * source: every field it declares on the answers we read exists on our types, and every value it admits
 * is one our types admit (so nothing the live API sends is a type error for our users).
 */
import type { RunStartTechniqueResponse } from '@flora-ai/flora/resources/runs';
import type { GenerationRetrieveResponse } from '@flora-ai/flora/resources/generations';
import type { RunCreateResponse, RunRetrieveResponse } from '@flora-ai/flora/resources/techniques/runs';
import type { WebhookEvent } from '@flora-ai/flora';
import type { AssetCompleteResponse, AssetCreateParams, AssetCreateResponse, AssetListResponse, AssetRetrieveResponse, AssetRetryResponse, AssetUploadParams } from '@flora-ai/flora/resources/assets';
import { describe, expectTypeOf, it } from 'vitest';
import type { Asset, AssetCreated, AssetCreateParams as OurCreateParams, AssetListItem, AssetUploadParams as OurUploadParams, AssetUploadState, RunOutput, RunStartedResponse, RunWebhookEvent, TechniqueRun } from '../src/index.js';

/** The fields `Sdk` declares that `Ours` lacks. */
type Missing<Sdk, Ours> = Exclude<keyof Sdk, keyof Ours>;

describe('FLORA’s SDK 0.11.0 against our answer types', () => {
  it('POST /runs/technique: every field, every value', () => {
    expectTypeOf<Missing<RunStartTechniqueResponse, RunStartedResponse>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<NonNullable<RunStartTechniqueResponse['action']>, NonNullable<RunStartedResponse['action']>>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<NonNullable<RunStartTechniqueResponse['model']>, NonNullable<RunStartedResponse['model']>>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<NonNullable<RunStartTechniqueResponse['technique']>, NonNullable<RunStartedResponse['technique']>>>().toEqualTypeOf<never>();
    expectTypeOf<RunStartTechniqueResponse>().toExtend<RunStartedResponse>();
  });

  it('the nested create and retrieve, and GET /runs/{runId}: every field, every value', () => {
    expectTypeOf<Missing<RunCreateResponse, TechniqueRun>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<RunRetrieveResponse, TechniqueRun>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<GenerationRetrieveResponse, TechniqueRun>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<RunCreateResponse.Output, RunOutput>>().toEqualTypeOf<never>();
    expectTypeOf<RunCreateResponse>().toExtend<TechniqueRun>();
    expectTypeOf<RunRetrieveResponse>().toExtend<TechniqueRun>();
    expectTypeOf<GenerationRetrieveResponse>().toExtend<TechniqueRun>();
  });

  it('the webhook event: every field, every value', () => {
    expectTypeOf<Missing<WebhookEvent, RunWebhookEvent>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<WebhookEvent['data'], RunWebhookEvent['data']>>().toEqualTypeOf<never>();
    expectTypeOf<WebhookEvent>().toExtend<RunWebhookEvent>();
  });

  it('the assets: every field of every answer, every value, and the same parameters', () => {
    expectTypeOf<Missing<AssetCreateResponse, AssetCreated>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<NonNullable<AssetCreateResponse['upload']>, NonNullable<AssetCreated['upload']>>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<AssetRetrieveResponse, Asset>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<AssetListResponse, AssetListItem>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<AssetCompleteResponse, AssetUploadState>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<AssetRetryResponse, AssetUploadState>>().toEqualTypeOf<never>();
    expectTypeOf<AssetCreateResponse>().toExtend<AssetCreated>();
    expectTypeOf<AssetRetrieveResponse>().toExtend<Asset>();
    expectTypeOf<AssetListResponse>().toExtend<AssetListItem>();
    expectTypeOf<AssetCompleteResponse>().toExtend<AssetUploadState>();
    expectTypeOf<AssetRetryResponse>().toExtend<AssetUploadState>();
    // The same parameter names: code written for FLORA's SDK calls ours unchanged.
    expectTypeOf<Missing<AssetCreateParams, OurCreateParams>>().toEqualTypeOf<never>();
    expectTypeOf<Missing<AssetUploadParams, OurUploadParams>>().toEqualTypeOf<never>();
  });

  it('values only FLORA’s SDK lists are values of ours, and still typed as text to handle', () => {
    expectTypeOf<'split-text-browser'>().toExtend<NonNullable<RunStartedResponse['action']>['action_id']>();
    expectTypeOf<null>().toExtend<RunStartedResponse['estimated_seconds']>();
    expectTypeOf<TechniqueRun['status']>().not.toEqualTypeOf<'pending' | 'running' | 'completed' | 'failed'>();
  });
});
