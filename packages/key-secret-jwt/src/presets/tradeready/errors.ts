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
  INVALID_API_KEY: 'check apiKey and apiSecret (TRADEREADY_API_KEY, TRADEREADY_API_SECRET).',
  ACCOUNT_NOT_FOUND: 'check apiKey (TRADEREADY_API_KEY), or create an account with createTradeReadyAuth.register().',
  INVALID_TOKEN: 'the JWT was refused; log in again.',
  ACCOUNT_SUSPENDED: 'contact TradeReady support; retrying will not help.',
  PERMISSION_DENIED: 'check that agentId belongs to this account and the key may do this.',
  RATE_LIMIT_EXCEEDED: 'wait for Retry-After, then try again.',
  VALIDATION_ERROR: 'check the fields sent.',
  DUPLICATE_ACCOUNT: 'sign in with userLogin({ email, password }) instead.',
}

/** Codes meaning the key, secret or password was refused (`INVALID_TOKEN` only during a login). */
const REJECTED = /^(INVALID_API_KEY|ACCOUNT_NOT_FOUND|INVALID_TOKEN)$/

/**
 * Maps TradeReady's `{error:{code,message}}` envelope to a typed error, keeping the code as `providerCode`.
 * Returns undefined when the body is not the envelope (the engine's default mapping applies). A 429 waits for
 * `Retry-After` / `X-RateLimit-Reset` (core's reading), else for the body's `details.retry_after_seconds`.
 */
export function tradeReadyError(
  response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' },
  now: number = Date.now(),
): AuthError | undefined {
  const parsed = tradeReadyErrorEnvelope.safeParse(response.data)
  if (!parsed.success) return undefined
  const { code, message, details } = parsed.data.error
  const { status, during } = response
  const options = { provider: 'tradeready', status, providerCode: code }
  const text = `${PACKAGE_NAME}: TradeReady ${during === 'auth' ? 'login' : 'request'} failed with ${code} (HTTP ${status})${message ? ` ("${message}")` : ''} — ${FIXES[code] ?? 'see the provider message.'}`
  if (code === 'RATE_LIMIT_EXCEEDED') {
    const fromBody = details?.retry_after_seconds
    const waitMs = retryAfterMs(response.headers, now) ?? (typeof fromBody === 'number' && Number.isFinite(fromBody) ? fromBody * 1000 : undefined)
    return new RateLimitError(text, { ...options, retryAfterMs: waitMs })
  }
  if (code === 'INVALID_TOKEN' && during !== 'auth') return new TokenExpiredError(text, options)
  return new (REJECTED.test(code) ? InvalidCredentialsError : ProviderError)(text, options)
}
