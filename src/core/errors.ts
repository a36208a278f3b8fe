/**
 * Every error this package throws, from one place. The classes live by concern: the root
 * (`flora-error.ts`), requests and answers (`api-errors.ts`, where `APIError.generate` chooses a class by
 * status), waiting (`wait-errors.ts`), paginated walks (`pagination-error.ts`), files (`file-errors.ts`)
 * and webhooks (`webhook-error.ts`).
 */
export * from './flora-error.js';
export * from './api-errors.js';
export * from './wait-errors.js';
export * from './pagination-error.js';
export * from './file-errors.js';
export * from './webhook-error.js';
