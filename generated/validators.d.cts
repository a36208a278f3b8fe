// Generated from spec/openapi.yaml by `npm run generate`. Do not edit by hand: edit the spec and regenerate.

import type { ErrorObject } from 'ajv';

/** A precompiled validator: returns whether `data` matches, and leaves the reasons in `errors`. */
export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export declare const TechniqueRunCreateRequest: Validator;
export declare const StartTechniqueRunRequest: Validator;
export declare const TechniqueRun: Validator;
export declare const RunStartedResponse: Validator;
export declare const ErrorEnvelope: Validator;
export declare const RunWebhookEvent: Validator;
