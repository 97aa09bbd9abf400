import { defineConfig } from 'vitest/config'
import { coreSourceAlias } from '../../vitest.shared'

// The provider code claims Web APIs only (fetch, Web Crypto, TextEncoder): the suite runs again in an edge-like
// runtime (@edge-runtime/vm). The emulators themselves run on node:http in the test process.
export default defineConfig({
  // @authmux/core → its sources (see vitest.shared.ts)
  resolve: { alias: coreSourceAlias },
  test: {
    name: 'api-key-refresh-edge',
    include: ['src/**/*.test.ts'],
    environment: 'edge-runtime',
    testTimeout: 20_000,
  },
})
