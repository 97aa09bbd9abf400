import { importStoreKey, openTokenSet, sealTokenSet, StoreError, type TokenSet } from '@authmux/core'
import type { Redis } from 'ioredis'
import { ChangeHub } from './change-hub'
import { openConnection, whenReady } from './connection'
import { toStoreError } from './errors'
import { redisNames } from './keys'
import { withRedisLock } from './lock'
import { PACKAGE_NAME, resolveOptions } from './options'
import { DELETE_AND_PUBLISH, SET_IF_NEWER } from './scripts'
import type { RedisTokenStore, RedisTokenStoreOptions, TokenChange } from './types'

/**
 * Creates a `TokenStore` in Redis for a fleet of processes sharing one credential.
 *
 * - Token sets are sealed with AES-256-GCM (the core envelope, bound to the credential key) before they reach Redis.
 * - `set` is a compare-and-set inside Redis on `meta.issuedAt`: an older set never overwrites a newer one.
 * - `withLock` is a cross-process lock with an owner token, TTL, keep-alive and a bounded wait.
 * - Every change is published; `onChange` lets a process react at once, and `get` always reads the latest.
 * - When Redis is down, commands fail fast with `RedisUnavailableError` (the engine keeps serving valid tokens).
 *
 * No connection is opened until the first command.
 *
 * @throws ConfigError when the key is missing or invalid, or an option is invalid.
 */
export function createRedisTokenStore(options: RedisTokenStoreOptions = {}): RedisTokenStore {
  const resolved = resolveOptions(options)
  const names = redisNames(resolved.prefix)
  const location = resolved.location
  const ownsClient = !options.client
  const redis: Redis = options.client ?? openConnection(resolved.url!, resolved)
  // Failures surface through the commands that fail; without a listener ioredis would print every reconnect attempt.
  if (ownsClient) redis.on('error', () => {})
  const ready = () => whenReady(redis, resolved.connectTimeoutMs)
  const hub = new ChangeHub(redis, names.channel, location, resolved.connectTimeoutMs)

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
  const key = () => (cryptoKey ??= importStoreKey(resolved.key, { field: 'key', packageName: PACKAGE_NAME }))

  async function get(credentialKey: string): Promise<TokenSet | undefined> {
    const redisKey = names.token(credentialKey)
    let sealed: string | null
    try {
      await ready()
      sealed = await redis.hget(redisKey, 'v')
    } catch (error) {
      const storeError = toStoreError(error, `read ${credentialKey}`, location)
      if (storeError.code === 'STORE_IO' && /WRONGTYPE/.test(String((error as Error)?.message))) {
        report(
          new StoreError(`${PACKAGE_NAME}: ${redisKey} is not an authmux token entry — it is ignored and a fresh login follows.`, {
            code: 'STORE_CORRUPT',
            location: redisKey,
          }),
        )
        return undefined
      }
      throw storeError
    }
    if (sealed === null) return undefined
    try {
      return await openTokenSet(await key(), sealed, credentialKey)
    } catch (error) {
      const code = error instanceof StoreError ? error.code : 'STORE_CORRUPT'
      const why =
        code === 'STORE_DECRYPT'
          ? 'failed authentication (a different AUTHMUX_STORE_KEY, tampered data, or a value copied from another credential key)'
          : 'is corrupt'
      report(
        new StoreError(`${PACKAGE_NAME}: the token entry ${redisKey} ${why} — it is ignored and a fresh login follows.`, {
          code,
          location: redisKey,
          cause: error,
        }),
      )
      return undefined
    }
  }

  async function set(credentialKey: string, tokens: TokenSet): Promise<void> {
    const issuedAt = tokens.meta?.issuedAt
    const sealed = await sealTokenSet(await key(), tokens, credentialKey)
    const stamp = typeof issuedAt === 'number' && Number.isFinite(issuedAt) ? issuedAt : undefined
    const message: TokenChange = stamp === undefined ? { type: 'set', key: credentialKey } : { type: 'set', key: credentialKey, issuedAt: stamp }
    try {
      await ready()
      await redis.eval(SET_IF_NEWER, 1, names.token(credentialKey), sealed, stamp === undefined ? '' : String(stamp), names.channel, JSON.stringify(message))
    } catch (error) {
      throw toStoreError(error, `store ${credentialKey}`, location)
    }
  }

  async function remove(credentialKey: string): Promise<void> {
    try {
      await ready()
      await redis.eval(DELETE_AND_PUBLISH, 1, names.token(credentialKey), names.channel, JSON.stringify({ type: 'delete', key: credentialKey }))
    } catch (error) {
      throw toStoreError(error, `delete ${credentialKey}`, location)
    }
  }

  async function close(): Promise<void> {
    await hub.close()
    if (!ownsClient) return
    try {
      await redis.quit()
    } catch {
      redis.disconnect()
    }
  }

  const store: RedisTokenStore = {
    get,
    set,
    delete: remove,
    withLock: (credentialKey, fn) => withRedisLock({ redis, ready, names, hub, options: resolved, report }, credentialKey, fn),
    onChange(credentialKey, listener) {
      const off = hub.listen(credentialKey, listener)
      hub.subscribe().catch(report)
      return off
    },
    subscribe: () => hub.subscribe(),
    on(_event, listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close,
    [Symbol.asyncDispose]: close,
  }
  const describe = { type: 'RedisTokenStore', redis: location, prefix: resolved.prefix }
  Object.defineProperties(store, {
    toJSON: { value: () => ({ ...describe }), enumerable: false },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => `RedisTokenStore { redis: '${location}', prefix: '${resolved.prefix}' }`, enumerable: false },
  })
  return store
}
