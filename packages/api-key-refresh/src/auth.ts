import { createSession, type Session } from '@authmux/core'
import type { DefinedFlow } from '@authmux/core/provider'
import { defineApiKeyRefreshFlow, type ApiKeyRefreshApi, type ApiKeyRefreshFields } from './flow'
import type { ApiKeyRefreshAuthOptions } from './options'
import { apiKeyOption, baseURLOption, headerOption, jsonFieldOption, pathOption, schemeOption } from './validate'

/** An API-key-refresh strategy: the engine's `Session` (`refresh()`, `expiresAt`, `meta`, …). */
export interface ApiKeyRefreshAuth extends Session {}

const flows = new Map<string, (fields: ApiKeyRefreshFields) => DefinedFlow<ApiKeyRefreshFields>>()

/**
 * The flow factory of a validated configuration: one definition (one shared prototype) per distinct configuration,
 * so many strategies of one API stay as cheap as a preset's. Internal.
 */
export function flowOf(api: ApiKeyRefreshApi): (fields: ApiKeyRefreshFields) => DefinedFlow<ApiKeyRefreshFields> {
  const key = JSON.stringify(api)
  let flow = flows.get(key)
  if (!flow) flows.set(key, (flow = defineApiKeyRefreshFlow(api)))
  return flow
}

/**
 * Exchanges a long-lived API key for an access + refresh token, attaches the access token (`Authorization: Bearer`
 * by default), renews it with the refresh token before it expires, and exchanges the API key again when renewal
 * is refused. Refresh timing, single flight, retries, 401 replay and redaction are the engine's. Without `apiKey`,
 * an explicit `storeKey` uses the session stored under it (session-only mode).
 */
export function createApiKeyRefreshAuth(options: ApiKeyRefreshAuthOptions): ApiKeyRefreshAuth {
  const {
    apiKey: keyOption,
    baseURL: baseOption,
    tokenPath,
    refreshPath,
    apiKeyField,
    refreshTokenField,
    header,
    scheme,
    metaFields,
    name: nameOption,
    ...session
  } = options ?? ({} as Partial<ApiKeyRefreshAuthOptions>)
  const provider = nameOption ?? 'api-key-refresh'
  const base = baseURLOption(baseOption, {
    provider,
    allowInsecureHttp: session.allowInsecureHttp,
    hint: "Use the API's address, e.g. 'https://api.example.com'.",
  })
  // Without a key, an explicit storeKey means session-only: use (refresh, log out) the stored tokens, never exchange.
  const apiKey = apiKeyOption(keyOption, session.storeKey, { provider })
  const flow = flowOf({
    name: provider,
    tokenPath: pathOption(tokenPath, 'tokenPath', '/auth/token', provider),
    refreshPath: pathOption(refreshPath, 'refreshPath', '/auth/refresh', provider),
    apiKeyField: jsonFieldOption(apiKeyField, 'apiKeyField', 'api_key', provider),
    refreshTokenField: jsonFieldOption(refreshTokenField, 'refreshTokenField', 'refresh_token', provider),
    header: headerOption(header, provider),
    scheme: schemeOption(scheme, provider),
    metaFields: metaFields ?? {},
    loginHint: 'Pass { apiKey } to exchange the key again, or import fresh tokens with setTokens().',
  })
  return createSession(
    flow({ baseURL: base.href.replace(/\/+$/, ''), identity: undefined, secrets: [apiKey], canAcquire: apiKey !== undefined, apiKey }),
    session,
  )
}
