import type { SessionOptions } from '@authmux/core'

/** Provider name in errors, events and store keys. */
export const AIONMARKET = 'aionmarket'

/** Environment variable that holds the agent's API key. */
export const AIONMARKET_KEY_ENV = 'AIONMARKET_API_KEY'

/** Production base URL of the AionMarket agent API (the SDK default). */
export const AIONMARKET_DEFAULT_BASE_URL = 'https://api.aionmarket.com/bvapi'

/** Options of `createAionMarketAuth`. Every `SessionOptions` field (store, logger, retry, …) is accepted too. */
export interface AionMarketAuthOptions extends SessionOptions {
  /**
   * The agent's API key ("apiKeyCode"). Default: the `AIONMARKET_API_KEY` environment variable. May be left out when
   * you only call `registerAgent()`, the one public endpoint. Secret: redacted everywhere.
   */
  apiKey?: string
  /**
   * API base URL including the `/bvapi` path. Default: `AIONMARKET_BASE_URL`, else
   * `https://api.aionmarket.com/bvapi`.
   */
  baseURL?: string
  /** `User-Agent` sent with every request (Node/edge only — browsers ignore it). Default: none added. */
  userAgent?: string
  /**
   * `X-Request-ID` sent with every request, for support tickets and log correlation: `true` generates a fresh UUID
   * per request, a function returns your own id, `false` sends none. Default `true`.
   */
  requestId?: boolean | (() => string)
}
