import { ConfigError } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'

/** Candle intervals the TradeReady stream serves. */
export type TradeReadyCandleInterval = '1m' | '5m' | '1h' | '1d'

/**
 * A TradeReady stream subscription: the channel plus the field it needs. Sent as
 * `{"action":"subscribe","channel",…,"symbol"?,"interval"?,"battle_id"?}`; the server names it by its channel key
 * (`ticker:BTCUSDT`, `ticker:all`, `candles:ETHUSDT:1m`, `orders`, `portfolio`, `battle:<id>`).
 */
export type TradeReadySubscription =
  /** Trades of one symbol (`ticker:<SYMBOL>`; the symbol is trimmed and upper-cased, as the server does). */
  | { channel: 'ticker'; symbol: string }
  /** Trades of every symbol (`ticker:all`). A socket holding it and `ticker:<SYMBOL>` gets that symbol twice. */
  | { channel: 'ticker_all' }
  /** Candles of one symbol and interval (`candles:<SYMBOL>:<interval>`). */
  | { channel: 'candles'; symbol: string; interval: TradeReadyCandleInterval }
  /** The account's order updates (`orders`). */
  | { channel: 'orders' }
  /** The account's portfolio updates (`portfolio`). */
  | { channel: 'portfolio' }
  /** One battle's updates (`battle:<battleId>`). */
  | { channel: 'battle'; battleId: string }

/** A subscription resolved to its channel key and the fields that go on the wire. */
export interface ResolvedChannel {
  key: string
  wire: { channel: string; symbol?: string; interval?: string; battle_id?: string }
}

const INTERVALS: ReadonlySet<string> = new Set(['1m', '5m', '1h', '1d'])

/**
 * Resolves a subscription to the key the server will name it by, and checks it the way the server would (so a
 * missing symbol is a `ConfigError` here, not an `INVALID_CHANNEL` a round trip later).
 */
export function resolveChannel(subscription: TradeReadySubscription): ResolvedChannel {
  const given = subscription as Partial<Record<'channel' | 'symbol' | 'interval' | 'battleId', unknown>> | undefined
  const text = (field: 'symbol' | 'interval' | 'battleId') => (typeof given?.[field] === 'string' ? (given[field] as string).trim() : '')
  const symbol = text('symbol').toUpperCase()
  switch (given?.channel) {
    case 'ticker':
      if (!symbol) throw invalid('ticker needs { symbol } (e.g. "BTCUSDT")', 'symbol')
      return { key: `ticker:${symbol}`, wire: { channel: 'ticker', symbol } }
    case 'ticker_all':
      return { key: 'ticker:all', wire: { channel: 'ticker_all' } }
    case 'candles': {
      const interval = text('interval')
      if (!symbol) throw invalid('candles needs { symbol } (e.g. "ETHUSDT")', 'symbol')
      if (!INTERVALS.has(interval)) throw invalid('candles needs { interval } of 1m, 5m, 1h or 1d', 'interval')
      return { key: `candles:${symbol}:${interval}`, wire: { channel: 'candles', symbol, interval } }
    }
    case 'orders':
    case 'portfolio':
      return { key: given.channel, wire: { channel: given.channel } }
    case 'battle': {
      const battleId = text('battleId')
      if (!battleId) throw invalid('battle needs { battleId }', 'battleId')
      return { key: `battle:${battleId}`, wire: { channel: 'battle', battle_id: battleId } }
    }
    default:
      throw invalid('channel must be one of ticker, ticker_all, candles, orders, portfolio, battle', 'channel')
  }
}

function invalid(what: string, field: string): ConfigError {
  return new ConfigError(`${PACKAGE_NAME}: TradeReady stream subscription: ${what}.`, { provider: 'tradeready', field })
}
