import WebSocket from 'ws'

/** A `ws` client socket that keeps every message and lets a test await the next matching one. */
export interface TestSocket {
  ws: WebSocket
  /** Every text message received so far (parsed as JSON when possible). */
  messages: unknown[]
  /** Resolve with the first message (already received or future) after index `from` that matches. */
  next(match: (message: unknown) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<unknown>
  /** Resolves once the socket closed. */
  closed: Promise<{ code: number; reason: string }>
  send(value: unknown): void
}

/**
 * Open a socket; rejects with `{ status }` when the server answers the upgrade with an HTTP status. `onMessage` sees
 * every message from the very first one (so a test can answer pings without racing the open event).
 */
export function openSocket(url: string, options: WebSocket.ClientOptions = {}, onMessage?: (message: unknown, ws: WebSocket) => void): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options)
    const messages: unknown[] = []
    const listeners = new Set<() => void>()
    let closedResolve: (value: { code: number; reason: string }) => void = () => {}
    const closed = new Promise<{ code: number; reason: string }>((r) => {
      closedResolve = r
    })
    ws.on('message', (data) => {
      const text = data.toString()
      let message: unknown = text
      try {
        message = JSON.parse(text)
      } catch {}
      messages.push(message)
      onMessage?.(message, ws)
      for (const listener of [...listeners]) listener()
    })
    ws.on('close', (code, reason) => closedResolve({ code, reason: reason.toString() }))
    ws.on('unexpected-response', (request, response) => {
      reject(Object.assign(new Error(`upgrade answered ${response.statusCode}`), { status: response.statusCode, headers: response.headers }))
      request.destroy()
    })
    ws.on('error', (error) => reject(error))
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        closed,
        send: (value) => ws.send(typeof value === 'string' ? value : JSON.stringify(value)),
        next(match, opts = {}) {
          let index = opts.from ?? 0
          return new Promise((res, rej) => {
            const check = () => {
              for (; index < messages.length; index++) {
                const message = messages[index]
                if (match(message)) {
                  listeners.delete(check)
                  clearTimeout(timer)
                  res(message)
                  return
                }
              }
            }
            const timer = setTimeout(() => {
              listeners.delete(check)
              rej(new Error(`no matching message within ${opts.timeoutMs ?? 3000} ms; got ${JSON.stringify(messages).slice(0, 500)}`))
            }, opts.timeoutMs ?? 3000)
            listeners.add(check)
            check()
          })
        },
      }),
    )
  })
}

/** The HTTP status an upgrade was refused with. */
export async function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  try {
    const socket = await openSocket(url, options)
    socket.ws.close()
    return 101
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === undefined) throw error
    return status
  }
}

/** Matches a message with these fields. */
export const has =
  (fields: Record<string, unknown>) =>
  (message: unknown): boolean =>
    typeof message === 'object' && message !== null && Object.entries(fields).every(([k, v]) => (message as Record<string, unknown>)[k] === v)
