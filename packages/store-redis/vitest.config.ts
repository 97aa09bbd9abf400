import { defineConfig } from 'vitest/config'

// Imports of @authmux/core, testkit and password-login resolve to their BUILT dist (`pnpm test` builds first), so
// this package's sources and the child processes share one copy of core.
export default defineConfig({
  test: {
    name: 'store-redis',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
