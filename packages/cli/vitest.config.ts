import { defineConfig } from 'vitest/config'
import { coreSourceAlias } from '../../vitest.shared'

export default defineConfig({
  // @authmux/core → its sources (see vitest.shared.ts)
  resolve: { alias: coreSourceAlias },
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    // The e2e tests spawn the built bin (dist/bin.js): build it (and what it imports) first.
    globalSetup: ['src/test-support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
