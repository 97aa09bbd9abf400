import { ConfigError, type StreamAuth } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'
import { TRADEREADY_API_KEY_ENV } from './constants'

/** What the stream needs of a TradeReady strategy: its base URL and API key. */
interface StreamFields {
  readonly baseURL: string
  readonly apiKey: string | undefined
}

/**
 * The stream URL of a TradeReady API: `ws(s)://<host of baseURL>/ws/v1`, at the origin root (the REST API is under
 * `/api/v1`, the WebSocket route is not); `wss:` for an `https:` base.
 */
export function tradeReadyStreamURL(baseURL: string): string {
  const base = new URL(baseURL)
  return `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}/ws/v1`
}

/** `{"action":"pong"}`: the only pong the backend counts (`{"type":"pong"}`, the SDK's, is an `UNKNOWN_ACTION`). */
const PONG = JSON.stringify({ action: 'pong' })

/** Whether a server message is the backend's heartbeat `{"type":"ping"}`. */
function isPing(data: string): boolean {
  if (!data.includes('"ping"')) return false
  try {
    const message: unknown = JSON.parse(data)
    return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ping'
  } catch {
    return false
  }
}

/**
 * How TradeReady's `/ws/v1` is authenticated: the API key (not the JWT: the handler never reads a token) as the
 * `api_key` query parameter. A refused key is answered HTTP 403 before the upgrade, which renewing cannot cure
 * (`rejectionIsFinal`). The server pings every 30 s and closes a socket that does not answer `{"action":"pong"}`.
 */
export function tradeReadyStreamAuth(fields: StreamFields): StreamAuth {
  return {
    urls: [tradeReadyStreamURL(fields.baseURL)],
    needsToken: false,
    rejectionIsFinal: true,
    authenticate(_tokens, upgrade) {
      if (fields.apiKey === undefined) throw missingApiKey()
      upgrade.url.searchParams.set('api_key', fields.apiKey)
    },
    heartbeat(data, send) {
      if (!isPing(data)) return false
      send(PONG)
      return true
    },
  }
}

/** The stream authenticates with the API key only: a session-only strategy (a stored JWT, no key) cannot open it. */
export function missingApiKey(): ConfigError {
  return new ConfigError(
    `${PACKAGE_NAME}: the TradeReady stream (/ws/v1) authenticates with the API key only (it never reads a JWT) — pass { apiKey } (or set ${TRADEREADY_API_KEY_ENV}).`,
    { provider: 'tradeready', field: 'apiKey' },
  )
}
