import { defineConfig } from 'vitest/config'
import { coreSourceAlias } from '../../vitest.shared'

export default defineConfig({
  // @authmux/core → its sources (see vitest.shared.ts)
  resolve: { alias: coreSourceAlias },
  test: {
    name: 'bearer',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
