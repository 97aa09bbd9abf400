import { ConfigError, createSession, MemoryTokenStore } from '@authmux/core'
import type { AuthFlow, Session, SessionOptions, TokenStore } from '@authmux/core'
import { extendSession, helperCall, optionOrEnv } from '@authmux/core/provider'
import { checkCookieOption } from '../cookie-value'
import { PACKAGE_NAME } from '../flow'
import {
  AXIOM_AUTH_ORIGINS,
  AXIOM_HOSTS,
  AXIOM_LABEL,
  AXIOM_LOGIN_URLS,
  AXIOM_LOGOUT_STEP,
  AXIOM_SETTINGS,
  axiomFlow,
  ONE_ORIGIN_LOGIN_URLS,
  type AxiomFields,
} from './axiom-flow'

export { AXIOM_HOSTS, AXIOM_REFRESH_BEFORE_EXPIRY_MS, AXIOM_WEB_ORIGIN } from './axiom-flow'

/** Options of `createAxiomAuth`. Every `SessionOptions` field (store, refreshWindow, logger, now …) is accepted too. */
export interface AxiomAuthOptions extends SessionOptions {
  /** Account email. Default: env `AXIOM_EMAIL`. Not secret; names the stored session (`axiom:<email>`). */
  email?: string
  /** Account password. Default: env `AXIOM_PASSWORD` (kept exactly as given: not trimmed). Held in memory only; only its PBKDF2 hash is sent. */
  password?: string
  /**
   * Returns the 6-digit code Axiom emails on every login (prompt, IMAP reader …). Without it a password login is
   * impossible (`OtpRequiredError`); saved or imported tokens still work.
   */
  otp?: () => Promise<string>
  /** A Cloudflare Turnstile token solved in a browser, sent with login step 1 when Axiom demands one. Secret. */
  turnstileToken?: string
  /** An `auth-access-token` copied from a browser session. Default: env `AXIOM_ACCESS_TOKEN`. Secret. */
  accessToken?: string
  /** An `auth-refresh-token` copied from a browser session. Default: env `AXIOM_REFRESH_TOKEN`. Secret. */
  refreshToken?: string
  /** Cloudflare `cf_clearance` cookie sent with every call. Default: env `CF_CLEARANCE`. Secret. */
  cfClearance?: string
  /**
   * One origin for every step and every request (an emulator, a proxy); steps go below its path. Default: Axiom's
   * per-step hosts (login on api6, code on api3, refresh and requests on api.axiom.trade).
   */
  baseURL?: string
  /**
   * Key under which this account's tokens are stored. Default: `axiom:<email>`, or a fingerprint of the imported
   * tokens when there is no email.
   *
   * Session-only mode: with no credentials configured (no `email` + `password`, in the options or the environment)
   * and an explicit `storeKey`, the strategy uses the session stored under that key (saved by `authmux login axiom`
   * or another process) and refreshes it, but never logs in; when the session is gone it fails with a
   * `TokenExpiredError` saying how to get a new one.
   */
  storeKey?: string
  /**
   * Also call `POST /auth/logout` on `logout()`. Default false: like the official SDK, logout is local only
   * (memory cleared, stored tokens deleted); Axiom's web client never calls that endpoint.
   */
  serverLogout?: boolean
  /**
   * Where `AXIOM_EMAIL`, `AXIOM_PASSWORD`, `AXIOM_ACCESS_TOKEN`, `AXIOM_REFRESH_TOKEN` and `CF_CLEARANCE` are read for
   * options not given: default the process environment; a map to read instead; `false` to read none.
   */
  env?: Record<string, string | undefined> | false
}

/** An Axiom strategy: the engine's `Session`, plus a look into the store. */
export interface AxiomAuth extends Session {
  /** True when the store holds tokens for this account (`auth_manager.has_saved_tokens()` in the Python SDK). */
  hasSavedTokens(): Promise<boolean>
}

/** The cookie options and the variables they fall back to: each is sent in the `Cookie` header. */
const COOKIE_OPTIONS = [
  ['accessToken', 'AXIOM_ACCESS_TOKEN'],
  ['refreshToken', 'AXIOM_REFRESH_TOKEN'],
  ['cfClearance', 'CF_CLEARANCE'],
] as const

/**
 * Axiom Trade: email + PBKDF2-hashed password, the emailed one-time code, cookie-carried tokens refreshed before
 * the 16-minute access token expires, and import of tokens copied from a browser session. The realtime feed
 * (`connectWebSocket`) is in the `@authmux/password-login/stream` variant of this factory.
 */
export function createAxiomAuth(options: AxiomAuthOptions = {}): AxiomAuth {
  const { session, store } = axiomSession(options, axiomFlow)
  return extendSession(session, { hasSavedTokens: savedTokensCheck(session, store) })
}

/** `hasSavedTokens()` of a session on `store`. */
export const savedTokensCheck = (session: Session, store: TokenStore) => () =>
  helperCall(session, async () => (await store.get(await session.storeKey())) !== undefined)

/**
 * `createAxiomAuth`'s body: the options checked, the fields built and the session created over `flow` (the plain
 * Axiom flow, or the streaming variant's, which adds its own fields). Returns the session and the store it uses.
 */
export function axiomSession(options: AxiomAuthOptions, makeFlow: (fields: AxiomFields) => AuthFlow): { session: Session; store: TokenStore } {
  const { email: emailOption, password: passwordOption, otp, turnstileToken: turnstileOption, env, serverLogout, ...rest } = options
  // The preset's own options (secrets among them) stay out of the engine's options.
  const { accessToken: accessOption, refreshToken: refreshOption, cfClearance: cfOption, baseURL: baseOption, ...sessionOptions } = rest
  const spec = (field: string, envName?: string) => ({ field, envName, env, provider: 'axiom', packageName: PACKAGE_NAME })
  const email = optionOrEnv(emailOption, spec('email', 'AXIOM_EMAIL'))
  const password = optionOrEnv(passwordOption, { ...spec('password', 'AXIOM_PASSWORD'), trim: false })
  const accessToken = optionOrEnv(accessOption, spec('accessToken', 'AXIOM_ACCESS_TOKEN'))
  const refreshToken = optionOrEnv(refreshOption, spec('refreshToken', 'AXIOM_REFRESH_TOKEN'))
  const cfClearance = optionOrEnv(cfOption, spec('cfClearance', 'CF_CLEARANCE'))
  const turnstileToken = optionOrEnv(turnstileOption, spec('turnstileToken'))
  /** A `ConfigError` naming the field, what is wrong and the fix unless `ok`. */
  const check = (ok: unknown, field: string, message: string) => {
    if (!ok) throw new ConfigError(`${PACKAGE_NAME}: ${message}`, { provider: 'axiom', field })
  }
  check(!password || email, 'email', 'a password was given without an email — pass { email } or set AXIOM_EMAIL.')
  check(!otp || password, 'password', 'an otp callback was given without a password — pass { password } or set AXIOM_PASSWORD.')
  check(otp === undefined || typeof otp === 'function', 'otp', 'otp must be a function returning the emailed code: { otp: async () => code }.')
  check(
    !refreshToken || accessToken,
    'accessToken',
    'a refresh token was given without an access token — pass both { accessToken, refreshToken } or set AXIOM_ACCESS_TOKEN and AXIOM_REFRESH_TOKEN.',
  )
  // Each is sent in the Cookie header: refused here (naming the option, or the variable it came from), never sent.
  const values = { accessToken, refreshToken, cfClearance }
  for (const [option, envName] of COOKIE_OPTIONS) {
    checkCookieOption(
      values[option],
      options[option]?.trim() ? option : envName,
      AXIOM_LABEL,
      'copy it exactly as the axiom.trade cookie holds it (browser dev tools → Application → Cookies)',
    )
  }
  // Checked by the engine with core's rule (assertSecureBaseURL: absolute, https or loopback http unless allowInsecureHttp).
  const baseURL = baseOption?.replace(/\/+$/, '')

  const flow = makeFlow({
    baseURL: baseURL ?? AXIOM_HOSTS.api,
    // No email: no name for the account, so the engine keys the store by a fingerprint of the secrets.
    identity: email?.toLowerCase(),
    secrets: [password, turnstileToken, accessToken, refreshToken, cfClearance],
    // Credentials configured → the engine may log in (also as the fallback after a rejected refresh). Without an
    // `otp` callback such a login stops with OtpRequiredError before anything is sent, which tells the user the fix.
    canAcquire: Boolean(email && password),
    authOrigins: baseURL === undefined ? AXIOM_AUTH_ORIGINS : undefined,
    settings: AXIOM_SETTINGS,
    loginURLs: baseURL === undefined ? AXIOM_LOGIN_URLS : ONE_ORIGIN_LOGIN_URLS,
    email,
    password,
    otp,
    extraCookies: cfClearance === undefined ? undefined : { cf_clearance: cfClearance },
    logoutStep: serverLogout ? AXIOM_LOGOUT_STEP : undefined,
    turnstileToken,
  })
  const store = sessionOptions.store ?? new MemoryTokenStore()
  // Imported browser tokens are the engine's `initialTokens`: used while valid, refreshed first when expired.
  const session = createSession(flow, { ...sessionOptions, store, ...(accessToken ? { initialTokens: { accessToken, refreshToken } } : {}) })
  return { session, store }
}
