import { ConfigError } from '@authmux/core'
import { PACKAGE_NAME } from '../../package-name'

/** A WebSocket constructor SignalR can use: the `ws` package's (headers allowed) or a standard one. */
export type HubWebSocketConstructor = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => object

/** An upgrade the server answered with HTTP 401 or 403: the token it carried was refused. */
export interface HubRejection {
  status: number
  token: string | undefined
}

type WsLike = {
  on(event: 'unexpected-response', listener: (request: unknown, response: { statusCode?: number; resume?(): void }) => void): void
  terminate(): void
}

const AUTH_STATUSES = new Set([401, 403])

/**
 * What SignalR sees of the constructor: the ready-state constants it compares a socket's `readyState` with. Never
 * constructed itself: the proxy's construct trap returns the real socket.
 */
class SocketShape {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  readonly readyState: number = SocketShape.CONNECTING
}

/** The arguments SignalR's Node client constructs a WebSocket with (a browser passes only the URL). */
type SocketArgs = [url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }]

/**
 * The WebSocket SignalR opens for the hub. SignalR's Node client sends the factory's token only as an
 * `Authorization: Bearer` header; the ProjectX Gateway documents the `access_token` query parameter. This constructor
 * copies the token SignalR just obtained (fresh for every connect) into `access_token`, and, with the `ws` package,
 * notices an upgrade refused with 401/403, which SignalR reports only as a generic failure. In a browser SignalR puts
 * the token in the query itself and sends no header; nothing is added then.
 */
export class HubSocket {
  #base: HubWebSocketConstructor | undefined
  /** The last upgrade refused for authentication, until taken. */
  #rejection: HubRejection | undefined
  /** The constructor to hand to SignalR (`WebSocket` option). */
  readonly WebSocket: HubWebSocketConstructor

  constructor(given: HubWebSocketConstructor | undefined) {
    this.#base = given
    // SignalR constructs it with `new`; the trap opens the real socket (see #open)
    this.WebSocket = new Proxy(SocketShape, {
      construct: (_target, [url, protocols, options]: SocketArgs) => this.#open(url, protocols, options),
    })
  }

  /** Loads the `ws` package (Node) unless a constructor was given; falls back to the runtime's `WebSocket`. */
  async ready(): Promise<void> {
    if (this.#base) return
    try {
      const name = 'ws'
      const module = (await import(/* @vite-ignore */ name)) as { WebSocket?: HubWebSocketConstructor; default?: HubWebSocketConstructor }
      this.#base = module.WebSocket ?? module.default
    } catch {
      // not installed, or not Node
    }
    this.#base ??= (globalThis as { WebSocket?: HubWebSocketConstructor }).WebSocket
    if (!this.#base) {
      throw new ConfigError(`${PACKAGE_NAME}: no WebSocket here for the ProjectX hub — install the \`ws\` package (npm i ws), or pass { WebSocket }.`, {
        provider: 'projectx',
        field: 'WebSocket',
      })
    }
  }

  /** The refusal of the last upgrade, if it was one; forgotten once taken. */
  takeRejection(): HubRejection | undefined {
    const rejection = this.#rejection
    this.#rejection = undefined
    return rejection
  }

  #open(url: string, protocols: string | string[] | undefined, options: { headers?: Record<string, string> } | undefined): object {
    const Base = this.#base
    if (!Base) throw new Error('HubSocket.ready() was not awaited')
    this.#rejection = undefined
    const token = bearerOf(options?.headers)
    const target = token === undefined ? url : withAccessToken(url, token)
    if (typeof (Base.prototype as { on?: unknown } | undefined)?.on !== 'function') {
      // A standard WebSocket: no headers, the query carries the token.
      return protocols === undefined ? new Base(target) : new Base(target, protocols)
    }
    const ws = new Base(target, protocols, options) as WsLike
    ws.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0
      if (AUTH_STATUSES.has(status)) this.#rejection = { status, token }
      response.resume?.()
      ws.terminate() // → 'close' (1006): SignalR's start fails, its retry policy decides
    })
    return ws
  }
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
function bearerOf(headers: Record<string, string> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'authorization' && /^Bearer /i.test(value)) return value.slice(7).trim() || undefined
  }
  return undefined
}

/** `url` with `access_token` set to `token` (replacing any, so it is never there twice). */
function withAccessToken(url: string, token: string): string {
  const parsed = new URL(url)
  parsed.searchParams.set('access_token', token)
  return parsed.href
}
