import { ConfigError, InsecureTransportError, InvalidCredentialsError, NetworkError, TokenExpiredError, type AuthError } from './errors'
import { internalsOf, type SessionInternals } from './internals'
import { Listeners } from './listeners'
import { isLoopbackHost } from './secure-url'
import type { StreamAuth } from './stream-auth'
import type { AuthStrategy } from './types'
import { openSocket, resolveWebSocket, type OpenSocket, type WebSocketConstructor } from './websocket-runtime'

/** Reconnect policy of an authenticated stream: full-jitter exponential backoff. */
export interface ReconnectOptions {
  /** First backoff delay in ms; doubles each attempt. Default 500. */
  baseDelayMs?: number
  /** Longest backoff delay in ms. Default 30000. */
  maxDelayMs?: number
  /** Attempts after a drop (or a failed first connect) before giving up. Default `Infinity`: forever. */
  maxAttempts?: number
}

/** Options of `connectWebSocket`. */
export interface ConnectWebSocketOptions {
  /** Absolute ws(s):// URL. Default: the strategy's own stream URL (its first; fallbacks are tried in turn). */
  url?: string
  /** WebSocket constructor. Default: the `ws` package in Node (custom headers), else `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor
  /** Runs on every (re)connect, before `open` listeners: restore subscriptions here. */
  onOpen?(socket: AuthWebSocket): void | Promise<void>
  /** Reconnect policy. */
  reconnect?: ReconnectOptions
  /** Allow `ws:` to non-loopback hosts. Default: the strategy's `allowInsecureHttp`. */
  allowInsecure?: boolean
}

/** Events of an `AuthWebSocket`. URLs in payloads are redacted. */
export interface AuthWebSocketEventMap {
  open: { url: string; attempt: number; reconnected: boolean }
  message: { data: string }
  reconnecting: { attempt: number; delayMs: number; reason: string }
  close: { code: number; reason: string }
  error: { error: AuthError }
}

export type AuthWebSocketState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** A WebSocket that authenticates every (re)connect with fresh credentials from its strategy, and reconnects. */
export interface AuthWebSocket {
  readonly state: AuthWebSocketState
  /** Sends a text frame; a `NetworkError` when the socket is not open (wait for `open`, or send from `onOpen`). */
  send(data: string): void
  /** Closes for good (no reconnect); resolves once closed. */
  close(code?: number, reason?: string): Promise<void>
  on<E extends keyof AuthWebSocketEventMap>(event: E, listener: (event: AuthWebSocketEventMap[E]) => void): () => void
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Opens an authenticated, reconnecting WebSocket to the strategy's realtime stream: fresh credentials for every
 * (re)connect (refreshed first when past the must point — never a token frozen into a URL), jittered backoff forever by
 * default (a failed first connect included), an auth rejection (HTTP 401/403 on the upgrade, or the provider's auth
 * close code) → renew once and reconnect once, a second one → typed error and stop; heartbeats the provider needs;
 * credentials only to the strategy's stream origins; every credential-bearing URL redacted.
 */
export function connectWebSocket(strategy: AuthStrategy, options: ConnectWebSocketOptions = {}): AuthWebSocket {
  const internals = internalsOf(strategy)
  if (!internals?.flow.stream) {
    throw new ConfigError(`@authmux/core: ${strategy.name} declares no realtime stream; connectWebSocket() needs a strategy whose provider has one.`, {
      provider: strategy.name,
      field: 'strategy',
    })
  }
  return new ReconnectingSocket(internals, internals.flow.stream, options)
}

type ListenersByEvent = { [E in keyof AuthWebSocketEventMap]?: Listeners<AuthWebSocketEventMap[E]> }

class ReconnectingSocket implements AuthWebSocket {
  #state: AuthWebSocketState = 'connecting'
  readonly #internals: SessionInternals
  readonly #stream: StreamAuth
  readonly #options: ConnectWebSocketOptions
  readonly #urls: URL[]
  /** Listener sets, created on the first `on()` of each event (an idle stream holds none it doesn't use). */
  readonly #listeners: ListenersByEvent = {}
  #socket: OpenSocket | undefined
  #attempt = 0
  #opened = false
  #renewedAfterRejection = false
  #stopping = false
  #timer: ReturnType<typeof setTimeout> | undefined
  #closed: Promise<void>
  #resolveClosed!: () => void

  constructor(internals: SessionInternals, stream: StreamAuth, options: ConnectWebSocketOptions) {
    this.#internals = internals
    this.#stream = stream
    this.#options = options
    this.#urls = this.#checkedURLs()
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve))
    void this.#connect()
  }

  get state(): AuthWebSocketState {
    return this.#state
  }

  send(data: string): void {
    if (this.#state !== 'open' || !this.#socket) {
      throw new NetworkError(
        `${this.#label.packageName}: the ${this.#label.provider} stream is ${this.#state}, not open; send from onOpen or after the 'open' event.`,
        {
          provider: this.#label.provider,
        },
      )
    }
    this.#socket.send(data)
  }

  on<E extends keyof AuthWebSocketEventMap>(event: E, listener: (event: AuthWebSocketEventMap[E]) => void): () => void {
    const byEvent: ListenersByEvent = this.#listeners
    const listeners = (byEvent[event] ??= new Listeners<AuthWebSocketEventMap[E]>() as ListenersByEvent[E]) as Listeners<AuthWebSocketEventMap[E]>
    return listeners.add(listener)
  }

  close(code = 1000, reason = ''): Promise<void> {
    this.#stopping = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    if (this.#socket) this.#socket.close(code, reason)
    else this.#finish(code, reason)
    return this.#closed
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  get #label() {
    return { provider: this.#internals.flow.name, packageName: this.#internals.flow.packageName }
  }

  /** The stream URLs credentials may go to: the strategy's own, or the one given if it is on one of their origins. */
  #checkedURLs(): URL[] {
    const own = this.#stream.urls.map((url) => new URL(url))
    const allowInsecure = this.#options.allowInsecure ?? this.#internals.allowInsecureHttp
    const chosen = this.#options.url === undefined ? own : [new URL(this.#options.url)]
    for (const url of chosen) {
      if (!own.some((candidate) => candidate.origin === url.origin)) {
        throw new ConfigError(
          `${this.#label.packageName}: ${url.origin} is not a ${this.#label.provider} stream origin (${own.map((u) => u.origin).join(', ')}); stream credentials are only sent there.`,
          { provider: this.#label.provider, code: 'URL_NOT_OWNED', field: 'url' },
        )
      }
      if (url.protocol !== 'wss:' && !(url.protocol === 'ws:' && (isLoopbackHost(url.hostname) || allowInsecure))) {
        throw new InsecureTransportError(
          `${this.#label.packageName}: refusing to send ${this.#label.provider} stream credentials over ${url.protocol} to ${url.host}. Use wss:, or pass allowInsecure: true if you really mean it.`,
          { provider: this.#label.provider },
        )
      }
    }
    return chosen
  }

  async #connect(): Promise<void> {
    if (this.#stopping) return
    const url = new URL(this.#urls[this.#attempt % this.#urls.length]!.href)
    const headers: Record<string, string> = {}
    let usedToken: string | undefined
    let Ctor: WebSocketConstructor
    try {
      Ctor = await resolveWebSocket(this.#options.WebSocket)
      if (this.#stream.needsHeaders && !supportsHeaders(Ctor)) {
        throw new ConfigError(
          `${this.#label.packageName}: the ${this.#label.provider} stream authenticates with headers (cookies or Authorization), which this runtime's WebSocket cannot send. Pass { WebSocket } from the \`ws\` package.`,
          { provider: this.#label.provider, field: 'WebSocket' },
        )
      }
      const tokens = this.#stream.needsToken === false ? undefined : await this.#internals.streamTokens(this.#stream.renewInWindow ?? false)
      usedToken = tokens?.accessToken
      this.#stream.authenticate(tokens, { url, headers })
    } catch (error) {
      // No credentials to connect with (or a config error): typed, reported, and no reconnect loop.
      return this.#fail(error)
    }
    if (this.#stopping) return
    this.#socket = openSocket(Ctor, url, headers, {
      open: () => void this.#onOpen(url),
      message: (data) => this.#onMessage(data),
      // 401/403: the credentials were refused. Anything else (a 502 from a proxy, a 503) is an outage: back off.
      rejected: (status) => {
        if (status === 401 || status === 403) void this.#onRejected(usedToken, `HTTP ${status} on the upgrade`)
        else this.#onClose(1006, `HTTP ${status} on the upgrade`, usedToken)
      },
      close: (code, reason) => this.#onClose(code, reason, usedToken),
    })
  }

  async #onOpen(url: URL): Promise<void> {
    const reconnected = this.#opened
    this.#opened = true
    this.#renewedAfterRejection = false
    const attempt = this.#attempt
    this.#attempt = 0
    this.#state = 'open'
    try {
      await this.#options.onOpen?.(this)
    } catch (error) {
      this.#emitError(error)
    }
    this.#listeners.open?.emit({ url: this.#internals.redact(url.href), attempt, reconnected })
  }

  #onMessage(data: string): void {
    if (this.#stream.heartbeat?.(data, (reply) => this.#socket?.send(reply))) return
    this.#listeners.message?.emit({ data })
  }

  #onClose(code: number, reason: string, usedToken: string | undefined): void {
    this.#socket = undefined
    if (this.#stopping) {
      this.#finish(code, reason)
      return
    }
    if (this.#stream.authCloseCodes?.includes(code)) {
      void this.#onRejected(usedToken, `close code ${code}`)
      return
    }
    this.#scheduleReconnect(`closed (${code}${reason ? ` ${this.#internals.redact(reason)}` : ''})`)
  }

  /** The provider refused the credentials: renew once and reconnect at once; a second refusal stops for good. */
  async #onRejected(usedToken: string | undefined, why: string): Promise<void> {
    this.#socket = undefined
    if (this.#stopping) return this.#finish(1008, why)
    const { provider, packageName } = this.#label
    if (this.#stream.rejectionIsFinal || usedToken === undefined) {
      return this.#fail(
        new InvalidCredentialsError(`${packageName}: ${provider} refused the stream credentials (${why}); not retrying. Check the API key.`, { provider }),
      )
    }
    if (this.#renewedAfterRejection) {
      return this.#fail(
        new TokenExpiredError(`${packageName}: ${provider} refused the stream again (${why}) right after the token was renewed; not retrying.`, { provider }),
      )
    }
    this.#renewedAfterRejection = true
    try {
      await this.#internals.recover(usedToken)
    } catch (error) {
      return this.#fail(error)
    }
    this.#state = 'reconnecting'
    this.#listeners.reconnecting?.emit({ attempt: ++this.#attempt, delayMs: 0, reason: `${why}; renewed the token` })
    void this.#connect()
  }

  #scheduleReconnect(reason: string): void {
    const { baseDelayMs = 500, maxDelayMs = 30_000, maxAttempts = Number.POSITIVE_INFINITY } = this.#options.reconnect ?? {}
    if (this.#attempt >= maxAttempts) {
      this.#fail(
        new NetworkError(`${this.#label.packageName}: the ${this.#label.provider} stream ${reason}; gave up after ${maxAttempts} attempts.`, {
          provider: this.#label.provider,
        }),
      )
      return
    }
    const delayMs = Math.round(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** this.#attempt))
    this.#attempt++
    this.#state = 'reconnecting'
    this.#listeners.reconnecting?.emit({ attempt: this.#attempt, delayMs, reason })
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#connect()
    }, delayMs)
  }

  #fail(error: unknown): void {
    this.#stopping = true
    this.#emitError(error)
    this.#finish(1008, 'authentication failed')
  }

  #emitError(error: unknown): void {
    this.#listeners.error?.emit({ error: this.#internals.report(error, 'request') })
  }

  #finish(code: number, reason: string): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    this.#listeners.close?.emit({ code, reason: this.#internals.redact(reason) })
    this.#resolveClosed()
  }
}

function supportsHeaders(Ctor: WebSocketConstructor): boolean {
  return typeof (Ctor.prototype as { on?: unknown } | undefined)?.on === 'function'
}
