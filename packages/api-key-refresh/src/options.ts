import type { SessionOptions } from '@authmux/core'

/** Options of `createApiKeyRefreshAuth`. Every `SessionOptions` field (store, logger, retry, …) is accepted too. */
export interface ApiKeyRefreshAuthOptions extends SessionOptions {
  /**
   * The long-lived API key exchanged for tokens (trimmed). Required unless `storeKey` names a stored session.
   * Secret: redacted from every message, log line and event.
   */
  apiKey?: string
  /** Base URL of the API. Tokens are sent to this origin (and below its path) and nowhere else. */
  baseURL: string
  /**
   * Key under which the tokens are stored. Default: `<name>:fp-<fingerprint of the key>`.
   *
   * **Session-only mode:** without `apiKey`, an explicit `storeKey` uses the session stored under it (saved by
   * another instance or `setTokens()`): its tokens are sent and refreshed with the refresh token, the key is never
   * exchanged, and `logout()` deletes them. When the refresh token is refused, the session ends with a
   * `TokenExpiredError`.
   */
  storeKey?: string
  /** Path (below `baseURL`) of the exchange endpoint that takes the API key. Default `'/auth/token'`. */
  tokenPath?: string
  /** Path (below `baseURL`) of the refresh endpoint that takes the refresh token. Default `'/auth/refresh'`. */
  refreshPath?: string
  /** JSON field that carries the API key in the exchange body. Default `'api_key'`. */
  apiKeyField?: string
  /** JSON field that carries the refresh token in the refresh body. Default `'refresh_token'`. */
  refreshTokenField?: string
  /** Header that carries the access token. Default `'Authorization'`. */
  header?: string
  /** Word before the access token, or `null` for the bare token. Default `'Bearer'`. */
  scheme?: string | null
  /**
   * Non-secret exchange-response fields to keep in `TokenSet.meta`, as `{ responseField: metaName }`
   * (e.g. `{ company_id: 'companyId' }`). Readable with `auth.meta`. Default none.
   */
  metaFields?: Readonly<Record<string, string>>
  /** Provider name used in messages, events and the default store key. Default `'api-key-refresh'`. */
  name?: string
}
