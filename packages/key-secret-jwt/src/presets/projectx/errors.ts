import { type AuthError, InvalidCredentialsError, ProviderError, TokenExpiredError } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'
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
  1: 'check username (PROJECT_X_USERNAME): it must be the platform user name the API key belongs to.',
  2: 'check apiKey (PROJECT_X_API_KEY); create a new key in the ProjectX platform settings if needed.',
  3: 'check username and apiKey (PROJECT_X_USERNAME / PROJECT_X_API_KEY).',
  4: `the application is unknown to ProjectX — ${LOGIN_KEY}`,
  5: `the application could not be verified — ${LOGIN_KEY}`,
  6: `the device was not accepted — ${LOGIN_KEY}`,
  7: 'log into the ProjectX platform and complete the required agreements, then try again.',
  8: 'ProjectX reported an unknown error — try again later.',
  9: 'the account has no API subscription — subscribe to the ProjectX API add-on in the platform, then try again.',
  10: 'API-key login is disabled for this account — enable API access in the ProjectX platform settings.',
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
    `${PACKAGE_NAME}: ProjectX /Auth/validate refused the session with ${describe(code, PROJECTX_VALIDATE_ERROR_CODES)} — logging in again with the API key (without one: run \`authmux login projectx\`).`,
    { provider: 'projectx', status: 200, providerCode: code },
  )
}
