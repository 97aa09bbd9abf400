import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { VirtualClock } from './clock.js'
import { parseCookies } from './cookies.js'
import type { Fault, FaultMatcher } from './faults.js'
import type { EmulatorRequest, EmulatorResponse, ProviderDefinition } from './http-types.js'
import { redactHeaders } from './redact.js'
import type { RequestRecorder } from './request-log.js'
import type { StatsRecorder } from './stats.js'
import type { CredentialKind } from './types.js'

/** Controls shared by every emulator of one `startEmulators()` call (or owned by a single emulator). */
export interface SharedControls {
  clock: VirtualClock
  faults: FaultMatcher
  requests: RequestRecorder
  stats: StatsRecorder
  /** Seed of the generated credentials (`createIds(seed, provider)`); undefined = random ones. */
  seed?: string
}

/** A listening provider origin. */
export interface ListeningServer {
  /** `http://127.0.0.1:PORT` */
  origin: string
  port: number
  /** Stop listening and drop open connections. */
  close(): Promise<void>
}

const realSetTimeout = globalThis.setTimeout
const MAX_BODY_BYTES = 1_000_000

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

function presentedCredential(request: EmulatorRequest): CredentialKind {
  if (request.headers['x-api-key']) return 'x-api-key'
  if (/^bearer\s/i.test(request.headers.authorization ?? '')) return 'bearer'
  if (Object.keys(request.cookies).some((name) => name.startsWith('auth-'))) return 'cookie'
  return 'none'
}

/** The answer an injected fault plays (`undefined` for `delay` and `reset`, which the caller handles). */
export function faultResponse(fault: Fault, provider: Pick<ProviderDefinition, 'faultBody'>): EmulatorResponse | undefined {
  switch (fault.kind) {
    case 'status':
      return { status: fault.status, body: fault.body ?? provider.faultBody(fault.status) }
    case 'rate-limit':
      return {
        status: 429,
        body: provider.faultBody(429),
        headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
      }
    case 'unauthorized':
      return { status: 401, body: provider.faultBody(401) }
    case 'malformed-json':
      return { status: fault.status ?? 200, raw: '{"injected": malformed json', contentType: 'application/json; charset=utf-8' }
    case 'html':
      return {
        status: fault.status ?? 502,
        raw: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>Injected by @authmux/testkit.</p></body></html>',
        contentType: 'text/html; charset=utf-8',
      }
    default:
      return undefined
  }
}

function send(res: ServerResponse, response: EmulatorResponse, nowMs: number): void {
  res.statusCode = response.status
  res.setHeader('Date', new Date(nowMs).toUTCString())
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value)
  if (response.cookies?.length) res.setHeader('Set-Cookie', response.cookies)
  if (response.raw !== undefined) {
    res.setHeader('Content-Type', response.contentType ?? 'text/plain; charset=utf-8')
    res.end(response.raw)
  } else if (response.body !== undefined) {
    res.setHeader('Content-Type', 'application/json; charset=utf-8')
    res.end(JSON.stringify(response.body))
  } else {
    res.end()
  }
}

/** Serve one provider emulator on its own origin (127.0.0.1 by default). */
export function serveProvider(provider: ProviderDefinition, shared: SharedControls, options: { port?: number; host?: string } = {}): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.statusCode = 500
        res.end()
      } else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = shared.clock.now()
    const url = new URL(req.url ?? '/', 'http://emulator.invalid')
    const method = (req.method ?? 'GET').toUpperCase()
    let rawBody = ''
    try {
      rawBody = await readBody(req)
    } catch {
      return
    }
    let body: unknown
    let bodyInvalid = false
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody)
      } catch {
        bodyInvalid = true
      }
    }
    const headers = flattenHeaders(req)
    const request: EmulatorRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      cookies: parseCookies(headers.cookie),
      rawBody,
      body,
      bodyInvalid,
      ip: req.socket.remoteAddress ?? 'unknown',
      params: {},
    }
    shared.stats.count(provider.name, provider.kindOf(method, url.pathname))
    const log = (status: number, fault?: string) => {
      shared.stats.countStatus(provider.name, status)
      shared.requests.record({
        provider: provider.name,
        method,
        path: url.pathname,
        status,
        credential: request.credential ?? presentedCredential(request),
        headers: redactHeaders(req.headers),
        at,
        ...(fault ? { fault } : {}),
      })
    }

    const fault = shared.faults.take(provider.name, method, url.pathname)
    if (fault?.kind === 'reset') {
      log(0, 'reset')
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => realSetTimeout(resolve, fault.delayMs))
    const injected = fault ? faultResponse(fault, provider) : undefined
    if (injected) {
      log(injected.status, fault?.kind)
      if (res.destroyed) return
      send(res, injected, shared.clock.now())
      return
    }

    let response: EmulatorResponse
    try {
      response = await provider.handle(request)
    } catch {
      response = { status: 500, body: provider.faultBody(500) }
    }
    log(response.status, fault?.kind)
    if (res.destroyed) return
    send(res, response, shared.clock.now())
  }

  // WebSocket upgrades go to the provider's stream endpoints; a provider without any answers 404 and hangs up.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (provider.streams) provider.streams.handleUpgrade(req, socket, head)
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      const port = (server.address() as AddressInfo).port
      const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
      provider.streams?.attach(origin)
      resolve({
        origin,
        port,
        close: () =>
          new Promise<void>((done) => {
            provider.streams?.close()
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
