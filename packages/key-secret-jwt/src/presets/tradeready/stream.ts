import {
  type AuthError,
  type AuthStrategy,
  type AuthWebSocket,
  type AuthWebSocketEventMap,
  type AuthWebSocketState,
  ConfigError,
  type ConnectWebSocketOptions,
  connectWebSocket,
  NetworkError,
  ProviderError,
} from '@authmux/core'
import { Listeners } from '@authmux/core/provider'
import { PACKAGE_NAME } from '../../package-name'
import { type ResolvedChannel, resolveChannel, type TradeReadySubscription } from './channels'
import { TRADEREADY_SUBSCRIPTION_LIMIT } from './constants'

/** Options of `tradeready.connectWebSocket()`: core's `connectWebSocket` options, with `onOpen` given the TradeReady stream. */
export interface TradeReadyStreamOptions extends Omit<ConnectWebSocketOptions, 'onOpen'> {
  /**
   * Runs on every (re)connect, after every subscription was sent again (the server's confirmations are still on their
   * way) and before `open` listeners.
   */
  onOpen?(stream: TradeReadyStream): void | Promise<void>
}

/**
 * TradeReady's `/ws/v1` stream: core's reconnecting `AuthWebSocket` (the API key on every connect, `{"action":"pong"}`
 * to every ping, a 403 on the upgrade → `InvalidCredentialsError` and no retry) plus subscriptions that survive
 * reconnects. Replies (`subscribed`, `unsubscribed`, `error`) and data also arrive as `message` events.
 */
export interface TradeReadyStream extends AuthWebSocket {
  /**
   * Subscribes (now if open, else on the next connect) and keeps the subscription across reconnects. Resolves with
   * the channel key once the server answers `{"type":"subscribed","channel":key}`; rejects with a `ProviderError`
   * (`providerCode` `INVALID_CHANNEL`, `SUBSCRIPTION_LIMIT`, …) when it answers `{"type":"error"}`, and with a
   * `ConfigError` (`providerCode: 'SUBSCRIPTION_LIMIT'`) without sending anything when 10 channels are already held
   * (the server's limit per connection; re-subscribing a held channel does not count). A held channel resolves at once.
   */
  subscribe(subscription: TradeReadySubscription): Promise<string>
  /**
   * Stops restoring the subscription and, when open, unsubscribes: resolves with the channel key once the server
   * answers `{"type":"unsubscribed"}` (at once when not connected: a new connection starts with none).
   */
  unsubscribe(subscription: TradeReadySubscription): Promise<string>
  /** Channel keys held now, restored on every reconnect (`ticker:BTCUSDT`, `orders`, …), in subscription order. */
  readonly subscriptions: readonly string[]
}

type Op = 'subscribe' | 'unsubscribe'
type Waiter = { resolve(key: string): void; reject(error: AuthError): void }
type Reply = { type: 'subscribed' | 'unsubscribed'; channel: string } | { type: 'error'; code: string; message: string }

const provider = 'tradeready'

/** Opens TradeReady's stream for `strategy` (see `TradeReadyStream`). */
export function connectTradeReadyStream(strategy: AuthStrategy, options: TradeReadyStreamOptions = {}): TradeReadyStream {
  return new Stream(strategy, options)
}

class Stream implements TradeReadyStream {
  readonly #socket: AuthWebSocket
  /** Channels to hold (restored on every connect), by key. */
  readonly #held = new Map<string, ResolvedChannel['wire']>()
  /** Channels the server confirmed on the current connection. */
  readonly #confirmed = new Set<string>()
  /** Requests sent on the current connection and not answered yet, in order (an error reply names no channel). */
  #inFlight: Array<{ op: Op; key: string }> = []
  readonly #waiters = new Map<string, Waiter[]>()
  readonly #errors = new Listeners<AuthWebSocketEventMap['error']>()

  constructor(strategy: AuthStrategy, options: TradeReadyStreamOptions) {
    const { onOpen, ...rest } = options
    this.#socket = connectWebSocket(strategy, {
      ...rest,
      onOpen: async () => {
        this.#restore()
        await onOpen?.(this)
      },
    })
    this.#socket.on('message', ({ data }) => this.#onMessage(data))
    // A stream that ends for good fails the calls still waiting with the reason it ended (a refused key, say).
    let ended: AuthError | undefined
    this.#socket.on('error', ({ error }) => {
      ended = error
    })
    this.#socket.on('close', () => this.#rejectAll(ended ?? closedError()))
  }

  get state(): AuthWebSocketState {
    return this.#socket.state
  }

  get subscriptions(): readonly string[] {
    return [...this.#held.keys()]
  }

  send(data: string): void {
    this.#socket.send(data)
  }

  close(code?: number, reason?: string): Promise<void> {
    return this.#socket.close(code, reason)
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  on<E extends keyof AuthWebSocketEventMap>(event: E, listener: (event: AuthWebSocketEventMap[E]) => void): () => void {
    const off = this.#socket.on(event, listener)
    if (event !== 'error') return off
    // A restored subscription the server refuses has no caller waiting: it is reported here too.
    const offOwn = this.#errors.add(listener as (event: AuthWebSocketEventMap['error']) => void)
    return () => {
      off()
      offOwn()
    }
  }

  async subscribe(subscription: TradeReadySubscription): Promise<string> {
    const { key, wire } = resolveChannel(subscription)
    if (this.#socket.state === 'closed') throw closedError()
    if (!this.#held.has(key) && this.#held.size >= TRADEREADY_SUBSCRIPTION_LIMIT) throw limitError(key, this.subscriptions)
    this.#held.set(key, wire)
    if (this.#confirmed.has(key)) return key
    const reply = this.#wait('subscribe', key)
    if (this.#socket.state === 'open' && this.#lastOp(key) !== 'subscribe') this.#send('subscribe', key, wire)
    return reply
  }

  async unsubscribe(subscription: TradeReadySubscription): Promise<string> {
    const { key, wire } = resolveChannel(subscription)
    this.#held.delete(key)
    this.#confirmed.delete(key)
    if (this.#socket.state !== 'open') {
      // Nothing to tell the server: the next connection will not subscribe it.
      this.#settle('subscribe', key, (waiter) => waiter.reject(cancelledError(key)))
      return key
    }
    const reply = this.#wait('unsubscribe', key)
    this.#send('unsubscribe', key, wire)
    return reply
  }

  /** On every (re)connect: the new connection holds nothing yet, so every held channel is subscribed again. */
  #restore(): void {
    this.#inFlight = []
    this.#confirmed.clear()
    for (const id of [...this.#waiters.keys()]) {
      const [op, key] = splitId(id)
      if (op === 'unsubscribe') this.#settle(op, key, (waiter) => waiter.resolve(key))
      else if (!this.#held.has(key)) this.#settle(op, key, (waiter) => waiter.reject(cancelledError(key)))
    }
    for (const [key, wire] of this.#held) this.#send('subscribe', key, wire)
  }

  /** The last request for `key` still unanswered on this connection (a subscribe in flight is not sent twice). */
  #lastOp(key: string): Op | undefined {
    for (let i = this.#inFlight.length - 1; i >= 0; i--) if (this.#inFlight[i]!.key === key) return this.#inFlight[i]!.op
    return undefined
  }

  #send(op: Op, key: string, wire: ResolvedChannel['wire']): void {
    this.#socket.send(JSON.stringify({ action: op, ...wire }))
    this.#inFlight.push({ op, key })
  }

  #onMessage(data: string): void {
    const reply = parseReply(data)
    if (!reply) return
    if (reply.type === 'error') {
      // The server answers in order and an error names no channel: it is the oldest request not answered yet.
      const entry = this.#inFlight.shift()
      if (!entry) return
      const error = replyError(entry.op, entry.key, reply)
      if (entry.op === 'subscribe') {
        this.#held.delete(entry.key)
        this.#confirmed.delete(entry.key)
      }
      if (!this.#settle(entry.op, entry.key, (waiter) => waiter.reject(error))) this.#errors.emit({ error })
      return
    }
    const op: Op = reply.type === 'subscribed' ? 'subscribe' : 'unsubscribe'
    const index = this.#inFlight.findIndex((entry) => entry.op === op && entry.key === reply.channel)
    if (index >= 0) this.#inFlight.splice(index, 1)
    if (op === 'subscribe' && this.#held.has(reply.channel)) this.#confirmed.add(reply.channel)
    this.#settle(op, reply.channel, (waiter) => waiter.resolve(reply.channel))
  }

  #wait(op: Op, key: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const id = `${op} ${key}`
      this.#waiters.set(id, [...(this.#waiters.get(id) ?? []), { resolve, reject }])
    })
  }

  /** Settles every caller waiting for `op` on `key`; returns whether there was one. */
  #settle(op: Op, key: string, settle: (waiter: Waiter) => void): boolean {
    const id = `${op} ${key}`
    const waiters = this.#waiters.get(id)
    this.#waiters.delete(id)
    for (const waiter of waiters ?? []) settle(waiter)
    return waiters !== undefined
  }

  #rejectAll(error: AuthError): void {
    const all = [...this.#waiters.values()].flat()
    this.#waiters.clear()
    for (const waiter of all) waiter.reject(error)
  }
}

function splitId(id: string): [Op, string] {
  const space = id.indexOf(' ')
  return [id.slice(0, space) as Op, id.slice(space + 1)]
}

/** A subscribe/unsubscribe reply, or undefined for anything else (data, pings are answered by the heartbeat). */
function parseReply(data: string): Reply | undefined {
  if (!data.includes('"type"')) return undefined
  let message: Record<string, unknown>
  try {
    message = JSON.parse(data) as Record<string, unknown>
  } catch {
    return undefined
  }
  if (typeof message !== 'object' || message === null) return undefined
  const { type, channel, code } = message
  if ((type === 'subscribed' || type === 'unsubscribed') && typeof channel === 'string') return { type, channel }
  if (type === 'error') return { type, code: typeof code === 'string' ? code : 'UNKNOWN', message: String(message.message ?? '').slice(0, 200) }
  return undefined
}

const FIXES: Record<string, string> = {
  INVALID_CHANNEL: 'check the channel and its symbol / interval / battleId.',
  SUBSCRIPTION_LIMIT: `a connection holds at most ${TRADEREADY_SUBSCRIPTION_LIMIT} channels — unsubscribe one, or open another stream.`,
}

function replyError(op: Op, key: string, reply: { code: string; message: string }): ProviderError {
  const said = reply.message ? ` ("${reply.message}")` : ''
  return new ProviderError(
    `${PACKAGE_NAME}: TradeReady refused to ${op} ${key} with ${reply.code}${said} — ${FIXES[reply.code] ?? 'see the provider message.'}`,
    {
      provider,
      providerCode: reply.code,
    },
  )
}

function limitError(key: string, held: readonly string[]): ConfigError {
  return new ConfigError(
    `${PACKAGE_NAME}: cannot subscribe ${key}: this TradeReady stream already holds ${TRADEREADY_SUBSCRIPTION_LIMIT} channels (${held.join(', ')}), the server's limit per connection — unsubscribe one, or open another stream with connectWebSocket().`,
    { provider, field: 'subscription', providerCode: 'SUBSCRIPTION_LIMIT' },
  )
}

function cancelledError(key: string): ConfigError {
  return new ConfigError(`${PACKAGE_NAME}: the TradeReady subscription ${key} was unsubscribed before the server confirmed it.`, {
    provider,
    field: 'subscription',
  })
}

function closedError(): NetworkError {
  return new NetworkError(`${PACKAGE_NAME}: the TradeReady stream is closed — open a new one with connectWebSocket().`, { provider })
}
