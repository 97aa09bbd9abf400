/** Machine-readable error codes. */
export type AuthErrorCode =
  | 'AUTH_ERROR'
  | 'INVALID_CREDENTIALS'
  | 'TOKEN_EXPIRED'
  | 'RATE_LIMITED'
  | 'PROVIDER_ERROR'
  | 'RESPONSE_SHAPE'
  | 'OTP_REQUIRED'
  | 'INSECURE_TRANSPORT'
  | 'CONFIG'
  | (string & {})

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

/** True for errors that mean "these credentials or this refresh token no longer work". */
export function isRejection(error: unknown): boolean {
  return error instanceof InvalidCredentialsError || error instanceof TokenExpiredError
}
