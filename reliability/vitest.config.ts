import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:reliability`: the reliability suite at full scale (10,000 faulty calls, 10,000 bad requests,
// 1,000 waited runs...). `RELIABILITY_SCALE=small` runs the counts `npm test` uses.
process.env.RELIABILITY_SCALE ??= 'full';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['reliability/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // One file at a time: the timing checks (Retry-After gaps, the rate-limit bound) should not share two
    // cores with another file's load.
    fileParallelism: false,
    reporters: ['default'],
  },
});
