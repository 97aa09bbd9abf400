import { type AuthError, InvalidCredentialsError, ProviderError, TokenExpiredError } from '@authmux/core'
import { PACKAGE_NAME } from '../../options'
import { PROJECTX_LOGIN_ERROR_CODES, PROJECTX_VALIDATE_ERROR_CODES } from './constants'

/** A `success: false` body of `/Auth/loginKey` or `/Auth/validate`. */
interface FailedBody {
  errorCode?: number | null | undefined
  errorMessage?: string | null | undefined
}

/** Use API-key login: the only login this package does (codes 4–6 belong to the app and device logins). */
const LOGIN_KEY = 'use API-key login (loginKey).'

/** How to fix each `LoginErrorCode`. */
const LOGIN_FIXES: Record<number, string> = {
  1: 'check username (PROJECT_X_USERNAME): the user the API key belongs to.',
  2: 'check apiKey (PROJECT_X_API_KEY).',
  3: 'check username and apiKey (PROJECT_X_USERNAME, PROJECT_X_API_KEY).',
  4: LOGIN_KEY,
  5: LOGIN_KEY,
  6: LOGIN_KEY,
  7: 'log into the ProjectX platform and complete the required agreements, then try again.',
  8: 'try again later.',
  9: 'subscribe to the ProjectX API add-on, then try again.',
  10: 'enable API access in the ProjectX platform settings.',
}

/** `UserNotFound (errorCode 1)`: the code's name in `names`, and the code. */
function describe(code: number, names: Record<number, string>): string {
  return `${names[code] ?? 'Unknown'} (errorCode ${code})`
}

/** Maps a `/Auth/loginKey` answer with `success: false` to a named typed error (`providerCode` = `errorCode`). */
export function projectXLoginError(body: FailedBody): AuthError {
  const code = body.errorCode ?? 8
  const said = body.errorMessage ? ` ("${body.errorMessage}")` : ''
  return new (code > 0 && code < 4 ? InvalidCredentialsError : ProviderError)(
    `${PACKAGE_NAME}: ProjectX login failed with ${describe(code, PROJECTX_LOGIN_ERROR_CODES)}${said} — ${LOGIN_FIXES[code] ?? 'see the provider message.'}`,
    { provider: 'projectx', status: 200, providerCode: code },
  )
}

/**
 * Maps a `/Auth/validate` answer with `success: false` to a rejection (`TokenExpiredError`), so the engine falls
 * back to a fresh `loginKey`.
 */
export function projectXValidateError(body: FailedBody): AuthError {
  const code = body.errorCode ?? 4
  return new TokenExpiredError(
    `${PACKAGE_NAME}: ProjectX /Auth/validate refused the session with ${describe(code, PROJECTX_VALIDATE_ERROR_CODES)} — logging in again.`,
    { provider: 'projectx', status: 200, providerCode: code },
  )
}
