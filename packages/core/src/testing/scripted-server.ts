// Test-only: a loopback server whose every route is scripted by the test — the misbehaving provider of the engine's
// promise tests (hangs behind a gate, cut bodies, redirects, odd Date headers), with a log of what reached it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>

export interface SeenRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
}

export interface ScriptedServer {
  origin: string
  /** Requests seen so far, in order. */
  seen: SeenRequest[]
  /** How many requests reached `path`. */
  count(path: string): number
  route(path: string, handler: Handler): void
  close(): Promise<void>
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const routes = new Map<string, Handler>()
  const seen: SeenRequest[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      seen.push({ method: req.method ?? 'GET', path, headers: { ...req.headers } })
      const handler = routes.get(path)
      if (!handler) return json(res, 404, { error: 'not found' })
      void handler(req, res, body)
    })
  })
  server.keepAliveTimeout = 500
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    count: (path) => seen.filter((request) => request.path === path).length,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Answers JSON. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/** Sends the headers and half of a JSON body, then destroys the socket. */
export function cutBody(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' })
  res.write('{"access_token":"tok-partial", "refresh_token": "')
  setTimeout(() => res.socket?.destroy(), 20)
}

/** A gate a handler can wait on; the test opens it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void
  const wait = new Promise<void>((resolve) => (open = resolve))
  return { wait, open }
}

/** An unsigned JWT with the given claims (the engine decodes, never verifies). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`
}

/** Resolves once `condition()` holds (polled every 5 ms), failing after `ms`. */
export async function until(condition: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
