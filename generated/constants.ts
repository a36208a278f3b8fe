// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.

import type { InputType, RunMode, RunStatus, OutputType, RunType, ActionId, TechniqueMediaType, AssetStatus, AssetUploadedVia, AssetVisibility, ErrorCode, WebhookRunType, WebhookEventType } from './openapi.js';

/** Every `InputType` the spec allows, in the spec's order (3). */
export const INPUT_TYPES = ["text","imageUrl","videoUrl"] as const satisfies readonly InputType[];

/** Every `RunMode` the spec allows, in the spec's order (2). */
export const RUN_MODES = ["async","stream"] as const satisfies readonly RunMode[];

/** Every `RunStatus` the spec allows, in the spec's order (4). */
export const RUN_STATUSES = ["pending","running","completed","failed"] as const satisfies readonly RunStatus[];

/** Every `OutputType` the spec allows, in the spec's order (5). */
export const OUTPUT_TYPES = ["imageUrl","videoUrl","audioUrl","text","documentUrl"] as const satisfies readonly OutputType[];

/** Every `RunType` the spec allows, in the spec's order (3). */
export const RUN_TYPES = ["generation","technique","action"] as const satisfies readonly RunType[];

/** Every `ActionId` the spec allows, in the spec's order (37). */
export const ACTION_IDS = ["split-text","find-and-replace-text","concat-text","ken-burns-video","color-grade-image","change-image-ar","rotate-image","flip-image","color-filter-image","color-tint-image","filter-color-image","blur-image","duplicate-image","side-by-side-composite","add-shape-to-image","generate-shape-image","add-text-to-image","generate-text-image","qr-code-generator","stitch-videos","split-video","extract-video-frames","color-grade-video","video-to-frame-grid","boomerang-video","reverse-video","video-to-long-exposure","video-effect","color-filter-video","speed-up-video","slow-down-video","duplicate-video","greenscreen-video","resize-video","change-video-ar","split-audio-from-video","merge-audio-into-video"] as const satisfies readonly ActionId[];

/** Every `TechniqueMediaType` the spec allows, in the spec's order (5). */
export const TECHNIQUE_MEDIA_TYPES = ["imageUrl","videoUrl","audioUrl","text","documentUrl"] as const satisfies readonly TechniqueMediaType[];

/** Every `AssetStatus` the spec allows, in the spec's order (3). */
export const ASSET_STATUSES = ["pending_upload","ready","failed"] as const satisfies readonly AssetStatus[];

/** Every `AssetUploadedVia` the spec allows, in the spec's order (3). */
export const ASSET_UPLOADED_VIAS = ["url","signed_url","direct"] as const satisfies readonly AssetUploadedVia[];

/** Every `AssetVisibility` the spec allows, in the spec's order (1). */
export const ASSET_VISIBILITYS = ["workspace"] as const satisfies readonly AssetVisibility[];

/** Every `ErrorCode` the spec allows, in the spec's order (8). */
export const ERROR_CODES = ["input_validation_error","unauthorized","insufficient_credits","forbidden","not_found","idempotency_duplicate","rate_limited","unknown_error"] as const satisfies readonly ErrorCode[];

/** Every `WebhookRunType` the spec allows, in the spec's order (2). */
export const WEBHOOK_RUN_TYPES = ["generation","technique"] as const satisfies readonly WebhookRunType[];

/** Every `WebhookEventType` the spec allows, in the spec's order (2). */
export const WEBHOOK_EVENT_TYPES = ["run.completed","run.failed"] as const satisfies readonly WebhookEventType[];
