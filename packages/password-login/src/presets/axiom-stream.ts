import { ConfigError, connectWebSocket } from '@authmux/core'
import type { AuthStrategy, AuthWebSocket, ConnectWebSocketOptions } from '@authmux/core'
import { extendSession } from '@authmux/core/provider'
import { PACKAGE_NAME } from '../flow'
import { checkHeaders } from '../generic-checks'
import { type AxiomAuth, type AxiomAuthOptions, axiomSession, savedTokensCheck } from './axiom'
import { AXIOM_LABEL, AXIOM_STREAM_URLS, axiomStreamFlow } from './axiom-flow'

/** Options of `createAxiomAuth` from `@authmux/password-login/stream`: the preset's, plus where and how the feed connects. */
export interface AxiomStreamAuthOptions extends AxiomAuthOptions {
  /**
   * The realtime feed's URLs (`wss:`; `ws:` only to loopback or with `allowInsecureHttp`), tried in turn when a
   * connect fails; `connectWebSocket({ url })` may pin one of their origins. Stream credentials go to these origins
   * only. Default: `AXIOM_STREAM_URLS` (`cluster9`, then `cluster3`, `cluster5`, `cluster7`); with `baseURL`, that URL
   * as `ws(s):` plus a slash (`http://127.0.0.1:8080` → `ws://127.0.0.1:8080/`: an emulator's or a proxy's feed).
   */
  streamURLs?: string[]
  /**
   * Headers of the stream upgrade, over the defaults: a desktop Chrome `User-Agent` (`AXIOM_STREAM_USER_AGENT`),
   * `Origin: https://axiom.trade`, `Referer: https://axiom.trade/discover`. A `Cookie` given here is merged (the auth
   * cookies and `cf_clearance` replace same-named ones). A bad name or value is a `ConfigError` here, never sent.
   */
  streamHeaders?: Record<string, string>
}

/** Options of `axiom.connectWebSocket()`: core's stream options, plus the rooms to be in. */
export interface AxiomWebSocketOptions extends Omit<ConnectWebSocketOptions, 'onOpen'> {
  /**
   * Rooms to join on connect and again on every reconnect: `'new_pairs'`, `'v:<wallet>'`, a token mint … The same as
   * `join(room)` for each before the socket opens.
   */
  rooms?: string[]
  /** Runs on every (re)connect, after the rooms were joined again and before the `open` listeners. */
  onOpen?(socket: AxiomWebSocket): void | Promise<void>
}

/** Axiom's realtime feed: core's reconnecting `AuthWebSocket`, plus rooms that survive every reconnect. */
export interface AxiomWebSocket extends AuthWebSocket {
  /**
   * Joins `room` (`{"action":"join","room":…}`): sent now when the socket is open, and again after every reconnect
   * (the server forgets a socket's rooms with the socket). A room already joined is not sent again. An empty or
   * non-string room is a `ConfigError`.
   */
  join(room: string): void
  /** The rooms joined so far, in order: what every reconnect joins again. */
  readonly rooms: readonly string[]
}

/** An Axiom strategy with the realtime feed. */
export interface AxiomStreamAuth extends AxiomAuth {
  /**
   * Opens Axiom's realtime feed on core's reconnecting WebSocket: the auth cookies (`auth-access-token`,
   * `auth-refresh-token`, `cf_clearance` when configured) from the session's current tokens on every (re)connect,
   * refreshed first inside the refresh window; the `streamURLs` in turn when a connect fails; jittered reconnects,
   * forever by default; rooms joined again after each one. An upgrade refused with HTTP 401/403 → one renew and one
   * retry, then a typed error (the `error` event) and the end. In Node it needs the `ws` package (cookies are headers);
   * a standard WebSocket, which cannot send them, is a `ConfigError` on the `error` event.
   */
  connectWebSocket(options?: AxiomWebSocketOptions): AxiomWebSocket
}

/**
 * The Axiom preset (`createAxiomAuth` of the main entry: same options, same session, same store key) plus
 * `connectWebSocket()`, Axiom's realtime feed. A separate entry, so bots that never stream don't ship the stream code.
 */
export function createAxiomAuth(options: AxiomStreamAuthOptions = {}): AxiomStreamAuth {
  const { streamURLs, streamHeaders, ...presetOptions } = options
  if (streamURLs !== undefined && (streamURLs.length === 0 || !streamURLs.every((url) => URL.canParse(url) && /^wss?:/i.test(url)))) {
    throw new ConfigError(`${PACKAGE_NAME}: streamURLs must be one or more absolute ws:// or wss:// URLs, such as 'wss://cluster9.axiom.trade/'.`, {
      provider: 'axiom',
      field: 'streamURLs',
    })
  }
  checkHeaders(streamHeaders, 'streamHeaders', AXIOM_LABEL)
  // Scheme, origin and transport of every stream URL are checked again by core's connectWebSocket.
  const { session, store } = axiomSession(presetOptions, (fields) =>
    axiomStreamFlow({
      ...fields,
      // With a baseURL (already without its trailing slashes), the feed is on that origin.
      streamURLs: streamURLs ?? (options.baseURL === undefined ? AXIOM_STREAM_URLS : [`${fields.baseURL.replace(/^http/i, 'ws')}/`]),
      streamHeaders,
    }),
  )
  return extendSession(session, {
    hasSavedTokens: savedTokensCheck(session, store),
    connectWebSocket: (socketOptions?: AxiomWebSocketOptions) => connectAxiomWebSocket(session, socketOptions),
  })
}

/** Opens the Axiom feed of `strategy` (an Axiom session with the stream flow): core authenticates, rooms are kept here. */
function connectAxiomWebSocket(strategy: AuthStrategy, options: AxiomWebSocketOptions = {}): AxiomWebSocket {
  const { rooms: initialRooms = [], onOpen, ...socketOptions } = options
  const rooms = new Set<string>()
  const sendJoin = (socket: AuthWebSocket, room: string) => socket.send(JSON.stringify({ action: 'join', room }))
  const socket = connectWebSocket(strategy, {
    ...socketOptions,
    // Every (re)connect, before the 'open' listeners: the rooms first, then the user's own hook.
    async onOpen(ws) {
      for (const room of [...rooms]) sendJoin(ws, room)
      await onOpen?.(stream)
    },
  })
  const stream: AxiomWebSocket = {
    get state() {
      return socket.state
    },
    get rooms() {
      return [...rooms]
    },
    join(room) {
      if (typeof room !== 'string' || room === '') {
        throw new ConfigError(`${PACKAGE_NAME}: join() needs a room name, such as 'new_pairs' or 'v:<wallet address>'.`, { provider: 'axiom', field: 'room' })
      }
      if (rooms.has(room)) return
      rooms.add(room)
      if (socket.state === 'open') sendJoin(socket, room)
    },
    send: (data) => socket.send(data),
    close: (code, reason) => socket.close(code, reason),
    on: (event, listener) => socket.on(event, listener),
    [Symbol.asyncDispose]: () => socket.close(),
  }
  for (const room of initialRooms) stream.join(room)
  return stream
}
