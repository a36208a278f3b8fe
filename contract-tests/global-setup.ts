/**
 * Global setup of the `contract` vitest project: one Prism mock of spec/openapi.yaml for the whole run,
 * its URL handed to the tests as `inject('prismUrl')`, killed (with its process group) on teardown.
 * The negative-contract proxy (./rewrite-proxy.ts) is started per file, in front of this Prism.
 */
import type { TestProject } from 'vitest/node';
import { startPrism } from './prism.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the Prism mock (no `/api/v1` prefix: Prism serves the spec's paths at its root). */
    prismUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prism = await startPrism({ startTimeoutMs: Number(process.env.CONTRACT_PRISM_START_TIMEOUT_MS ?? 30_000) });
  project.provide('prismUrl', prism.url);
  return async () => {
    await prism.close();
  };
}
