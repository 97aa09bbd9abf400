import { randomUUID } from 'node:crypto'
import { StoreError } from '@authmux/core'
import type { Redis } from 'ioredis'
import type { ChangeHub } from './change-hub'
import { isConnectionProblem, toStoreError } from './errors'
import type { RedisNames } from './keys'
import { PACKAGE_NAME, type ResolvedOptions } from './options'
import { EXTEND_LOCK, RELEASE_LOCK } from './scripts'

export interface LockContext {
  redis: Redis
  /** Resolves once `redis` can take commands (bounded). */
  ready(): Promise<void>
  names: RedisNames
  hub: ChangeHub
  options: ResolvedOptions
  report(error: StoreError): void
}

type Acquired = { held: true } | { held: false; error: StoreError }

/**
 * Runs `fn` holding the Redis lock of `key`: `SET lock owner NX PX ttl` with a random owner token, extended every
 * `ttl / 3` while `fn` runs, released only by its owner (Lua). Others wait with capped backoff and wake up early on
 * the release message. When Redis is unreachable, applies `whenUnavailable`.
 */
export async function withRedisLock<T>(context: LockContext, key: string, fn: () => Promise<T>): Promise<T> {
  const owner = randomUUID()
  const acquired = await acquire(context, key, owner)
  if (!acquired.held) {
    if (context.options.whenUnavailable === 'throw') throw acquired.error
    context.report(acquired.error)
    return fn()
  }
  const renewal = keepAlive(context, key, owner)
  try {
    return await fn()
  } finally {
    renewal.stop()
    await release(context, key, owner)
  }
}

async function acquire(context: LockContext, key: string, owner: string): Promise<Acquired> {
  const { redis, ready, names, hub, options } = context
  const lockKey = names.lock(key)
  const started = Date.now()
  const deadline = started + options.lockWaitMs
  const maxPollMs = options.lockPollMs
  let pollMs = 10
  let unavailableSince: number | undefined
  let subscribed = false
  let uncertain = false
  for (;;) {
    try {
      await ready()
      const reply = await redis.set(lockKey, owner, 'PX', options.lockTtlMs, 'NX')
      if (reply === 'OK') return { held: true }
      unavailableSince = undefined
      // An earlier attempt may have succeeded although its answer was lost (timeout): then the lock is ours already.
      if (uncertain && (await redis.get(lockKey)) === owner) return { held: true }
    } catch (error) {
      uncertain = true
      const storeError = toStoreError(error, `take the lock of ${key}`, options.location)
      if (!isConnectionProblem(error)) throw storeError
      unavailableSince ??= Date.now()
      if (Date.now() - unavailableSince >= options.unavailableWaitMs) return { held: false, error: storeError }
    }
    const now = Date.now()
    if (now >= deadline) {
      throw new StoreError(
        `${PACKAGE_NAME}: waited ${now - started} ms for the lock of ${key}, held by another process — raise lockWaitMs, or check for a process stuck in a refresh.`,
        { code: 'STORE_LOCK_TIMEOUT', location: lockKey },
      )
    }
    if (!subscribed) {
      subscribed = true
      // Wake up on the release message; polling alone still works if pub/sub is down.
      hub.subscribe().catch(() => {})
    }
    const jittered = pollMs / 2 + Math.random() * (pollMs / 2)
    await hub.waitForRelease(key, Math.min(jittered, deadline - now))
    pollMs = Math.min(pollMs * 2, maxPollMs)
  }
}

function keepAlive(context: LockContext, key: string, owner: string): { stop(): void } {
  const { redis, names, options, report } = context
  const lockKey = names.lock(key)
  let stopped = false
  const timer = setInterval(
    () => {
      redis.eval(EXTEND_LOCK, 1, lockKey, owner, String(options.lockTtlMs)).then(
        (extended) => {
          if (stopped || extended === 1) return
          stopped = true
          clearInterval(timer)
          report(
            new StoreError(
              `${PACKAGE_NAME}: lost the lock of ${key} (it expired or Redis restarted) while refreshing — another process may refresh too; older tokens never overwrite newer ones.`,
              { code: 'STORE_IO', location: lockKey },
            ),
          )
        },
        (error: unknown) => {
          if (!stopped) report(toStoreError(error, `extend the lock of ${key}`, options.location))
        },
      )
    },
    Math.max(10, Math.floor(options.lockTtlMs / 3)),
  )
  timer.unref?.()
  return {
    stop() {
      stopped = true
      clearInterval(timer)
    },
  }
}

async function release(context: LockContext, key: string, owner: string): Promise<void> {
  const { redis, ready, names, options, report } = context
  try {
    await ready()
    await redis.eval(RELEASE_LOCK, 1, names.lock(key), owner, names.channel, JSON.stringify({ type: 'unlock', key }))
  } catch (error) {
    // The lock frees itself after lockTtlMs.
    report(toStoreError(error, `release the lock of ${key}`, options.location))
  }
}
