export { createRedisTokenStore } from './store'
export type { RedisClusterOptions, RedisSentinelOptions, RedisTokenStore, RedisTokenStoreOptions, TokenChange } from './types'
export { RedisUnavailableError } from './errors'
export { StoreError, type StoreErrorCode } from './deps'
