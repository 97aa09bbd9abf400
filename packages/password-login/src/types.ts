import type { AuthError, RefreshWindow, SessionOptions } from '@authmux/core'

/** Where a token comes back in a response: a cookie, a JSON body field, or either (cookies are read first). */
export interface TokenLocation {
  /** `Set-Cookie` names to read, first match wins. */
  cookies?: string[]
  /** Top-level JSON body fields to read, first match wins. */
  fields?: string[]
}

/** What the login step's body builder receives. `password` is already encoded by `encodePassword`. Secret. */
export interface LoginBodyInput {
  email: string
  password: string
}

/** What the one-time-code step's body builder receives. All but `email` are secret. */
export interface OtpBodyInput extends LoginBodyInput {
  /** The one-time code returned by the `otp` callback. */
  code: string
  /** The pending-login token returned by the login step. */
  otpToken: string
}

/** Step 1: email + password. */
export interface LoginStepConfig {
  /** Path relative to `baseURL`, or an absolute URL on `baseURL`'s origin or one of `authOrigins`. */
  url: string
  /** HTTP method. Default `POST`. */
  method?: string
  /** JSON body. Default `{ email, password }`. */
  body?: (input: LoginBodyInput) => Record<string, unknown>
  /** Extra headers for this step. */
  headers?: Record<string, string>
  /**
   * Retry 5xx and network errors on this step. Default true. Turn off when the provider answers rejected
   * credentials with a 5xx, or when each attempt sends the user an email.
   */
  retry?: boolean
  /**
   * Where a pending one-time-code token comes back. When the login response carries one, the one-time-code step
   * follows; when it carries an access token instead, login is complete.
   */
  otpToken?: TokenLocation
}

/** Step 2 (optional): the one-time code. */
export interface OtpStepConfig {
  /** Path relative to `baseURL`, or an absolute URL on `baseURL`'s origin or one of `authOrigins`. */
  url: string
  /** HTTP method. Default `POST`. */
  method?: string
  /** JSON body. Default `{ email, code }`. */
  body?: (input: OtpBodyInput) => Record<string, unknown>
  /** Extra headers for this step. */
  headers?: Record<string, string>
  /** Retry 5xx and network errors on this step. Default true. */
  retry?: boolean
  /** Send the pending-login token as this cookie. */
  otpTokenCookie?: string
  /** Send the pending-login token in this header (value as is). */
  otpTokenHeader?: string
  /**
   * True when every login needs a code (the provider always sends one). Without an `otp` callback the login then
   * fails with `OtpRequiredError` before step 1 is sent, so no code email is triggered for nothing. Default false.
   */
  required?: boolean
}

/** Where the access and refresh tokens come back (login and refresh responses). */
export interface TokenResponseConfig {
  access: TokenLocation
  refresh?: TokenLocation
  /** JSON field holding the access token lifetime in seconds. */
  expiresInField?: string
  /** JSON field holding the absolute expiry (ISO-8601, epoch seconds or epoch ms). */
  expiresAtField?: string
  /** Fall back to the access token's JWT `exp` when no expiry field is present. Default true. */
  jwtExpiry?: boolean
}

/** How the refresh token is sent to the refresh endpoint. */
export type RefreshSend =
  /** As cookies (the access token too, when `access` is given). No body. */
  | { as: 'cookies'; refresh: string; access?: string }
  /** As a JSON body field. */
  | { as: 'json'; field: string }
  /** As `Authorization: Bearer <refresh token>`. No body. */
  | { as: 'bearer' }

/** The refresh endpoint. */
export interface RefreshStepConfig {
  /** Path relative to `baseURL`, or an absolute URL on `baseURL`'s origin or one of `authOrigins`. */
  url: string
  /** HTTP method. Default `POST`. */
  method?: string
  /** Default `{ as: 'json', field: 'refreshToken' }`. */
  send?: RefreshSend
  /** Extra headers for this step. */
  headers?: Record<string, string>
}

/** The optional server-side logout call. */
export interface LogoutStepConfig {
  url: string
  /** HTTP method. Default `POST`. */
  method?: string
}

/** How tokens are attached to ordinary requests. */
export type AttachConfig =
  /** As cookies: the access token (and the refresh token, when named) in one `Cookie` header. */
  | { as: 'cookies'; access: string; refresh?: string }
  /** As a header: `<header>: <scheme> <token>` (`scheme: ''`: the bare token). Default `Authorization: Bearer`. */
  | { as: 'header'; header?: string; scheme?: string }

/** Configuration of the generic password-login style. Every `SessionOptions` field is passed to the engine. */
export interface PasswordLoginConfig extends SessionOptions {
  /** Provider name, lower case ('axiom'). */
  name: string
  /** Error message prefix. Default `@authmux/password-login`. */
  packageName?: string
  /** Base URL of the API; ordinary requests are authenticated on this origin and below its path only. */
  baseURL: string
  /** Extra origins that auth calls (not ordinary requests) may go to. */
  authOrigins?: string[]
  /** Login identifier (email or user name). Not secret; used for the default store key. */
  email?: string
  /** Plain password. Secret: held in memory only, redacted everywhere. */
  password?: string
  /**
   * Key under which this account's tokens are stored. Default: `<name>:<email>`, or a fingerprint of the secrets when
   * there is no email.
   *
   * Session-only mode: with no credentials configured (no `email` + `password`) and an explicit `storeKey`, the
   * strategy uses the session stored under that key (saved by another process or a CLI login) and refreshes it, but
   * never logs in; when the session is gone it fails with a `TokenExpiredError` saying how to get a new one.
   */
  storeKey?: string
  /** Encodes the password before it is sent (e.g. a client-side hash). Run once per instance, on the first login. */
  encodePassword?: (password: string) => Promise<string>
  /** Returns the one-time code (from a prompt, an inbox …). Without it, a code-requiring login is `OtpRequiredError`. */
  otp?: () => Promise<string>
  /** Headers sent on every auth call (login, code, refresh, logout). */
  authHeaders?: Record<string, string>
  /** Headers sent on every authenticated ordinary request (e.g. `Origin`). */
  requestHeaders?: Record<string, string>
  /** Cookies sent on every auth call and ordinary request (e.g. a bot-protection clearance cookie). Secret values. */
  extraCookies?: Record<string, string | undefined>
  login: LoginStepConfig
  otpStep?: OtpStepConfig
  tokens: TokenResponseConfig
  refresh?: RefreshStepConfig
  logoutStep?: LogoutStepConfig
  attach: AttachConfig
  /** Headers that carry credentials besides Authorization/Cookie/X-API-Key, dropped on cross-origin redirects. */
  credentialHeaders?: string[]
  /** Refresh window recommended for this provider (`refreshWindow` in the session options wins). */
  defaultRefreshWindow?: RefreshWindow
  /** Maps an error response to a typed error; return undefined for the engine's default. */
  toError?: (response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' }) => AuthError | undefined
  /**
   * Sentence appended to the `OtpRequiredError` and missing-credentials messages telling the user how to get
   * tokens some other way (a CLI, a token import …).
   */
  otpHelp?: string
  /** Sentence naming where credentials come from, for the missing-credentials `ConfigError` (e.g. env var names). */
  credentialsHelp?: string
}
