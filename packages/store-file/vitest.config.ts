import { defineConfig } from 'vitest/config'
import { coreSourceAlias } from '../../vitest.shared'

export default defineConfig({
  // @authmux/core and @authmux/core/envelope → core's sources (see vitest.shared.ts): no build of core needed.
  resolve: { alias: coreSourceAlias },
  test: {
    name: 'store-file',
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/test-support/global-setup.ts'],
    testTimeout: 20_000,
  },
})
