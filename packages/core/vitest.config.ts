import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'core',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/testing/console-canary.ts'],
    testTimeout: 20_000,
  },
})
