import { type AuthError, InvalidCredentialsError, ProviderError, TokenExpiredError } from '@authmux/core'
import { PACKAGE_NAME } from '../../options'
import { PROJECTX_LOGIN_ERROR_CODES, PROJECTX_VALIDATE_ERROR_CODES } from './constants'

const provider = 'projectx'

/** How to fix each `LoginErrorCode`. */
const LOGIN_FIXES: Record<number, string> = {
  1: 'check username (PROJECT_X_USERNAME): it must be the platform user name the API key belongs to.',
  2: 'check apiKey (PROJECT_X_API_KEY); create a new key in the ProjectX platform settings if needed.',
  3: 'check username and apiKey (PROJECT_X_USERNAME / PROJECT_X_API_KEY).',
  4: 'the application is unknown to ProjectX — use API-key login (loginKey).',
  5: 'the application could not be verified — use API-key login (loginKey).',
  6: 'the device was not accepted — use API-key login (loginKey).',
  7: 'log into the ProjectX platform and complete the required agreements, then try again.',
  8: 'ProjectX reported an unknown error — try again later.',
  9: 'the account has no API subscription — subscribe to the ProjectX API add-on in the platform, then try again.',
  10: 'API-key login is disabled for this account — enable API access in the ProjectX platform settings.',
}

function nameOf(code: number, names: Record<number, string>): string {
  return names[code] ?? `errorCode ${code}`
}

/** Maps a `/Auth/loginKey` answer with `success: false` to a named typed error (`providerCode` = `errorCode`). */
export function projectXLoginError(body: { errorCode?: number | null | undefined; errorMessage?: string | null | undefined }): AuthError {
  const code = body.errorCode ?? 8
  const name = nameOf(code, PROJECTX_LOGIN_ERROR_CODES)
  const said = body.errorMessage ? ` ("${body.errorMessage}")` : ''
  const message = `${PACKAGE_NAME}: ProjectX login failed with ${name} (errorCode ${code})${said} — ${LOGIN_FIXES[code] ?? 'see the provider message.'}`
  if (code === 1 || code === 2 || code === 3) {
    return new InvalidCredentialsError(message, { provider, status: 200, providerCode: code })
  }
  return new ProviderError(message, { provider, status: 200, providerCode: code })
}

/**
 * Maps a `/Auth/validate` answer with `success: false` to a rejection (`TokenExpiredError`), so the engine falls
 * back to a fresh `loginKey`.
 */
export function projectXValidateError(body: { errorCode?: number | null | undefined; errorMessage?: string | null | undefined }): AuthError {
  const code = body.errorCode ?? 4
  const name = nameOf(code, PROJECTX_VALIDATE_ERROR_CODES)
  return new TokenExpiredError(
    `${PACKAGE_NAME}: ProjectX /Auth/validate refused the session with ${name} (errorCode ${code}) — logging in again with the API key.`,
    {
      provider,
      status: 200,
      providerCode: code,
    },
  )
}
