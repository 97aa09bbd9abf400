import { defineConfig } from 'vitest/config'

// The provider code claims Web APIs only (fetch, Web Crypto, TextEncoder): the suite runs again in an edge-like
// runtime (@edge-runtime/vm). The emulators themselves run on node:http in the test process.
export default defineConfig({
  test: {
    name: 'bearer-edge',
    include: ['src/**/*.test.ts'],
    environment: 'edge-runtime',
    testTimeout: 20_000,
  },
})
