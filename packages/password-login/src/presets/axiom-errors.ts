import { InvalidCredentialsError, ProviderError } from '@authmux/core'
import type { AuthError, AuthErrorOptions } from '@authmux/core'

const PREFIX = '@authmux/password-login'

/** How to get tokens without a direct API login; appended to messages that can't be fixed by retrying. */
export const AXIOM_TOKEN_IMPORT_HELP =
  'Or import tokens from a logged-in browser session: copy the auth-access-token and auth-refresh-token cookies from axiom.trade and call auth.setTokens({ accessToken, refreshToken }), or set AXIOM_ACCESS_TOKEN and AXIOM_REFRESH_TOKEN.'

/**
 * Axiom refused step 1 because it requires a Cloudflare Turnstile token (`{"error":"Turnstile token is required"}`).
 * Fix: pass `turnstileToken` (solved in a browser), or import tokens from a browser session.
 */
export class AxiomTurnstileRequiredError extends ProviderError {
  override name = 'AxiomTurnstileRequiredError'
  constructor(options: AuthErrorOptions = {}) {
    super(
      `${PREFIX}: Axiom requires a Cloudflare Turnstile token to log in with a password. Pass { turnstileToken } (solved in a browser on axiom.trade). ${AXIOM_TOKEN_IMPORT_HELP}`,
      { provider: 'axiom', providerCode: 'TURNSTILE_REQUIRED', ...options, code: 'TURNSTILE_REQUIRED' },
    )
  }
}

/** Axiom's error body: `{ "error": "<message>" }`. */
function axiomErrorMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data.trim() || undefined
  if (data && typeof data === 'object') {
    const record = data as Record<string, unknown>
    for (const key of ['error', 'message']) if (typeof record[key] === 'string') return record[key] as string
  }
  return undefined
}

/** Maps Axiom's error responses to typed errors (`AuthFlow.toError`). */
export function axiomToError(response: { status: number; data: unknown; during: 'auth' | 'request' }): AuthError | undefined {
  const message = axiomErrorMessage(response.data)
  const status = response.status
  if (response.during !== 'auth') return undefined
  if (message && /turnstile token is required/i.test(message)) return new AxiomTurnstileRequiredError({ status })
  if (message && /invalid email or password/i.test(message)) {
    return new InvalidCredentialsError(
      `${PREFIX}: Axiom rejected the email or password (HTTP ${status}). Check AXIOM_EMAIL / AXIOM_PASSWORD (or the email and password options).`,
      { provider: 'axiom', status },
    )
  }
  if (message && /(otp|code)/i.test(message) && status >= 400 && status < 500) {
    return new InvalidCredentialsError(
      `${PREFIX}: Axiom rejected the one-time code (HTTP ${status}: ${message}). Log in again and enter the newest code from the login email.`,
      { provider: 'axiom', status },
    )
  }
  if (status === 401 || status === 403) {
    return new InvalidCredentialsError(`${PREFIX}: Axiom rejected the session (HTTP ${status}${message ? `: ${message}` : ''}). A new login is needed.`, {
      provider: 'axiom',
      status,
    })
  }
  if (message) {
    return new ProviderError(`${PREFIX}: Axiom answered HTTP ${status}: ${message}`, { provider: 'axiom', status })
  }
  return undefined
}
