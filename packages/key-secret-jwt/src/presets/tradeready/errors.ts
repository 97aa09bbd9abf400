import { type AuthError, InvalidCredentialsError, ProviderError, RateLimitError, TokenExpiredError, retryAfterMs } from '@authmux/core'
import { z } from 'zod'
import { PACKAGE_NAME } from '../../package-name'

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
  INVALID_TOKEN: 'the JWT was rejected or has expired; the client logs in again with apiKey + apiSecret (TRADEREADY_API_KEY / TRADEREADY_API_SECRET).',
  ACCOUNT_SUSPENDED: 'the account is suspended — contact TradeReady support; retrying will not help.',
  PERMISSION_DENIED: 'the credentials may not do this; when agentId (TRADEREADY_AGENT_ID) is set it must belong to the logged-in account.',
  RATE_LIMIT_EXCEEDED: 'too many requests — wait for the reset (X-RateLimit-Reset / Retry-After) before trying again.',
  VALIDATION_ERROR: 'the request body was rejected — check the fields sent (see the provider message).',
  DUPLICATE_ACCOUNT: 'an account with this email already exists — sign in with userLogin({ email, password }) instead of registering.',
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
    const waitMs = waitOf(retryAfterMs(response.headers, now)) ?? (typeof fromBody === 'number' ? waitOf(fromBody * 1000) : undefined)
    return new RateLimitError(text, { ...options, retryAfterMs: waitMs })
  }
  if (code === 'INVALID_TOKEN' && during !== 'auth') return new TokenExpiredError(text, options)
  return new (REJECTED.test(code) ? InvalidCredentialsError : ProviderError)(text, options)
}

/** A wait in ms that can be honoured: finite and not negative (else unknown). */
function waitOf(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : undefined
}
