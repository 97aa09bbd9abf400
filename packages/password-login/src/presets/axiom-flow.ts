import type { StreamAuth, TokenSet } from '@authmux/core'
import { defineFlow } from '@authmux/core/provider'
import { applyTokens, loginFlowSpec, PACKAGE_NAME } from '../flow'
import { pickToken, readTokens } from '../read-tokens'
import type { LoginFields, LoginProvider, LoginSettings } from '../steps'
import { AXIOM_TOKEN_IMPORT_HELP, axiomToError } from './axiom-errors'
import { axiomPasswordHash } from './axiom-password'

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

/** Where Axiom's credentials come from, for the missing-credentials and signed-out messages. */
export const AXIOM_CREDENTIALS_HELP = 'Pass { email, password, otp } or set AXIOM_EMAIL and AXIOM_PASSWORD.'
const AXIOM_OTP_HELP = `To log in once interactively, run \`authmux login axiom\` and reuse the saved tokens through the same store. ${AXIOM_TOKEN_IMPORT_HELP}`

/** Axiom's cookies: the two tokens (sent back by the refresh call and on every request) and the login step's token. */
const ACCESS_COOKIE = 'auth-access-token'
const REFRESH_COOKIE = 'auth-refresh-token'
const OTP_COOKIE = 'auth-otp-login-token'

/** Where Axiom's tokens come back: its cookies, or body fields (accepted too). */
const ACCESS_TOKEN = { cookies: [ACCESS_COOKIE], fields: ['accessToken', ACCESS_COOKIE, 'access_token'] }
const REFRESH_TOKEN = { cookies: [REFRESH_COOKIE], fields: ['refreshToken', REFRESH_COOKIE, 'refresh_token'] }
const OTP_TOKEN = { cookies: [OTP_COOKIE], fields: ['otpJwtToken'] }

/** Who is speaking, in error messages. */
export const AXIOM_LABEL = { name: 'axiom', packageName: PACKAGE_NAME }

/** Every Axiom token travels back in a `Cookie` header, so each must be a cookie value. */
const SENT_AS_COOKIES = { access: true, refresh: true, otp: true }

/** Both tokens as Axiom's cookies. */
const tokenCookies = (tokens: TokenSet) => ({ [ACCESS_COOKIE]: tokens.accessToken, [REFRESH_COOKIE]: tokens.refreshToken })

const LOGIN_PATH = '/login-password-v2'
const OTP_PATH = '/login-otp'
const REFRESH_PATH = '/refresh-access-token'

/** Axiom's settings, the same for every strategy. */
export const AXIOM_SETTINGS: LoginSettings = {
  // Paths below the base URL: a 401 on one of them is never renewed and replayed.
  authURLs: [LOGIN_PATH, OTP_PATH, REFRESH_PATH],
  authHeaders: { Origin: AXIOM_WEB_ORIGIN, Referer: `${AXIOM_WEB_ORIGIN}/` },
  requestHeaders: { Origin: AXIOM_WEB_ORIGIN, Referer: `${AXIOM_WEB_ORIGIN}/discover` },
  otpRequired: true,
  encodePassword: axiomPasswordHash,
  otpHelp: AXIOM_OTP_HELP,
  credentialsHelp: AXIOM_CREDENTIALS_HELP,
  sentAsCookies: SENT_AS_COOKIES,
}

/** Where login steps 1 and 2 go. */
export interface AxiomLoginURLs {
  readonly login: string
  readonly otp: string
}

/** Axiom's own hosts: login on api6, code on api3 (refresh and requests on api.axiom.trade, the base URL). */
export const AXIOM_LOGIN_URLS: AxiomLoginURLs = { login: `${AXIOM_HOSTS.login}${LOGIN_PATH}`, otp: `${AXIOM_HOSTS.otp}${OTP_PATH}` }
/** One origin (an emulator, a proxy) for every step: below the base URL's path. */
export const ONE_ORIGIN_LOGIN_URLS: AxiomLoginURLs = { login: LOGIN_PATH, otp: OTP_PATH }
/** Extra origins the login steps go to with `AXIOM_LOGIN_URLS`. */
export const AXIOM_AUTH_ORIGINS = [AXIOM_HOSTS.login, AXIOM_HOSTS.otp]
/** The server-side logout call (`serverLogout: true`). */
export const AXIOM_LOGOUT_STEP = { url: '/auth/logout' }

/** An Axiom strategy's fields. */
export interface AxiomFields extends LoginFields {
  /** Where login steps 1 and 2 go (shared constants). */
  readonly loginURLs: AxiomLoginURLs
  /** A Cloudflare Turnstile token solved in a browser, sent with step 1. Secret. */
  readonly turnstileToken: string | undefined
}

/** The fields of an Axiom strategy with the realtime feed (`@authmux/password-login/stream`). */
export interface AxiomStreamFields extends AxiomFields {
  /** The realtime feed's URLs, the default first and fallbacks after. */
  readonly streamURLs: readonly string[]
  /** Headers of the stream upgrade over the defaults (a browser `User-Agent`, `Origin`, `Referer`); a `Cookie` is merged. */
  readonly streamHeaders: Readonly<Record<string, string>> | undefined
}

/** Axiom's steps: what each sends, where the tokens come back, how they are attached. */
export const AXIOM_PROVIDER: LoginProvider<AxiomFields> = {
  ...AXIOM_LABEL,
  refreshWindow: { beforeExpiryMs: AXIOM_REFRESH_BEFORE_EXPIRY_MS },
  // Appended by the engine to its signed-out errors (no credentials, or the refresh token was refused).
  loginHint: `${AXIOM_CREDENTIALS_HELP} ${AXIOM_OTP_HELP}`,
  // Axiom answers a wrong password with HTTP 500, and every attempt emails a code: never retry steps 1 and 2.
  loginRequest: ({ email, password }, { loginURLs, turnstileToken }) => ({
    url: loginURLs.login,
    json: { email, b64Password: password, ...(turnstileToken && { turnstileToken }) },
    retry: false,
  }),
  otpTokenOf: (response) => pickToken(response, OTP_TOKEN, AXIOM_LABEL, true),
  otpRequest: ({ code, email, password, otpToken }, { loginURLs }) => ({
    url: loginURLs.otp,
    json: { code, email, b64Password: password },
    cookies: { [OTP_COOKIE]: otpToken },
    retry: false,
  }),
  tokensOf: (response, _ctx, step) => readTokens(response, AXIOM_LABEL, step, ACCESS_TOKEN, REFRESH_TOKEN, SENT_AS_COOKIES),
  refreshRequest: (tokens) => ({ url: REFRESH_PATH, cookies: tokenCookies(tokens) }),
  attachTokens: (tokens, _headers, cookies) => {
    Object.assign(cookies, tokenCookies(tokens))
  },
  toError: (response) => axiomToError(response),
}

/** The Axiom flow: one shared prototype; each strategy holds only its `AxiomFields`. */
export const axiomFlow = /* @__PURE__ */ defineFlow<AxiomFields>(/* @__PURE__ */ loginFlowSpec(AXIOM_PROVIDER))

/**
 * Axiom's realtime feed (`new_pairs`, wallet and token rooms): `cluster9` first, then the fallbacks `cluster3`,
 * `cluster5`, `cluster7`, as the official Python SDK tries them. A single trailing slash: `//` gets HTTP 502 everywhere.
 */
export const AXIOM_STREAM_URLS: readonly string[] = [
  'wss://cluster9.axiom.trade/',
  'wss://cluster3.axiom.trade/',
  'wss://cluster5.axiom.trade/',
  'wss://cluster7.axiom.trade/',
]

/** A desktop Chrome `User-Agent` for the stream upgrade, like the official SDK's plain-WebSocket client sends (Chrome 148, Windows). */
export const AXIOM_STREAM_USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36'

/**
 * The realtime feed (providers.md 9.4): cookies on the upgrade built from the session's current tokens at every
 * (re)connect — `auth-access-token`, `auth-refresh-token`, `cf_clearance` when configured — with the headers of a
 * browser on axiom.trade. Cookies need headers, so a standard (browser) WebSocket is a typed error from core; the
 * access token is refreshed before any (re)connect inside the refresh window, so a socket never opens on a token
 * about to die.
 */
function axiomStream(fields: AxiomStreamFields): StreamAuth {
  return {
    urls: [...fields.streamURLs],
    needsHeaders: true,
    renewInWindow: true,
    authenticate(tokens, upgrade) {
      const headers = new Headers({ 'User-Agent': AXIOM_STREAM_USER_AGENT })
      // set, not a spread: a user's 'user-agent' replaces the default whatever its case.
      for (const [name, value] of Object.entries(fields.streamHeaders ?? {})) headers.set(name, value)
      // The same cookies and Origin/Referer as every Axiom request, over the user's headers (their cookies merged).
      applyTokens(AXIOM_PROVIDER, fields, tokens, headers)
      headers.forEach((value, name) => {
        upgrade.headers[name] = value
      })
    },
  }
}

/**
 * The Axiom flow with its realtime feed declared (`stream`): the same steps as `axiomFlow`, on a prototype of its own,
 * so a bot that never streams does not ship the stream code (the size gate's Axiom row).
 */
export const axiomStreamFlow = /* @__PURE__ */ defineFlow<AxiomStreamFields>(/* @__PURE__ */ loginFlowSpec<AxiomStreamFields>(AXIOM_PROVIDER, axiomStream))
