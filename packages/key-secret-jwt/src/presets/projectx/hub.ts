import { type AuthError, ConfigError, NetworkError, RateLimitError, type Session, TokenExpiredError } from '@authmux/core'
import { Listeners } from '@authmux/core/provider'
import { type HubConnection, HubConnectionBuilder, HubConnectionState, HttpTransportType, type IHttpConnectionOptions, LogLevel } from '@microsoft/signalr'
import { PACKAGE_NAME } from '../../package-name'
import { connectError, errorText, isTransient, refusedError } from './hub-errors'
import { HubRedactor, redactingLogger } from './hub-redact'
import { HubSocket, type HubWebSocketConstructor } from './hub-socket'
import type { ProjectXHub, ProjectXHubEventMap, ProjectXHubEvents, ProjectXHubMethods, ProjectXHubOptions, ProjectXHubSubscription } from './hub-types'
import { checkedHubURL, type ProjectXHubName, projectXHubURL } from './hub-url'

const provider = 'projectx'
type Args<T> = T extends unknown[] ? T : never

/**
 * A ProjectX Gateway hub (`'user'` or `'market'`) for `projectx` (a `createProjectXAuth` strategy), on the real
 * `@microsoft/signalr` client; see `ProjectXHub`. Nothing connects until `start()`.
 *
 * ```ts
 * const market = hubConnection(projectx, 'market')
 * market.on('GatewayQuote', (contractId, quote) => …)
 * await market.subscribe('SubscribeContractQuotes', 'CON.F.US.EP.Z25')
 * await market.start()
 * ```
 */
export function hubConnection<H extends ProjectXHubName>(projectx: Session, hub: H, options: ProjectXHubOptions = {}): ProjectXHub<H> {
  if (hub !== 'user' && hub !== 'market') {
    throw new ConfigError(`${PACKAGE_NAME}: hubConnection() takes 'user' or 'market' as the hub.`, { provider, field: 'hub' })
  }
  return new Hub(projectx, hub, options)
}

class Hub<H extends ProjectXHubName> implements ProjectXHub<H> {
  readonly connection: HubConnection
  readonly hub: H
  readonly #projectx: Session
  readonly #backoff: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number }
  readonly #redactor = new HubRedactor()
  readonly #socket: HubSocket
  readonly #subscriptions = new Map<string, ProjectXHubSubscription>()
  readonly #listeners: { [E in keyof ProjectXHubEventMap]: Listeners<ProjectXHubEventMap[E]> } = {
    open: new Listeners(),
    reconnecting: new Listeners(),
    close: new Listeners(),
    error: new Listeners(),
    logout: new Listeners(),
  }
  /** Failed attempts in a row (start or reconnect); reset on every connect. */
  #attempt = 0
  #renewedAfterRejection = false
  /** A token the server refused: renewed away from before the next connect (unless someone already did). */
  #renewAway: string | undefined
  /** Why the token factory failed on the last attempt, if it did. */
  #tokenError: AuthError | undefined
  /** The typed error the hub gave up with. */
  #fatal: AuthError | undefined
  #stopping = false
  #stopReason: string | undefined
  /** Between `start()` and the `close` event. */
  #active = false
  #starting: Promise<void> | undefined
  #wake: (() => void) | undefined

  constructor(projectx: Session, hub: H, options: ProjectXHubOptions) {
    this.#projectx = projectx
    this.hub = hub
    const url = checkedHubURL(options.url ?? projectXHubURL(projectx.baseURL, hub), options.allowInsecure ?? false)
    this.#backoff = { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: Number.POSITIVE_INFINITY, ...options.reconnect }
    this.#socket = new HubSocket(options.WebSocket)
    const logger = redactingLogger(options.logger ?? LogLevel.Warning, this.#redactor)
    // `WebSocket` is a documented option SignalR's published typings leave out.
    const http: IHttpConnectionOptions & { WebSocket: HubWebSocketConstructor } = {
      skipNegotiation: true,
      transport: HttpTransportType.WebSockets,
      accessTokenFactory: () => this.#token(),
      WebSocket: this.#socket.WebSocket,
      logger,
    }
    this.connection = new HubConnectionBuilder()
      .withUrl(url, http)
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => this.#next(context.retryReason) })
      .configureLogging(logger)
      .build()
    if (options.serverTimeoutMs !== undefined) this.connection.serverTimeoutInMilliseconds = options.serverTimeoutMs
    if (options.keepAliveIntervalMs !== undefined) this.connection.keepAliveIntervalInMilliseconds = options.keepAliveIntervalMs
    this.connection.onreconnected(() => void this.#opened(true))
    this.connection.onclose((error) =>
      this.#finish(this.#fatal, this.#stopReason ?? this.#fatal?.message ?? errorText(error, this.#redactor, 'closed by the server')),
    )
    this.connection.on('GatewayLogout', (...args: unknown[]) => void this.#logout(args))
  }

  get subscriptions(): readonly ProjectXHubSubscription[] {
    return [...this.#subscriptions.values()].map(({ method, args }) => ({ method, args: [...args] }))
  }

  start(): Promise<void> {
    if (this.#starting) return this.#starting
    if (this.connection.state !== HubConnectionState.Disconnected) return Promise.resolve()
    this.#stopping = false
    this.#stopReason = undefined
    this.#fatal = undefined
    this.#active = true
    this.#starting = this.#run()
      .catch((error: unknown) => {
        const stopped = this.#stopping && !this.#fatal
        const typed = stopped
          ? new NetworkError(`${PACKAGE_NAME}: the ProjectX ${this.hub} hub was stopped before it connected.`, { provider })
          : connectError(this.hub, error, this.#redactor)
        this.#finish(stopped ? undefined : typed, this.#stopReason ?? typed.message)
        throw typed
      })
      .finally(() => {
        this.#starting = undefined
      })
    return this.#starting
  }

  async stop(): Promise<void> {
    this.#stopping = true
    this.#stopReason ??= 'stopped'
    this.#wake?.()
    await this.connection.stop()
    await this.#starting?.catch(() => {})
    this.#finish(undefined, this.#stopReason)
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  async subscribe<M extends keyof ProjectXHubMethods[H]>(method: M, ...args: Args<ProjectXHubMethods[H][M]>): Promise<void> {
    const subscription = { method: String(method), args: [...args] }
    const key = keyOf(subscription)
    this.#subscriptions.set(key, subscription)
    if (this.connection.state !== HubConnectionState.Connected) return
    try {
      await this.connection.invoke(subscription.method, ...subscription.args)
    } catch (error) {
      if (this.connection.state !== HubConnectionState.Connected) return // dropped meanwhile: restored on reconnect
      this.#subscriptions.delete(key)
      throw refusedError(this.hub, subscription, error, this.#redactor)
    }
  }

  async unsubscribe<M extends keyof ProjectXHubMethods[H]>(method: M, ...args: Args<ProjectXHubMethods[H][M]>): Promise<void> {
    const name = String(method)
    this.#subscriptions.delete(keyOf({ method: name, args }))
    if (this.connection.state !== HubConnectionState.Connected) return
    const counterpart = { method: `Un${name.charAt(0).toLowerCase()}${name.slice(1)}`, args: [...args] }
    try {
      await this.connection.invoke(counterpart.method, ...counterpart.args)
    } catch (error) {
      if (this.connection.state === HubConnectionState.Connected) throw refusedError(this.hub, counterpart, error, this.#redactor)
    }
  }

  on<E extends keyof ProjectXHubEvents[H]>(event: E, handler: (...args: Args<ProjectXHubEvents[H][E]>) => void): () => void {
    const name = String(event)
    // SignalR takes a handler's return value for a client result (and logs an error); an arrow like
    // `(quote) => quotes.push(quote)` must not return one.
    const handle = (...args: Args<ProjectXHubEvents[H][E]>): void => {
      handler(...args)
    }
    this.connection.on(name, handle)
    return () => this.connection.off(name, handle)
  }

  onLifecycle<E extends keyof ProjectXHubEventMap>(event: E, listener: (event: ProjectXHubEventMap[E]) => void): () => void {
    return this.#listeners[event].add(listener)
  }

  /** The start loop: connect; on failure ask `#next` for a delay (or give up). */
  async #run(): Promise<void> {
    await this.#socket.ready()
    for (;;) {
      if (this.#stopping) throw this.#fatal ?? new Error('stopped')
      try {
        await this.connection.start()
        break
      } catch (error) {
        const delayMs = this.#next(error)
        if (delayMs === null) throw this.#fatal ?? error
        await this.#sleep(delayMs)
      }
    }
    await this.#opened(false)
  }

  /**
   * SignalR's `accessTokenFactory`, awaited before every connect: the strategy's token now (refreshed first past
   * the must point; renewed first when the server refused the one before). Never a token kept from an earlier connect.
   */
  async #token(): Promise<string> {
    try {
      const refused = this.#renewAway
      this.#renewAway = undefined
      if (refused !== undefined && this.#projectx.accessToken === refused) await this.#projectx.refresh()
      await this.#projectx.ensureValid()
      const token = this.#projectx.accessToken
      if (token === undefined) {
        throw new TokenExpiredError(`${PACKAGE_NAME}: the ProjectX session holds no token for the ${this.hub} hub — log in first.`, { provider })
      }
      this.#redactor.add(token)
      return token
    } catch (error) {
      this.#tokenError = connectError(this.hub, error, this.#redactor)
      throw this.#tokenError
    }
  }

  /**
   * After a failed attempt or a drop (SignalR's retry policy, and the start loop): the delay before the next attempt,
   * or null to give up (`#fatal` says why). A 401/403 on the upgrade renews once and retries at once; a second one
   * right after is a `TokenExpiredError`. A token that cannot be had (refused credentials) ends it too.
   */
  #next(reason: unknown): number | null {
    const tokenError = this.#tokenError
    const rejection = this.#socket.takeRejection()
    this.#tokenError = undefined
    if (this.#stopping) return null
    if (tokenError && !isTransient(tokenError)) return this.#giveUp(tokenError)
    if (rejection && !tokenError) {
      if (this.#renewedAfterRejection) {
        return this.#giveUp(
          new TokenExpiredError(
            `${PACKAGE_NAME}: ProjectX refused the ${this.hub} hub again (HTTP ${rejection.status}) right after the token was renewed; not retrying.`,
            {
              provider,
              status: rejection.status,
            },
          ),
        )
      }
      this.#renewedAfterRejection = true
      this.#renewAway = rejection.token
      return this.#retry(0, `HTTP ${rejection.status} on the upgrade; renewing the token`)
    }
    const why = tokenError?.message ?? errorText(reason, this.#redactor, 'connection lost')
    const { baseDelayMs, maxDelayMs, maxAttempts } = this.#backoff
    if (this.#attempt >= maxAttempts) {
      return this.#giveUp(new NetworkError(`${PACKAGE_NAME}: the ProjectX ${this.hub} hub gave up after ${maxAttempts} attempts (${why}).`, { provider }))
    }
    const waitMs = tokenError instanceof RateLimitError ? tokenError.retryAfterMs : undefined
    return this.#retry(waitMs ?? Math.round(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** this.#attempt)), why)
  }

  #retry(delayMs: number, reason: string): number {
    this.#attempt++
    this.#listeners.reconnecting.emit({ hub: this.hub, attempt: this.#attempt, delayMs, reason })
    return delayMs
  }

  #giveUp(error: AuthError): null {
    this.#fatal = error
    return null
  }

  /** Connected: invoke every remembered subscription again (a new connection holds none), then `open`. */
  async #opened(reconnected: boolean): Promise<void> {
    this.#attempt = 0
    this.#renewedAfterRejection = false
    await Promise.all(
      [...this.#subscriptions].map(async ([key, subscription]) => {
        try {
          await this.connection.invoke(subscription.method, ...subscription.args)
        } catch (error) {
          if (this.connection.state !== HubConnectionState.Connected) return // dropped again: the next reconnect restores it
          this.#subscriptions.delete(key)
          this.#listeners.error.emit({ hub: this.hub, error: refusedError(this.hub, subscription, error, this.#redactor) })
        }
      }),
    )
    if (this.connection.state === HubConnectionState.Connected) this.#listeners.open.emit({ hub: this.hub, reconnected })
  }

  /** `GatewayLogout`: the session ended elsewhere. Reconnecting would only race the other session: stop and say so. */
  async #logout(args: unknown[]): Promise<void> {
    if (this.#stopping) return
    this.#stopReason = 'GatewayLogout: ProjectX ended this session (logged in elsewhere?)'
    this.#listeners.logout.emit({ hub: this.hub, args: this.#redactor.redactValue(args) })
    await this.stop()
  }

  /** The hub is done: report the error it gave up with (if any), then `close` — once per `start()`. */
  #finish(error: AuthError | undefined, reason: string): void {
    if (!this.#active) return
    this.#active = false
    this.#stopping = true
    if (error) this.#listeners.error.emit({ hub: this.hub, error })
    this.#listeners.close.emit({ hub: this.hub, reason: this.#redactor.redact(reason) })
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#wake = done
    })
  }
}

/** The identity of a subscription: its method and arguments. */
function keyOf(subscription: ProjectXHubSubscription): string {
  return `${subscription.method}:${JSON.stringify(subscription.args)}`
}
