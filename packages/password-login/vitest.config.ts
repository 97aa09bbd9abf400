import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'password-login',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
