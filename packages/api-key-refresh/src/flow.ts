import { fingerprint, TokenExpiredError, type AuthFlow, type OutgoingRequest, type FlowContext, type RefreshWindow, type TokenSet } from '@authmux/core'
import { exchangeResponseSchema, pickMeta, refreshResponseSchema } from './schemas'

/** The provider part of a flow, validated by the factory: the same object for every strategy of a preset. Internal. */
export interface ApiKeyRefreshSpec {
  name: string
  packageName: string
  tokenPath: string
  refreshPath: string
  apiKeyField: string
  refreshTokenField: string
  header: string
  scheme: string | null
  metaFields: Readonly<Record<string, string>>
  refreshWindow?: RefreshWindow
  /** How a signed-out user gets a session (the engine appends it to its signed-out errors). */
  loginHint?: string
}

/** Statuses of the refresh endpoint that mean "this refresh token no longer works". */
const REFRESH_REJECTED = [400, 401, 403, 404]

function expiresAt(body: { expires_in?: number | undefined; expires_at?: string | number | undefined }, ctx: FlowContext, token: string) {
  if (body.expires_in !== undefined) return ctx.expiry({ expiresInSeconds: body.expires_in })
  if (body.expires_at !== undefined) return ctx.expiry({ expiresAt: body.expires_at })
  return ctx.expiry({ jwt: token })
}

/**
 * API key → access + refresh token. `acquire()` exchanges the key; `renew()` trades the refresh token for a new
 * access token (keeping the refresh token when none comes back); when renewal is refused — or fails outright after
 * the access token has already expired — it signals the engine to re-exchange the API key. The methods are shared
 * (prototype), a flow holds only its spec, base URL and key.
 */
export class ApiKeyRefreshFlow implements AuthFlow {
  constructor(
    readonly spec: ApiKeyRefreshSpec,
    readonly baseURL: string,
    /** Undefined in session-only mode: stored tokens are used and refreshed, the key is never exchanged. */
    readonly apiKey: string | undefined,
  ) {}

  get name(): string {
    return this.spec.name
  }
  get packageName(): string {
    return this.spec.packageName
  }
  get credentialHeaders(): string[] {
    return [this.spec.header]
  }
  get secrets(): Array<string | undefined> {
    return [this.apiKey]
  }
  get canAcquire(): boolean {
    return this.apiKey !== undefined
  }
  get identity(): Promise<string> | undefined {
    return this.apiKey === undefined ? undefined : fingerprint(this.apiKey)
  }
  get refreshWindow(): RefreshWindow | undefined {
    return this.spec.refreshWindow
  }
  get loginHint(): string | undefined {
    return this.spec.loginHint
  }

  async acquire(ctx: FlowContext): Promise<TokenSet> {
    const spec = this.spec
    const { data } = await ctx.request({
      url: spec.tokenPath,
      method: 'POST',
      json: { [spec.apiKeyField]: this.apiKey },
      schema: exchangeResponseSchema,
    })
    ctx.addSecret(data.access_token)
    ctx.addSecret(data.refresh_token)
    const tokens: TokenSet = { accessToken: data.access_token }
    if (data.refresh_token) tokens.refreshToken = data.refresh_token
    const expiry = expiresAt(data, ctx, data.access_token)
    if (expiry !== undefined) tokens.expiresAt = expiry
    const meta = pickMeta(data, spec.metaFields)
    if (meta) tokens.meta = meta
    return tokens
  }

  async renew(tokens: TokenSet, ctx: FlowContext): Promise<TokenSet> {
    const { name, packageName, refreshPath, refreshTokenField } = this.spec
    if (!tokens.refreshToken) {
      throw new TokenExpiredError(`${packageName}: no ${name} refresh token held; exchanging the API key again.`, { provider: name })
    }
    // A refresh endpoint that is down while the token has already expired makes the engine exchange the key again.
    const response = await ctx.request({
      url: refreshPath,
      method: 'POST',
      json: { [refreshTokenField]: tokens.refreshToken },
      acceptStatus: REFRESH_REJECTED,
      schema: refreshResponseSchema,
    })
    if (REFRESH_REJECTED.includes(response.status)) {
      throw new TokenExpiredError(`${packageName}: ${name} refused the refresh token (HTTP ${response.status}); exchanging the API key again.`, {
        provider: name,
        status: response.status,
      })
    }
    // 2xx bodies were validated by the engine against the schema (a mismatch is a ResponseShapeError).
    const data = response.data
    ctx.addSecret(data.access_token)
    ctx.addSecret(data.refresh_token)
    const renewed: TokenSet = { accessToken: data.access_token, refreshToken: data.refresh_token ?? tokens.refreshToken }
    const expiry = expiresAt(data, ctx, data.access_token)
    if (expiry !== undefined) renewed.expiresAt = expiry
    // The engine carries the previous meta (company, …) over to the renewed set.
    return renewed
  }

  apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    if (!tokens) return
    const { header, scheme } = this.spec
    request.headers.set(header, scheme ? `${scheme} ${tokens.accessToken}` : tokens.accessToken)
  }

  /** The token and refresh endpoints (asked only on a 401, so the base URL is parsed then). */
  isAuthEndpoint(url: URL): boolean {
    const base = new URL(this.baseURL)
    const prefix = base.pathname.replace(/\/+$/, '')
    return url.origin === base.origin && [this.spec.tokenPath, this.spec.refreshPath].some((path) => url.pathname === `${prefix}/${path.replace(/^\/+/, '')}`)
  }
}
