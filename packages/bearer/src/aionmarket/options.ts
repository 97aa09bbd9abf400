import type { SessionOptions } from '@authmux/core'
import type { EnvSource } from '@authmux/core/provider'

/** Provider name in errors, events and store keys. */
export const AIONMARKET = 'aionmarket'

/** Environment variable that holds the agent's API key. */
export const AIONMARKET_KEY_ENV = 'AIONMARKET_API_KEY'

/** Environment variable that holds the API base URL. */
export const AIONMARKET_BASE_URL_ENV = 'AIONMARKET_BASE_URL'

/** Where the key comes from and where a new one comes from, for the "key invalid or revoked" error. */
export const AIONMARKET_KEY_SOURCE = {
  name: AIONMARKET,
  envName: AIONMARKET_KEY_ENV,
  newKeyHint: 'with createApiKey() (authenticated with a working key), registerAgent(), or on the AionMarket dashboard',
}

/** Production base URL of the AionMarket agent API (the SDK default). */
export const AIONMARKET_DEFAULT_BASE_URL = 'https://api.aionmarket.com/bvapi'

/** Options of `createAionMarketAuth`. Every `SessionOptions` field (store, logger, retry, …) is accepted too. */
export interface AionMarketAuthOptions extends SessionOptions {
  /**
   * The agent's API key ("apiKeyCode"), trimmed. Default: the `AIONMARKET_API_KEY` environment variable. May be left
   * out when you only call `registerAgent()`, the one public endpoint, or to use a stored key (see `storeKey`).
   * Secret: redacted everywhere.
   */
  apiKey?: string
  /**
   * API base URL including the `/bvapi` path. Default: `AIONMARKET_BASE_URL`, else
   * `https://api.aionmarket.com/bvapi`.
   */
  baseURL?: string
  /**
   * Key under which the API key is stored. Default: `aionmarket:<key fingerprint>`.
   *
   * Session-only mode: with no `apiKey` (neither the option nor `AIONMARKET_API_KEY`) and an explicit `storeKey`, the
   * strategy sends the key stored under `storeKey` (e.g. saved by `authmux login aionmarket --save-key`) and never
   * falls back to a configured one; when the store holds none, authenticated calls fail with a `TokenExpiredError`
   * saying how to supply a key.
   */
  storeKey?: string
  /**
   * Where `AIONMARKET_API_KEY` and `AIONMARKET_BASE_URL` are read: the process environment (default), a map of your
   * own, or `false` to read no environment at all.
   */
  env?: EnvSource
  /** `User-Agent` sent with every request (Node/edge only — browsers ignore it). Visible ASCII. Default: none added. */
  userAgent?: string
  /**
   * `X-Request-ID` sent with every request, for support tickets and log correlation: `true` generates a fresh UUID
   * per request, a function returns your own id, `false` sends none. Default `true`.
   */
  requestId?: boolean | (() => string)
}
