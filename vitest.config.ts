import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: ['packages/*/vitest*.config.ts', 'apps/*/vitest.config.ts'],
    // Off by default; `pnpm test --coverage` (CI) turns it on. Per-package line thresholds are checked by
    // scripts/gates/coverage.mjs from coverage/coverage-summary.json.
    coverage: {
      provider: 'v8',
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*.d.ts', '**/test-support/**', '**/test-support.ts', '**/testing/**', 'packages/*/src/test/**', '**/fixtures/**'],
    },
  },
})
