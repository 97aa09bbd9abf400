import { ConfigError } from '@authmux/core'
import { createSharedState, listen, type EmulatorHandle, type StartOptions } from '../emulator.js'
import type { EmulatorRequest, EmulatorResponse, ProviderDefinition } from '../http-types.js'
import { createIds, uuid } from '../ids.js'
import { createSigningKey, signJwt, toSeconds, verifyJwt } from '../jwt.js'
import { RateLimiter, type RateLimit } from '../rate-limiter.js'
import { Router, json } from '../router.js'
import type { SharedControls } from '../server.js'
import { createProjectXStreams, type ProjectXStreamOptions, type ProjectXStreams, type ProjectXTokenCheck } from '../streams/projectx.js'
import { TokenRegistry } from '../token-registry.js'

/** ProjectX `LoginErrorCode`s: 0 Success, 1 UserNotFound, 2 PasswordVerificationFailed, 3 InvalidCredentials, 4 AppNotFound, 5 AppVerificationFailed, 6 InvalidDevice, 7 AgreementsNotSigned, 8 UnknownError, 9 ApiSubscriptionNotFound, 10 ApiKeyAuthenticationDisabled. */
export type ProjectXLoginErrorCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10

/** Options of the ProjectX emulator. */
export interface ProjectXEmulatorOptions {
  /** Session-token lifetime in seconds (default 86 400 = 24 h). */
  accessSeconds?: number
  /** Request limit for every endpoint except History/retrieveBars, per client IP (default 200 per 60 s). */
  rateLimit?: RateLimit
  /** Request limit of `POST /api/History/retrieveBars`, per client IP (default 30 per 30 s). */
  barsRateLimit?: RateLimit
  /** Users to create instead of the demo user. */
  users?: { userName: string; apiKey?: string }[]
  /** The SignalR hubs `/hubs/user` and `/hubs/market`: keep-alive, timeouts, pushes, close at token expiry. */
  streams?: ProjectXStreamOptions
}

/** A ProjectX user with one trading account. */
export interface ProjectXCredentials {
  userName: string
  apiKey: string
  /** Id of the user's (simulated, active) trading account. */
  accountId: number
  accountName: string
}

/** ProjectX-specific controls. */
export interface ProjectXControls {
  /** Add a user (api key generated when omitted). */
  addUser(input: { userName: string; apiKey?: string }): ProjectXCredentials
  /** Make `loginKey` fail for this user with the given error code (e.g. 7 AgreementsNotSigned); 0 restores success. */
  setLoginErrorCode(userName: string, code: ProjectXLoginErrorCode): void
  /** Change the token lifetime (seconds) for tokens issued from now on. */
  setAccessSeconds(seconds: number): void
  /** Change the rate limit. */
  setRateLimit(limit: RateLimit): void
  /** Forget every rate-limit window. */
  resetRateLimits(): void
  /** Revoke one session token. */
  revokeToken(token: string): void
  /** Revoke every token issued so far. */
  revokeAllTokens(): void
  /** The SignalR hubs (`/hubs/user`, `/hubs/market` at the origin root): URLs, log, pushes, kicks and faults. */
  streams: ProjectXStreams
}

interface User extends ProjectXCredentials {
  userId: number
  loginErrorCode: ProjectXLoginErrorCode
}

const ok = (extra: Record<string, unknown> = {}) => ({ ...extra, success: true, errorCode: 0, errorMessage: null })

/** Build the ProjectX emulator (not yet listening). */
export function createProjectXEmulator(
  shared: SharedControls,
  options: ProjectXEmulatorOptions = {},
): { definition: ProviderDefinition; credentials: ProjectXCredentials; controls: ProjectXControls } {
  const { clock } = shared
  const ids = createIds(shared.seed, 'projectx')
  const base = '/api'
  const key = createSigningKey()
  const tokens = new TokenRegistry()
  const limiter = new RateLimiter(() => clock.now())
  const users = new Map<string, User>()
  let accessSeconds = options.accessSeconds ?? 86_400
  let rateLimit: RateLimit = options.rateLimit ?? { limit: 200, windowSeconds: 60 }
  const barsRateLimit: RateLimit = options.barsRateLimit ?? { limit: 30, windowSeconds: 30 }
  let nextId = 7000
  let nextOrderId = 90_000

  function addUser(input: { userName: string; apiKey?: string }): ProjectXCredentials {
    nextId += 1
    const user: User = {
      userName: input.userName,
      apiKey: input.apiKey ?? ids.base64Token(32),
      accountId: nextId * 10 + 1,
      accountName: `PRAC-V2-${nextId}`,
      userId: nextId,
      loginErrorCode: 0,
    }
    users.set(user.userName.toLowerCase(), user)
    return { userName: user.userName, apiKey: user.apiKey, accountId: user.accountId, accountName: user.accountName }
  }
  const seeded = (options.users ?? [{ userName: 'demo-trader' }]).map(addUser)
  const first = seeded[0]
  if (!first) throw new ConfigError('@authmux/testkit: projectx.users must contain at least one user.', { provider: 'projectx', field: 'users' })

  async function issue(user: User): Promise<string> {
    const iat = toSeconds(clock.now())
    return tokens.issue(
      await signJwt(key, { sub: String(user.userId), name: user.userName, sid: uuid(), jti: uuid(), iat, nbf: iat, exp: iat + accessSeconds }),
    )
  }

  const unauthorized = (description?: string): EmulatorResponse => ({
    status: 401,
    headers: { 'www-authenticate': description ? `Bearer error="invalid_token", error_description="${description}"` : 'Bearer' },
  })

  /** Check the bearer: user, or why not. */
  async function bearer(req: EmulatorRequest): Promise<{ user: User; token: string } | { missing: true } | { expired: boolean; revoked: boolean }> {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
    const token = match?.[1]?.trim()
    if (!token) return { missing: true }
    const result = await verifyJwt(key, token, clock.now())
    if (!result.ok) return { expired: result.reason === 'expired', revoked: false }
    if (tokens.isRevoked(token)) return { expired: false, revoked: true }
    const user = [...users.values()].find((u) => String(u.userId) === result.payload.sub)
    if (!user) return { expired: false, revoked: true }
    req.credential = 'bearer'
    return { user, token }
  }

  /** Protected endpoint wrapper: 401 (empty body, WWW-Authenticate) unless the bearer is valid. */
  const protect = (fn: (req: EmulatorRequest, user: User) => EmulatorResponse | Promise<EmulatorResponse>) => async (req: EmulatorRequest) => {
    const auth = await bearer(req)
    if ('user' in auth) return fn(req, auth.user)
    if ('missing' in auth) return unauthorized()
    return unauthorized(auth.expired ? 'The token is expired' : 'The signature key was not found')
  }

  /** The hubs' view of a session token. */
  async function checkHubToken(token: string): Promise<ProjectXTokenCheck> {
    const serial = tokens.serialOf(token)
    const withSerial = serial === undefined ? {} : { serial }
    if (tokens.isRevoked(token)) return { state: 'revoked', ...withSerial }
    const result = await verifyJwt(key, token, clock.now())
    if (!result.ok) return { state: result.reason === 'expired' ? 'expired' : 'invalid', ...withSerial }
    const user = [...users.values()].find((u) => String(u.userId) === result.payload.sub)
    if (!user || typeof result.payload.exp !== 'number') return { state: 'invalid', ...withSerial }
    return { state: 'valid', userId: String(user.userId), accountId: user.accountId, expiresAtMs: result.payload.exp * 1000, ...withSerial }
  }
  const faultBody = (status: number) =>
    status === 401 || status === 429 ? undefined : { success: false, errorCode: 8, errorMessage: 'An unexpected error occurred.' }
  const streams = createProjectXStreams(shared, options.streams ?? {}, {
    checkToken: checkHubToken,
    isRevoked: (token) => tokens.isRevoked(token),
    accountName: (accountId) => [...users.values()].find((u) => u.accountId === accountId)?.accountName,
    defaultAccountId: first.accountId,
    faultBody,
  })

  const field = (body: unknown, name: string) => (body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined)

  const router = new Router()
    .on('POST', `${base}/Auth/loginKey`, async (req) => {
      req.credential = 'body'
      const userName = field(req.body, 'userName')
      const apiKey = field(req.body, 'apiKey')
      const errors: Record<string, string[]> = {}
      if (typeof userName !== 'string' || userName === '') errors.userName = ['The UserName field is required.']
      if (typeof apiKey !== 'string' || apiKey === '') errors.apiKey = ['The ApiKey field is required.']
      if (req.bodyInvalid || Object.keys(errors).length > 0) {
        return json(400, {
          type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
          title: 'One or more validation errors occurred.',
          status: 400,
          errors: req.bodyInvalid ? { $: ['The JSON value could not be converted.'] } : errors,
          traceId: `00-${uuid().replace(/-/g, '')}-${uuid().replace(/-/g, '').slice(0, 16)}-00`,
        })
      }
      const user = users.get((userName as string).toLowerCase())
      const fail = (errorCode: number, errorMessage: string | null = null) => json(200, { token: null, success: false, errorCode, errorMessage })
      if (!user) return fail(1)
      if (user.apiKey !== apiKey) return fail(3)
      if (user.loginErrorCode === 7) return fail(7, 'Please log into the ProjectX platform and complete the required agreements.')
      if (user.loginErrorCode !== 0) return fail(user.loginErrorCode)
      return json(200, { token: await issue(user), success: true, errorCode: 0, errorMessage: null })
    })
    .on('POST', `${base}/Auth/validate`, async (req) => {
      const auth = await bearer(req)
      if ('missing' in auth) return unauthorized()
      if ('user' in auth) return json(200, ok({ newToken: await issue(auth.user) }))
      // 1 InvalidSession, 2 SessionNotFound, 3 ExpiredToken
      const errorCode = auth.expired ? 3 : auth.revoked ? 2 : 1
      return json(200, { success: false, errorCode, errorMessage: null, newToken: null })
    })
    .on('POST', `${base}/Auth/logout`, async (req) => {
      const auth = await bearer(req)
      if ('missing' in auth) return unauthorized()
      if (!('user' in auth)) return json(200, { success: false, errorCode: 1, errorMessage: null })
      tokens.revoke(auth.token)
      return json(200, ok())
    })
    .on(
      'POST',
      `${base}/Account/search`,
      protect((req, user) => {
        const onlyActive = field(req.body, 'onlyActiveAccounts')
        if (typeof onlyActive !== 'boolean') {
          return json(400, {
            title: 'One or more validation errors occurred.',
            status: 400,
            errors: { onlyActiveAccounts: ['The OnlyActiveAccounts field is required.'] },
          })
        }
        return json(
          200,
          ok({
            accounts: [{ id: user.accountId, name: user.accountName, balance: 50_000, canTrade: true, isVisible: true, simulated: true }],
            authenticatedWith: 'bearer',
          }),
        )
      }),
    )
    .on(
      'POST',
      `${base}/Order/place`,
      protect((req, user) => {
        const accountId = field(req.body, 'accountId')
        if (accountId !== user.accountId)
          return json(200, { orderId: null, success: false, errorCode: 1, errorMessage: 'Account not found.', authenticatedWith: 'bearer' })
        nextOrderId += 1
        streams.orderPlaced(user.accountId, nextOrderId, req.body)
        return json(200, ok({ orderId: nextOrderId, authenticatedWith: 'bearer' }))
      }),
    )

  router.on('POST', '/hubs/:hub/negotiate', (req) => (req.params.hub === 'user' || req.params.hub === 'market' ? streams.negotiate(req) : { status: 404 }))
  router.on(
    'POST',
    `${base}/History/retrieveBars`,
    protect(() => json(200, ok({ bars: [], authenticatedWith: 'bearer' }))),
  )

  const definition: ProviderDefinition = {
    name: 'projectx',
    basePath: base,
    kindOf(_method, path) {
      if (path === `${base}/Auth/loginKey`) return 'login'
      if (path === `${base}/Auth/validate`) return 'validate'
      return 'other'
    },
    async handle(req) {
      // the hubs live on their own host in production (gateway-rtc-…): the REST rate limits do not apply
      if (req.path.startsWith('/hubs/')) {
        const hubHandler = router.match(req)
        if (hubHandler === 'method-not-allowed') return { status: 405 }
        return hubHandler ? hubHandler(req) : { status: 404 }
      }
      const bars = req.path === `${base}/History/retrieveBars`
      const decision = bars ? limiter.hit(`bars:${req.ip}`, barsRateLimit) : limiter.hit(`ip:${req.ip}`, rateLimit)
      if (!decision.allowed) return { status: 429, headers: { 'retry-after': String(decision.retryAfterSeconds) } }
      const handler = router.match(req)
      if (handler === 'method-not-allowed') return { status: 405 }
      if (!handler) return { status: 404 }
      return handler(req)
    },
    faultBody,
    streams: streams.listener,
  }

  const controls: ProjectXControls = {
    addUser,
    setLoginErrorCode(userName, code) {
      const user = users.get(userName.toLowerCase())
      if (!user)
        throw new ConfigError('@authmux/testkit: projectx.setLoginErrorCode(userName) — unknown userName; add it with addUser() first.', {
          provider: 'projectx',
          field: 'userName',
        })
      user.loginErrorCode = code
    },
    setAccessSeconds(seconds) {
      accessSeconds = seconds
    },
    setRateLimit(limit) {
      rateLimit = limit
    },
    resetRateLimits: () => limiter.reset(),
    revokeToken: (token) => void tokens.revoke(token),
    revokeAllTokens: () => void tokens.revokeAll(),
    streams: streams.controls,
  }
  return { definition, credentials: { ...first }, controls }
}

/** A running ProjectX emulator. `url` ends in `/api`. */
export type ProjectXEmulator = EmulatorHandle<ProjectXCredentials> & ProjectXControls

/** Start the ProjectX emulator on its own origin (`url` = `http://127.0.0.1:PORT/api`). */
export async function startProjectXEmulator(options: StartOptions & ProjectXEmulatorOptions = {}): Promise<ProjectXEmulator> {
  const shared = createSharedState(options)
  return listen('projectx', shared, createProjectXEmulator(shared, options), options)
}
