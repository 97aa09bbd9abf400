import { ConfigError, assertSecureBaseURL, createSession, fingerprint } from '@authmux/core'
import { createKeySecretJwtFlow } from '../../flow'
import { PACKAGE_NAME, optionOrEnv, requireOption } from '../../options'
import { tokenSetFrom } from '../../token-set'
import type { TradeReadyAuth, TradeReadyAuthOptions, TradeReadyUserCredentials } from './auth'
import { TRADEREADY_API_KEY_ENV, TRADEREADY_API_SECRET_ENV, TRADEREADY_API_URL_ENV, TRADEREADY_DEFAULT_BASE_URL } from './constants'
import { tradeReadyError } from './errors'
import { tradeReadyLoginLimit } from './login-limit'
import { type TradeReadyRateLimit, readRateLimit } from './rate-limit'
import { isTradeReadyJwtRoute } from './routes'
import { tradeReadyTokenResponse } from './schemas'

/** TradeReady answers `expires_at` (ISO-8601), not `expires_in`. */
const TOKEN_FIELDS = { tokenField: 'token', expiresAtField: 'expires_at' } as const

const provider = 'tradeready'

/** How a signed-out TradeReady session gets a JWT; appended to the engine's signed-out errors. */
const LOGIN_HINT = `Run \`authmux login tradeready\`, or pass { apiKey, apiSecret } (or set ${TRADEREADY_API_KEY_ENV} and ${TRADEREADY_API_SECRET_ENV}), or call userLogin({ email, password }).`

/**
 * Builds the TradeReady strategy. Without an API key (and with an explicit `storeKey`) it runs session-only: every
 * route gets the stored JWT, and logging in needs `userLogin()`. `secrets` are extra values to redact (the password
 * of a `register()` call).
 */
export function buildTradeReadyAuth(options: TradeReadyAuthOptions, internal: { secrets?: Array<string | undefined> } = {}): TradeReadyAuth {
  const { apiKey: apiKeyOption, apiSecret: apiSecretOption, agentId, baseURL: baseURLOption, loginLimit, ...session } = options
  const apiKey =
    session.storeKey === undefined
      ? requireOption(apiKeyOption, 'apiKey', {
          provider,
          envName: TRADEREADY_API_KEY_ENV,
          hint: 'Create a key with createTradeReadyAuth.register() or in the TradeReady dashboard, or pass { storeKey } to use a stored session.',
        })
      : optionOrEnv(apiKeyOption, TRADEREADY_API_KEY_ENV)
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
    secrets: [apiKey, apiSecret, ...(internal.secrets ?? [])],
  })
  // Without an API key there is no X-API-Key to send: the JWT goes to every route (TradeReady accepts it everywhere).
  const needsToken = (request: { url: URL }): boolean => apiKey === undefined || isTradeReadyJwtRoute(request.url, base)

  const flow = {
    ...baseFlow,
    ...(apiKey === undefined ? {} : { identity: fingerprint(apiKey).then((print) => `key:${print}`) }),
    credentialHeaders: ['X-API-Key', 'X-Agent-Id'],
    loginHint: LOGIN_HINT,
    // The engine checks this before every login: key + secret, or the email + password given to userLogin().
    get canAcquire() {
      return (apiKey !== undefined && apiSecret !== undefined) || user !== undefined
    },
    acquire: async (ctx: Parameters<typeof baseFlow.acquire>[0]) => {
      if (!user) return baseFlow.acquire(ctx)
      ctx.addSecret(user.password)
      const response = await ctx.request({
        url: '/auth/user-login',
        json: { email: user.email, password: user.password },
        schema: tradeReadyTokenResponse,
      })
      return tokenSetFrom(response.data, TOKEN_FIELDS, ctx, { provider, packageName: PACKAGE_NAME, endpoint: '/auth/user-login' })
    },
    needsToken,
    apply: (tokens: Parameters<typeof baseFlow.apply>[0], request: Parameters<typeof baseFlow.apply>[1]) => {
      if (needsToken(request) && tokens) request.headers.set('Authorization', `Bearer ${tokens.accessToken}`)
      else if (apiKey !== undefined) request.headers.set('X-API-Key', apiKey)
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
