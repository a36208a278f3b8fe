import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:batch`: the batch crash suites at full scale (1,000 items, 10 kills of `flora batch run`;
// 4 BullMQ workers with 2 killed), for both idempotency channels. `BATCH_SCALE=small` runs what `npm test` runs.
process.env.BATCH_SCALE ??= 'full';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['batch-tests/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // One file at a time: each spawns a simulator, Redis and several CLI processes on two cores.
    fileParallelism: false,
    reporters: ['default'],
  },
});
