import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'

/**
 * A programmable misbehaving HTTP server on 127.0.0.1 for tests of how a client copes with a hostile provider:
 * tokens that expire on arrival, answers that hang, bodies cut off mid-read, redirect loops, lying `Date` headers.
 * Unlike the emulators it speaks no provider's protocol by itself: a test registers one handler per route.
 */

/** One request as the hostile server received it. Header values are kept verbatim (nothing is redacted). */
export interface HostileRequest {
  /** Upper-case method. */
  method: string
  /** Path without the query string. */
  path: string
  query: URLSearchParams
  /** Request headers, names lower-cased, repeated headers joined with `, `. */
  headers: Record<string, string>
  /** Raw request body ('' when none). */
  body: string
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown
}

/** Answers one request. It may write `res` at once, later, partly, or never (see `hang`). */
export type HostileHandler = (req: HostileRequest, res: ServerResponse) => void | Promise<void>

/** A latch a test opens to release handlers waiting on it (see `hang`). */
export interface Gate {
  /** Whether `open()` was called. */
  readonly opened: boolean
  /** Releases every current and future waiter. Idempotent. */
  open(): void
  /** Resolves once the gate is open. */
  wait(): Promise<void>
}

/** Options of the JSON answer helpers. */
export interface JsonAnswerOptions {
  /** HTTP status. Default 200. */
  status?: number
  /** Extra response headers (`Set-Cookie` may be an array). */
  headers?: Record<string, string | string[]>
  /** Value of the `Date` header (server clock), e.g. five years ahead. Default: the real current time. */
  date?: Date
}

/** Options of `cutBody`. */
export interface CutBodyOptions {
  /** HTTP status sent before the cut. Default 200. */
  status?: number
  /** The part of the body sent before the socket is destroyed. Default `{"token":"`. */
  partial?: string
  /** The `Content-Length` announced; must exceed the partial body's length. Default 1000. */
  declaredLength?: number
}

/** A listening hostile server. */
export interface HostileServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** `origin` + `path`. */
  url(path: string): string
  /**
   * Registers (or replaces) the handler of `method` + `path` (exact path, no query string). Requests without a
   * handler are recorded and answered `404 {"error":"no route"}`.
   */
  route(method: string, path: string, handler: HostileHandler): this
  /** Requests received so far, in arrival order, optionally only those of one path (and method). */
  requests(path?: string, method?: string): HostileRequest[]
  /** How many requests reached `path` (every method, or only `method`). */
  count(path: string, method?: string): number
  /** Resolves once `path` (and `method`, when given) has received at least `times` requests (default 1). */
  received(path: string, method?: string, times?: number): Promise<void>
  /** Forgets every recorded request (routes stay). */
  clearRequests(): void
  /** Stops listening and destroys every connection, hung ones included. */
  close(): Promise<void>
}

/** A gate that starts closed. */
export function createGate(): Gate {
  let release!: () => void
  let opened = false
  const done = new Promise<void>((resolve) => (release = resolve))
  return {
    get opened() {
      return opened
    },
    open() {
      opened = true
      release()
    },
    wait: () => done,
  }
}

/** Writes a JSON answer with the given status, headers and `Date`. */
export function sendJson(res: ServerResponse, body: unknown, options: JsonAnswerOptions = {}): void {
  if (res.destroyed || res.headersSent) return
  res.statusCode = options.status ?? 200
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Date', (options.date ?? new Date()).toUTCString())
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value)
  res.end(JSON.stringify(body))
}

/** A handler answering JSON: a fixed body, or one computed from the request (e.g. a fresh token per call). */
export function json(body: unknown | ((req: HostileRequest) => unknown), options: JsonAnswerOptions = {}): HostileHandler {
  return (req, res) => sendJson(res, typeof body === 'function' ? (body as (req: HostileRequest) => unknown)(req) : body, options)
}

/**
 * A handler that answers nothing until `until` opens, then hands the request to `then` (when given). Without a gate
 * it hangs until the client gives up or the server closes.
 */
export function hang(until?: Gate, then?: HostileHandler): HostileHandler {
  return async (req, res) => {
    if (!until) return
    await until.wait()
    if (then && !res.destroyed) await then(req, res)
  }
}

/** A handler that sends the status line, headers and part of the body, then destroys the socket. */
export function cutBody(options: CutBodyOptions = {}): HostileHandler {
  return (_req, res) => {
    const partial = options.partial ?? '{"token":"'
    res.writeHead(options.status ?? 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(options.declaredLength ?? 1000),
    })
    res.write(partial, () => {
      // Let the partial body reach the client before the connection drops mid-read.
      setTimeout(() => res.socket?.destroy(), 20)
    })
  }
}

/** A handler answering `status` (default 302) with `Location: location` and an empty body. */
export function redirect(location: string, status = 302): HostileHandler {
  return (_req, res) => {
    res.writeHead(status, { Location: location, 'Content-Length': '0' })
    res.end()
  }
}

/**
 * A JWT-shaped token with the given claims (`exp` in seconds; `1e308` is fine). Its signature is not a real one:
 * clients only decode these tokens.
 */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('not-a-signature').toString('base64url')}`
}

/** A promise observed without being awaited: its state can be read at any moment, and it never rejects unhandled. */
export interface Watched<T> {
  readonly state: 'pending' | 'fulfilled' | 'rejected'
  readonly value: T | undefined
  readonly reason: unknown
  /**
   * Resolves true once the promise has settled, or false when it is still pending after `withinMs` (real time) — a
   * liveness bound that keeps a test from hanging, not a timing assertion.
   */
  settled(withinMs: number): Promise<boolean>
}

/** Starts watching `promise`. */
export function watch<T>(promise: Promise<T>): Watched<T> {
  const watched = { state: 'pending', value: undefined, reason: undefined } as { state: Watched<T>['state']; value: T | undefined; reason: unknown }
  const done = promise.then(
    (value) => {
      watched.state = 'fulfilled'
      watched.value = value
    },
    (reason: unknown) => {
      watched.state = 'rejected'
      watched.reason = reason
    },
  )
  return Object.assign(watched, {
    settled(withinMs: number) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), withinMs)))
      return Promise.race([done.then(() => true), late]).finally(() => clearTimeout(timer))
    },
  })
}

/**
 * Every rendering of an error a user could see, joined: `String()`, `message`, `stack`, `util.inspect`,
 * `JSON.stringify`, and the same for each error of its `cause` chain. Assert a canary secret is not in it.
 */
export function renderError(error: unknown, depth = 0): string {
  const parts = [String(error), inspect(error, { depth: 10 })]
  try {
    parts.push(JSON.stringify(error) ?? '')
  } catch {
    // circular: inspect has it
  }
  if (error instanceof Error) {
    parts.push(error.message, error.stack ?? '')
    const cause = (error as { cause?: unknown }).cause
    if (cause !== undefined && depth < 8) parts.push(renderError(cause, depth + 1))
  }
  return parts.join('\n')
}

/** Starts a hostile server on 127.0.0.1 on a random free port. */
export async function startHostileServer(): Promise<HostileServer> {
  const routes = new Map<string, HostileHandler>()
  const log: HostileRequest[] = []
  const waiters = new Set<() => void>()
  const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`

  const server = createServer((incoming, res) => {
    receive(incoming, res).catch(() => res.destroy())
  })

  async function receive(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const url = new URL(incoming.url ?? '/', 'http://hostile.invalid')
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
    }
    let parsed: unknown
    try {
      parsed = body === '' ? undefined : JSON.parse(body)
    } catch {
      parsed = undefined
    }
    const req: HostileRequest = { method: (incoming.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, headers, body, json: parsed }
    log.push(req)
    for (const wake of [...waiters]) wake()
    const handler = routes.get(key(req.method, req.path))
    if (handler) await handler(req, res)
    else sendJson(res, { error: 'no route' }, { status: 404 })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  const matching = (path?: string, method?: string) =>
    log.filter((r) => (path === undefined || r.path === path) && (method === undefined || r.method === method.toUpperCase()))

  const hostile: HostileServer = {
    origin,
    url: (path) => `${origin}${path}`,
    route(method, path, handler) {
      routes.set(key(method, path), handler)
      return hostile
    },
    requests: (path, method) => matching(path, method),
    count: (path, method) => matching(path, method).length,
    received(path, method, times = 1) {
      return new Promise<void>((resolve) => {
        const check = () => {
          if (matching(path, method).length < times) return
          waiters.delete(check)
          resolve()
        }
        waiters.add(check)
        check()
      })
    },
    clearRequests() {
      log.length = 0
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
  return hostile
}
