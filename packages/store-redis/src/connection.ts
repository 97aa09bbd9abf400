import { Redis, type RedisOptions } from 'ioredis'
import type { ResolvedOptions } from './options'

/**
 * Options that make every command fail fast when Redis is down instead of hanging: one retry per command, a
 * per-command timeout, a bounded connect timeout, and quick reconnects (≤ 1 s apart) so the store recovers soon
 * after Redis is back.
 */
export function fastFailOptions(options: ResolvedOptions): RedisOptions {
  return {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 5), 1_000),
  }
}

/** Opens the store's own connection. `rediss://` URLs connect with TLS (ioredis reads the scheme). */
export function openConnection(url: string, options: ResolvedOptions): Redis {
  return new Redis(url, fastFailOptions(options))
}
