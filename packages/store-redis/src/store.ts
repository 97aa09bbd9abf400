import { createChangeHub } from './change-hub'
import { openConnection, whenReady } from './connection'
import { importStoreKey, openTokenSet, sealTokenSet, StoreError, type StoreErrorCode, type TokenSet } from './deps'
import { RedisUnavailableError, toStoreError } from './errors'
import { channelMessage, redisNames } from './keys'
import { withRedisLock } from './lock'
import { PACKAGE_NAME, resolveOptions } from './options'
import { createPendingWrites, type PendingWrite } from './pending-writes'
import { takeQuotaSlot } from './quota'
import { withReplicas } from './replicas'
import { DELETE_AND_PUBLISH, SET_IF_NEWER } from './scripts'
import type { RedisTokenStore, RedisTokenStoreOptions } from './types'

/**
 * Creates a `TokenStore` in Redis — one server, a Redis Cluster or a Sentinel-managed master — for a fleet of
 * processes sharing one credential.
 *
 * - Token sets are sealed with AES-256-GCM (the core envelope, bound to the credential key) before they reach Redis.
 * - `set` is a compare-and-set inside Redis on `meta.issuedAt`: an older set never overwrites a newer one. With
 *   replicas it waits for one to confirm, and a write Redis may have lost is written again until it holds.
 * - `withLock` is a cross-process lock with an owner token, TTL, keep-alive and a bounded wait.
 * - Every change is published (sharded pub/sub in a cluster); `onChange` lets a process react at once, and `get`
 *   always reads the latest.
 * - `takeQuotaSlot` counts a quota (the provider's login limit) for the whole fleet.
 * - When Redis is down, commands fail fast with `RedisUnavailableError` (the engine keeps serving valid tokens).
 *
 * No connection is opened until the first command.
 *
 * @throws ConfigError when the key is missing or invalid, or an option is invalid.
 */
export function createRedisTokenStore(options: RedisTokenStoreOptions = {}): RedisTokenStore {
  const resolved = resolveOptions(options)
  const { location, prefix, connectTimeoutMs, sharded, replicaAcks, replicaWaitMs } = resolved
  const names = redisNames(prefix, sharded)
  const publish = sharded ? 'SPUBLISH' : 'PUBLISH'
  const { client } = options
  const redis = client ?? openConnection(resolved)
  // Failures surface through the commands that fail; without a listener ioredis would print every reconnect attempt.
  if (!client) redis.on('error', () => {})
  async function run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      await whenReady(redis, connectTimeoutMs)
      return await command()
    } catch (error) {
      throw toStoreError(error, what, location)
    }
  }

  const listeners = new Set<(error: StoreError) => void>()
  if (options.onError) listeners.add(options.onError)
  const report = (error: StoreError) => {
    for (const listener of [...listeners]) {
      try {
        listener(error)
      } catch {
        // a throwing listener must not break the store
      }
    }
  }

  let cryptoKey: Promise<CryptoKey> | undefined
  const key = () => (cryptoKey ??= importStoreKey(resolved.key, { packageName: PACKAGE_NAME }))

  /** One write attempt: compare-and-set, then WAIT for the replicas; reports (once per write) what they did not confirm. */
  const unconfirmed = new WeakSet<PendingWrite>()
  async function write(credentialKey: string, entry: PendingWrite) {
    const redisKey = names.token(credentialKey)
    const message = channelMessage('set', credentialKey, entry.stamp)
    const { answer, confirmed } = await run(`store ${credentialKey}`, () =>
      withReplicas(redis, replicaAcks, replicaWaitMs, (p) =>
        p.eval(SET_IF_NEWER, 1, redisKey, entry.sealed, entry.stamp ?? '', names.channel(credentialKey), message, publish),
      ),
    )
    if (answer === 0 || confirmed) return 'kept' as const
    if (!unconfirmed.has(entry)) {
      unconfirmed.add(entry)
      report(
        new StoreError(
          `${PACKAGE_NAME}: Redis at ${location} stored ${redisKey}, but no replica confirmed it within ${replicaWaitMs} ms — a failover now could lose it, so it is written again until one does.`,
          { code: 'STORE_UNAVAILABLE', location: redisKey },
        ),
      )
    }
    return 'unconfirmed' as const
  }
  const pending = createPendingWrites(write, 500)
  const hub = createChangeHub(redis, {
    names,
    sharded,
    location,
    connectTimeoutMs,
    tap: (credentialKey, type) => type === 'delete' && pending.forget(credentialKey),
  })

  async function get(credentialKey: string): Promise<TokenSet | undefined> {
    const redisKey = names.token(credentialKey)
    const ignore = (code: StoreErrorCode, why: string, cause?: unknown): undefined =>
      void report(new StoreError(`${PACKAGE_NAME}: token entry ${redisKey} ${why} — ignored; a fresh login follows.`, { code, location: redisKey, cause }))
    const sealed = await run(`read ${credentialKey}`, () =>
      // A key of another type under our name (WRONGTYPE) is foreign data: treated like a corrupt entry.
      redis.hget(redisKey, 'v').catch((error: Error) => {
        if (/^WRONGTYPE/.test(error?.message)) return false as const
        throw error
      }),
    )
    if (sealed === false) return ignore('STORE_CORRUPT', 'is not an authmux token entry')
    if (sealed === null) return
    try {
      return await openTokenSet(await key(), sealed, credentialKey)
    } catch (error) {
      // openTokenSet throws STORE_DECRYPT or STORE_CORRUPT
      if ((error as StoreError).code === 'STORE_DECRYPT') ignore('STORE_DECRYPT', 'failed authentication (wrong key, tampered or copied)', error)
      else ignore('STORE_CORRUPT', 'is corrupt', error)
    }
  }

  async function set(credentialKey: string, tokens: TokenSet): Promise<void> {
    const issuedAt = tokens.meta?.issuedAt
    const entry = {
      sealed: await sealTokenSet(await key(), tokens, credentialKey),
      stamp: typeof issuedAt === 'number' && Number.isFinite(issuedAt) ? issuedAt : undefined,
    }
    // Unreachable (a failover in progress, a restart): try again for up to unavailableWaitMs before giving up.
    const deadline = Date.now() + resolved.unavailableWaitMs
    for (let pauseMs = 50; ; pauseMs = Math.min(pauseMs * 2, 500)) {
      try {
        await pending.write(credentialKey, entry)
        return
      } catch (error) {
        if (!(error instanceof RedisUnavailableError) || Date.now() + pauseMs > deadline) throw error
        await new Promise((resolve) => setTimeout(resolve, pauseMs))
      }
    }
  }

  async function close(): Promise<void> {
    pending.close()
    await hub.close()
    if (!client) await redis.quit().catch(() => redis.disconnect())
  }

  const describe = () => ({ type: 'RedisTokenStore', redis: location, prefix })
  const store: RedisTokenStore = {
    get,
    set,
    async delete(credentialKey) {
      pending.forget(credentialKey)
      await run(`delete ${credentialKey}`, () =>
        redis.eval(DELETE_AND_PUBLISH, 1, names.token(credentialKey), '', names.channel(credentialKey), channelMessage('delete', credentialKey), publish),
      )
    },
    withLock: (credentialKey, fn) => withRedisLock({ redis, run, names, publish, hub, options: resolved, report }, credentialKey, fn),
    onChange(credentialKey, listener) {
      const off = hub.listen(credentialKey, listener)
      hub.subscribe(credentialKey).catch(report)
      return off
    },
    subscribe: () => hub.subscribe(),
    takeQuotaSlot: (request) => takeQuotaSlot({ redis, names, run }, request),
    on(_event, listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close,
    [Symbol.asyncDispose]: close,
  }
  // Non-enumerable: JSON and util.inspect show where the store is (the URL without its password), never a secret.
  Object.defineProperties(store, {
    toJSON: { value: describe },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: describe },
  })
  return store
}
