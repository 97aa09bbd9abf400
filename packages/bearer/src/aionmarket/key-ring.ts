import { fingerprint } from '@authmux/core'
import { configError } from '../config-error'
import { omitUndefined } from '../omit-undefined'
import { PACKAGE_NAME } from '../package-name'
import { buildAionMarketAuth, type AionMarketAuth, type AionMarketHandle } from './auth'
import { AIONMARKET, type AionMarketAuthOptions } from './options'

/**
 * Options shared by every key of a ring (everything of `createAionMarketAuth` except the key and store key). `env`
 * applies to `AIONMARKET_BASE_URL` only: each purpose names its own key.
 */
export interface KeyRingOptions extends Omit<AionMarketAuthOptions, 'apiKey' | 'storeKey'> {
  /**
   * Prefix of each purpose's store key: `<storeKeyPrefix>:<purpose>`. Default `'aionmarket:keyring'`. Keep it stable:
   * a rotated key is found again under it after a restart. Use an encrypted store (store-file, store-redis) in
   * production — the store holds the live keys.
   */
  storeKeyPrefix?: string
  /** Name given to a key created by `rotate()`. Default `<purpose>-<ISO timestamp>`. */
  keyName?: (purpose: string, nowMs: number) => string
}

/** What `rotate()` reports. Never the key itself. */
export interface RotatedKey {
  purpose: string
  keyName: string
  /** Fingerprint of the key now in use. */
  fingerprint: string
  /** Fingerprint of the key it replaced (still valid on the server until you revoke it on the dashboard). */
  previousFingerprint?: string
}

/** Several AionMarket keys, one per purpose, each with its own strategy. */
export interface KeyRing<P extends string> {
  /** The configured purposes, in the order given. */
  readonly purposes: readonly P[]
  /** The strategy for a purpose. Throws `ConfigError` for an unknown purpose. */
  get(purpose: P): AionMarketAuth
  /**
   * Creates a new key for the purpose's agent (`createApiKey`, authenticated with the current key), then switches
   * to it atomically — requests already sent finish on the old key, every request that starts afterwards uses the
   * new one — and persists it in the store. Concurrent calls for one purpose share one rotation.
   */
  rotate(purpose: P, options?: { keyName?: string }): Promise<RotatedKey>
  /** Stops every strategy's timers. */
  dispose(): void
}

/**
 * Creates a key ring: `createKeyRing({ trading: key1, monitoring: key2, admin: key3 }, { baseURL, store })`.
 * A purpose whose key is undefined runs in session-only mode: it sends the key stored under `<storeKeyPrefix>:<purpose>`
 * and fails with a `TokenExpiredError` until one is stored.
 */
export function createKeyRing<P extends string>(keys: Record<P, string | undefined>, options: KeyRingOptions = {}): KeyRing<P> {
  const purposes = (typeof keys === 'object' && keys !== null ? Object.keys(keys) : []) as P[]
  if (purposes.length === 0) {
    throw configError("createKeyRing needs an object of keys by purpose with at least one entry, e.g. { trading: '…', admin: '…' }.", 'keys', AIONMARKET)
  }
  const { storeKeyPrefix = 'aionmarket:keyring', keyName: nameKey, ...shared } = options
  const handles = new Map<P, AionMarketHandle>()
  for (const purpose of purposes) {
    // No environment fallback inside a ring: each purpose names its own key.
    const apiKey = keys[purpose] || undefined
    handles.set(purpose, buildAionMarketAuth({ ...shared, apiKey, storeKey: `${storeKeyPrefix}:${purpose}` }, false))
  }
  const rotations = new Map<P, Promise<RotatedKey>>()
  const now = shared.now ?? Date.now

  const handle = (purpose: P): AionMarketHandle => {
    const found = handles.get(purpose)
    if (!found) {
      throw configError(`unknown key ring purpose '${String(purpose)}' — configured: ${purposes.join(', ')}.`, 'purpose', AIONMARKET)
    }
    return found
  }

  async function doRotate(purpose: P, keyName: string): Promise<RotatedKey> {
    const { auth, fields } = handle(purpose)
    await auth.ensureValid()
    const previous = auth.accessToken
    const created = await auth.createApiKey(keyName)
    // Switch: persisted first, then every request that starts from now on uses the new key (the response schema
    // guarantees a key a header can carry); a later acquire() hands out the new key too.
    const key = created.apiKey
    await auth.setTokens({ accessToken: key })
    fields.key = key
    fields.canAcquire = true
    const result = omitUndefined<RotatedKey>({
      purpose,
      keyName: created.keyName,
      fingerprint: await fingerprint(key),
      previousFingerprint: previous ? await fingerprint(previous) : undefined,
    })
    shared.logger?.info?.(`${PACKAGE_NAME}: rotated the ${purpose} key`, {
      provider: AIONMARKET,
      purpose,
      fingerprint: result.fingerprint,
      previousFingerprint: result.previousFingerprint,
    })
    return result
  }

  return {
    purposes,
    get: (purpose) => handle(purpose).auth,
    rotate(purpose, rotateOptions = {}) {
      handle(purpose)
      const running = rotations.get(purpose)
      if (running) return running
      const keyName = rotateOptions.keyName ?? nameKey?.(purpose, now()) ?? `${purpose}-${new Date(now()).toISOString()}`
      const rotation = doRotate(purpose, keyName).finally(() => rotations.delete(purpose))
      rotations.set(purpose, rotation)
      return rotation
    },
    dispose() {
      for (const { auth } of handles.values()) auth.dispose()
    },
  }
}
