import { ConfigError, type Session, type SessionOptions, assertSecureBaseURL, createSession, fingerprint } from '@authmux/core'
import { createKeySecretJwtFlow } from '../../flow'
import { PACKAGE_NAME, optionOrEnv, requireOption } from '../../options'
import {
  TRADEREADY_API_KEY_ENV,
  TRADEREADY_API_SECRET_ENV,
  TRADEREADY_API_URL_ENV,
  TRADEREADY_DEFAULT_BASE_URL,
} from './constants'
import { tradeReadyError } from './errors'
import { tradeReadyLoginLimit } from './login-limit'
import { type TradeReadyRateLimit, readRateLimit } from './rate-limit'
import { registerTradeReadyAccount } from './register'
import { isTradeReadyJwtRoute } from './routes'
import { tradeReadyTokenResponse } from './schemas'
import { tokenSetFrom } from '../../token-set'

/** TradeReady answers `expires_at` (ISO-8601), not `expires_in`. */
const TOKEN_FIELDS = { tokenField: 'token', expiresAtField: 'expires_at' } as const

/** Options of `createTradeReadyAuth`. Every `SessionOptions` field is accepted too. */
export interface TradeReadyAuthOptions extends SessionOptions {
  /** API key `ak_live_…`, sent as `X-API-Key` on trading, market, account and analytics routes. Default `TRADEREADY_API_KEY`. Secret. */
  apiKey?: string
  /** API secret `sk_live_…`, exchanged with the key for a JWT used on `/agents/*` and `/battles/*`. Default `TRADEREADY_API_SECRET`. Secret. */
  apiSecret?: string
  /** Agent UUID sent as `X-Agent-Id`; it must belong to the account. */
  agentId?: string
  /** API base URL. Default `TRADEREADY_API_URL`, else `https://api.tradeready.io/api/v1`. */
  baseURL?: string
}

/** Email + password for `/auth/user-login`. */
export interface TradeReadyUserCredentials {
  email: string
  /** 8–72 characters. Secret. */
  password: string
}

/** A TradeReady strategy: the engine `Session` plus the last rate-limit headers and the user-login variant. */
export interface TradeReadyAuth extends Session {
  /** The last `X-RateLimit-*` values seen on a credentialed response, or undefined before the first. */
  readonly rateLimit: TradeReadyRateLimit | undefined
  /**
   * Signs in with email + password (`POST /auth/user-login`) instead of key + secret; later re-logins use these
   * credentials too. Resolves once the JWT is in place.
   */
  userLogin(credentials: TradeReadyUserCredentials): Promise<void>
}

/**
 * TradeReady (AgentExchange): `X-API-Key` on trading/market/account/analytics routes, a JWT from `/auth/login`
 * (key + secret) on `/agents/*` and `/battles/*`, chosen per route; `X-Agent-Id` when `agentId` is set.
 */
export function createTradeReadyAuth(options: TradeReadyAuthOptions = {}): TradeReadyAuth {
  const provider = 'tradeready'
  const { apiKey: apiKeyOption, apiSecret: apiSecretOption, agentId, baseURL: baseURLOption, loginLimit, ...session } = options
  const apiKey = requireOption(apiKeyOption, 'apiKey', {
    provider,
    envName: TRADEREADY_API_KEY_ENV,
    hint: 'Create a key with createTradeReadyAuth.register() or in the TradeReady dashboard.',
  })
  const apiSecret = optionOrEnv(apiSecretOption, TRADEREADY_API_SECRET_ENV)
  const baseURL = optionOrEnv(baseURLOption, TRADEREADY_API_URL_ENV) ?? TRADEREADY_DEFAULT_BASE_URL
  const base = assertSecureBaseURL(baseURL, { allowInsecureHttp: session.allowInsecureHttp ?? false, provider, packageName: PACKAGE_NAME })
  if (agentId !== undefined && agentId.trim() === '') {
    throw new ConfigError(`${PACKAGE_NAME}: agentId is empty — pass the agent's UUID or leave agentId out.`, { provider, field: 'agentId' })
  }

  let user: TradeReadyUserCredentials | undefined
  let rateLimit: TradeReadyRateLimit | undefined
  const now = session.now ?? Date.now
  const baseFlow = createKeySecretJwtFlow({
    name: provider,
    baseURL,
    loginPath: '/auth/login',
    loginBody: () => ({ api_key: apiKey, api_secret: apiSecret }),
    responseSchema: tradeReadyTokenResponse,
    ...TOKEN_FIELDS,
    secrets: [apiKey, apiSecret],
  })
  const needsToken = (request: { url: URL }): boolean => isTradeReadyJwtRoute(request.url, base)

  const flow = {
    ...baseFlow,
    identity: fingerprint(apiKey).then((print) => `key:${print}`),
    credentialHeaders: ['X-API-Key', 'X-Agent-Id'],
    get canAcquire() {
      return apiSecret !== undefined || user !== undefined
    },
    acquire: async (ctx: Parameters<typeof baseFlow.acquire>[0]) => {
      if (user) {
        ctx.addSecret(user.password)
        const response = await ctx.request({
          url: '/auth/user-login',
          json: { email: user.email, password: user.password },
          schema: tradeReadyTokenResponse,
        })
        return tokenSetFrom(response.data, TOKEN_FIELDS, ctx, { provider, packageName: PACKAGE_NAME, endpoint: '/auth/user-login' })
      }
      if (apiSecret === undefined) {
        throw new ConfigError(
          `${PACKAGE_NAME}: apiSecret is missing — /agents and /battles need a JWT: pass { apiSecret } or set ${TRADEREADY_API_SECRET_ENV}, or call userLogin({ email, password }).`,
          { provider, field: 'apiSecret' },
        )
      }
      return baseFlow.acquire(ctx)
    },
    needsToken,
    apply: (tokens: Parameters<typeof baseFlow.apply>[0], request: Parameters<typeof baseFlow.apply>[1]) => {
      if (needsToken(request) && tokens) request.headers.set('Authorization', `Bearer ${tokens.accessToken}`)
      else request.headers.set('X-API-Key', apiKey)
      if (agentId) request.headers.set('X-Agent-Id', agentId.trim())
    },
    isAuthEndpoint: (url: URL) => baseFlow.isAuthEndpoint?.(url) === true || /\/auth\/(user-login|register)$/i.test(url.pathname),
    replayOn401: (request: { url: URL; method: string }) => needsToken(request),
    toError: (response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' }) => tradeReadyError(response, now()),
    onResponse: (response: Response) => {
      rateLimit = readRateLimit(response.headers) ?? rateLimit
    },
  }

  const strategy = createSession(flow, { ...session, loginLimit: tradeReadyLoginLimit(loginLimit) }) as TradeReadyAuth
  Object.defineProperties(strategy, {
    rateLimit: { get: () => rateLimit, enumerable: false, configurable: true },
    userLogin: {
      value: async (credentials: TradeReadyUserCredentials) => {
        const email = credentials?.email?.trim()
        if (!email) throw new ConfigError(`${PACKAGE_NAME}: userLogin needs { email } — pass the account's email.`, { provider, field: 'email' })
        if (!credentials.password || credentials.password.length < 8) {
          throw new ConfigError(`${PACKAGE_NAME}: userLogin needs { password } of 8–72 characters.`, { provider, field: 'password' })
        }
        const previous = user
        user = { email, password: credentials.password }
        try {
          await strategy.login()
        } catch (error) {
          user = previous // a failed sign-in must not replace working credentials
          throw error
        }
      },
      enumerable: false,
      configurable: true,
    },
  })
  return strategy
}

/** Creates a TradeReady account (`POST /auth/register`); see `registerTradeReadyAccount`. */
createTradeReadyAuth.register = registerTradeReadyAccount
