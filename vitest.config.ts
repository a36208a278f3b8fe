import { configDefaults, defineConfig } from 'vitest/config';

// CI sets VITEST_JSON to a path so .ci/run can count passed and failed tests from vitest's JSON report.
const json = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    // Reporters and timeouts are root-level: both projects inherit them (`extends: true`).
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
    // Two files at a time on this 2-core machine: most of them wait on servers and child processes.
    maxWorkers: 2,
    // "Must not hang" bounds, not timings: no verdict here depends on the machine's pace, and a machine shared
    // with other work can run a test's processes ten times slower than a quiet one. A test that hangs still fails.
    testTimeout: 180_000,
    hookTimeout: 600_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // batch-tests/ at BATCH_SCALE=small: the quick subset of the batch crash tests (`npm run test:batch` runs them in full).
          include: ['spec/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts', 'reliability/**/*.test.ts', 'batch-tests/**/*.test.ts'],
          // Minutes long at any scale: only `npm run test:batch` runs it.
          exclude: [...configDefaults.exclude, 'batch-tests/readme.test.ts'],
          typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        test: {
          // The client against the spec through a Prism mock (started once by the global setup), a rewriting
          // proxy, the local simulator when there is one, and the real API when FLORA_API_KEY is set.
          name: 'contract',
          include: ['contract-tests/**/*.test.ts'],
          globalSetup: ['contract-tests/global-setup.ts'],
        },
      },
    ],
  },
});
