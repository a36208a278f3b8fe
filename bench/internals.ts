/**
 * Parts of the client the package does not export, built from the sources the way the package is (one
 * esbuild bundle, no tsx helpers), for benchmarks that compare one part against what it replaced.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { readText as ReadText } from '../src/core/body.js';

const out = fileURLToPath(new URL('../node_modules/.cache/bench/body.mjs', import.meta.url));
mkdirSync(new URL('../node_modules/.cache/bench/', import.meta.url), { recursive: true });
await build({ entryPoints: [fileURLToPath(new URL('../src/core/body.ts', import.meta.url))], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });

/** The client's capped body read (`src/core/body.ts`). */
export const { readText } = (await import(pathToFileURL(out).href)) as { readText: typeof ReadText };
