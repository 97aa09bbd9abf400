import type { UpgradeListener } from '../http-types.js'
import type { SharedControls } from '../server.js'
import { type StreamConnection, type StreamControls, StreamHost } from './host.js'
import { credentialTag, type StreamCredential } from './log.js'

/** Options of the TradeReady WebSocket (`GET /ws/v1?api_key=…`). */
export interface TradeReadyStreamOptions {
  /** Time between the end of one heartbeat and the next `{"type":"ping"}`, in ms (default 30 000, as the backend). */
  pingIntervalMs?: number
  /** How long the server waits for `{"action":"pong"}` after a ping before it closes with 1000, in ms (default 10 000). */
  pongTimeoutMs?: number
  /** Ticker pushes to subscribed sockets every this many ms (default 1000; 0 = only `pushTicker()`). */
  tickerIntervalMs?: number
  /** Symbols `ticker:all` subscribers get ticks for (default `BTCUSDT`, `ETHUSDT`, `SOLUSDT`). */
  symbols?: string[]
  /** Subscriptions per connection (default 10). */
  subscriptionLimit?: number
}

/** The `data` of a ticker push. Decimals are strings, `timestamp` is ISO UTC with ms. */
export interface TradeReadyTick {
  price: string
  quantity: string
  timestamp: string
  is_buyer_maker: boolean
}

/** Realtime controls of the TradeReady emulator (`tradeready.streams`). */
export interface TradeReadyStreams extends StreamControls {
  /** `ws://127.0.0.1:PORT/ws/v1` — append `?api_key=…`. */
  readonly url: string
  /**
   * Push one tick of `symbol` (default: one per configured symbol) to the `ticker:<SYM>` and `ticker:all` subscribers
   * now; `data` overrides generated fields. Returns the number of frames sent (a socket holding both keys gets two).
   */
  pushTicker(symbol?: string, data?: Partial<TradeReadyTick>): number
  /** Send `message` as-is to every socket subscribed to the resolved channel key (`orders`, `candles:BTCUSDT:1m`, …). Returns how many. */
  push(channelKey: string, message: unknown): number
  /** Send `{"type":"ping"}` now to every socket not already waiting for a pong (its pong timer starts). Returns how many. */
  pingNow(): number
}

/** Result of checking an `api_key` against the emulator's accounts and agents. */
export type TradeReadyKeyCheck = { ok: true } | { ok: false; state: 'invalid' | 'revoked'; reason: string }

interface State {
  subscriptions: Set<string>
  ping(): void
  awaitingPong: boolean
}

const INTERVALS = new Set(['1m', '5m', '1h', '1d'])
const START_PRICES: Record<string, number> = { BTCUSDT: 64_521.3, ETHUSDT: 3_204.55, SOLUSDT: 148.12, BNBUSDT: 585.4, XRPUSDT: 0.5231 }

type Resolved = { key: string } | { invalid: string } | { typeError: string }

/** Resolve `{channel, symbol?, interval?, battle_id?}` to a channel key, as the backend's channel table does. */
function resolveChannel(message: Record<string, unknown>): Resolved {
  for (const field of ['symbol', 'interval', 'battle_id']) {
    const value = message[field]
    if (value !== undefined && value !== null && typeof value !== 'string') return { typeError: `${field} must be a string` }
  }
  const channel = message.channel
  const symbol = typeof message.symbol === 'string' ? message.symbol.trim().toUpperCase() : ''
  const interval = typeof message.interval === 'string' ? message.interval : ''
  const battleId = typeof message.battle_id === 'string' ? message.battle_id.trim() : ''
  switch (channel) {
    case 'ticker':
      return symbol ? { key: `ticker:${symbol}` } : { invalid: "Channel 'ticker' requires a symbol." }
    case 'ticker_all':
      return { key: 'ticker:all' }
    case 'candles':
      if (!symbol) return { invalid: "Channel 'candles' requires a symbol." }
      if (!INTERVALS.has(interval)) return { invalid: "Channel 'candles' requires an interval of 1m, 5m, 1h or 1d." }
      return { key: `candles:${symbol}:${interval}` }
    case 'orders':
    case 'portfolio':
      return { key: channel }
    case 'battle':
      return battleId ? { key: `battle:${battleId}` } : { invalid: "Channel 'battle' requires a battle_id." }
    default:
      return { invalid: `Unknown channel '${typeof channel === 'string' ? channel : String(channel)}'.` }
  }
}

/** Build the TradeReady realtime endpoint `GET /ws/v1?api_key=…` (providers.md 9.3). */
export function createTradeReadyStreams(
  shared: SharedControls,
  options: TradeReadyStreamOptions,
  deps: { checkKey(apiKey: string): TradeReadyKeyCheck; faultBody(status: number): unknown },
): { listener: UpgradeListener; controls: TradeReadyStreams } {
  const pingIntervalMs = options.pingIntervalMs ?? 30_000
  const pongTimeoutMs = options.pongTimeoutMs ?? 10_000
  const limit = options.subscriptionLimit ?? 10
  const symbols = (options.symbols ?? ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']).map((s) => s.trim().toUpperCase())
  const prices = new Map<string, number>()
  const { clock } = shared

  const host: StreamHost<State> = new StreamHost<State>({
    provider: 'tradeready',
    shared,
    faultBody: deps.faultBody,
    endpoint: {
      handles: (path) => path === '/ws/v1',
      async admit(request) {
        // Only the `api_key` query parameter counts (a `token` parameter or headers are never read).
        const apiKey = request.query.get('api_key') ?? ''
        const state = { subscriptions: new Set<string>(), ping: () => {}, awaitingPong: false }
        if (!apiKey) return { ok: false, status: 403, credentials: [], reason: 'missing api_key' }
        const check = deps.checkKey(apiKey)
        const credential: StreamCredential = { via: 'query:api_key', tag: credentialTag(apiKey), state: check.ok ? 'valid' : check.state }
        // The backend closes before accept(); the ASGI server turns that into an HTTP 403 handshake failure.
        if (!check.ok) return { ok: false, status: 403, credential, credentials: [credential], reason: check.reason }
        return { ok: true, credential, credentials: [credential], state }
      },
      open: (connection) => open(connection),
    },
  })

  function open(connection: StreamConnection<State>): void {
    const { state } = connection
    let pongTimer: ReturnType<typeof connection.after> | undefined
    let pingTimer: ReturnType<typeof connection.after> | undefined
    state.ping = () => {
      if (state.awaitingPong) return
      connection.cancel(pingTimer)
      if (!connection.sendJson({ type: 'ping' })) return
      state.awaitingPong = true
      pongTimer = connection.after(pongTimeoutMs, () => connection.close(1000, '', `no {"action":"pong"} within ${pongTimeoutMs} ms of a ping`))
    }
    const schedulePing = () => {
      pingTimer = connection.after(pingIntervalMs, state.ping)
    }
    schedulePing()

    const error = (code: string, message: string) => connection.sendJson({ type: 'error', code, message })
    connection.onMessage((text, isBinary) => {
      // The backend's receive loop ends (close 1000) on anything that is not a JSON object in a text frame.
      if (isBinary) return connection.close(1000, '', 'binary frame')
      let message: unknown
      try {
        message = JSON.parse(text)
      } catch {
        return connection.close(1000, '', 'message is not JSON')
      }
      if (!message || typeof message !== 'object' || Array.isArray(message)) return connection.close(1000, '', 'message is not a JSON object')
      const fields = message as Record<string, unknown>
      const action = fields.action
      if (action === 'pong') {
        if (!state.awaitingPong) return
        state.awaitingPong = false
        connection.cancel(pongTimer)
        schedulePing()
        return
      }
      if (action !== 'subscribe' && action !== 'unsubscribe') {
        const shown = action === undefined || action === null ? '' : String(action)
        return error('UNKNOWN_ACTION', `Unknown action '${shown}'. Expected subscribe, unsubscribe or pong.`)
      }
      const resolved = resolveChannel(fields)
      if ('typeError' in resolved) return connection.close(1000, '', resolved.typeError)
      if ('invalid' in resolved) {
        connection.record(action, typeof fields.channel === 'string' ? fields.channel : String(fields.channel), false, 'INVALID_CHANNEL')
        return error('INVALID_CHANNEL', resolved.invalid)
      }
      const { key } = resolved
      if (action === 'unsubscribe') {
        state.subscriptions.delete(key)
        connection.record('unsubscribe', key, true)
        connection.sendJson({ type: 'unsubscribed', channel: key })
        return
      }
      if (!state.subscriptions.has(key) && state.subscriptions.size >= limit) {
        connection.record('subscribe', key, false, 'SUBSCRIPTION_LIMIT')
        return error('SUBSCRIPTION_LIMIT', `Subscription limit reached: at most ${limit} subscriptions per connection.`)
      }
      state.subscriptions.add(key)
      connection.record('subscribe', key, true)
      connection.sendJson({ type: 'subscribed', channel: key })
    })
  }

  function tick(symbol: string, data: Partial<TradeReadyTick> = {}) {
    const last = prices.get(symbol) ?? START_PRICES[symbol] ?? 100
    const next = Math.max(0.0001, last * (1 + (Math.random() - 0.5) * 0.002))
    prices.set(symbol, next)
    const tickData: TradeReadyTick = {
      price: next >= 1 ? next.toFixed(2) : next.toFixed(6),
      quantity: (0.001 + Math.random() * 0.5).toFixed(3),
      timestamp: new Date(clock.now()).toISOString(),
      is_buyer_maker: Math.random() < 0.5,
      ...data,
    }
    return JSON.stringify({ channel: 'ticker', symbol, data: tickData })
  }

  function sendToKeys(keys: string[], frame: string): number {
    let sent = 0
    for (const connection of host.connections()) for (const key of keys) if (connection.state.subscriptions.has(key) && connection.send(frame)) sent += 1
    return sent
  }

  const pushTicker = (symbol?: string, data?: Partial<TradeReadyTick>) => {
    let sent = 0
    for (const sym of symbol === undefined ? symbols : [symbol.trim().toUpperCase()]) sent += sendToKeys([`ticker:${sym}`, 'ticker:all'], tick(sym, data))
    return sent
  }

  host.every(options.tickerIntervalMs ?? 1000, () => {
    const wanted = new Set<string>()
    for (const connection of host.connections())
      for (const key of connection.state.subscriptions)
        if (key === 'ticker:all') for (const s of symbols) wanted.add(s)
        else if (key.startsWith('ticker:')) wanted.add(key.slice('ticker:'.length))
    for (const symbol of wanted) sendToKeys([`ticker:${symbol}`, 'ticker:all'], tick(symbol))
  })

  const controls: TradeReadyStreams = {
    log: host.log,
    get url() {
      return `${host.wsOrigin}/ws/v1`
    },
    get openSockets() {
      return host.openCount
    },
    dropAll: (o) => host.dropAll(o),
    refuseUpgrades: (o) => host.refuseUpgrades(o),
    pushTicker,
    push: (channelKey, message) => sendToKeys([channelKey], typeof message === 'string' ? message : JSON.stringify(message)),
    pingNow() {
      let pinged = 0
      for (const connection of host.connections()) {
        if (connection.state.awaitingPong) continue
        connection.state.ping()
        pinged += 1
      }
      return pinged
    },
  }
  return { listener: host, controls }
}
