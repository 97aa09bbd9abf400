import { assertSecureBaseURL, fingerprint } from '@authmux/core'
import { defineFlow, type FlowFields, type FlowSpec, isEndpoint } from '@authmux/core/provider'
import { PACKAGE_NAME } from '../../package-name'
import { TRADEREADY_API_KEY_ENV, TRADEREADY_API_SECRET_ENV } from './constants'
import { tradeReadyError } from './errors'
import { type TradeReadyRateLimit, readRateLimit } from './rate-limit'
import { isTradeReadyJwtRoute } from './routes'
import { tradeReadyTokenResponse } from './schemas'
import { tradeReadyStreamAuth } from './stream-auth'

/** Email + password for `/auth/user-login`. */
export interface TradeReadyUserCredentials {
  email: string
  /** 8–72 characters. Secret. */
  password: string
}

/** What one TradeReady strategy holds; the methods live once on the shared flow (`tradeReadyFlow`). */
export interface TradeReadyFields extends FlowFields {
  /** `baseURL`, parsed on the first request (every request asks whether it is a JWT route); idle strategies hold none. */
  base: URL | undefined
  /** `ak_live_…`, sent as `X-API-Key`; undefined in session-only mode. */
  readonly apiKey: string | undefined
  /** `sk_live_…`, exchanged with the key for a JWT. */
  readonly apiSecret: string | undefined
  /** Sent as `X-Agent-Id` when set. */
  readonly agentId: string | undefined
  /** The session's clock (Retry-After dates are read against it). */
  readonly now: () => number
  /** Whether a login can run: key + secret, or the email + password given to `userLogin()`. */
  canAcquire: boolean
  /** Email + password given to `userLogin()`: later logins use them. */
  user: TradeReadyUserCredentials | undefined
  /** The last `X-RateLimit-*` values seen on a credentialed response. */
  rateLimit: TradeReadyRateLimit | undefined
}

/** The resolved values of one strategy: options and environment already read and checked. */
export interface TradeReadyValues {
  baseURL: string
  allowInsecureHttp?: boolean | undefined
  apiKey?: string | undefined
  apiSecret?: string | undefined
  agentId?: string | undefined
  now?: (() => number) | undefined
  /** More values to redact (the password of a `register()` call). */
  extraSecrets?: Array<string | undefined>
}

/**
 * One strategy's fields, its base URL checked (https, or http to loopback unless `allowInsecureHttp`). Its store key
 * names the API key by a fingerprint (`tradeready:key:<12 hex>`).
 */
export function tradeReadyFields(values: TradeReadyValues): TradeReadyFields {
  const { baseURL, apiKey, apiSecret, agentId } = values
  assertSecureBaseURL(baseURL, { allowInsecureHttp: values.allowInsecureHttp, provider: 'tradeready', packageName: PACKAGE_NAME })
  return {
    baseURL,
    base: undefined,
    identity: apiKey === undefined ? undefined : fingerprint(apiKey).then((print) => `key:${print}`),
    secrets: [apiKey, apiSecret, ...(values.extraSecrets ?? [])],
    apiKey,
    apiSecret,
    agentId,
    now: values.now ?? Date.now,
    canAcquire: apiKey !== undefined && apiSecret !== undefined,
    user: undefined,
    rateLimit: undefined,
  }
}

/** The endpoints that hand out a JWT: a 401 there is never renewed and replayed. */
const AUTH_PATHS = ['/auth/login', '/auth/user-login', '/auth/register']

/** The strategy's base URL, parsed once. */
function baseOf(fields: TradeReadyFields): URL {
  fields.base ??= new URL(fields.baseURL)
  return fields.base
}

/** Without an API key there is no X-API-Key to send: the JWT goes to every route (TradeReady accepts it everywhere). */
function needsToken(request: { url: URL }, fields: TradeReadyFields): boolean {
  return fields.apiKey === undefined || isTradeReadyJwtRoute(baseOf(fields), request.url)
}

/**
 * TradeReady (AgentExchange): key + secret → JWT at `/auth/login` (or email + password at `/auth/user-login`), the JWT
 * on `/agents/*` and `/battles/*`, `X-API-Key` on every other route, `X-Agent-Id` when set. No refresh endpoint: the
 * engine logs in again before `expires_at`.
 */
export const tradeReadySpec: FlowSpec<TradeReadyFields> = {
  name: 'tradeready',
  packageName: PACKAGE_NAME,
  credentialHeaders: ['X-API-Key', 'X-Agent-Id'],
  loginHint: `Run \`authmux login tradeready\`, or pass { apiKey, apiSecret } (or set ${TRADEREADY_API_KEY_ENV} and ${TRADEREADY_API_SECRET_ENV}), or call userLogin({ email, password }).`,

  /**
   * Key + secret at `/auth/login`, or the `userLogin()` email + password at `/auth/user-login`. The engine takes the
   * JWT's `exp` when `expires_at` does not parse, and registers the token for redaction.
   */
  async acquire(ctx, fields) {
    const user = fields.user
    ctx.addSecret(user?.password)
    const { data } = await ctx.request({
      url: user ? '/auth/user-login' : '/auth/login',
      json: user ? { email: user.email, password: user.password } : { api_key: fields.apiKey, api_secret: fields.apiSecret },
      schema: tradeReadyTokenResponse,
    })
    return { accessToken: data.token, expiresAt: ctx.expiry({ expiresAt: data.expires_at }) }
  },

  apply(tokens, request, fields) {
    if (tokens && needsToken(request, fields)) request.headers.set('Authorization', `Bearer ${tokens.accessToken}`)
    else if (fields.apiKey !== undefined) request.headers.set('X-API-Key', fields.apiKey)
    if (fields.agentId !== undefined) request.headers.set('X-Agent-Id', fields.agentId)
  },

  needsToken,
  // A 401 on a JWT route is renewed and replayed; on an X-API-Key route the key itself was refused.
  replayOn401: needsToken,
  isAuthEndpoint: (url, fields) => AUTH_PATHS.some((path) => isEndpoint(baseOf(fields), url, path)),
  toError: (response, fields) => tradeReadyError(response, fields.now()),
  onResponse(response, _request, fields) {
    fields.rateLimit = readRateLimit(response.headers) ?? fields.rateLimit
  },
  // `/ws/v1?api_key=…` at the origin root, pong to every ping; a 403 on the upgrade is final (see stream-auth.ts).
  stream: tradeReadyStreamAuth,
}

/** One flow per strategy, sharing `tradeReadySpec`'s methods: `tradeReadyFlow(fields)`. */
export const tradeReadyFlow = defineFlow(tradeReadySpec)
