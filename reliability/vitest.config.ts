import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:reliability`: the reliability suite at full scale (10,000 faulty calls, 10,000 bad requests,
// 1,000 waited runs...). `RELIABILITY_SCALE=small` runs the counts `npm test` uses. `RELIABILITY_REPRO=1` also
// runs the reproductions of known bugs in reliability/repro/ (expected to fail until fixed).
process.env.RELIABILITY_SCALE ??= 'full';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['reliability/**/*.test.ts', ...(process.env.RELIABILITY_REPRO ? ['reliability/repro/**/*.repro.ts'] : [])],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // One file at a time: the timing checks (Retry-After gaps, the rate-limit bound) should not share two
    // cores with another file's load.
    fileParallelism: false,
    reporters: ['default'],
  },
});
