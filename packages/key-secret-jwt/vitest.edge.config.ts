import { defineConfig } from 'vitest/config'
import { coreSourceAlias } from '../../vitest.shared'

// The main entry claims Web APIs only: its suites run again in an edge-like runtime (@edge-runtime/vm).
// The ./node entry (fromEnv: node:fs/os) is Node-only and stays out of this run.
export default defineConfig({
  // @authmux/core → its sources (see vitest.shared.ts)
  resolve: { alias: coreSourceAlias },
  test: {
    name: 'key-secret-jwt-edge',
    include: ['src/**/*.test.ts'],
    exclude: ['src/node/**', 'src/edge-safety.test.ts'],
    environment: 'edge-runtime',
    testTimeout: 20_000,
  },
})
