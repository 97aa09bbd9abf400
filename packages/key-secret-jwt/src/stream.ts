/**
 * `@authmux/key-secret-jwt/stream`: the TradeReady preset with its realtime stream (`connectWebSocket`). Its own entry,
 * so a bot that only makes HTTP calls never ships the stream code; the strategy is otherwise the main entry's.
 *
 * ```ts
 * import { createTradeReadyAuth } from '@authmux/key-secret-jwt/stream'
 *
 * const tradeready = createTradeReadyAuth({ apiKey, apiSecret })
 * const stream = tradeready.connectWebSocket()
 * await stream.subscribe({ channel: 'ticker', symbol: 'BTCUSDT' })
 * ```
 */
export { createTradeReadyAuth, type TradeReadyStreamAuth } from './presets/tradeready/with-stream'
export type { TradeReadyAuthOptions } from './presets/tradeready/auth'
export type { TradeReadyStream, TradeReadyStreamOptions } from './presets/tradeready/stream'
export type { TradeReadyCandleInterval, TradeReadySubscription } from './presets/tradeready/channels'
export { TRADEREADY_SUBSCRIPTION_LIMIT } from './presets/tradeready/constants'
export { tradeReadyStreamURL } from './presets/tradeready/stream-auth'
