import { type AuthError, type AuthFlow, ConfigError, type FlowContext, type OutgoingRequest, type TokenSet, createSession, fingerprint } from '@authmux/core'
import { PACKAGE_NAME, credentialOption, optionOrEnv, requireCredential } from '../../options'
import type { TradeReadyAuth, TradeReadyAuthOptions, TradeReadyUserCredentials } from './auth'
import { TRADEREADY_API_KEY_ENV, TRADEREADY_API_SECRET_ENV, TRADEREADY_API_URL_ENV, TRADEREADY_DEFAULT_BASE_URL } from './constants'
import { tradeReadyError } from './errors'
import { tradeReadyLoginLimit } from './login-limit'
import { type TradeReadyRateLimit, readRateLimit } from './rate-limit'
import { isTradeReadyJwtRoute } from './routes'
import { tradeReadyTokenResponse } from './schemas'

const provider = 'tradeready'

/**
 * One TradeReady strategy's flow: its own fields only; the methods and constants live on the prototype. It does not
 * extend the generic `JwtFlow`: TradeReady's token body is fixed (`token` + ISO `expires_at`, both checked by the
 * schema), so a preset user does not ship the generic field selectors.
 */
class TradeReadyFlow implements AuthFlow {
  /** Email + password given to `userLogin()`: later logins use them. */
  user: TradeReadyUserCredentials | undefined
  rateLimit: TradeReadyRateLimit | undefined
  #base: URL | undefined

  declare readonly name: string
  declare readonly packageName: string
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

  /**
   * Key + secret at `/auth/login`, or the `userLogin()` email + password at `/auth/user-login`. The engine takes the
   * JWT's `exp` when `expires_at` does not parse, and registers the token for redaction.
   */
  async acquire(ctx: FlowContext): Promise<TokenSet> {
    const user = this.user
    ctx.addSecret(user?.password)
    const { data } = await ctx.request({
      url: user ? '/auth/user-login' : '/auth/login',
      json: user ? { email: user.email, password: user.password } : { api_key: this.apiKey, api_secret: this.apiSecret },
      schema: tradeReadyTokenResponse,
    })
    return { accessToken: data.token, expiresAt: ctx.expiry({ expiresAt: data.expires_at }) }
  }

  /** Without an API key there is no X-API-Key to send: the JWT goes to every route (TradeReady accepts it everywhere). */
  needsToken(request: { url: URL }): boolean {
    this.#base ??= new URL(this.baseURL)
    return this.apiKey === undefined || isTradeReadyJwtRoute(request.url, this.#base)
  }

  apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    if (tokens && this.needsToken(request)) request.headers.set('Authorization', `Bearer ${tokens.accessToken}`)
    else if (this.apiKey !== undefined) request.headers.set('X-API-Key', this.apiKey)
    if (this.agentId) request.headers.set('X-Agent-Id', this.agentId)
  }

  /** `/auth/login`, `/auth/user-login` and `/auth/register`: a 401 there is never renewed and replayed. */
  isAuthEndpoint(url: URL): boolean {
    return /\/auth\/(login|user-login|register)\/*$/i.test(url.pathname)
  }

  toError(response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' }): AuthError | undefined {
    return tradeReadyError(response, this.now())
  }

  onResponse(response: Response): void {
    this.rateLimit = readRateLimit(response.headers) ?? this.rateLimit
  }
}
Object.assign(TradeReadyFlow.prototype, {
  name: provider,
  packageName: PACKAGE_NAME,
  credentialHeaders: ['X-API-Key', 'X-Agent-Id'],
  loginHint: `Run \`authmux login tradeready\`, pass { apiKey, apiSecret }, or call userLogin({ email, password }).`,
  // A 401 on a JWT route is renewed and replayed; on an X-API-Key route the key itself was refused.
  replayOn401: TradeReadyFlow.prototype.needsToken,
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
      ? requireCredential(apiKeyOption, 'apiKey', { provider, envName: TRADEREADY_API_KEY_ENV })
      : credentialOption(apiKeyOption, 'apiKey', { provider, envName: TRADEREADY_API_KEY_ENV })
  const apiSecret = credentialOption(apiSecretOption, 'apiSecret', { provider, envName: TRADEREADY_API_SECRET_ENV })
  // The engine checks the base URL (https, or http to loopback) when the session is created.
  const baseURL = optionOrEnv(baseURLOption, TRADEREADY_API_URL_ENV) ?? TRADEREADY_DEFAULT_BASE_URL
  if (agentId?.trim() === '') {
    throw new ConfigError(`${PACKAGE_NAME}: agentId is empty — pass the agent's UUID or leave it out.`, { provider, field: 'agentId' })
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
        const password = credentials?.password
        if (!email || !password || password.length < 8) {
          throw new ConfigError(`${PACKAGE_NAME}: userLogin needs { email, password }, the password 8–72 characters.`, {
            provider,
            field: email ? 'password' : 'email',
          })
        }
        const previous = flow.user
        flow.user = { email, password }
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
