import { createSession, type Session } from '@authmux/core'
import { createApiKeyRefreshFlow } from './flow'
import type { ApiKeyRefreshAuthOptions } from './options'
import { checkPath, checkSecret, checkToken, checkURL } from './validate'

/** An API-key-refresh strategy: the engine's `Session` plus manual refresh and the expiry getter. */
export interface ApiKeyRefreshAuth extends Session {
  /** Trades the refresh token for a new access token now (exchanging the API key again if that is refused). */
  refreshAccessToken(): Promise<void>
  /** Epoch ms when the current access token expires (local clock), or undefined before the first exchange. */
  readonly tokenExpiresAt: number | undefined
}

/** Internal: builds the strategy for a validated provider configuration. */
export function buildApiKeyRefreshAuth(
  options: ApiKeyRefreshAuthOptions,
  preset: {
    packageName: string
    name: string
    envKey?: string
    refreshWindow?: { beforeExpiryMs: number }
    loginHint?: string
    /** Without an API key, an explicit `storeKey` means session-only (use the stored tokens, never exchange). */
    allowSessionOnly?: boolean
  },
): ApiKeyRefreshAuth {
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
    name: _name,
    ...session
  } = options
  const where = { packageName: preset.packageName, provider: preset.name }
  const sessionOnly = preset.allowSessionOnly === true && session.storeKey !== undefined && (rawKey === undefined || rawKey === '')
  const apiKey = sessionOnly
    ? undefined
    : checkSecret(rawKey, 'apiKey', {
        ...where,
        ...(preset.envKey ? { envName: preset.envKey } : {}),
        ...(preset.allowSessionOnly ? { hint: 'Or pass { storeKey } to use a stored session without the key.' } : {}),
      })
  const baseURL = checkURL(rawBase, where).href.replace(/\/+$/, '')
  const flow = createApiKeyRefreshFlow({
    name: preset.name,
    packageName: preset.packageName,
    baseURL,
    apiKey,
    tokenPath: checkPath(tokenPath, 'tokenPath', '/auth/token', where),
    refreshPath: checkPath(refreshPath, 'refreshPath', '/auth/refresh', where),
    apiKeyField: checkToken(apiKeyField, 'apiKeyField', 'api_key', where),
    refreshTokenField: checkToken(refreshTokenField, 'refreshTokenField', 'refresh_token', where),
    header: checkToken(header, 'header', 'Authorization', where),
    scheme: scheme === null || scheme === '' ? null : checkToken(scheme, 'scheme', 'Bearer', where),
    metaFields: metaFields ?? {},
    ...(preset.refreshWindow ? { refreshWindow: preset.refreshWindow } : {}),
    ...(preset.loginHint ? { loginHint: preset.loginHint } : {}),
  })
  const strategy = createSession(flow, session)
  Object.defineProperties(strategy, {
    refreshAccessToken: { value: () => strategy.refresh(), enumerable: false },
    tokenExpiresAt: { get: () => strategy.expiresAt, enumerable: false },
  })
  return strategy as ApiKeyRefreshAuth
}

/**
 * Exchanges a long-lived API key for an access + refresh token, attaches the access token (`Authorization: Bearer`
 * by default), renews it with the refresh token before it expires, and exchanges the API key again when renewal
 * is refused. Refresh timing, single flight, retries, 401 replay and redaction are the engine's.
 */
export function createApiKeyRefreshAuth(options: ApiKeyRefreshAuthOptions): ApiKeyRefreshAuth {
  const name = options?.name ?? 'api-key-refresh'
  return buildApiKeyRefreshAuth(options ?? ({} as ApiKeyRefreshAuthOptions), { packageName: '@authmux/api-key-refresh', name })
}
