import { createSession, type Session, type SessionOptions } from '@authmux/core'
import { ApiKeyRefreshFlow, type ApiKeyRefreshSpec } from './flow'
import type { ApiKeyRefreshAuthOptions } from './options'
import { checkPath, checkSecret, checkToken, checkURL } from './validate'

/** An API-key-refresh strategy: the engine's `Session` plus manual refresh and the expiry getter. */
export interface ApiKeyRefreshAuth extends Session {
  /** Trades the refresh token for a new access token now (exchanging the API key again if that is refused). */
  refreshAccessToken(): Promise<void>
  /** Epoch ms when the current access token expires (local clock), or undefined before the first exchange. */
  readonly tokenExpiresAt: number | undefined
}

function tokenExpiresAt(this: Session): number | undefined {
  return this.expiresAt
}

/** Internal: the strategy of a validated spec, base URL and key (undefined: session-only). */
export function buildApiKeyRefreshAuth(spec: ApiKeyRefreshSpec, baseURL: string, apiKey: string | undefined, session: SessionOptions): ApiKeyRefreshAuth {
  const strategy = createSession(new ApiKeyRefreshFlow(spec, baseURL, apiKey), session)
  Object.defineProperties(strategy, {
    refreshAccessToken: { value: () => strategy.refresh(), enumerable: false },
    tokenExpiresAt: { get: tokenExpiresAt, enumerable: false },
  })
  return strategy as ApiKeyRefreshAuth
}

/**
 * Exchanges a long-lived API key for an access + refresh token, attaches the access token (`Authorization: Bearer`
 * by default), renews it with the refresh token before it expires, and exchanges the API key again when renewal
 * is refused. Refresh timing, single flight, retries, 401 replay and redaction are the engine's.
 */
export function createApiKeyRefreshAuth(options: ApiKeyRefreshAuthOptions): ApiKeyRefreshAuth {
  const {
    apiKey: rawKey,
    baseURL: rawBase,
    tokenPath,
    refreshPath,
    apiKeyField,
    refreshTokenField,
    header,
    scheme,
    metaFields,
    name: rawName,
    ...session
  } = options ?? ({} as ApiKeyRefreshAuthOptions)
  const name = rawName ?? 'api-key-refresh'
  const where = { packageName: '@authmux/api-key-refresh', provider: name }
  const apiKey = checkSecret(rawKey, 'apiKey', where)
  const baseURL = checkURL(rawBase, where).href.replace(/\/+$/, '')
  const spec: ApiKeyRefreshSpec = {
    name,
    packageName: where.packageName,
    tokenPath: checkPath(tokenPath, 'tokenPath', '/auth/token', where),
    refreshPath: checkPath(refreshPath, 'refreshPath', '/auth/refresh', where),
    apiKeyField: checkToken(apiKeyField, 'apiKeyField', 'api_key', where),
    refreshTokenField: checkToken(refreshTokenField, 'refreshTokenField', 'refresh_token', where),
    header: checkToken(header, 'header', 'Authorization', where),
    scheme: scheme === null || scheme === '' ? null : checkToken(scheme, 'scheme', 'Bearer', where),
    metaFields: metaFields ?? {},
  }
  return buildApiKeyRefreshAuth(spec, baseURL, apiKey, session)
}
