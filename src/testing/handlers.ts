/** Every operation of the spec, by operationId, and the handler that answers it (a new operation fails to compile here until it has one). */
import type { OperationId } from '../../generated/operations.js';
import { completeAsset, createAsset, getAsset, listAssets, retryAsset } from './asset-operations.js';
import type { Reply } from './http.js';
import { getTechnique, listTechniqueRuns, listTechniques, listWorkspaces } from './listings.js';
import { createRun, getRun, retrieveRun, startTechnique, type OperationContext, type SimRequest } from './operations.js';

/** Answers one admitted request. */
export type Handler = (ctx: OperationContext, req: SimRequest) => Reply | Promise<Reply>;

export const HANDLERS: Record<OperationId, Handler> = {
  createTechniqueRun: createRun,
  getTechniqueRun: retrieveRun,
  startTechniqueRun: startTechnique,
  getRun,
  listTechniques,
  getTechnique,
  listTechniqueRuns,
  listWorkspaces,
  createAsset,
  getAsset,
  listAssets,
  completeAsset,
  retryAsset,
};
