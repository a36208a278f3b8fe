/**
 * The client as users run it: the built `dist/`, not the sources. Run through tsx, the sources carry its
 * `__name` helper on every function they create, which made a closure-heavy path look several times
 * slower than the published build is. The bench scripts build first (`npm run bench*`).
 */
import { existsSync } from 'node:fs';
import type { Flora as FloraClass } from '../src/index.js';

const built = new URL('../dist/index.js', import.meta.url);
if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first (the npm run bench scripts do).');

// Typed as the sources (dist/ is built from them); a computed specifier, so a fresh clone type-checks without dist/.
export const { Flora } = (await import(built.href)) as { Flora: typeof FloraClass };
export type Flora = FloraClass;
