import { ConfigError, createSession, MemoryTokenStore, readEnv } from '@authmux/core'
import type { Session, SessionOptions, TokenSet } from '@authmux/core'
import { checkCookieOption } from '../cookie-value'
import { loginFlow, PACKAGE_NAME } from '../flow'
import { pickToken, readTokens } from '../read-tokens'
import type { LoginSteps } from '../steps'
import { axiomPasswordHash } from './axiom-password'
import { AXIOM_TOKEN_IMPORT_HELP, axiomToError } from './axiom-errors'

/** Axiom's web origin, sent as `Origin` and in `Referer`. */
export const AXIOM_WEB_ORIGIN = 'https://axiom.trade'

/** Default hosts, as the official Python SDK uses them. */
export const AXIOM_HOSTS = {
  /** Ordinary API requests and the refresh call. */
  api: 'https://api.axiom.trade',
  /** Login step 1 (`/login-password-v2`). */
  login: 'https://api6.axiom.trade',
  /** Login step 2 (`/login-otp`). */
  otp: 'https://api3.axiom.trade',
} as const

/** Access tokens live 960 s; refresh this long before expiry. */
export const AXIOM_REFRESH_BEFORE_EXPIRY_MS = 2 * 60_000

const AXIOM_CREDENTIALS_HELP = 'Pass { email, password, otp } or set AXIOM_EMAIL and AXIOM_PASSWORD.'
const AXIOM_OTP_HELP = `Or run \`authmux login axiom\` once and share its store. ${AXIOM_TOKEN_IMPORT_HELP}`

/** Axiom's cookies: the two tokens (sent back by the refresh call and on every request) and the login step's token. */
const ACCESS_COOKIE = 'auth-access-token'
const REFRESH_COOKIE = 'auth-refresh-token'
const OTP_COOKIE = 'auth-otp-login-token'

/** Where Axiom's tokens come back: its cookies, or body fields (accepted too). */
const ACCESS_TOKEN = { cookies: [ACCESS_COOKIE], fields: ['accessToken', ACCESS_COOKIE, 'access_token'] }
const REFRESH_TOKEN = { cookies: [REFRESH_COOKIE], fields: ['refreshToken', REFRESH_COOKIE, 'refresh_token'] }
const OTP_TOKEN = { cookies: [OTP_COOKIE], fields: ['otpJwtToken'] }

/** Who is speaking, in error messages. */
const AXIOM_LABEL = { name: 'axiom', packageName: PACKAGE_NAME }

/** Every Axiom token travels back in a `Cookie` header, so each must be a cookie value. */
const SENT_AS_COOKIES = { access: true, refresh: true, otp: true }

/** Both tokens as Axiom's cookies. */
const tokenCookies = (tokens: TokenSet) => ({ [ACCESS_COOKIE]: tokens.accessToken, [REFRESH_COOKIE]: tokens.refreshToken })

/** What an Axiom strategy's steps need from its resolved options. */
type AxiomStepsInput = Pick<LoginSteps, 'email' | 'password' | 'otp' | 'extraCookies'> & { turnstileToken?: string; serverLogout?: boolean }

/** An Axiom strategy's steps, written directly (no declarative config): `base` is one origin for all, else Axiom's hosts. */
function axiomSteps(base: string | undefined, input: AxiomStepsInput): LoginSteps {
  const api = base ?? AXIOM_HOSTS.api
  const loginURL = `${base ?? AXIOM_HOSTS.login}/login-password-v2`
  const otpURL = `${base ?? AXIOM_HOSTS.otp}/login-otp`
  const refreshURL = `${api}/refresh-access-token`
  const logoutStep = input.serverLogout ? { url: `${api}/auth/logout` } : undefined
  const turnstileToken = input.turnstileToken
  return {
    ...input,
    name: 'axiom',
    packageName: PACKAGE_NAME,
    baseURL: api,
    authOrigins: base ? undefined : [AXIOM_HOSTS.login, AXIOM_HOSTS.otp],
    encodePassword: axiomPasswordHash,
    otpRequired: true,
    authHeaders: { Origin: AXIOM_WEB_ORIGIN, Referer: `${AXIOM_WEB_ORIGIN}/` },
    requestHeaders: { Origin: AXIOM_WEB_ORIGIN, Referer: `${AXIOM_WEB_ORIGIN}/discover` },
    authURLs: [loginURL, otpURL, refreshURL, logoutStep?.url],
    logoutStep,
    // Axiom answers a wrong password with HTTP 500, and every attempt emails a code: never retry steps 1 and 2.
    loginRequest: ({ email, password }) => ({
      url: loginURL,
      json: { email, b64Password: password, ...(turnstileToken && { turnstileToken }) },
      retry: false,
    }),
    otpTokenOf(response) {
      return pickToken(response, OTP_TOKEN, this, true)
    },
    otpRequest: ({ code, email, password, otpToken }) => ({
      url: otpURL,
      json: { code, email, b64Password: password },
      cookies: { [OTP_COOKIE]: otpToken },
      retry: false,
    }),
    tokensOf(response, _ctx, step) {
      return readTokens(response, this, step, ACCESS_TOKEN, REFRESH_TOKEN, SENT_AS_COOKIES)
    },
    refreshRequest: (tokens) => ({ url: refreshURL, cookies: tokenCookies(tokens) }),
    sentAsCookies: SENT_AS_COOKIES,
    attachTokens: (tokens, _headers, cookies) => Object.assign(cookies, tokenCookies(tokens)),
    defaultRefreshWindow: { beforeExpiryMs: AXIOM_REFRESH_BEFORE_EXPIRY_MS },
    toError: axiomToError,
    otpHelp: AXIOM_OTP_HELP,
    // Inherited by the flow: appended by the engine to its signed-out errors (no credentials, or the refresh token was refused).
    loginHint: `${AXIOM_CREDENTIALS_HELP} ${AXIOM_OTP_HELP}`,
    credentialsHelp: AXIOM_CREDENTIALS_HELP,
  }
}

/** Options of `createAxiomAuth`. Every `SessionOptions` field (store, refreshWindow, logger, now …) is accepted too. */
export interface AxiomAuthOptions extends SessionOptions {
  /** Account email. Default: env `AXIOM_EMAIL`. Not secret; names the stored session (`axiom:<email>`). */
  email?: string
  /** Account password. Default: env `AXIOM_PASSWORD`. Held in memory only; only its PBKDF2 hash is sent. */
  password?: string
  /**
   * Returns the 6-digit code Axiom emails on every login (prompt, IMAP reader …). Without it a password login is
   * impossible (`OtpRequiredError`); saved or imported tokens still work.
   */
  otp?: () => Promise<string>
  /** A Cloudflare Turnstile token solved in a browser, sent with login step 1 when Axiom demands one. Secret. */
  turnstileToken?: string
  /** An `auth-access-token` copied from a browser session. Default: env `AXIOM_ACCESS_TOKEN`. */
  accessToken?: string
  /** An `auth-refresh-token` copied from a browser session. Default: env `AXIOM_REFRESH_TOKEN`. */
  refreshToken?: string
  /** Cloudflare `cf_clearance` cookie sent with every call. Default: env `CF_CLEARANCE`. Secret. */
  cfClearance?: string
  /**
   * One origin for every step and every request (an emulator, a proxy). Default: Axiom's per-step hosts
   * (login on api6, code on api3, refresh and requests on api.axiom.trade).
   */
  baseURL?: string
  /**
   * Also call `POST /auth/logout` on `logout()`. Default false: like the official SDK, logout is local only
   * (memory cleared, stored tokens deleted); Axiom's web client never calls that endpoint.
   */
  serverLogout?: boolean
  /** Read `AXIOM_*` and `CF_CLEARANCE` environment variables for options not given. Default true. */
  env?: boolean
}

/** What `createAxiomAuth` adds to the engine's `Session` (names follow the Python `axiomtradeapi` SDK). */
export interface AxiomAuthExtras {
  /** Logs in or refreshes when needed (`auth_manager.ensure_valid_authentication()`). */
  ensureValidAuthentication(): Promise<void>
  /** True when there is no token or it is inside the refresh window (`auth_manager.needs_refresh`). */
  readonly needsRefresh: boolean
  /** True when the store holds tokens for this account (`auth_manager.has_saved_tokens()`). */
  hasSavedTokens(): Promise<boolean>
}

/** An Axiom strategy: the engine's `Session` plus the `AxiomAuthExtras`. */
export type AxiomAuth = Session & AxiomAuthExtras

/**
 * Axiom Trade: email + PBKDF2-hashed password, the emailed one-time code, cookie-carried tokens refreshed before
 * the 16-minute access token expires, and import of tokens copied from a browser session.
 */
export function createAxiomAuth(options: AxiomAuthOptions = {}): AxiomAuth {
  const orEnv = (value: string | undefined, name: string) => value ?? (options.env === false ? undefined : readEnv(name))
  const email = orEnv(options.email, 'AXIOM_EMAIL')
  const password = orEnv(options.password, 'AXIOM_PASSWORD')
  const accessToken = orEnv(options.accessToken, 'AXIOM_ACCESS_TOKEN')
  const refreshToken = orEnv(options.refreshToken, 'AXIOM_REFRESH_TOKEN')
  const cfClearance = orEnv(options.cfClearance, 'CF_CLEARANCE')
  const { otp, turnstileToken } = options
  /** A `ConfigError` naming the field and the fix unless `ok`. */
  const check = (ok: unknown, field: string, fix: string) => {
    if (!ok) throw new ConfigError(`${PACKAGE_NAME}: ${fix}.`, { provider: 'axiom', field })
  }
  check(!password || email, 'email', 'password needs email: pass { email } or set AXIOM_EMAIL')
  check(!otp || password, 'password', 'otp needs password: pass { password } or set AXIOM_PASSWORD')
  check(otp === undefined || typeof otp === 'function', 'otp', 'otp must be a function: { otp: async () => code }')
  check(!refreshToken || accessToken, 'accessToken', 'refreshToken needs accessToken: pass { accessToken } or set AXIOM_ACCESS_TOKEN')
  // Each is sent in the Cookie header: refused here (naming the option, or the env var it came from), never sent.
  for (const [value, option, envName] of [
    [accessToken, 'accessToken', 'AXIOM_ACCESS_TOKEN'],
    [refreshToken, 'refreshToken', 'AXIOM_REFRESH_TOKEN'],
    [cfClearance, 'cfClearance', 'CF_CLEARANCE'],
  ] as const) {
    checkCookieOption(
      value,
      options[option] === undefined ? envName : option,
      AXIOM_LABEL,
      'copy it exactly as the axiom.trade cookie holds it (browser dev tools → Application → Cookies)',
    )
  }

  const store = options.store ?? new MemoryTokenStore()
  const flow = loginFlow(
    axiomSteps(options.baseURL?.replace(/\/+$/, ''), {
      email,
      password,
      otp,
      extraCookies: { cf_clearance: cfClearance },
      turnstileToken,
      serverLogout: options.serverLogout,
    }),
  )
  flow.secrets!.push(turnstileToken, accessToken, refreshToken)
  // The options are also the engine's `SessionOptions` (it reads only those fields and keeps them private). Imported
  // browser tokens are the engine's `initialTokens`: used while valid, refreshed first when expired.
  const session = createSession(flow, { ...options, store, ...(accessToken ? { initialTokens: { accessToken, refreshToken } } : {}) })
  return Object.defineProperties(session, {
    ensureValidAuthentication: { value: () => session.ensureValid() },
    needsRefresh: { get: () => session.status().state !== 'valid' },
    hasSavedTokens: { value: async () => (await store.get(await session.storeKey())) !== undefined },
  }) as AxiomAuth
}
