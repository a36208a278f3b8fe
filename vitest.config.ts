import { defineConfig } from 'vitest/config';

// CI sets VITEST_JSON to a path so .ci/run can count passed and failed tests from vitest's JSON report.
const json = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    include: ['spec/**/*.test.ts', 'src/**/*.test.ts', 'contract-tests/**/*.test.ts', 'scripts/**/*.test.ts'],
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
