import type { AuthError, ReconnectOptions } from '@authmux/core'
import type { HubConnection, ILogger, LogLevel } from '@microsoft/signalr'
import type { HubWebSocketConstructor } from './hub-socket'
import type { ProjectXHubName } from './hub-url'

/** The hub methods a ProjectX hub remembers and re-invokes after every reconnect, with their arguments. */
export interface ProjectXHubMethods {
  user: {
    SubscribeAccounts: []
    SubscribeOrders: [accountId: number]
    SubscribePositions: [accountId: number]
    SubscribeTrades: [accountId: number]
  }
  market: {
    SubscribeContractQuotes: [contractId: string]
    SubscribeContractTrades: [contractId: string]
    SubscribeContractMarketDepth: [contractId: string]
  }
}

/** A user-hub payload: the bare object, or `{ action, data }` (ProjectX has sent both; accept both). */
export type ProjectXUserEvent = Record<string, unknown>

/** The events each hub pushes, with their arguments. `GatewayLogout` also stops the hub (see `ProjectXHubEventMap.logout`). */
export interface ProjectXHubEvents {
  user: {
    GatewayUserAccount: [data: ProjectXUserEvent]
    GatewayUserOrder: [data: ProjectXUserEvent]
    GatewayUserPosition: [data: ProjectXUserEvent]
    GatewayUserTrade: [data: ProjectXUserEvent]
    GatewayLogout: unknown[]
  }
  market: {
    /** `{ symbol, lastPrice, bestBid, bestAsk, … }` */
    GatewayQuote: [contractId: string, data: Record<string, unknown>]
    /** An array of `{ symbolId, price, timestamp, type, volume }`. */
    GatewayTrade: [contractId: string, data: unknown]
    /** An array of `{ timestamp, type (DomType), price, volume, currentVolume }`. */
    GatewayDepth: [contractId: string, data: unknown]
    GatewayLogout: unknown[]
  }
}

/** Options of `hubConnection()`. */
export interface ProjectXHubOptions {
  /**
   * Hub URL (`https://…/hubs/user`; SignalR switches to `wss:` itself). Default: `projectXHubURL(projectx.baseURL, hub)`
   * — `/hubs/<hub>` on the realtime host of the REST host (`api.topstepx.com` → `rtc.topstepx.com`, …), else on the REST
   * origin. Must not carry a token: the current one is added on every connect.
   */
  url?: string
  /**
   * Backoff between connect attempts — for SignalR's automatic reconnects and for a failed first `start()` alike:
   * full-jitter exponential from `baseDelayMs` (500) up to `maxDelayMs` (30 000), `maxAttempts` (default `Infinity`)
   * attempts in a row before giving up with a `NetworkError`.
   */
  reconnect?: ReconnectOptions
  /**
   * Where SignalR's log lines go, every one redacted first: a `LogLevel` for the console from that level up, or an
   * `ILogger`. Default `LogLevel.Warning`.
   */
  logger?: LogLevel | ILogger
  /** Allow `http:`/`ws:` to a non-loopback host. Default false. */
  allowInsecure?: boolean
  /** WebSocket constructor. Default: the `ws` package where it loads (Node), else `globalThis.WebSocket`. */
  WebSocket?: HubWebSocketConstructor
  /** Time without any message from the server after which the connection counts as lost, in ms. Default 30 000 (SignalR's). */
  serverTimeoutMs?: number
  /** How often the client pings when it sends nothing else, in ms. Default 15 000 (SignalR's). */
  keepAliveIntervalMs?: number
}

/** Lifecycle events of a ProjectX hub (`hub.onLifecycle(event, listener)`). Texts in payloads are redacted. */
export interface ProjectXHubEventMap {
  /** Connected (and every remembered subscription invoked again): after `start()`, and after every reconnect. */
  open: { hub: ProjectXHubName; reconnected: boolean }
  /** A connect attempt failed or the connection dropped; the next attempt starts in `delayMs`. */
  reconnecting: { hub: ProjectXHubName; attempt: number; delayMs: number; reason: string }
  /** The hub stopped for good: `stop()`, `GatewayLogout`, a final server close, or an `error` before this. */
  close: { hub: ProjectXHubName; reason: string }
  /** A typed failure: credentials refused after one renewal, attempts exhausted, a subscription the server refused. */
  error: { hub: ProjectXHubName; error: AuthError }
  /** The server sent `GatewayLogout` (the session was ended elsewhere): the hub has stopped and does not reconnect. */
  logout: { hub: ProjectXHubName; args: unknown[] }
}

/** A subscription the hub re-invokes after every reconnect. */
export interface ProjectXHubSubscription {
  method: string
  args: unknown[]
}

/** Method names and their argument lists for hub `H`. */
/** The argument list of a hub method or event, as a tuple. */
export type HubArgs<T> = T extends unknown[] ? T : never

/**
 * A ProjectX Gateway hub on the real `@microsoft/signalr` client: the strategy's current token on every (re)connect
 * (`access_token` and, in Node, `Authorization`), jittered reconnects, a failed first start retried, subscriptions
 * re-invoked after every reconnect, `GatewayLogout` as a `logout` event that stops the hub.
 */
export interface ProjectXHub<H extends ProjectXHubName = ProjectXHubName> {
  /** The SignalR connection (for `invoke`, `state`, `connectionId` …). Start and stop it through the hub. */
  readonly connection: HubConnection
  readonly hub: H
  /** Subscriptions re-invoked on every (re)connect, in order. */
  readonly subscriptions: readonly ProjectXHubSubscription[]
  /**
   * Connects (and invokes the remembered subscriptions). A failed attempt is retried with backoff; an upgrade refused
   * with 401/403 renews the token once and retries once. Rejects with the typed error when it gives up, or when
   * `stop()` is called first. Calling it while started returns the same promise.
   */
  start(): Promise<void>
  /** Stops for good (no reconnect); resolves once closed. */
  stop(): Promise<void>
  /**
   * Invokes `method` now when connected, and again after every reconnect. Before the hub is connected it is only
   * remembered (`start()` invokes it). Rejects with a `ProviderError` (and forgets it) when the server refuses it.
   */
  subscribe<M extends keyof ProjectXHubMethods[H]>(method: M, ...args: HubArgs<ProjectXHubMethods[H][M]>): Promise<void>
  /** Forgets a subscription and, when connected, invokes its `Unsubscribe…` counterpart with the same arguments. */
  unsubscribe<M extends keyof ProjectXHubMethods[H]>(method: M, ...args: HubArgs<ProjectXHubMethods[H][M]>): Promise<void>
  /** Handles a hub event (`connection.on`); returns the function that removes the handler. */
  on<E extends keyof ProjectXHubEvents[H]>(event: E, handler: (...args: HubArgs<ProjectXHubEvents[H][E]>) => void): () => void
  /** Listens to the hub's lifecycle (`open`, `reconnecting`, `close`, `error`, `logout`); returns the remover. */
  onLifecycle<E extends keyof ProjectXHubEventMap>(event: E, listener: (event: ProjectXHubEventMap[E]) => void): () => void
  [Symbol.asyncDispose](): Promise<void>
}
