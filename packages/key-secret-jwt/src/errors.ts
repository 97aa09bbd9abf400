import { AuthError, type AuthErrorOptions } from '@authmux/core'

/**
 * A non-idempotent order call (e.g. ProjectX `POST /Order/place`) got a 401. The request is not replayed, because
 * replaying an order could place it twice; check the account's open orders before submitting again.
 */
export class OrderSubmissionUncertainError extends AuthError {
  override name = 'OrderSubmissionUncertainError'
  /** The request's method and path (no query string, no credentials). */
  readonly request: string
  constructor(message: string, options: AuthErrorOptions & { request: string }) {
    super(message, { code: 'SUBMISSION_UNCERTAIN', ...options })
    this.request = options.request
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), request: this.request }
  }
}

/**
 * Adds the provider's own error code (`providerCode`) to any typed error, also in its JSON form, so that
 * `InvalidCredentialsError`/`RateLimitError` keep e.g. TradeReady `INVALID_API_KEY` or ProjectX `3`.
 */
export function withProviderCode<E extends AuthError>(error: E, providerCode: string | number): E & { readonly providerCode: string | number } {
  if ('providerCode' in error && (error as { providerCode?: unknown }).providerCode !== undefined) {
    return error as E & { readonly providerCode: string | number }
  }
  Object.defineProperty(error, 'providerCode', { value: providerCode, enumerable: true, configurable: true, writable: false })
  const baseToJSON = error.toJSON.bind(error)
  Object.defineProperty(error, 'toJSON', {
    value: () => ({ ...baseToJSON(), providerCode }),
    enumerable: false,
    configurable: true,
    writable: true,
  })
  return error as E & { readonly providerCode: string | number }
}
