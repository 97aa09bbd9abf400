import { ConfigError, decodeStoreKey, homedir, join, resolve } from './deps'
import type { FileTokenStoreOptions } from './types'

export const PACKAGE_NAME = '@authmux/store-file'
export const ENV_KEY = 'AUTHMUX_STORE_KEY'

export interface ResolvedOptions {
  dir: string
  keyFile: string
  /** The decoded key when given by option or env; undefined = use the key file. */
  key: Uint8Array | undefined
  lockTimeoutMs: number
  lockStaleMs: number
}

const configError = (field: string, must: string) => new ConfigError(`${PACKAGE_NAME}: ${field} must be ${must}.`, { field })

function positiveMs(value: number | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) throw configError(field, 'a positive number of milliseconds')
  return value
}

/** Validates options eagerly (a bad key is a `ConfigError` at construction, naming the option or env var). */
export function resolveOptions(options: FileTokenStoreOptions): ResolvedOptions {
  const env = options.env ?? process.env
  const fromEnv = (name: string) => env[name]?.trim() || undefined
  const dirInput = options.dir ?? fromEnv('AUTHMUX_STORE_DIR')
  if (dirInput !== undefined && typeof dirInput !== 'string') throw configError('dir', 'a directory path string')
  const dir = resolve(dirInput ?? join(homedir(), '.authmux'))
  const envKey = fromEnv(ENV_KEY)
  const given = options.key !== undefined
  const key = given ? options.key : envKey
  return {
    dir,
    keyFile: resolve(dir, options.keyFile ?? 'key'),
    key: key === undefined ? undefined : decodeStoreKey(key, { field: given ? 'key' : ENV_KEY, packageName: PACKAGE_NAME }),
    lockTimeoutMs: positiveMs(options.lockTimeoutMs, 'lockTimeoutMs', 30_000),
    lockStaleMs: positiveMs(options.lockStaleMs, 'lockStaleMs', 10_000),
  }
}
