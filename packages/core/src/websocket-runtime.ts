import { ConfigError } from './errors'

/** A WebSocket constructor: the `ws` package's (headers allowed) or a standard one (`globalThis.WebSocket`). */
export type WebSocketConstructor = new (url: string, options?: { headers?: Record<string, string> }) => object

/** What the reconnecting socket needs from one connection. */
export interface OpenSocket {
  send(data: string): void
  close(code: number, reason: string): void
}

/** Callbacks of one connection. */
export interface SocketHandlers {
  open(): void
  message(data: string): void
  /** The upgrade was answered with an HTTP status instead of 101 (only the `ws` package can tell). */
  rejected(status: number): void
  close(code: number, reason: string): void
}

/** The constructor to use: the given one, else the `ws` package where it can be loaded (Node), else the runtime's. */
export async function resolveWebSocket(given: WebSocketConstructor | undefined): Promise<WebSocketConstructor> {
  if (given) return given
  try {
    const name = 'ws'
    const module = (await import(/* @vite-ignore */ name)) as { WebSocket?: WebSocketConstructor; default?: WebSocketConstructor }
    const Ctor = module.WebSocket ?? module.default
    if (Ctor) return Ctor
  } catch {
    // not installed, or not a Node-like runtime
  }
  const standard = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (standard) return standard
  throw new ConfigError('@authmux/core: no WebSocket here: install the `ws` package (npm i ws), or pass { WebSocket }.', { field: 'WebSocket' })
}

type Emitter = {
  on(event: string, listener: (...args: unknown[]) => void): void
  send(data: string): void
  close(code?: number, reason?: string): void
  terminate?(): void
}
type Standard = {
  addEventListener(event: string, listener: (event: { data?: unknown; code?: number; reason?: string }) => void): void
  send(data: string): void
  close(code?: number, reason?: string): void
}

/** Opens one connection with either kind of constructor and reports through `handlers` (each at most once for close). */
export function openSocket(Ctor: WebSocketConstructor, url: URL, headers: Record<string, string>, handlers: SocketHandlers): OpenSocket {
  let settled = false
  const close = (code: number, reason: string) => {
    if (settled) return
    settled = true
    handlers.close(code, reason)
  }
  const hasHeaders = Object.keys(headers).length > 0
  const socket = hasHeaders ? new Ctor(url.href, { headers }) : new Ctor(url.href)
  if (typeof (socket as Partial<Emitter>).on === 'function') {
    const ws = socket as Emitter
    ws.on('open', () => handlers.open())
    ws.on('message', (data: unknown) => handlers.message(String(data)))
    ws.on('unexpected-response', (_request: unknown, response: unknown) => {
      settled = true
      const status = (response as { statusCode?: number }).statusCode ?? 0
      ;(response as { resume?: () => void }).resume?.()
      ws.terminate?.()
      handlers.rejected(status)
    })
    ws.on('error', () => {
      // followed by 'close' (or preceded by 'unexpected-response')
    })
    ws.on('close', (code: unknown, reason: unknown) => close(Number(code), String(reason ?? '')))
  } else {
    const standard = socket as Standard
    standard.addEventListener('open', () => handlers.open())
    standard.addEventListener('message', (event) => handlers.message(String(event.data)))
    standard.addEventListener('close', (event) => close(event.code ?? 1006, event.reason ?? ''))
  }
  return {
    send: (data) => (socket as Emitter | Standard).send(data),
    close: (code, reason) => (socket as Emitter | Standard).close(code, reason),
  }
}
