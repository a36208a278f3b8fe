/**
 * FLORA technique-runs client. `import Flora from '...'` works like the official `@flora-ai/flora`:
 * `new Flora().techniques.runs.create(...)`, `.retrieve(...)`, `.runs.startTechnique(...)`.
 *
 * Webhook verification lives in `flora-runs-client/webhooks` (its error class, `WebhookVerificationError`, is
 * exported here too, as FLORA's SDK does); the local simulator in `flora-runs-client/testing`.
 */
export { Flora, Flora as default, createFloraClient, DEFAULT_BASE_URL, type ClientOptions, type FetchOptions, type RequestOptions } from './client.js';
export { APIPromise, type WithResponse } from './core/api-promise.js';
export * from './core/errors.js';
export type { Logger, LogLevel } from './core/log.js';
export type { RunCreateParams, RunListParams, RunRetrieveParams, RunWaitOptions, TechniqueListParams, TechniqueRuns, Techniques } from './resources/techniques.js';
export type { Workspaces } from './resources/workspaces.js';
export { PagePromise, type ListOptions, type Page } from './core/pagination.js';
export { nextPollDelay } from './core/poll-delay.js';
export type { WaitOptions } from './core/wait.js';
export type { FindAcceptedParams, RunStartTechniqueParams, Runs } from './resources/runs.js';
export type { RetrieveManyOptions, WaitAllOptions, WaitAllRun } from './resources/wait-all.js';
export { inputProblems, type RunInputs, type RunStartOptions } from './resources/inputs.js';
export type { Generations } from './resources/generations.js';
export { DIRECT_UPLOAD_MAX_BYTES, type AssetCreateDirectParams, type AssetCreateParams, type AssetListParams, type Assets, type AssetUploadable, type AssetUploadOptions, type AssetUploadParams, type AssetWaitOptions } from './resources/assets.js';
export { LocalFile, type LocalFileParams } from './resources/local-files.js';
export type * from '../generated/openapi.js';
/** What the client hands back, as it reads it: open enums, `null` where a property is optional or FLORA's SDK says nullable. */
export type { Asset, AssetCreated, AssetList, AssetListItem, AssetUpload, AssetUploadState, RunOutput, RunStartedResponse, RunWebhookEvent, Technique, TechniqueInputOutput, TechniqueList, TechniqueRun, TechniqueRunList, TechniqueRunListItem, Workspace, WorkspaceList } from '../generated/answers.js';
export * from '../generated/constants.js';
