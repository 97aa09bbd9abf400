/**
 * Every machine-readable code an authmux error carries (a closed union: a code not listed here is never thrown).
 * Each class has a default code; a few situations get their own code under the class that fits them.
 */
export type AuthErrorCode =
  /** `AuthError` thrown as is (rare: most failures have a more precise class). */
  | 'AUTH_ERROR'
  /** `InvalidCredentialsError`: the provider rejected the configured credentials. */
  | 'INVALID_CREDENTIALS'
  /** `TokenExpiredError`: the token expired or was refused and could not be renewed. */
  | 'TOKEN_EXPIRED'
  /** `TokenExpiredError`: `logout()` ran while this login or refresh was in flight; its tokens were discarded. */
  | 'SIGNED_OUT'
  /** `RateLimitError`: HTTP 429, or the client-side login limiter. */
  | 'RATE_LIMITED'
  /** `ProviderError`: the provider answered with an error of its own. */
  | 'PROVIDER_ERROR'
  /** `ProviderError`: a request was redirected more times than the engine follows (a redirect loop). */
  | 'TOO_MANY_REDIRECTS'
  /** `ProviderError` (key-secret-jwt): a non-idempotent request failed in a way that leaves open whether it ran. */
  | 'SUBMISSION_UNCERTAIN'
  /** `ProviderError` (Axiom): the provider asks for a Cloudflare Turnstile check. */
  | 'TURNSTILE_REQUIRED'
  /** `ResponseShapeError`: a response (or a flow's token set) did not have the expected shape. */
  | 'RESPONSE_SHAPE'
  /** `OtpRequiredError`: the login needs a one-time code and no code source is configured. */
  | 'OTP_REQUIRED'
  /** `InsecureTransportError`: a credential would have gone over plain http. */
  | 'INSECURE_TRANSPORT'
  /** `ConfigError`: a bad or missing option or environment variable. */
  | 'CONFIG'
  /** `ConfigError`: a request to a URL outside the strategy's base URL. */
  | 'URL_NOT_OWNED'
  /** `NetworkError`: the provider could not be reached, or the connection broke mid-answer. */
  | 'NETWORK_ERROR'
  /** `TimeoutError`: no answer within the configured time limit. */
  | 'TIMEOUT'
  /** `AuthError`: something the engine did not anticipate (a bug in a flow or a callback); the original is the cause. */
  | 'UNEXPECTED'
  /** `StoreError` codes (see `StoreErrorCode`). */
  | 'STORE_CORRUPT'
  | 'STORE_DECRYPT'
  | 'STORE_KEY'
  | 'STORE_INVALID'
  | 'STORE_LOCK_TIMEOUT'
  | 'STORE_IO'
  | 'STORE_UNAVAILABLE'

/** Every `AuthErrorCode`, for exhaustive checks and tests. */
export const AUTH_ERROR_CODES: readonly AuthErrorCode[] = [
  'AUTH_ERROR',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'SIGNED_OUT',
  'RATE_LIMITED',
  'PROVIDER_ERROR',
  'TOO_MANY_REDIRECTS',
  'SUBMISSION_UNCERTAIN',
  'TURNSTILE_REQUIRED',
  'RESPONSE_SHAPE',
  'OTP_REQUIRED',
  'INSECURE_TRANSPORT',
  'CONFIG',
  'URL_NOT_OWNED',
  'NETWORK_ERROR',
  'TIMEOUT',
  'UNEXPECTED',
  'STORE_CORRUPT',
  'STORE_DECRYPT',
  'STORE_KEY',
  'STORE_INVALID',
  'STORE_LOCK_TIMEOUT',
  'STORE_IO',
  'STORE_UNAVAILABLE',
]

export interface AuthErrorOptions {
  provider?: string
  code?: AuthErrorCode
  status?: number
  /** The provider's own error code (TradeReady `INVALID_TOKEN`, ProjectX `7`, …), when there is one. */
  providerCode?: string | number
  cause?: unknown
}

/** Base class of every authmux error. Messages start with the package name and never contain a secret. */
export class AuthError extends Error {
  override name = 'AuthError'
  /** Provider name ('tradeready', …) or 'authmux' when not provider-specific. */
  readonly provider: string
  readonly code: AuthErrorCode
  /** HTTP status that caused the error, when there was one. */
  readonly status?: number
  /** The provider's own error code (TradeReady `INVALID_TOKEN`, ProjectX `7`, …), when there is one. */
  readonly providerCode?: string | number

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message)
    this.provider = options.provider ?? 'authmux'
    this.code = options.code ?? 'AUTH_ERROR'
    if (options.status !== undefined) this.status = options.status
    if (options.providerCode !== undefined) this.providerCode = options.providerCode
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, configurable: true, writable: true })
    }
  }

  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, code: this.code, provider: this.provider, message: this.message }
    if (this.status !== undefined) json.status = this.status
    if (this.providerCode !== undefined) json.providerCode = this.providerCode
    return json
  }
}

/** The provider rejected the configured credentials (wrong key, password, secret …). Never retried. */
export class InvalidCredentialsError extends AuthError {
  override name = 'InvalidCredentialsError'
  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { code: 'INVALID_CREDENTIALS', ...options })
  }
}

/** The token expired or was rejected and could not be renewed. */
export class TokenExpiredError extends AuthError {
  override name = 'TokenExpiredError'
  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { code: 'TOKEN_EXPIRED', ...options })
  }
}

/** Too many requests, from the provider (429) or from the client-side login limiter. */
export class RateLimitError extends AuthError {
  override name = 'RateLimitError'
  /** How long to wait before trying again, in ms, when known. */
  readonly retryAfterMs?: number
  constructor(message: string, options: AuthErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, { code: 'RATE_LIMITED', ...options })
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs }
  }
}

/** The provider answered with its own error (its code and message are kept, secrets redacted). */
export class ProviderError extends AuthError {
  override name = 'ProviderError'
  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { code: 'PROVIDER_ERROR', ...options })
  }
}

/** A response body failed its schema. `field` names the offending path. */
export class ResponseShapeError extends AuthError {
  override name = 'ResponseShapeError'
  /** Dotted path of the first field that failed validation ('' for the body itself). */
  readonly field: string
  constructor(message: string, options: AuthErrorOptions & { field: string }) {
    super(message, { code: 'RESPONSE_SHAPE', ...options })
    this.field = options.field
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field }
  }
}

/** The login needs a one-time code and no code source was configured. */
export class OtpRequiredError extends AuthError {
  override name = 'OtpRequiredError'
  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { code: 'OTP_REQUIRED', ...options })
  }
}

/** A credential would have been sent over plain `http:` to a non-loopback host. */
export class InsecureTransportError extends AuthError {
  override name = 'InsecureTransportError'
  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { code: 'INSECURE_TRANSPORT', ...options })
  }
}

/** Bad or missing options or environment. The message names the field and the fix. */
export class ConfigError extends AuthError {
  override name = 'ConfigError'
  /** The option or environment variable at fault. */
  readonly field?: string
  constructor(message: string, options: AuthErrorOptions & { field?: string } = {}) {
    super(message, { code: 'CONFIG', ...options })
    if (options.field !== undefined) this.field = options.field
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field }
  }
}

/**
 * The provider could not be reached, or the connection broke before the whole answer arrived (refused, DNS, TLS,
 * reset, a body cut off mid-read). The underlying error, redacted, is the `cause` (its `code`, e.g. `ECONNREFUSED`,
 * is named in the message).
 */
export class NetworkError extends AuthError {
  override name = 'NetworkError'
  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { code: 'NETWORK_ERROR', ...options })
  }
}

/** No answer within the time limit (`timeoutMs` for auth calls, `requestTimeoutMs` for requests). */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError'
  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, { code: 'TIMEOUT', ...options })
  }
}

/** True for errors that mean "these credentials or this refresh token no longer work". */
export function isRejection(error: unknown): boolean {
  return error instanceof InvalidCredentialsError || error instanceof TokenExpiredError
}
