/**
 * A local, stateful FLORA API for tests and demos: `startSimulator()` gives a base URL to point the client
 * at, with simulated time, seeded failures and faults, rate limits and signed callbacks.
 */
export { startSimulator } from './simulator.js';
export type { StorageRequest, UploadFault } from './storage.js';
export type { AssetSnapshot, CallbackAttempt, IdempotencyChannel, KeyConfig, SimulatorProfile, RunSnapshot, Simulator, SimulatorLogger, SimulatorOptions, SimulatorStats } from './types.js';
export { DEFAULT_TECHNIQUES, type Technique } from './catalog.js';
export type { FaultKind, FaultOptions, Route } from './faults.js';
export type { CorsOption } from './cors.js';
export type { MediaFaultOptions, MediaOptions, MediaStats } from './media.js';
export type { RateLimit } from './rate-limit.js';
export { IDEMPOTENCY_WINDOW_SECONDS, RUN_FAILURE } from './runs.js';
export { BASE_PATH, DEFAULT_API_KEY, DEFAULT_API_VERSION, DEFAULT_WEBHOOK_SECRET, DEFAULT_WORKSPACE_ID } from './defaults.js';
/** Re-exported so a test's receiver can check what the simulator sends with the same code. */
export { signWebhook, verifyWebhook, WebhookVerificationError } from '../webhooks.js';
