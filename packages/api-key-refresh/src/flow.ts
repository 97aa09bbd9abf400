import { TokenExpiredError, type FlowContext, type RefreshWindow, type TokenSet } from '@authmux/core'
import { defineFlow, isEndpoint, type DefinedFlow, type FlowFields, type FlowSpec } from '@authmux/core/provider'
import { exchangeResponseSchema, pickMeta, refreshResponseSchema } from './schemas'

/** The message prefix of this package. */
export const PACKAGE_NAME = '@authmux/api-key-refresh'

/**
 * What one API speaks, validated by the factory: its endpoints, body fields and how the token is attached. One object
 * per provider (Apala) or per distinct generic configuration, shared by every strategy of it. Internal.
 */
export interface ApiKeyRefreshApi {
  /** Provider name: messages, events, the default store key. */
  readonly name: string
  /** Exchange endpoint (below `baseURL`) that takes the API key. */
  readonly tokenPath: string
  /** Refresh endpoint (below `baseURL`) that takes the refresh token. */
  readonly refreshPath: string
  /** JSON field of the API key in the exchange body. */
  readonly apiKeyField: string
  /** JSON field of the refresh token in the refresh body. */
  readonly refreshTokenField: string
  /** Header that carries the access token. */
  readonly header: string
  /** Word before the access token, or null for the bare token. */
  readonly scheme: string | null
  /** Non-secret exchange-response fields kept in `TokenSet.meta`: `{ responseField: metaName }`. */
  readonly metaFields: Readonly<Record<string, string>>
  /** Refresh window the provider recommends. */
  readonly refreshWindow?: RefreshWindow
  /** How a signed-out user gets a session (appended to the engine's signed-out errors). */
  readonly loginHint?: string
}

/** What one strategy holds: its base URL and key. Everything else is the shared `ApiKeyRefreshApi`. */
export interface ApiKeyRefreshFields extends FlowFields {
  /** The API key, or undefined in session-only mode (stored tokens are used and refreshed, the key never exchanged). */
  readonly apiKey: string | undefined
}

/** Statuses of the refresh endpoint that mean "this refresh token no longer works". */
const REFRESH_REJECTED = [400, 401, 403, 404]

/** The local expiry of a token answer: `expires_in` seconds, else `expires_at`, else the JWT `exp`. */
function expiryOf(body: { access_token: string; expires_in?: number | undefined; expires_at?: string | number | undefined }, ctx: FlowContext) {
  if (body.expires_in !== undefined) return ctx.expiry({ expiresInSeconds: body.expires_in })
  if (body.expires_at !== undefined) return ctx.expiry({ expiresAt: body.expires_at })
  return ctx.expiry({ jwt: body.access_token })
}

/**
 * API key → access + refresh token, written once per API. `acquire()` exchanges the key; `renew()` trades the refresh
 * token for a new access token (keeping the refresh token when none comes back) and, when the refresh token is
 * refused or was never issued, throws `TokenExpiredError` so the engine exchanges the key again (or, without a key,
 * ends the session with the API's login hint).
 */
export function apiKeyRefreshSpec(api: ApiKeyRefreshApi): FlowSpec<ApiKeyRefreshFields> {
  const { name } = api
  return {
    name,
    packageName: PACKAGE_NAME,
    credentialHeaders: [api.header],
    ...(api.refreshWindow ? { refreshWindow: api.refreshWindow } : {}),
    ...(api.loginHint ? { loginHint: api.loginHint } : {}),

    async acquire(ctx, fields) {
      const { data } = await ctx.request({
        url: api.tokenPath,
        method: 'POST',
        json: { [api.apiKeyField]: fields.apiKey },
        schema: exchangeResponseSchema,
      })
      ctx.addSecret(data.access_token)
      ctx.addSecret(data.refresh_token)
      const tokens: TokenSet = { accessToken: data.access_token }
      if (data.refresh_token) tokens.refreshToken = data.refresh_token
      const expiresAt = expiryOf(data, ctx)
      if (expiresAt !== undefined) tokens.expiresAt = expiresAt
      const meta = pickMeta(data, api.metaFields)
      if (meta) tokens.meta = meta
      return tokens
    },

    async renew(tokens, ctx) {
      if (!tokens.refreshToken) {
        throw new TokenExpiredError(`${PACKAGE_NAME}: no ${name} refresh token held; exchanging the API key again.`, { provider: name })
      }
      const response = await ctx.request({
        url: api.refreshPath,
        method: 'POST',
        json: { [api.refreshTokenField]: tokens.refreshToken },
        acceptStatus: REFRESH_REJECTED,
        schema: refreshResponseSchema,
      })
      if (!response.ok) {
        throw new TokenExpiredError(`${PACKAGE_NAME}: ${name} refused the refresh token (HTTP ${response.status}); exchanging the API key again.`, {
          provider: name,
          status: response.status,
        })
      }
      // ok: a 2xx body, validated against the schema by the engine (a mismatch is a ResponseShapeError).
      const { data } = response
      ctx.addSecret(data.access_token)
      ctx.addSecret(data.refresh_token)
      const renewed: TokenSet = { accessToken: data.access_token, refreshToken: data.refresh_token ?? tokens.refreshToken }
      const expiresAt = expiryOf(data, ctx)
      if (expiresAt !== undefined) renewed.expiresAt = expiresAt
      // The engine carries the previous meta (company, …) over to the renewed set.
      return renewed
    },

    apply(tokens, request) {
      if (tokens) request.headers.set(api.header, api.scheme ? `${api.scheme} ${tokens.accessToken}` : tokens.accessToken)
    },

    /** The exchange and refresh endpoints (asked only on a 401, so the base URL is parsed then). */
    isAuthEndpoint(url, fields) {
      const base = new URL(fields.baseURL)
      return isEndpoint(base, url, api.tokenPath) || isEndpoint(base, url, api.refreshPath)
    },
  }
}

/** The flow factory of one API: methods and constants on one prototype, each strategy's flow holds only its fields. */
export function defineApiKeyRefreshFlow(api: ApiKeyRefreshApi): (fields: ApiKeyRefreshFields) => DefinedFlow<ApiKeyRefreshFields> {
  return defineFlow(apiKeyRefreshSpec(api))
}
