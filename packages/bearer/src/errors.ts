import { type AuthErrorOptions, InvalidCredentialsError } from '@authmux/core'
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

/** What the "key invalid or revoked" message names: the provider, where the key comes from, where to get a new one. */
export interface KeySource {
  /** Provider name ('bearer', 'aionmarket'). */
  name: string
  /** Environment variable the key can come from, when there is one. */
  envName?: string
  /** Where a new key comes from: "create a new one <newKeyHint>". */
  newKeyHint: string
}

/** The "key invalid or revoked" error of a provider: what happened, which option (and variable), and the fix. */
export function keyRejected(source: KeySource): KeyRejectedError {
  const option = source.envName ? `options.apiKey or ${source.envName}` : 'options.apiKey'
  return new KeyRejectedError(
    `${PACKAGE_NAME}: ${source.name} answered 401 — the API key (${option}) is invalid or revoked. A static key cannot be refreshed, so the request was not retried: configure a valid key, or create a new one ${source.newKeyHint}.`,
    { provider: source.name },
  )
}
