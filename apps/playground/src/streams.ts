import type { AuthError, ReconnectOptions } from '@authmux/core'
import type { ProjectXHubOptions } from '@authmux/key-secret-jwt/signalr'
import type { Bot } from './bot'
import type { ProviderName } from './providers'
import type { Tracker } from './tracker'

/** The bot's realtime streams, in display order. */
export const STREAM_NAMES = ['projectx-market', 'projectx-user', 'tradeready-ticker', 'axiom-new-pairs'] as const

export type StreamName = (typeof STREAM_NAMES)[number]

/** Which provider each stream belongs to, its table label and what it is called in event lines. */
export const STREAM_INFO: Record<StreamName, { provider: ProviderName; label: string; what: string }> = {
  'projectx-market': { provider: 'projectx', label: 'projectx market', what: 'market hub' },
  'projectx-user': { provider: 'projectx', label: 'projectx user', what: 'user hub' },
  'tradeready-ticker': { provider: 'tradeready', label: 'tradeready ticker', what: 'ticker stream' },
  'axiom-new-pairs': { provider: 'axiom', label: 'axiom new_pairs', what: 'new_pairs feed' },
}

/** The symbol the TradeReady ticker stream follows. */
export const TICKER_SYMBOL = 'BTCUSDT'
/** The Axiom room the feed joins. */
export const AXIOM_ROOM = 'new_pairs'

/** What the stream table shows for one stream. Nothing in here is secret. */
export interface StreamRow {
  name: StreamName
  provider: ProviderName
  /** What the stream holds, as the server names it (`SubscribeContractQuotes:CON.F.US.EP.Z25`, `ticker:BTCUSDT`, …). */
  subscriptions: string[]
  state: 'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed'
  /** Successful connects (the first one included). */
  opens: number
  /** Successful reconnects (`opens - 1` while it runs). */
  reconnects: number
  /** Connect attempts scheduled after a drop or a failed attempt. */
  attempts: number
  /**
   * Subscriptions restored on reconnects: confirmed by the server where it confirms (TradeReady's `subscribed` reply,
   * the ProjectX hub's invocation completions), sent where it does not (Axiom's `join` has no reply).
   */
  restored: number
  /** Data messages received (quotes, account updates, ticks, room pushes — not heartbeats or replies). */
  messages: number
  /** Messages received since the scripted faults ended; undefined before they did (or without faults). */
  afterFaults: number | undefined
  /** Typed errors the stream reported (`code` of each). */
  errors: string[]
  lastEvent: string
}

/** One open stream of the bot, with the counters the fault script reads. */
export interface StreamHandle {
  readonly row: StreamRow
  /** `performance.now()` of the last successful connect. */
  readonly openedAt: number | undefined
  /** `performance.now()` of the first data message on the current connection, if one arrived. */
  readonly firstMessageAt: number | undefined
  /** From now on `row.afterFaults` counts messages. */
  markAfterFaults(): void
  /** Sets the row's last event (and prints `line` in plain output, when given). */
  note(event: string, line?: string): void
  close(): Promise<void>
}

/** Options of `openStreams`. */
export interface OpenStreamsOptions {
  /** Reconnect policy of every stream (the scripted run uses short delays so a 3 s refusal costs about 3 s). */
  reconnect?: ReconnectOptions
}

/** The streams a bot opened, and the ones it could not open (with why). */
export interface BotStreams {
  readonly handles: Map<StreamName, StreamHandle>
  readonly skipped: { stream: StreamName; why: string }[]
  close(): Promise<void>
}

// SignalR logs every failed attempt (redacted by the hub); the playground reports through the hub's typed events.
const quietSignalR: NonNullable<ProjectXHubOptions['logger']> = { log: () => {} }

/**
 * Opens the realtime streams of every configured provider that has one: the ProjectX market hub (quotes of
 * `bot.contractId`) and user hub (accounts, orders of the trading account), TradeReady's ticker (BTCUSDT), Axiom's
 * `new_pairs` room. Each reports into `tracker`; none throws (a failure is a typed `error` event on its row).
 */
export async function openStreams(bot: Bot, tracker: Tracker, options: OpenStreamsOptions = {}): Promise<BotStreams> {
  const handles = new Map<StreamName, StreamHandle>()
  const skipped: BotStreams['skipped'] = []
  const reconnect = options.reconnect
  const { projectx, tradeready, axiom } = bot.streaming
  // A stream that cannot even be set up (a refused URL, say) is skipped with the error's class and code, not fatal.
  const attempt = async (name: StreamName, open: () => Promise<void> | void) => {
    try {
      await open()
    } catch (error) {
      const e = error as { name?: string; code?: string }
      skipped.push({ stream: name, why: `could not open it: ${[e?.name ?? 'Error', e?.code].filter(Boolean).join(' ')}` })
    }
  }

  if (projectx && bot.contractId) {
    const contractId = bot.contractId
    await attempt('projectx-market', async () => {
      const row = newRow('projectx-market', [`SubscribeContractQuotes:${contractId}`])
      const hub = projectx.hubConnection('market', { logger: quietSignalR, ...(reconnect ? { reconnect } : {}) })
      const handle = new Handle(row, tracker, () => hub.stop())
      hub.on('GatewayQuote', () => handle.message())
      hub.onLifecycle('open', (e) => handle.opened(e.reconnected, e.reconnected ? hub.subscriptions.length : 0))
      hub.onLifecycle('reconnecting', (e) => handle.reconnecting(e.attempt))
      hub.onLifecycle('error', (e) => handle.error(e.error))
      hub.onLifecycle('close', () => handle.closed())
      await hub.subscribe('SubscribeContractQuotes', contractId)
      hub.start().catch(() => {}) // a failure arrives as the `error` event
      handles.set(row.name, handle)
    })
  } else if (projectx) {
    skipped.push({ stream: 'projectx-market', why: 'no contract to stream quotes of (set PROJECT_X_CONTRACT_ID, e.g. CON.F.US.EP.H26)' })
  }

  if (projectx) {
    await attempt('projectx-user', async () => {
      const accountId = await projectx.account().then(
        (account) => account.id,
        () => undefined,
      )
      const row = newRow('projectx-user', ['SubscribeAccounts', ...(accountId !== undefined ? [`SubscribeOrders:${accountId}`] : [])])
      const hub = projectx.hubConnection('user', { logger: quietSignalR, ...(reconnect ? { reconnect } : {}) })
      const handle = new Handle(row, tracker, () => hub.stop())
      hub.on('GatewayUserAccount', () => handle.message())
      hub.on('GatewayUserOrder', () => handle.message())
      hub.onLifecycle('open', (e) => handle.opened(e.reconnected, e.reconnected ? hub.subscriptions.length : 0))
      hub.onLifecycle('reconnecting', (e) => handle.reconnecting(e.attempt))
      hub.onLifecycle('error', (e) => handle.error(e.error))
      hub.onLifecycle('close', () => handle.closed())
      await hub.subscribe('SubscribeAccounts')
      if (accountId !== undefined) await hub.subscribe('SubscribeOrders', accountId)
      hub.start().catch(() => {})
      handles.set(row.name, handle)
    })
  }

  if (tradeready) {
    await attempt('tradeready-ticker', () => {
      const row = newRow('tradeready-ticker', [`ticker:${TICKER_SYMBOL}`])
      const stream = tradeready.connectWebSocket(reconnect ? { reconnect } : {})
      const handle = new Handle(row, tracker, () => stream.close())
      stream.on('open', (e) => handle.opened(e.reconnected, 0))
      stream.on('message', ({ data }) => {
        const kind = tradeReadyMessage(data)
        // A `subscribed` reply on a later connection is the server confirming a restored subscription.
        if (kind === 'subscribed' && row.opens > 1) handle.restoredOne(`ticker:${TICKER_SYMBOL}`)
        else if (kind === 'data') handle.message()
      })
      stream.on('reconnecting', (e) => handle.reconnecting(e.attempt))
      stream.on('error', (e) => handle.error(e.error))
      stream.on('close', () => handle.closed())
      stream.subscribe({ channel: 'ticker', symbol: TICKER_SYMBOL }).catch(() => {}) // refusals arrive as `error` events
      handles.set(row.name, handle)
    })
  }

  if (axiom) {
    await attempt('axiom-new-pairs', () => {
      const row = newRow('axiom-new-pairs', [AXIOM_ROOM])
      const feed = axiom.connectWebSocket({ rooms: [AXIOM_ROOM], ...(reconnect ? { reconnect } : {}) })
      const handle = new Handle(row, tracker, () => feed.close())
      feed.on('open', (e) => handle.opened(e.reconnected, e.reconnected ? feed.rooms.length : 0))
      feed.on('message', ({ data }) => {
        if (data.includes('"room"')) handle.message()
      })
      feed.on('reconnecting', (e) => handle.reconnecting(e.attempt))
      feed.on('error', (e) => handle.error(e.error))
      feed.on('close', () => handle.closed())
      handles.set(row.name, handle)
    })
  }

  for (const handle of handles.values()) tracker.addStream(handle.row)
  return {
    handles,
    skipped,
    async close() {
      await Promise.all([...handles.values()].map((h) => h.close().catch(() => {})))
    },
  }
}

/** Waits until `done()` holds, checking every 25 ms; false when `timeoutMs` passed first. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (!done()) {
    if (performance.now() >= deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return true
}

function newRow(name: StreamName, subscriptions: string[]): StreamRow {
  return {
    name,
    provider: STREAM_INFO[name].provider,
    subscriptions,
    state: 'connecting',
    opens: 0,
    reconnects: 0,
    attempts: 0,
    restored: 0,
    messages: 0,
    afterFaults: undefined,
    errors: [],
    lastEvent: 'connecting',
  }
}

/** `data` (a tick), `subscribed` (a reply), or `other` (unsubscribed, errors). Pings never get here. */
function tradeReadyMessage(data: string): 'data' | 'subscribed' | 'other' {
  try {
    const message = JSON.parse(data) as { type?: unknown; channel?: unknown }
    if (message.type === 'subscribed') return 'subscribed'
    return message.type === undefined && typeof message.channel === 'string' ? 'data' : 'other'
  } catch {
    return 'other'
  }
}

class Handle implements StreamHandle {
  readonly row: StreamRow
  openedAt: number | undefined
  firstMessageAt: number | undefined
  readonly #tracker: Tracker
  readonly #close: () => Promise<void>
  readonly #what: string
  #markAt: number | undefined
  #attemptsAtOpen = 0
  #closing = false

  constructor(row: StreamRow, tracker: Tracker, close: () => Promise<void>) {
    this.row = row
    this.#tracker = tracker
    this.#close = close
    this.#what = STREAM_INFO[row.name].what
  }

  opened(reconnected: boolean, restored: number): void {
    const row = this.row
    row.state = 'open'
    row.opens++
    this.openedAt = performance.now()
    this.firstMessageAt = undefined
    const subs = row.subscriptions.join(', ')
    if (!reconnected) {
      this.#event('open', `${this.#what} open, holding ${subs}`)
      return
    }
    row.reconnects++
    row.restored += restored
    const tries = row.attempts - this.#attemptsAtOpen
    this.#attemptsAtOpen = row.attempts
    const restoredText = restored > 0 ? `, ${count(restored, 'subscription')} restored` : ''
    this.#event(`reconnected${restoredText}`, `${this.#what} reconnected after ${count(tries, 'attempt')}${restoredText}`)
  }

  /** One restored subscription confirmed by the server after the connect (TradeReady's `subscribed` reply). */
  restoredOne(key: string): void {
    this.row.restored++
    this.#event('reconnected, subscription restored', `${this.#what}: the server confirmed ${key} again (subscription restored)`)
  }

  message(): void {
    const row = this.row
    row.messages++
    this.firstMessageAt ??= performance.now()
    if (this.#markAt !== undefined) row.afterFaults = row.messages - this.#markAt
    this.#tracker.streamChanged(row)
  }

  reconnecting(attempt: number): void {
    const row = this.row
    const first = row.state === 'open'
    row.state = 'reconnecting'
    row.attempts++
    // One line when the stream drops; the attempts that follow only update the table.
    this.#event(`reconnecting (attempt ${attempt})`, first ? `${this.#what} dropped, reconnecting with backoff` : undefined)
  }

  error(error: AuthError): void {
    const code = error.code ?? error.name
    this.row.errors.push(code)
    this.#event(`error: ${code}`, `${this.#what} error: ${error.name} ${code}`)
  }

  closed(): void {
    if (this.row.state === 'closed' || this.row.state === 'failed') return
    this.row.state = this.#closing ? 'closed' : 'failed'
    this.#event(this.#closing ? 'closed' : 'stopped for good')
  }

  markAfterFaults(): void {
    this.#markAt = this.row.messages
    this.row.afterFaults = 0
  }

  close(): Promise<void> {
    this.#closing = true
    return this.#close()
  }

  note(event: string, line?: string): void {
    this.#event(event, line)
  }

  #event(event: string, line?: string): void {
    this.row.lastEvent = event
    this.#tracker.streamChanged(this.row, line)
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
