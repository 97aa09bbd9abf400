import { ConfigError, decodeStoreKey, type StoreKeyInput } from '@authmux/core'
import type { RedisTokenStoreOptions } from './types'

export const PACKAGE_NAME = '@authmux/store-redis'
export const ENV_URL = 'AUTHMUX_REDIS_URL'
export const ENV_KEY = 'AUTHMUX_STORE_KEY'
export const DEFAULT_URL = 'redis://127.0.0.1:6379'

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

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function positiveMs(value: number | undefined, field: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigError(`${PACKAGE_NAME}: ${field} must be a number of milliseconds ≥ ${min}.`, { field })
  }
  return value
}

/** `redis://host:port/db` with the password (and user) left out, so it can go into messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`
  } catch {
    return 'redis (unparsable URL)'
  }
}

function checkUrl(url: string, field: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError(`${PACKAGE_NAME}: ${field} is not a valid URL — use redis://[:password@]host:port/db (or rediss:// for TLS).`, { field })
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`${PACKAGE_NAME}: ${field} must start with redis:// or rediss:// (TLS), e.g. redis://:password@127.0.0.1:6379/0.`, { field })
  }
  return url
}

/** Validates options eagerly: a bad key, URL or duration is a `ConfigError` naming the option or env variable. */
export function resolveOptions(options: RedisTokenStoreOptions): ResolvedOptions {
  const env = options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
  let url: string | undefined
  if (!options.client) {
    if (options.url !== undefined) url = checkUrl(options.url, 'url')
    else if (nonEmpty(env[ENV_URL]) !== undefined) url = checkUrl(nonEmpty(env[ENV_URL])!, ENV_URL)
    else url = DEFAULT_URL
  }
  let key: StoreKeyInput
  const envKey = nonEmpty(env[ENV_KEY])
  if (options.key !== undefined) {
    key =
      typeof options.key === 'object' && !(options.key instanceof Uint8Array) && !(options.key instanceof ArrayBuffer)
        ? options.key
        : decodeStoreKey(options.key, { field: 'key', packageName: PACKAGE_NAME })
  } else if (envKey !== undefined) {
    key = decodeStoreKey(envKey, { field: ENV_KEY, packageName: PACKAGE_NAME })
  } else {
    throw new ConfigError(
      `${PACKAGE_NAME}: the encryption key is missing — pass { key } or set ${ENV_KEY} to 32 random bytes (base64/base64url/hex), the same in every process of the fleet; generate one with \`openssl rand -base64 32\`.`,
      { field: 'key' },
    )
  }
  const prefix = options.prefix ?? 'authmux:'
  if (typeof prefix !== 'string') throw new ConfigError(`${PACKAGE_NAME}: prefix must be a string such as 'authmux:'.`, { field: 'prefix' })
  const lockTtlMs = positiveMs(options.lockTtlMs, 'lockTtlMs', 10_000, 30)
  const whenUnavailable = options.whenUnavailable ?? 'run-unlocked'
  if (whenUnavailable !== 'run-unlocked' && whenUnavailable !== 'throw') {
    throw new ConfigError(`${PACKAGE_NAME}: whenUnavailable must be 'run-unlocked' or 'throw'.`, { field: 'whenUnavailable' })
  }
  return {
    url,
    location: url ? describeUrl(url) : 'redis (client given)',
    key,
    prefix,
    lockTtlMs,
    lockWaitMs: positiveMs(options.lockWaitMs, 'lockWaitMs', 30_000, 0),
    lockPollMs: positiveMs(options.lockPollMs, 'lockPollMs', Math.min(Math.max(lockTtlMs / 5, 20), 500), 10),
    commandTimeoutMs: positiveMs(options.commandTimeoutMs, 'commandTimeoutMs', 2_000),
    connectTimeoutMs: positiveMs(options.connectTimeoutMs, 'connectTimeoutMs', 2_000),
    unavailableWaitMs: positiveMs(options.unavailableWaitMs, 'unavailableWaitMs', 1_000, 0),
    whenUnavailable,
  }
}
