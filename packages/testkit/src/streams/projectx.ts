import { randomBytes } from 'node:crypto'
import type { EmulatorRequest, EmulatorResponse, UpgradeListener } from '../http-types.js'
import { redactHeaders } from '../redact.js'
import type { SharedControls } from '../server.js'
import { type StreamConnection, type StreamControls, StreamHost } from './host.js'
import { credentialTag, type StreamCredential, type StreamCredentialState, type StreamSubscriptionEntry } from './log.js'
import { MarketState, accountPayload, orderPayload, parseContract, positionPayload, tradePayload } from './projectx-payloads.js'
import { HubMessageType, MessageReader, encode } from './signalr.js'

/** The two ProjectX Gateway hubs. */
export type ProjectXHub = 'user' | 'market'
/** User-hub events (one argument). */
export type ProjectXUserEvent = 'GatewayUserAccount' | 'GatewayUserOrder' | 'GatewayUserPosition' | 'GatewayUserTrade'
/** Market-hub events (two arguments: `contractId`, `data`). */
export type ProjectXMarketEvent = 'GatewayQuote' | 'GatewayTrade' | 'GatewayDepth'

/** Options of the ProjectX SignalR hubs `/hubs/user` and `/hubs/market`. */
export interface ProjectXStreamOptions {
  /** The server sends `{"type":6}` after this long without sending anything, in ms (default 15 000). */
  keepAliveIntervalMs?: number
  /** The server drops a connection that sent nothing (not even a ping) for this long, in ms (default 30 000). */
  clientTimeoutMs?: number
  /** The handshake must arrive within this long after the socket opened, in ms (default 15 000). */
  handshakeTimeoutMs?: number
  /** Subscribed quotes / trades / depth / accounts get a push every this many ms (default 1000; 0 = only `push*()`). */
  pushIntervalMs?: number
  /** At token expiry (virtual clock) or revocation, send `Close` with `allowReconnect: true` and close (default false). */
  closeOnTokenExpiry?: boolean
  /** User-event argument: the bare object (default) or wrapped as `{ action: 1, data }`. */
  userEventShape?: 'bare' | 'wrapped'
  /** How often (real ms) open connections' tokens are checked when `closeOnTokenExpiry` is on (default 100). */
  expiryCheckMs?: number
}

/** Realtime controls of the ProjectX emulator (`projectx.streams`). */
export interface ProjectXStreams extends StreamControls {
  /** `http://127.0.0.1:PORT/hubs/user` (as clients write it; the SignalR client switches to ws://). */
  readonly userHubUrl: string
  /** `http://127.0.0.1:PORT/hubs/market`. */
  readonly marketHubUrl: string
  /**
   * Push a user-hub event to the connections subscribed to it for `accountId` (default: `data.accountId`, for
   * `GatewayUserAccount` `data.id`, else the demo account). `data` is merged over a generated payload. Returns how many.
   */
  pushUser(event: ProjectXUserEvent, data?: Record<string, unknown>, options?: { accountId?: number }): number
  /** Push a market-hub event `(contractId, data)` to the connections subscribed to that contract. `data` replaces the generated payload. */
  pushMarket(event: ProjectXMarketEvent, contractId: string, data?: unknown): number
  /** Send `{"type":7,"allowReconnect":true}` (or without `allowReconnect`, when false) and close, on one hub or both. Returns how many. */
  kick(options?: { hub?: ProjectXHub; allowReconnect?: boolean; error?: string }): number
  /** Send a `GatewayLogout` invocation (arguments `args`, default none); with `close`, then a final `Close` (no reconnect). Returns how many. */
  gatewayLogout(options?: { hub?: ProjectXHub; args?: unknown[]; close?: boolean }): number
  /** Turn `closeOnTokenExpiry` on or off. */
  setCloseOnTokenExpiry(enabled: boolean): void
  /** Close now the connections whose token expired or was revoked (when `closeOnTokenExpiry` is on). Returns how many. */
  checkExpiry(): number
}

/** What the emulator knows about a session token. */
export type ProjectXTokenCheck =
  | { state: 'valid'; userId: string; accountId: number; expiresAtMs: number; serial?: number }
  | { state: Exclude<StreamCredentialState, 'valid' | 'unchecked'>; serial?: number }

/** What the stream side needs from the HTTP emulator. */
export interface ProjectXStreamDeps {
  checkToken(token: string): Promise<ProjectXTokenCheck>
  isRevoked(token: string): boolean
  accountName(accountId: number): string | undefined
  defaultAccountId: number
  faultBody(status: number): unknown
}

type Category = 'accounts' | 'orders' | 'positions' | 'trades' | 'quotes' | 'marketTrades' | 'depth'

interface State {
  hub: ProjectXHub
  userId: string
  accountId: number
  pendingKey: string | undefined
  subscriptions: Map<Category, Set<string | number>>
  send(message: unknown): boolean
}

interface Method {
  name: string
  category: Category
  arg: 'int' | 'string' | undefined
  subscribe: boolean
}

const method = (name: string, category: Category, arg: 'int' | 'string' | undefined): [string, Method] => [
  name.toLowerCase(),
  { name, category, arg, subscribe: name.startsWith('Subscribe') },
]
/** Server-side targets per hub (providers.md 9.1.3). ASP.NET Core matches hub method names case-insensitively. */
const METHODS: Record<ProjectXHub, Map<string, Method>> = {
  user: new Map([
    method('SubscribeAccounts', 'accounts', undefined),
    method('UnsubscribeAccounts', 'accounts', undefined),
    method('SubscribeOrders', 'orders', 'int'),
    method('UnsubscribeOrders', 'orders', 'int'),
    method('SubscribePositions', 'positions', 'int'),
    method('UnsubscribePositions', 'positions', 'int'),
    method('SubscribeTrades', 'trades', 'int'),
    method('UnsubscribeTrades', 'trades', 'int'),
  ]),
  market: new Map([
    method('SubscribeContractQuotes', 'quotes', 'string'),
    method('UnsubscribeContractQuotes', 'quotes', 'string'),
    method('SubscribeContractTrades', 'marketTrades', 'string'),
    method('UnsubscribeContractTrades', 'marketTrades', 'string'),
    method('SubscribeContractMarketDepth', 'depth', 'string'),
    method('UnsubscribeContractMarketDepth', 'depth', 'string'),
  ]),
}
const USER_CATEGORY: Record<ProjectXUserEvent, Category> = {
  GatewayUserAccount: 'accounts',
  GatewayUserOrder: 'orders',
  GatewayUserPosition: 'positions',
  GatewayUserTrade: 'trades',
}
const MARKET_CATEGORY: Record<ProjectXMarketEvent, Category> = { GatewayQuote: 'quotes', GatewayTrade: 'marketTrades', GatewayDepth: 'depth' }
const ACCOUNTS_MARKER = 'all'
const HUB_PATH = /^\/hubs\/(user|market)$/

const failed = (target: string, why: string) => `Failed to invoke '${target}' due to an error on the server. ${why}`
const unauthorized = (description?: string): Record<string, string> => ({
  'www-authenticate': description ? `Bearer error="invalid_token", error_description="${description}"` : 'Bearer',
})

/**
 * Build the ProjectX Gateway hubs (providers.md 9.1 and 9.2): `POST /hubs/{user,market}/negotiate`, the WebSocket leg
 * with or without `id`, the JSON hub protocol (handshake, ping, invocation/completion, close) and the Gateway events.
 */
export function createProjectXStreams(
  shared: SharedControls,
  options: ProjectXStreamOptions,
  deps: ProjectXStreamDeps,
): {
  listener: UpgradeListener
  controls: ProjectXStreams
  negotiate(request: EmulatorRequest): Promise<EmulatorResponse>
  orderPlaced(accountId: number, orderId: number, body: unknown): void
} {
  const keepAliveMs = options.keepAliveIntervalMs ?? 15_000
  const clientTimeoutMs = options.clientTimeoutMs ?? 30_000
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 15_000
  const wrapped = options.userEventShape === 'wrapped'
  const { clock } = shared
  const iso = () => new Date(clock.now()).toISOString()
  const market = new MarketState()
  /** Negotiated, not yet (or currently) connected: key = connectionToken (v1) or connectionId (v0). */
  const pending = new Map<string, { hub: ProjectXHub; connectionId: string; used: boolean }>()

  /** The token a hub request carries: `access_token` in the query wins over `Authorization: Bearer` (ASP.NET's usual setup). */
  async function identify(request: { query: URLSearchParams; headers: Record<string, string> }) {
    const presented: { via: string; token: string }[] = request.query
      .getAll('access_token')
      .filter(Boolean)
      .map((token) => ({ via: 'query:access_token', token }))
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim()
    if (bearer) presented.push({ via: 'header:authorization', token: bearer })
    const credentials: StreamCredential[] = []
    const checks: ProjectXTokenCheck[] = []
    for (const { via, token } of presented) {
      const check = await deps.checkToken(token)
      checks.push(check)
      credentials.push({ via, tag: credentialTag(token), ...(check.serial === undefined ? {} : { serial: check.serial }), state: check.state })
    }
    const decisive = presented[0]
    return {
      credentials,
      ...(credentials[0] ? { credential: credentials[0] } : {}),
      token: decisive?.token,
      check: checks[0],
      via: decisive?.via,
    }
  }

  const host: StreamHost<State> = new StreamHost<State>({
    provider: 'projectx',
    shared,
    faultBody: deps.faultBody,
    closeOnTokenExpiry: options.closeOnTokenExpiry ?? false,
    ...(options.expiryCheckMs === undefined ? {} : { expiryCheckMs: options.expiryCheckMs }),
    endpoint: {
      handles: (path) => HUB_PATH.test(path),
      async admit(request) {
        const hub = HUB_PATH.exec(request.path)?.[1] as ProjectXHub
        const who = await identify(request)
        const seen = { credentials: who.credentials, ...(who.credential ? { credential: who.credential } : {}) }
        if (!who.token || !who.check) return { ok: false, status: 401, ...seen, headers: unauthorized(), reason: 'no access token' }
        const check = who.check
        if (check.state !== 'valid')
          return {
            ok: false,
            status: 401,
            ...seen,
            headers: unauthorized(check.state === 'expired' ? 'The token is expired' : 'The signature key was not found'),
            reason: `access token ${check.state}`,
          }
        const id = request.query.get('id') ?? undefined
        if (id !== undefined) {
          const negotiated = pending.get(id)
          if (!negotiated || negotiated.hub !== hub) return { ok: false, status: 404, ...seen, reason: 'unknown connection id' }
          if (negotiated.used) return { ok: false, status: 409, ...seen, reason: 'connection id already in use' }
        }
        const token = who.token
        return {
          ok: true,
          ...seen,
          state: { hub, userId: check.userId, accountId: check.accountId, pendingKey: id, subscriptions: new Map(), send: () => false },
          watch: { expiresAtMs: check.expiresAtMs, revoked: () => deps.isRevoked(token) },
        }
      },
      open: (connection) => open(connection),
      expired(connection) {
        const expiresAtMs = connection.watch?.expiresAtMs
        const expired = expiresAtMs !== undefined && clock.now() >= expiresAtMs
        const error = expired ? 'Unauthorized: the access token has expired.' : 'Unauthorized: the access token was revoked.'
        connection.state.send({ type: HubMessageType.Close, error, allowReconnect: true })
        connection.close(1000, '', expired ? 'token expired' : 'token revoked')
      },
    },
  })

  function open(connection: StreamConnection<State>): void {
    const { state } = connection
    const reader = new MessageReader()
    let handshaken = false
    let keepAlive: ReturnType<typeof connection.after> | undefined
    let clientTimeout: ReturnType<typeof connection.after> | undefined
    if (state.pendingKey !== undefined) {
      const negotiated = pending.get(state.pendingKey)
      if (negotiated) negotiated.used = true
      const key = state.pendingKey
      connection.onClose(() => pending.delete(key))
    }

    const armKeepAlive = () => {
      connection.cancel(keepAlive)
      keepAlive = connection.after(keepAliveMs, () => state.send({ type: HubMessageType.Ping }))
    }
    const armClientTimeout = () => {
      connection.cancel(clientTimeout)
      clientTimeout = connection.after(clientTimeoutMs, () => connection.close(1000, '', `no message from the client within ${clientTimeoutMs} ms`))
    }
    state.send = (message) => {
      if (!handshaken || !connection.send(encode(message))) return false
      armKeepAlive()
      return true
    }
    const handshakeTimer = connection.after(handshakeTimeoutMs, () => connection.close(1000, '', 'no handshake in time'))
    const fail = (error: string) => {
      state.send({ type: HubMessageType.Close, error })
      connection.close(1000, '', error)
    }

    connection.onMessage((text, isBinary) => {
      if (isBinary) {
        if (!handshaken) connection.send(encode({ error: 'Binary frames are not supported by the json protocol.' }))
        return fail('Connection closed with an error. InvalidDataException: binary frame on a json connection.')
      }
      for (const raw of reader.push(text)) {
        if (!connection.isOpen) return
        let message: unknown
        try {
          message = JSON.parse(raw)
        } catch {
          message = undefined
        }
        if (!handshaken) {
          connection.cancel(handshakeTimer)
          const request = (message ?? {}) as { protocol?: unknown; version?: unknown }
          const error =
            typeof request.protocol !== 'string'
              ? 'Handshake request is invalid.'
              : request.protocol !== 'json'
                ? `The protocol '${request.protocol}' is not supported.`
                : request.version !== 1
                  ? `The server does not support version ${String(request.version)} of the 'json' protocol.`
                  : undefined
          if (error) {
            connection.send(encode({ error }))
            connection.close(1000, '', `handshake failed: ${error}`)
            return
          }
          handshaken = true
          connection.send(encode({}))
          armKeepAlive()
          armClientTimeout()
          continue
        }
        armClientTimeout()
        const fields = message && typeof message === 'object' && !Array.isArray(message) ? (message as Record<string, unknown>) : undefined
        if (!fields || typeof fields.type !== 'number') return fail("Connection closed with an error. InvalidDataException: Missing required property 'type'.")
        switch (fields.type) {
          case HubMessageType.Invocation:
          case HubMessageType.StreamInvocation:
            invoke(connection, fields)
            break
          case HubMessageType.Close:
            connection.close(1000, '', 'client sent Close')
            return
          case HubMessageType.Ping:
          case HubMessageType.StreamItem:
          case HubMessageType.Completion:
          case HubMessageType.CancelInvocation:
          case HubMessageType.Ack:
          case HubMessageType.Sequence:
            break
          default:
            return fail(`Connection closed with an error. InvalidDataException: Unknown message type '${fields.type}'.`)
        }
      }
    })
  }

  /** Run a client invocation: update the connection's subscriptions, answer a Completion when it has an invocationId. */
  function invoke(connection: StreamConnection<State>, message: Record<string, unknown>): void {
    const { state } = connection
    const target = typeof message.target === 'string' ? message.target : ''
    const args = Array.isArray(message.arguments) ? message.arguments : []
    const invocationId = typeof message.invocationId === 'string' ? message.invocationId : undefined
    const found = message.type === HubMessageType.Invocation ? METHODS[state.hub].get(target.toLowerCase()) : undefined
    const name = found?.name ?? target
    const key = [name, ...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))].join(':')
    const op: StreamSubscriptionEntry['op'] = /^unsubscribe/i.test(name) ? 'unsubscribe' : /^subscribe/i.test(name) ? 'subscribe' : 'invoke'
    const expected = found?.arg ? 1 : 0
    const arg = args[0]
    const error = !found
      ? failed(target, 'HubException: Method does not exist.')
      : args.length !== expected
        ? failed(target, `InvalidDataException: Invocation provides ${args.length} argument(s) but target expects ${expected}.`)
        : (found.arg === 'int' && !Number.isInteger(arg)) || (found.arg === 'string' && typeof arg !== 'string')
          ? failed(
              target,
              'InvalidDataException: Error binding arguments. Make sure that the types of the provided values match the types of the hub method being invoked.',
            )
          : undefined
    if (found && !error) {
      const value = found.arg ? (arg as string | number) : ACCOUNTS_MARKER
      const set = state.subscriptions.get(found.category) ?? new Set<string | number>()
      if (found.subscribe) set.add(value)
      else set.delete(value)
      state.subscriptions.set(found.category, set)
    }
    connection.record(op, key, error === undefined, error)
    if (invocationId !== undefined) state.send({ type: HubMessageType.Completion, invocationId, ...(error ? { error } : {}) })
  }

  const hubConnections = (hub?: ProjectXHub) => host.connections().filter((c) => hub === undefined || c.state.hub === hub)
  const subscribed = (c: StreamConnection<State>, category: Category, value: string | number) => c.state.subscriptions.get(category)?.has(value) ?? false

  function pushUser(event: ProjectXUserEvent, data: Record<string, unknown> = {}, opts: { accountId?: number } = {}): number {
    const fromData = event === 'GatewayUserAccount' ? data.id : data.accountId
    const accountId = opts.accountId ?? (typeof fromData === 'number' ? fromData : deps.defaultAccountId)
    const now = iso()
    const generated =
      event === 'GatewayUserAccount'
        ? accountPayload(accountId, deps.accountName(accountId) ?? `PRAC-V2-${accountId}`)
        : event === 'GatewayUserOrder'
          ? orderPayload(accountId, now)
          : event === 'GatewayUserPosition'
            ? positionPayload(accountId, now)
            : tradePayload(accountId, now)
    const payload = { ...generated, ...data }
    const argument = wrapped ? { action: 1, data: payload } : payload
    let sent = 0
    for (const c of hubConnections('user')) {
      const wants =
        event === 'GatewayUserAccount'
          ? subscribed(c, 'accounts', ACCOUNTS_MARKER) && c.state.accountId === accountId
          : subscribed(c, USER_CATEGORY[event], accountId)
      if (wants && c.state.send({ type: HubMessageType.Invocation, target: event, arguments: [argument] })) sent += 1
    }
    return sent
  }

  function pushMarket(event: ProjectXMarketEvent, contractId: string, data?: unknown): number {
    const now = iso()
    const payload =
      data ??
      (event === 'GatewayQuote' ? market.quote(contractId, now) : event === 'GatewayTrade' ? market.trades(contractId, now) : market.depth(contractId, now))
    let sent = 0
    for (const c of hubConnections('market'))
      if (
        subscribed(c, MARKET_CATEGORY[event], contractId) &&
        c.state.send({ type: HubMessageType.Invocation, target: event, arguments: [contractId, payload] })
      )
        sent += 1
    return sent
  }

  host.every(options.pushIntervalMs ?? 1000, () => {
    const contracts: Record<ProjectXMarketEvent, Set<string>> = { GatewayQuote: new Set(), GatewayTrade: new Set(), GatewayDepth: new Set() }
    const accounts = new Set<number>()
    for (const c of host.connections()) {
      for (const [event, category] of Object.entries(MARKET_CATEGORY) as [ProjectXMarketEvent, Category][])
        for (const value of c.state.subscriptions.get(category) ?? []) contracts[event].add(String(value))
      if (subscribed(c, 'accounts', ACCOUNTS_MARKER)) accounts.add(c.state.accountId)
    }
    for (const [event, set] of Object.entries(contracts) as [ProjectXMarketEvent, Set<string>][]) for (const id of set) pushMarket(event, id)
    for (const accountId of accounts) pushUser('GatewayUserAccount', {}, { accountId })
  })

  async function negotiate(request: EmulatorRequest): Promise<EmulatorResponse> {
    const hub = request.params.hub as ProjectXHub
    const who = await identify(request)
    const base = {
      provider: 'projectx' as const,
      kind: 'negotiate' as const,
      path: request.path,
      at: clock.now(),
      headers: redactHeaders(request.headers),
      credentials: who.credentials,
      ...(who.credential ? { credential: who.credential } : {}),
    }
    request.credential = who.via === 'header:authorization' ? 'bearer' : who.via ? 'query' : 'none'
    const refusal = host.takeRefusal()
    if (refusal) {
      host.log.record({ ...base, status: refusal.status, fault: 'refuse', reason: 'upgrades refused' })
      return { status: refusal.status, ...(refusal.body === undefined ? {} : { body: refusal.body }) }
    }
    if (who.check?.state !== 'valid') {
      const state = who.check?.state
      host.log.record({ ...base, status: 401, reason: state ? `access token ${state}` : 'no access token' })
      return { status: 401, headers: unauthorized(state === 'expired' ? 'The token is expired' : state ? 'The signature key was not found' : undefined) }
    }
    const version = Number(request.query.get('negotiateVersion') ?? '0') >= 1 ? 1 : 0
    const connectionId = randomBytes(16).toString('base64url')
    const connectionToken = randomBytes(16).toString('base64url')
    pending.set(version === 1 ? connectionToken : connectionId, { hub, connectionId, used: false })
    if (pending.size > 1000) pending.delete(pending.keys().next().value as string)
    host.log.record({ ...base, status: 200 })
    return {
      status: 200,
      body: {
        connectionId,
        ...(version === 1 ? { connectionToken } : {}),
        negotiateVersion: version,
        availableTransports: [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
      },
    }
  }

  const controls: ProjectXStreams = {
    log: host.log,
    get userHubUrl() {
      return `${host.httpOrigin}/hubs/user`
    },
    get marketHubUrl() {
      return `${host.httpOrigin}/hubs/market`
    },
    get openSockets() {
      return host.openCount
    },
    dropAll: (o) => host.dropAll(o),
    refuseUpgrades: (o) => host.refuseUpgrades(o),
    pushUser,
    pushMarket,
    kick({ hub, allowReconnect = true, error } = {}) {
      const targets = hubConnections(hub)
      for (const c of targets) {
        c.state.send({ type: HubMessageType.Close, ...(error ? { error } : {}), ...(allowReconnect ? { allowReconnect: true } : {}) })
        c.close(1000, '', allowReconnect ? 'kicked (allowReconnect)' : 'kicked')
      }
      return targets.length
    },
    gatewayLogout({ hub, args = [], close = false } = {}) {
      let sent = 0
      for (const c of hubConnections(hub)) {
        if (!c.state.send({ type: HubMessageType.Invocation, target: 'GatewayLogout', arguments: args })) continue
        sent += 1
        if (close) {
          c.state.send({ type: HubMessageType.Close, error: 'Logged out.' })
          c.close(1000, '', 'GatewayLogout')
        }
      }
      return sent
    },
    setCloseOnTokenExpiry: (enabled) => host.setCloseOnTokenExpiry(enabled),
    checkExpiry: () => host.checkExpiry(),
  }
  /** `POST /api/Order/place` succeeded: the account's order subscribers see it (market orders filled at once). */
  function orderPlaced(accountId: number, orderId: number, body: unknown): void {
    const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
    const contractId = typeof b.contractId === 'string' ? b.contractId : 'CON.F.US.EP.Z25'
    const marketOrder = b.type === 2
    const size = typeof b.size === 'number' ? b.size : 1
    pushUser(
      'GatewayUserOrder',
      {
        id: orderId,
        accountId,
        contractId,
        symbolId: parseContract(contractId).symbol,
        status: marketOrder ? 2 : 1,
        type: typeof b.type === 'number' ? b.type : 1,
        side: typeof b.side === 'number' ? b.side : 0,
        size,
        limitPrice: typeof b.limitPrice === 'number' ? b.limitPrice : null,
        stopPrice: typeof b.stopPrice === 'number' ? b.stopPrice : null,
        fillVolume: marketOrder ? size : 0,
        filledPrice: marketOrder ? market.quote(contractId, iso()).lastPrice : null,
        customTag: typeof b.customTag === 'string' ? b.customTag : null,
      },
      { accountId },
    )
  }

  return { listener: host, controls, negotiate, orderPlaced }
}
