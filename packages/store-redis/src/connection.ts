import { Redis } from 'ioredis'
import type { ResolvedOptions } from './options'

/**
 * Opens the store's own connection (lazily). `rediss://` URLs connect with TLS (ioredis reads the scheme).
 *
 * Every command fails fast when Redis is down instead of hanging or being replayed later: no offline queue (a command
 * issued while disconnected fails at once), no resend of unanswered commands after a reconnect (a timed-out lock
 * attempt must not take the lock minutes later), one retry, a per-command timeout, a bounded connect timeout, and
 * reconnects at most 1 s apart so the store recovers soon after Redis is back.
 */
export function openConnection(url: string, options: ResolvedOptions): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 5), 1_000),
  })
}

/** Connection events that end a wait for readiness. */
const SETTLED = ['ready', 'end', 'reconnecting']

/**
 * Waits (at most `timeoutMs`) until `redis` can take commands: connects a lazy client, waits out a connection in
 * progress. While Redis is known to be down (reconnecting) it returns at once, so the command fails fast.
 */
export async function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'wait') redis.connect().catch(() => {})
  if (redis.status !== 'connecting' && redis.status !== 'connect') return
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      for (const event of SETTLED) redis.off(event, done)
      resolve()
    }
    const timer = setTimeout(done, timeoutMs)
    for (const event of SETTLED) redis.once(event, done)
  })
}
