// Test-only dependencies of the two-accounts suite, in one place: the Redis store, the store-redis test helper that
// starts a redis-server on a free port, and zod (the generic key-secret-jwt style takes a zod schema).
export { createRedisTokenStore } from '@authmux/store-redis'
export { startTestRedis, type TestRedis } from '../../../../packages/store-redis/src/test-support/redis-server'
export { z } from 'zod'
