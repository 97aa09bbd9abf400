import { extendSession } from '@authmux/core/provider'
import { registerTradeReadyAccount } from './register'
import { type TradeReadyAuth, type TradeReadyAuthOptions, tradeReadyExtras, tradeReadySession } from './auth'
import { connectTradeReadyStream, type TradeReadyStream, type TradeReadyStreamOptions } from './stream'
import { missingApiKey } from './stream-auth'

/** A TradeReady strategy with its realtime stream (`@authmux/key-secret-jwt/stream`). */
export interface TradeReadyStreamAuth extends TradeReadyAuth {
  /**
   * Opens the realtime stream `ws(s)://<baseURL host>/ws/v1?api_key=…` (`options.url` overrides it on that origin):
   * the API key on every (re)connect (the server never reads the JWT), `{"action":"pong"}` to every ping, jittered
   * reconnects forever by default, subscriptions restored after every reconnect. A 403 on the upgrade (unknown or
   * archived key, suspended account) is an `InvalidCredentialsError` `error` event and the end: a key is not renewed.
   * Needs `apiKey` (a `ConfigError` otherwise).
   */
  connectWebSocket(options?: TradeReadyStreamOptions): TradeReadyStream
}

/**
 * `createTradeReadyAuth` of the main entry, plus `connectWebSocket()`. Its own entry (`/stream`), so a bot that only
 * makes HTTP calls never ships the stream code.
 */
export function createTradeReadyAuth(options: TradeReadyAuthOptions = {}): TradeReadyStreamAuth {
  const { strategy, fields } = tradeReadySession(options)
  const connectWebSocket = (streamOptions?: TradeReadyStreamOptions): TradeReadyStream => {
    if (fields.apiKey === undefined) throw missingApiKey()
    return connectTradeReadyStream(strategy, streamOptions)
  }
  return extendSession(strategy, Object.assign(tradeReadyExtras(strategy, fields), { connectWebSocket }))
}

/** Creates a TradeReady account (`POST /auth/register`); see `registerTradeReadyAccount`. */
createTradeReadyAuth.register = registerTradeReadyAccount
