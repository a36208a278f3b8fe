/** The short names the simulator counts requests and chooses faults by, one per operation. */
import { OPERATIONS, type OperationId } from '../../generated/operations.js';

/** Short names of the first three operations, as stats and fault options name them. */
const SHORT = { createTechniqueRun: 'create', getTechniqueRun: 'retrieve', startTechniqueRun: 'startTechnique' } as const satisfies Partial<Record<OperationId, string>>;

/** An operation by its short name: the one above, else its operationId. */
export type Route = (typeof SHORT)[keyof typeof SHORT] | Exclude<OperationId, keyof typeof SHORT>;

/** The short name of operation `id`. */
export const routeOf = (id: OperationId): Route => (SHORT as Partial<Record<OperationId, Route>>)[id] ?? (id as Route);

/** Every route, in the spec's order. */
export const ROUTES: readonly Route[] = (Object.keys(OPERATIONS) as OperationId[]).map(routeOf);
