import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { ConfigError, decodeStoreKey } from '@authmux/core'
import type { FileTokenStoreOptions } from './types'

export const PACKAGE_NAME = '@authmux/store-file'
export const ENV_DIR = 'AUTHMUX_STORE_DIR'
export const ENV_KEY = 'AUTHMUX_STORE_KEY'

export interface ResolvedOptions {
  dir: string
  keyFile: string
  /** The decoded key when given by option or env; undefined = use the key file. */
  key: Uint8Array | undefined
  lockTimeoutMs: number
  lockStaleMs: number
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function positiveMs(value: number | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${PACKAGE_NAME}: ${field} must be a positive number of milliseconds.`, { field })
  }
  return value
}

/** Validates options eagerly (a bad key is a `ConfigError` at construction, naming the option or env var). */
export function resolveOptions(options: FileTokenStoreOptions): ResolvedOptions {
  const env = options.env ?? process.env
  const dirInput = options.dir ?? nonEmpty(env[ENV_DIR])
  if (dirInput !== undefined && typeof dirInput !== 'string') {
    throw new ConfigError(`${PACKAGE_NAME}: dir must be a directory path string.`, { field: 'dir' })
  }
  const dir = resolve(dirInput ?? join(homedir(), '.authmux'))
  const envKey = nonEmpty(env[ENV_KEY])
  let key: Uint8Array | undefined
  if (options.key !== undefined) key = decodeStoreKey(options.key, { field: 'key', packageName: PACKAGE_NAME })
  else if (envKey !== undefined) key = decodeStoreKey(envKey, { field: ENV_KEY, packageName: PACKAGE_NAME })
  return {
    dir,
    keyFile: resolve(dir, options.keyFile ?? 'key'),
    key,
    lockTimeoutMs: positiveMs(options.lockTimeoutMs, 'lockTimeoutMs', 30_000),
    lockStaleMs: positiveMs(options.lockStaleMs, 'lockStaleMs', 10_000),
  }
}
