import { InvalidCredentialsError, type AuthErrorOptions, type ConfigError } from '@authmux/core'
import { configError, orEnv } from './config-error'
import { PACKAGE_NAME } from './package-name'

/**
 * The provider answered 401 to a request carrying the API key: the key is invalid or was revoked. A static key
 * cannot be renewed, so this is never replayed — create a new key (or fix the configured one) and try again.
 */
export class KeyRejectedError extends InvalidCredentialsError {
  override name = 'KeyRejectedError'
  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { status: 401, ...options })
  }
}

/** Builds the standard "key invalid or revoked" error for a provider. */
export function keyRejected(provider: string, envName?: string): KeyRejectedError {
  return new KeyRejectedError(
    `${PACKAGE_NAME}: ${provider} answered 401 — the API key (${orEnv('options.apiKey', envName)}) is invalid or revoked; configure a valid key or create a new one.`,
    { provider },
  )
}

/** Builds the "no key configured" error for a provider. */
export function keyMissing(provider: string, envName?: string): ConfigError {
  return configError(`apiKey is missing — set ${orEnv('options.apiKey', envName)}.`, 'apiKey', provider)
}
