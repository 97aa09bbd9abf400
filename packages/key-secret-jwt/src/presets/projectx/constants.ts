/** TopstepX's ProjectX Gateway API base (project-x-py's default). */
export const PROJECTX_DEFAULT_BASE_URL = 'https://api.topstepx.com/api'
/** The real SDK revalidates 5 minutes before the JWT's `exp`. */
export const PROJECTX_REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000

/** `LoginErrorCode` of `/Auth/loginKey` (HTTP 200 with `success: false`). */
export const PROJECTX_LOGIN_ERROR_CODES = {
  0: 'Success',
  1: 'UserNotFound',
  2: 'PasswordVerificationFailed',
  3: 'InvalidCredentials',
  4: 'AppNotFound',
  5: 'AppVerificationFailed',
  6: 'InvalidDevice',
  7: 'AgreementsNotSigned',
  8: 'UnknownError',
  9: 'ApiSubscriptionNotFound',
  10: 'ApiKeyAuthenticationDisabled',
} as const

/** `ValidateErrorCode` of `/Auth/validate`. */
export const PROJECTX_VALIDATE_ERROR_CODES = {
  0: 'Success',
  1: 'InvalidSession',
  2: 'SessionNotFound',
  3: 'ExpiredToken',
  4: 'UnknownError',
} as const
