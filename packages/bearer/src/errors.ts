import { InvalidCredentialsError, type AuthErrorOptions } from '@authmux/core'

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
export function keyRejected(packageName: string, provider: string, envName?: string): KeyRejectedError {
  const where = envName ? ` (options.apiKey or ${envName})` : ' (options.apiKey)'
  return new KeyRejectedError(
    `${packageName}: ${provider} answered 401 — the API key${where} is invalid or revoked. ` +
      'A static key cannot be refreshed: configure a valid key or create a new one.',
    { provider },
  )
}
