import { ConfigError, decodeStoreKey, type StoreKeyInput } from './deps'
import type { RedisTokenStoreOptions } from './types'

export const PACKAGE_NAME = '@authmux/store-redis'
const ENV_URL = 'AUTHMUX_REDIS_URL'
const ENV_KEY = 'AUTHMUX_STORE_KEY'

export interface ResolvedOptions {
  /** Connection URL (only when the store opens its own connection). */
  url: string | undefined
  /** The URL without its password, for messages. */
  location: string
  key: StoreKeyInput
  prefix: string
  lockTtlMs: number
  lockWaitMs: number
  lockPollMs: number
  commandTimeoutMs: number
  connectTimeoutMs: number
  unavailableWaitMs: number
  whenUnavailable: 'run-unlocked' | 'throw'
}

const configError = (field: string, text: string) => new ConfigError(`${PACKAGE_NAME}: ${field} ${text}`, { field })

/** Checks a Redis URL and returns it without its password (and user), so it can go into messages. */
function locationOf(url: string, field: string): string {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {}
  if (parsed?.protocol !== 'redis:' && parsed?.protocol !== 'rediss:') {
    throw configError(field, 'must be a redis:// or rediss:// URL (redis://:password@host:6379/0).')
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`
}

/** Validates options eagerly: a bad key, URL or duration is a `ConfigError` naming the option or env variable. */
export function resolveOptions(options: RedisTokenStoreOptions): ResolvedOptions {
  /** The duration option `field`, at least `min` ms; `fallback` when not given. */
  const ms = (field: `${string}Ms` & keyof RedisTokenStoreOptions, fallback: number, min = 1): number => {
    const value = options[field] as number | undefined
    if (value === undefined) return fallback
    if (!Number.isFinite(value) || value < min) throw configError(field, `must be a number of milliseconds ≥ ${min}.`)
    return value
  }
  const env = options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
  const fromEnv = (name: string) => env[name]?.trim() || undefined
  let url: string | undefined
  let location = 'redis (client given)'
  if (!options.client) {
    const envUrl = fromEnv(ENV_URL)
    url = options.url !== undefined ? options.url : (envUrl ?? 'redis://127.0.0.1:6379')
    location = locationOf(url, options.url === undefined && envUrl !== undefined ? ENV_URL : 'url')
  }
  let key = options.key
  const origin = { field: key === undefined ? ENV_KEY : 'key', packageName: PACKAGE_NAME }
  if (key === undefined) {
    key = fromEnv(ENV_KEY)
    if (key === undefined) {
      throw configError('key', `is missing — pass { key } or set ${ENV_KEY} to \`openssl rand -base64 32\`, the same in every process.`)
    }
  }
  // A CryptoKey is used as given; bytes and strings are decoded now, so a bad key fails at construction.
  if (typeof key !== 'object' || key instanceof Uint8Array || key instanceof ArrayBuffer) key = decodeStoreKey(key, origin)
  const prefix = options.prefix ?? 'authmux:'
  if (typeof prefix !== 'string') throw configError('prefix', "must be a string such as 'authmux:'.")
  const lockTtlMs = ms('lockTtlMs', 10_000, 30)
  const whenUnavailable = options.whenUnavailable ?? 'run-unlocked'
  if (whenUnavailable !== 'run-unlocked' && whenUnavailable !== 'throw') throw configError('whenUnavailable', "must be 'run-unlocked' or 'throw'.")
  return {
    url,
    location,
    key,
    prefix,
    lockTtlMs,
    lockWaitMs: ms('lockWaitMs', 30_000, 0),
    lockPollMs: ms('lockPollMs', Math.min(Math.max(lockTtlMs / 5, 20), 500), 10),
    commandTimeoutMs: ms('commandTimeoutMs', 2_000),
    connectTimeoutMs: ms('connectTimeoutMs', 2_000),
    unavailableWaitMs: ms('unavailableWaitMs', 1_000, 0),
    whenUnavailable,
  }
}
