import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // Test against core's sources, so this project runs without building core first
    // (`@authmux/core` → src/index.ts, `@authmux/core/envelope` → src/envelope.ts).
    alias: { '@authmux/core': fileURLToPath(new URL('../core/src', import.meta.url)) },
  },
  test: {
    name: 'store-file',
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/test-support/global-setup.ts'],
    testTimeout: 20_000,
  },
})
