import type { ChangeHub } from './change-hub'
import type { RedisClient } from './connection'
import { StoreError } from './deps'
import { RedisUnavailableError, toStoreError } from './errors'
import { channelMessage, type RedisNames } from './keys'
import { PACKAGE_NAME, type ResolvedOptions } from './options'
import { withReplicas } from './replicas'
import { DELETE_AND_PUBLISH, EXTEND_LOCK } from './scripts'

export interface LockContext {
  redis: RedisClient
  /** Runs `command` once Redis can take commands; a failure becomes a typed `StoreError` saying `what` failed. */
  run<T>(what: string, command: () => Promise<T>): Promise<T>
  names: RedisNames
  /** PUBLISH, or SPUBLISH in a cluster. */
  publish: string
  hub: ChangeHub
  options: ResolvedOptions
  report(error: StoreError): void
}

/**
 * Runs `fn` holding the Redis lock of `key`: `SET lock owner NX PX ttl` with a random owner token (confirmed by
 * `replicaAcks` replicas, so that a failover keeps it), extended every `ttl / 3` while `fn` runs, released only by its
 * owner (Lua). Others wait with capped backoff and wake up early on the release message. When Redis is unreachable
 * for `unavailableWaitMs`, applies `whenUnavailable`.
 */
export async function withRedisLock<T>({ redis, run, names, publish, hub, options, report }: LockContext, key: string, fn: () => Promise<T>): Promise<T> {
  const owner = crypto.randomUUID()
  const lockKey = names.lock(key)
  const what = `the lock of ${key}`
  const started = Date.now()
  const deadline = started + options.lockWaitMs
  let pollMs = 10
  let unavailableSince: number | undefined
  let subscribed = false
  let uncertain = false
  for (;;) {
    try {
      const taken = await run(`take ${what}`, async () => {
        if ((await redis.set(lockKey, owner, 'PX', options.lockTtlMs, 'NX')) === 'OK') return true
        unavailableSince = undefined
        // An earlier attempt may have succeeded although its answer was lost (timeout): then the lock is ours already.
        return uncertain && (await redis.get(lockKey)) === owner
      })
      if (taken) break
    } catch (error) {
      uncertain = true
      if (!(error instanceof RedisUnavailableError)) throw error
      unavailableSince ??= Date.now()
      if (Date.now() - unavailableSince >= options.unavailableWaitMs) {
        if (options.whenUnavailable === 'throw') throw error
        report(error)
        return fn()
      }
    }
    const now = Date.now()
    if (now >= deadline) {
      throw new StoreError(`${PACKAGE_NAME}: waited ${now - started} ms for ${what} — raise lockWaitMs, or look for a process stuck in a refresh.`, {
        code: 'STORE_LOCK_TIMEOUT',
        location: lockKey,
      })
    }
    if (!subscribed) {
      subscribed = true
      // Wake up on the release message; polling alone still works if pub/sub is down.
      hub.subscribe(key).catch(() => {})
    }
    // Once subscribed, the release message wakes us: poll only as the fallback (a crashed holder, a lost message).
    const waitMs = hub.listening(key) ? options.lockPollMs : pollMs
    await hub.waitForRelease(key, Math.min(waitMs / 2 + Math.random() * (waitMs / 2), deadline - now))
    pollMs = Math.min(pollMs * 2, options.lockPollMs)
  }
  // A replica confirms the lock before `fn` runs, so that a failover keeps it (unconfirmed, it is still ours).
  if (options.replicaAcks > 0) {
    await run(`confirm ${what}`, () => withReplicas(redis, options.replicaAcks, options.replicaWaitMs, (p) => p.pttl(lockKey))).catch(() => {})
  }

  // Keep-alive: extend the TTL every third of it while `fn` runs; report once if the lock was lost.
  let stopped = false
  const stop = () => {
    stopped = true
    clearInterval(timer)
  }
  const timer = setInterval(
    () => {
      redis.eval(EXTEND_LOCK, 1, lockKey, owner, String(options.lockTtlMs)).then(
        (extended) => {
          if (stopped || extended === 1) return
          stop()
          report(
            new StoreError(`${PACKAGE_NAME}: lost ${what} (expired or Redis restarted) — raise lockTtlMs if refreshes take that long.`, {
              code: 'STORE_IO',
              location: lockKey,
            }),
          )
        },
        (error: unknown) => {
          if (!stopped) report(toStoreError(error, `extend ${what}`, options.location))
        },
      )
    },
    Math.max(10, Math.floor(options.lockTtlMs / 3)),
  )
  timer.unref?.()
  try {
    return await fn()
  } finally {
    stop()
    // A failed release is reported; the lock frees itself after lockTtlMs.
    await run(`release ${what}`, () => redis.eval(DELETE_AND_PUBLISH, 1, lockKey, owner, names.channel(key), channelMessage('unlock', key), publish)).catch(
      report,
    )
  }
}
