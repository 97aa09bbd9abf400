import { Cluster, Redis } from 'ioredis'
import type { ResolvedOptions } from './options'

/** What the store talks to: one server (also found through Sentinel) or a cluster. */
export type RedisClient = Redis | Cluster

/** Reconnects at most 1 s apart, so the store recovers soon after Redis (or a new master) is back. */
const retryStrategy = (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 5), 1_000)

/**
 * Opens the store's own connection (lazily): a `Cluster` for `cluster`, a Sentinel-managed `Redis` for `sentinel`,
 * else a `Redis` on the URL (`rediss://` connects with TLS; ioredis reads the scheme).
 *
 * Every command fails fast when Redis is down instead of hanging or being replayed later: no offline queue (a command
 * issued while disconnected fails at once), no resend of unanswered commands after a reconnect (a timed-out lock
 * attempt must not take the lock minutes later), one retry, a per-command timeout and a bounded connect timeout. In
 * a cluster, ioredis follows MOVED/ASK and retries CLUSTERDOWN/TRYAGAIN and a lost node (every 100 ms, at most 16
 * times) while a replica takes over; through Sentinel, a READONLY answer (a demoted master) reconnects to the new one.
 */
export function openConnection(options: ResolvedOptions): RedisClient {
  const { cluster, sentinel } = options
  const node = {
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
  }
  const server = { ...node, lazyConnect: true, enableOfflineQueue: false, retryStrategy }
  if (cluster) {
    const { nodes, username, password } = cluster
    return new Cluster(nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: retryStrategy,
      slotsRefreshTimeout: options.commandTimeoutMs,
      redisOptions: { ...node, username, password },
    })
  }
  if (sentinel) {
    const { nodes, masterName, username, password, sentinelPassword } = sentinel
    return new Redis({
      ...server,
      sentinels: nodes,
      name: masterName,
      username,
      password,
      sentinelPassword,
      failoverDetector: true,
      sentinelRetryStrategy: retryStrategy,
      reconnectOnError: (error) => /^READONLY/.test(error.message),
    })
  }
  return new Redis(options.url!, server)
}

/** A second connection like `redis`, for pub/sub: in a cluster, with one sharded subscriber per master. */
export function duplicateOf(redis: RedisClient): RedisClient {
  return redis.isCluster ? (redis as Cluster).duplicate([], { shardedSubscribers: true }) : (redis as Redis).duplicate()
}

/** Connection events that end a wait for readiness. */
const SETTLED = ['ready', 'end', 'reconnecting']

/** One wait per connecting client, shared by every command issued meanwhile (a thousand sessions start at once). */
const connecting = new WeakMap<RedisClient, Promise<void>>()

/**
 * Waits (at most `timeoutMs`) until `redis` can take commands: connects a lazy client, waits out a connection in
 * progress. While Redis is known to be down (reconnecting) it returns at once, so the command fails fast.
 */
export function whenReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === 'wait') redis.connect().catch(() => {})
  if (redis.status !== 'connecting' && redis.status !== 'connect') return Promise.resolve()
  let wait = connecting.get(redis)
  if (!wait) {
    wait = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        for (const event of SETTLED) redis.off(event, done)
        connecting.delete(redis)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      for (const event of SETTLED) redis.once(event, done)
    })
    connecting.set(redis, wait)
  }
  return wait
}
