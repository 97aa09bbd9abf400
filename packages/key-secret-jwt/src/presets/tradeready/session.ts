import {
  type AuthError,
  ConfigError,
  type FlowContext,
  type OutgoingRequest,
  type TokenSet,
  assertSecureBaseURL,
  createSession,
  fingerprint,
} from '@authmux/core'
import { CONFIG, JwtFlow, label } from '../../flow'
import type { KeySecretJwtConfig } from '../../types'
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

/** The TradeReady flow config, one for every strategy; key and secret are read from the flow. */
const TRADEREADY = {
  name: provider,
  loginPath: '/auth/login',
  loginBody: (flow: TradeReadyFlow) => ({ api_key: flow.apiKey, api_secret: flow.apiSecret }),
  responseSchema: tradeReadyTokenResponse,
  ...TOKEN_FIELDS,
} as unknown as KeySecretJwtConfig

/** One TradeReady strategy's flow: its own fields only; the methods and constants live on the prototype. */
class TradeReadyFlow extends JwtFlow {
  /** Email + password given to `userLogin()`: later logins use them. */
  user: TradeReadyUserCredentials | undefined
  rateLimit: TradeReadyRateLimit | undefined
  #base: URL | undefined

  declare readonly baseURL: string
  declare readonly apiKey: string | undefined
  declare readonly apiSecret: string | undefined
  declare readonly agentId: string | undefined
  declare readonly secrets: Array<string | undefined>
  declare readonly now: () => number

  get identity(): Promise<string> | undefined {
    return this.apiKey === undefined ? undefined : fingerprint(this.apiKey).then((print) => `key:${print}`)
  }

  /** The engine checks this before every login: key + secret, or the email + password given to userLogin(). */
  get canAcquire(): boolean {
    return (this.apiKey !== undefined && this.apiSecret !== undefined) || this.user !== undefined
  }

  override async acquire(ctx: FlowContext): Promise<TokenSet> {
    const user = this.user
    if (!user) return super.acquire(ctx)
    ctx.addSecret(user.password)
    const response = await ctx.request({
      url: '/auth/user-login',
      json: { email: user.email, password: user.password },
      schema: tradeReadyTokenResponse,
    })
    return tokenSetFrom(response.data, TOKEN_FIELDS, ctx, label(this, '/auth/user-login'))
  }

  /** Without an API key there is no X-API-Key to send: the JWT goes to every route (TradeReady accepts it everywhere). */
  needsToken(request: { url: URL }): boolean {
    this.#base ??= new URL(this.baseURL)
    return this.apiKey === undefined || isTradeReadyJwtRoute(request.url, this.#base)
  }

  override apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    if (tokens && this.needsToken(request)) request.headers.set('Authorization', `Bearer ${tokens.accessToken}`)
    else if (this.apiKey !== undefined) request.headers.set('X-API-Key', this.apiKey)
    if (this.agentId) request.headers.set('X-Agent-Id', this.agentId)
  }

  override isAuthEndpoint(url: URL): boolean {
    return super.isAuthEndpoint(url) || /\/auth\/(user-login|register)$/i.test(url.pathname)
  }

  toError(response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' }): AuthError | undefined {
    return tradeReadyError(response, this.now())
  }

  onResponse(response: Response): void {
    this.rateLimit = readRateLimit(response.headers) ?? this.rateLimit
  }
}
Object.assign(TradeReadyFlow.prototype, {
  [CONFIG]: TRADEREADY,
  name: provider,
  packageName: PACKAGE_NAME,
  credentialHeaders: ['X-API-Key', 'X-Agent-Id'],
  loginHint: LOGIN_HINT,
  // A 401 on a JWT route is renewed and replayed; on an X-API-Key route the key itself was refused.
  replayOn401: TradeReadyFlow.prototype.needsToken,
  // No refresh endpoint (the engine logs in again) and no logout endpoint.
  renew: undefined,
  revoke: undefined,
})

/** Each strategy's flow, for the shared `rateLimit` getter (a per-strategy getter would give every strategy its own hidden class). */
const flows = new WeakMap<object, TradeReadyFlow>()

function rateLimit(this: object): TradeReadyRateLimit | undefined {
  return flows.get(this)?.rateLimit
}

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
  assertSecureBaseURL(baseURL, { allowInsecureHttp: session.allowInsecureHttp ?? false, provider, packageName: PACKAGE_NAME })
  if (agentId !== undefined && agentId.trim() === '') {
    throw new ConfigError(`${PACKAGE_NAME}: agentId is empty — pass the agent's UUID or leave agentId out.`, { provider, field: 'agentId' })
  }

  const flow = Object.assign(new TradeReadyFlow(), {
    baseURL,
    apiKey,
    apiSecret,
    agentId: agentId?.trim(),
    secrets: [apiKey, apiSecret, ...(internal.secrets ?? [])],
    now: session.now ?? Date.now,
  })
  const strategy = createSession(flow, { ...session, loginLimit: tradeReadyLoginLimit(loginLimit) }) as TradeReadyAuth
  flows.set(strategy, flow)
  Object.defineProperties(strategy, {
    rateLimit: { get: rateLimit, enumerable: false, configurable: true },
    userLogin: {
      value: async (credentials: TradeReadyUserCredentials) => {
        const email = credentials?.email?.trim()
        if (!email) throw new ConfigError(`${PACKAGE_NAME}: userLogin needs { email } — pass the account's email.`, { provider, field: 'email' })
        if (!credentials.password || credentials.password.length < 8) {
          throw new ConfigError(`${PACKAGE_NAME}: userLogin needs { password } of 8–72 characters.`, { provider, field: 'password' })
        }
        const previous = flow.user
        flow.user = { email, password: credentials.password }
        try {
          await strategy.login()
        } catch (error) {
          flow.user = previous // a failed sign-in must not replace working credentials
          throw error
        }
      },
      enumerable: false,
      configurable: true,
    },
  })
  return strategy
}
