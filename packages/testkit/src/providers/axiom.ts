import { ConfigError } from '@authmux/core'
import { axiomB64Password } from '../axiom-password.js'
import { clearCookie, serializeCookie } from '../cookies.js'
import type { EmulatorRequest, EmulatorResponse, ProviderDefinition } from '../http-types.js'
import { createIds, sixDigitCode, uuid } from '../ids.js'
import type { Inbox, InboxMessage, InboxWriter } from '../inbox.js'
import { axiomCodeMail } from '../mail/axiom-mail.js'
import { deliverToMaildir } from '../mail/maildir.js'
import { createSharedState, listen, type EmulatorHandle, type StartOptions } from '../emulator.js'
import { createSigningKey, signJwt, toSeconds, verifyJwt } from '../jwt.js'
import { Router, json } from '../router.js'
import type { SharedControls } from '../server.js'
import { type AxiomAccessCheck, type AxiomStreamOptions, type AxiomStreams, createAxiomStreams } from '../streams/axiom.js'
import { TokenRegistry } from '../token-registry.js'

/** Options of the Axiom emulator. */
export interface AxiomEmulatorOptions {
  /** Access-token lifetime in seconds (default 960, as observed on axiom.trade). */
  accessSeconds?: number
  /** Lifetime of the step-1 OTP login token and its code, in seconds (default 600). */
  otpSeconds?: number
  /** Issue a new refresh token on every refresh and revoke the old one (default false). */
  rotateRefreshTokens?: boolean
  /** Answer step 1 with `{"error":"Turnstile token is required"}` unless the body has a `turnstileToken` (default false). */
  requireTurnstile?: boolean
  /** Also echo `accessToken`/`refreshToken` in the JSON body of `/login-otp` and `/refresh-access-token` (default false: cookies only). */
  echoTokensInBody?: boolean
  /** Accounts to create instead of the demo account. */
  accounts?: { email: string; password: string }[]
  /** Send this code in every OTP email instead of a random 6-digit one (for a CLI-driven playground). */
  fixedOtpCode?: string
  /** The WebSocket feed: paths, pushes, cookie requirements, close at token expiry. */
  streams?: AxiomStreamOptions
  /**
   * Also deliver every one-time-code email as a real RFC 5322 message into this Maildir (into its `new/` folder),
   * where an IMAP server serves it (`startDovecot().maildir`) — for tests of code readers such as `fromImap`. The
   * in-process `inbox` gets every message either way.
   */
  maildir?: string
  /** `From` of the messages delivered to `maildir`. Default `Axiom <noreply@axiom.trade>`. */
  mailFrom?: string
}

/** An Axiom account (password in clear, for tests, plus its derived `b64Password`). */
export interface AxiomAccount {
  userId: string
  email: string
  password: string
  /** base64(PBKDF2-SHA256(password)) — what the client must send as `b64Password`. */
  b64Password: string
}

/** Credentials of the first (demo) Axiom account. */
export type AxiomCredentials = AxiomAccount

/** Axiom-specific controls. */
export interface AxiomControls {
  /** Add an account; resolves once its `b64Password` is derived. */
  addAccount(account: { email: string; password: string }): Promise<AxiomAccount>
  /** Change the access-token lifetime (seconds) for tokens issued from now on. */
  setAccessSeconds(seconds: number): void
  /** Turn refresh-token rotation on or off. */
  setRefreshRotation(enabled: boolean): void
  /** Require a `turnstileToken` on step 1, or not. */
  setTurnstileRequired(required: boolean): void
  /** Revoke one access, refresh or OTP token. */
  revokeToken(token: string): void
  /** Revoke every token issued so far (all sessions end). */
  revokeAllTokens(): void
  /** The WebSocket feed (cookie auth on the upgrade, rooms): its URL, log, pushes and faults. */
  streams: AxiomStreams
}

const DEMO = { email: 'demo@axiom.test', password: 'axiom-demo-password' }
const ACCESS = 'auth-access-token'
const REFRESH = 'auth-refresh-token'
const OTP = 'auth-otp-login-token'
const MAX_OTP_ATTEMPTS = 5

const error = (status: number, message: string): EmulatorResponse => json(status, { error: message })

interface OtpSession {
  email: string
  code: string
  used: boolean
  attempts: number
}

/** Build the Axiom emulator (not yet listening). */
export async function createAxiomEmulator(
  shared: SharedControls & { inbox: InboxWriter },
  options: AxiomEmulatorOptions = {},
): Promise<{ definition: ProviderDefinition; credentials: AxiomCredentials; controls: AxiomControls; accounts: () => AxiomAccount[] }> {
  const key = createSigningKey()
  const tokens = new TokenRegistry()
  const accounts = new Map<string, AxiomAccount>()
  const otpSessions = new Map<string, OtpSession>()
  const refreshIds = new Map<string, string>() // refreshTokenId -> userId
  let accessSeconds = options.accessSeconds ?? 960
  const otpSeconds = options.otpSeconds ?? 600
  let rotate = options.rotateRefreshTokens ?? false
  let turnstile = options.requireTurnstile ?? false
  const echo = options.echoTokensInBody ?? false
  const fixedOtp = options.fixedOtpCode
  if (fixedOtp !== undefined && !/^\d{6}$/.test(fixedOtp)) {
    throw new ConfigError('@authmux/testkit: axiom.fixedOtpCode must be 6 digits, e.g. "123456".', { provider: 'axiom', field: 'fixedOtpCode' })
  }
  const { clock, inbox } = shared
  const ids = createIds(shared.seed, 'axiom')

  async function addAccount(input: { email: string; password: string }): Promise<AxiomAccount> {
    const account: AxiomAccount = {
      userId: ids.uuid(),
      email: input.email,
      password: input.password,
      b64Password: await axiomB64Password(input.password),
    }
    accounts.set(input.email.toLowerCase(), account)
    return account
  }

  const seeded = await Promise.all((options.accounts ?? [DEMO]).map(addAccount))
  const first = seeded[0]
  if (!first) throw new ConfigError('@authmux/testkit: axiom.accounts must contain at least one account.', { provider: 'axiom', field: 'accounts' })

  const issueAccess = async (userId: string) => {
    const iat = toSeconds(clock.now())
    return tokens.issue(await signJwt(key, { authenticatedUserId: userId, iat, exp: iat + accessSeconds }))
  }
  const issueRefresh = async (userId: string) => {
    const refreshTokenId = uuid()
    refreshIds.set(refreshTokenId, userId)
    return tokens.issue(await signJwt(key, { refreshTokenId, iat: toSeconds(clock.now()) }))
  }

  /** Verify a cookie token: signature, expiry (virtual clock), not revoked, and the expected claim. */
  async function check(token: string | undefined, claim: string): Promise<Record<string, unknown> | undefined> {
    if (!token || tokens.isRevoked(token)) return undefined
    const result = await verifyJwt(key, token, clock.now())
    if (!result.ok || typeof result.payload[claim] !== 'string') return undefined
    return result.payload
  }

  /** The stream's view of an access token: why it is refused, or whose it is and when it expires. */
  async function checkStreamAccess(token: string): Promise<AxiomAccessCheck> {
    const serial = tokens.serialOf(token)
    const withSerial = serial === undefined ? {} : { serial }
    if (tokens.isRevoked(token)) return { state: 'revoked', ...withSerial }
    const result = await verifyJwt(key, token, clock.now())
    if (!result.ok) return { state: result.reason === 'expired' ? 'expired' : 'invalid', ...withSerial }
    const { authenticatedUserId, exp } = result.payload
    if (typeof authenticatedUserId !== 'string' || typeof exp !== 'number' || ![...accounts.values()].some((a) => a.userId === authenticatedUserId))
      return { state: 'invalid', ...withSerial }
    return { state: 'valid', userId: authenticatedUserId, expiresAtMs: exp * 1000, ...withSerial }
  }

  const fields = (body: unknown) => (body && typeof body === 'object' ? (body as Record<string, unknown>) : {})

  const router = new Router()
    .on('POST', '/login-password-v2', (req) => {
      req.credential = 'body'
      const { email, b64Password, turnstileToken } = fields(req.body)
      if (turnstile && (typeof turnstileToken !== 'string' || turnstileToken === '')) {
        return error(400, 'Turnstile token is required')
      }
      if (typeof email !== 'string' || typeof b64Password !== 'string' || !email || !b64Password) {
        return error(400, 'Email and password are required')
      }
      const account = accounts.get(email.toLowerCase())
      if (!account || account.b64Password !== b64Password) return error(500, 'Invalid email or password')
      return (async () => {
        const loginSessionId = uuid()
        const code = fixedOtp ?? sixDigitCode()
        otpSessions.set(loginSessionId, { email: account.email, code, used: false, attempts: 0 })
        const iat = toSeconds(clock.now())
        const otpJwtToken = tokens.issue(await signJwt(key, { loginSessionId, iat, exp: iat + otpSeconds }))
        const mail: InboxMessage = {
          to: account.email,
          subject: 'Your Axiom security code',
          text: `Your Axiom security code is ${code}. It expires in ${Math.round(otpSeconds / 60)} minutes.`,
          code,
          at: clock.now(),
        }
        inbox.deliver(mail)
        if (options.maildir) await deliverToMaildir(options.maildir, axiomCodeMail(mail, options.mailFrom))
        return { status: 200, body: { otpJwtToken }, cookies: [serializeCookie(OTP, otpJwtToken)] }
      })()
    })
    .on('POST', '/login-otp', async (req) => {
      req.credential = 'cookie'
      const claims = await check(req.cookies[OTP], 'loginSessionId')
      const session = claims ? otpSessions.get(claims.loginSessionId as string) : undefined
      if (!session || session.used) return error(401, 'Invalid or expired OTP login token')
      const { code, email, b64Password } = fields(req.body)
      if (typeof code !== 'string' || typeof email !== 'string' || typeof b64Password !== 'string') {
        return error(400, 'Code, email and password are required')
      }
      const account = accounts.get(email.toLowerCase())
      if (!account || account.email !== session.email || account.b64Password !== b64Password) {
        return error(500, 'Invalid email or password')
      }
      if (code.trim() !== session.code) {
        session.attempts += 1
        if (session.attempts >= MAX_OTP_ATTEMPTS) session.used = true
        return error(400, 'Invalid OTP code')
      }
      session.used = true
      const accessToken = await issueAccess(account.userId)
      const refreshToken = await issueRefresh(account.userId)
      return {
        status: 200,
        body: {
          success: true,
          userId: account.userId,
          email: account.email,
          ...(echo ? { accessToken, refreshToken } : {}),
        },
        cookies: [serializeCookie(ACCESS, accessToken), serializeCookie(REFRESH, refreshToken), clearCookie(OTP)],
      }
    })
    .on('POST', '/refresh-access-token', async (req) => {
      req.credential = 'cookie'
      const presented = req.cookies[REFRESH]
      const claims = await check(presented, 'refreshTokenId')
      const userId = claims ? refreshIds.get(claims.refreshTokenId as string) : undefined
      if (!presented || !claims || !userId) return error(401, 'Invalid refresh token')
      const accessToken = await issueAccess(userId)
      const cookies = [serializeCookie(ACCESS, accessToken)]
      let refreshToken: string | undefined
      if (rotate) {
        refreshToken = await issueRefresh(userId)
        tokens.revoke(presented)
        refreshIds.delete(claims.refreshTokenId as string)
        cookies.push(serializeCookie(REFRESH, refreshToken))
      }
      return {
        status: 200,
        body: { success: true, ...(echo ? { accessToken, ...(refreshToken ? { refreshToken } : {}) } : {}) },
        cookies,
      }
    })
    .on('POST', '/auth/logout', (req) => {
      req.credential = 'cookie'
      for (const name of [ACCESS, REFRESH]) {
        const token = req.cookies[name]
        if (token) tokens.revoke(token)
      }
      return { status: 200, body: { success: true }, cookies: [clearCookie(ACCESS), clearCookie(REFRESH)] }
    })
    .on('GET', '/user/info', async (req) => {
      const claims = await check(req.cookies[ACCESS], 'authenticatedUserId')
      const account = claims ? [...accounts.values()].find((a) => a.userId === claims.authenticatedUserId) : undefined
      if (!account) return error(401, 'Unauthorized')
      req.credential = 'cookie'
      return json(200, { userId: account.userId, email: account.email, authenticatedWith: 'cookie' })
    })

  const faultBody = (status: number) => ({ error: status === 401 ? 'Unauthorized' : status === 429 ? 'Too many requests' : 'Internal server error' })
  const streams = createAxiomStreams(shared, options.streams ?? {}, {
    checkAccess: checkStreamAccess,
    isRevoked: (token) => tokens.isRevoked(token),
    serialOf: (token) => tokens.serialOf(token),
    faultBody,
  })

  const definition: ProviderDefinition = {
    name: 'axiom',
    basePath: '',
    kindOf(_method, path) {
      if (path === '/login-password-v2') return 'login'
      if (path === '/refresh-access-token') return 'refresh'
      return 'other'
    },
    async handle(req: EmulatorRequest) {
      const handler = router.match(req)
      if (handler === 'method-not-allowed') return error(405, 'Method not allowed')
      if (!handler) return error(404, 'Not found')
      return handler(req)
    },
    faultBody,
    streams: streams.listener,
  }

  const controls: AxiomControls = {
    addAccount,
    setAccessSeconds(seconds) {
      accessSeconds = seconds
    },
    setRefreshRotation(enabled) {
      rotate = enabled
    },
    setTurnstileRequired(required) {
      turnstile = required
    },
    revokeToken(token) {
      tokens.revoke(token)
    },
    revokeAllTokens() {
      tokens.revokeAll()
    },
    streams: streams.controls,
  }
  return { definition, credentials: { ...first }, controls, accounts: () => [...accounts.values()].map((a) => ({ ...a })) }
}

/** A running Axiom emulator. */
export type AxiomEmulator = EmulatorHandle<AxiomCredentials> &
  AxiomControls & {
    /** Where the one-time codes go. */
    inbox: Inbox
  }

/**
 * Start the Axiom emulator on its own origin. Every Axiom path is served at the origin root (`url` = origin).
 *
 * @example
 * const axiom = await startAxiomEmulator()
 * await fetch(`${axiom.url}/login-password-v2`, { method: 'POST', body: JSON.stringify({ email, b64Password }) })
 * const code = axiom.inbox.latestCode(axiom.credentials.email)
 */
export async function startAxiomEmulator(options: StartOptions & AxiomEmulatorOptions = {}): Promise<AxiomEmulator> {
  const shared = createSharedState(options)
  const built = await createAxiomEmulator(shared, options)
  const handle = await listen('axiom', shared, built, options)
  return Object.assign(handle, { inbox: shared.inbox as Inbox })
}
