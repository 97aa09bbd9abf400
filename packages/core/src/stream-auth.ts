import type { TokenSet } from './types'

/** The upgrade request of a stream connection, as a flow's `StreamAuth.authenticate()` fills it in. */
export interface StreamUpgrade {
  /** The stream URL; query parameters may carry credentials (they are redacted wherever the URL is reported). */
  url: URL
  /** Headers of the upgrade request (cookies, Authorization, Origin …). Only runtimes whose WebSocket can send headers. */
  headers: Record<string, string>
}

/**
 * How a provider's realtime stream is authenticated — the part a provider declares; `connectWebSocket()` owns the
 * rest (fresh credentials on every connect, reconnects with backoff, renew-once on a rejection, redaction).
 */
export interface StreamAuth {
  /** The stream's URLs (ws: or wss:), the default first and fallbacks after; credentials go to these origins only. */
  urls: string[]
  /** Whether the upgrade needs a token from the session (false: static credentials such as an API key). Default true. */
  needsToken?: boolean
  /** Writes the credentials into the upgrade: a query parameter, a header, cookies. */
  authenticate(tokens: TokenSet | undefined, upgrade: StreamUpgrade): void
  /**
   * The credentials travel in headers: a standard (browser) `WebSocket` cannot send them, so connecting with one is a
   * typed error. Default false (query parameters only).
   */
  needsHeaders?: boolean
  /** Renew before every (re)connect once inside the refresh window (not only past the must point). Default false. */
  renewInWindow?: boolean
  /** Close codes with which the provider rejects the credentials on an open socket. */
  authCloseCodes?: number[]
  /** A rejection cannot be cured by renewing (a static key): fail at once with `InvalidCredentialsError`. */
  rejectionIsFinal?: boolean
  /** Answers the provider's application-level heartbeat; returns true when `data` was one (then it is not passed on). */
  heartbeat?(data: string, send: (data: string) => void): boolean
}
