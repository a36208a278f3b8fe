/** Well-known values of a default simulator, so tests and examples need no configuration. */

/** The API key a default simulator accepts (a fake test key; safe to print). */
export const DEFAULT_API_KEY = 'flora_sim_test_key';
/** The workspace of {@link DEFAULT_API_KEY}. */
export const DEFAULT_WORKSPACE_ID = 'ws_abc123';
/** The secret a default key's callbacks are signed with. */
export const DEFAULT_WEBHOOK_SECRET = 'whsec_sim_0123456789abcdef0123456789abcdef';
/** The `api_version` of webhook events. */
export const DEFAULT_API_VERSION = '2026-01-01';
/** Base path of the API under the server's origin. */
export const BASE_PATH = '/api/v1';
