import { defineConfig } from 'vitest/config';

// Benchmarks run as vitest files so they can use fake timers (simulated minutes in milliseconds).
// They print tables; they are not part of `npm test`.
export default defineConfig({
  test: { include: ['bench/**/*.bench.ts'], testTimeout: 600_000, reporters: ['default'] },
});
