import { defineConfig } from 'vitest/config'

// Core claims to run on Web APIs only: the same suite runs again in an edge-like runtime (@edge-runtime/vm).
export default defineConfig({
  test: {
    name: 'core-edge',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/testing/console-canary.ts'],
    environment: 'edge-runtime',
    testTimeout: 20_000,
  },
})
