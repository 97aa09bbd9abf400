import { type AuthError, InvalidCredentialsError, ProviderError, RateLimitError, TokenExpiredError, retryAfterMs } from '@authmux/core'
import { z } from 'zod'
import { PACKAGE_NAME } from '../../options'

/** TradeReady's error envelope: `{"error":{"code":"UPPER_SNAKE","message":"…","details":{…}}}`. */
export const tradeReadyErrorEnvelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().nullish(),
    details: z.record(z.string(), z.unknown()).nullish(),
  }),
})

/** What to do about each TradeReady error code (the message after the dash). */
const FIXES: Record<string, string> = {
  INVALID_API_KEY: 'check apiKey/apiSecret (TRADEREADY_API_KEY / TRADEREADY_API_SECRET); a key can be rotated in the TradeReady dashboard.',
  ACCOUNT_NOT_FOUND: 'no account matches these credentials — check apiKey (TRADEREADY_API_KEY), or create one with createTradeReadyAuth.register().',
  INVALID_TOKEN: 'the JWT was rejected or has expired; the client logs in again with apiKey + apiSecret.',
  ACCOUNT_SUSPENDED: 'the account is suspended — contact TradeReady support; retrying will not help.',
  PERMISSION_DENIED: 'the credentials may not do this; when agentId is set it must belong to the logged-in account (check agentId).',
  RATE_LIMIT_EXCEEDED: 'too many requests — wait for the reset (X-RateLimit-Reset / Retry-After) before trying again.',
  VALIDATION_ERROR: 'the request body was rejected — check the fields sent (see the provider message).',
  DUPLICATE_ACCOUNT: 'an account with this email already exists — sign in with userLogin({ email, password }) instead of registering.',
}

/** How long to wait after a 429, in ms: `Retry-After` / `X-RateLimit-Reset` (core's reading), else the body's `retry_after_seconds`. */
function tradeReadyRetryAfterMs(headers: Headers, details: Record<string, unknown> | null | undefined, now: number): number | undefined {
  const fromBody = details?.retry_after_seconds
  return retryAfterMs(headers, now) ?? (typeof fromBody === 'number' && Number.isFinite(fromBody) ? fromBody * 1000 : undefined)
}

/**
 * Maps TradeReady's `{error:{code,message}}` envelope to a typed error, keeping the code as `providerCode`.
 * Returns undefined when the body is not the envelope (the engine's default mapping applies).
 */
export function tradeReadyError(
  response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' },
  now: number = Date.now(),
): AuthError | undefined {
  const parsed = tradeReadyErrorEnvelope.safeParse(response.data)
  if (!parsed.success) return undefined
  const { code, message, details } = parsed.data.error
  const provider = 'tradeready'
  const status = response.status
  const options = { provider, status, providerCode: code }
  const said = message ? ` ("${message}")` : ''
  const text = `${PACKAGE_NAME}: TradeReady ${response.during === 'auth' ? 'login' : 'request'} failed with ${code} (HTTP ${status})${said} — ${FIXES[code] ?? 'see the provider message.'}`
  switch (code) {
    case 'INVALID_API_KEY':
    case 'ACCOUNT_NOT_FOUND':
      return new InvalidCredentialsError(text, options)
    case 'INVALID_TOKEN':
      return response.during === 'auth' ? new InvalidCredentialsError(text, options) : new TokenExpiredError(text, options)
    case 'RATE_LIMIT_EXCEEDED': {
      const waitMs = tradeReadyRetryAfterMs(response.headers, details, now)
      return new RateLimitError(text, { ...options, ...(waitMs !== undefined ? { retryAfterMs: waitMs } : {}) })
    }
    default:
      return new ProviderError(text, options)
  }
}
