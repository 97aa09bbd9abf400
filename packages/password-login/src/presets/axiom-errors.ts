import { InvalidCredentialsError, ProviderError } from '@authmux/core'
import type { AuthError, AuthErrorOptions } from '@authmux/core'
import { PACKAGE_NAME } from '../flow'

/** How to get tokens without a direct API login; appended to messages that can't be fixed by retrying. */
export const AXIOM_TOKEN_IMPORT_HELP =
  'Or import the auth-access-token and auth-refresh-token cookies of a logged-in axiom.trade browser session with auth.setTokens({ accessToken, refreshToken }) or AXIOM_ACCESS_TOKEN and AXIOM_REFRESH_TOKEN.'

/**
 * Axiom refused step 1 because it requires a Cloudflare Turnstile token (`{"error":"Turnstile token is required"}`).
 * Fix: pass `turnstileToken` (solved in a browser), or import tokens from a browser session.
 */
export class AxiomTurnstileRequiredError extends ProviderError {
  override name = 'AxiomTurnstileRequiredError'
  constructor(options: AuthErrorOptions = {}) {
    super(
      `${PACKAGE_NAME}: Axiom requires a Cloudflare Turnstile token to log in with a password — pass { turnstileToken } (solved in a browser on axiom.trade). ${AXIOM_TOKEN_IMPORT_HELP}`,
      {
        provider: 'axiom',
        providerCode: 'TURNSTILE_REQUIRED',
        ...options,
        code: 'TURNSTILE_REQUIRED',
      },
    )
  }
}

/**
 * Maps Axiom's error responses to auth calls (`{ "error": "<message>" }`) to typed errors (`AuthFlow.toError`): a
 * Turnstile demand, a wrong email/password, a wrong one-time code. Everything else is left to the engine's default
 * (401/403 `InvalidCredentialsError`, 429 `RateLimitError` with the wait, others `ProviderError` quoting Axiom's message).
 */
export function axiomToError({ status, data, during }: { status: number; data: unknown; during: 'auth' | 'request' }): AuthError | undefined {
  const body = data as { error?: unknown; message?: unknown } | undefined
  const message = typeof data === 'string' ? data.trim() : [body?.error, body?.message].find((value) => typeof value === 'string')
  if (during !== 'auth' || typeof message !== 'string' || !message) return undefined
  const options = { provider: 'axiom', status }
  if (/turnstile token is required/i.test(message)) return new AxiomTurnstileRequiredError({ status })
  if (/invalid email or password/i.test(message)) {
    return new InvalidCredentialsError(
      `${PACKAGE_NAME}: Axiom rejected the email or password (HTTP ${status}) — check the email and password options (or AXIOM_EMAIL and AXIOM_PASSWORD).`,
      options,
    )
  }
  if (/otp|code/i.test(message) && status >= 400 && status < 500) {
    return new InvalidCredentialsError(
      `${PACKAGE_NAME}: Axiom rejected the one-time code (HTTP ${status}: ${message}) — log in again and enter the newest code from the login email.`,
      options,
    )
  }
  return undefined
}
