import { defineConfig } from 'vitest/config'
import { coreSourceAlias } from '../../vitest.shared'

// The testkit and password-login are imported from their BUILT dist (`pnpm test` builds first); @authmux/core, in
// this package's sources and in those dist files alike, resolves to core's sources (one copy in the test process).
// The forked bots of the fleet tests run plain Node on built files: after editing core, build before running them.
export default defineConfig({
  resolve: { alias: coreSourceAlias },
  test: {
    name: 'store-redis',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
