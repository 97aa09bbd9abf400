import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'key-secret-jwt',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
