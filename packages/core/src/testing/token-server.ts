// Test-only: a tiny token-issuing API on loopback, driven by a minimal in-test flow (no provider code).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TokenServerOptions {
  /** Token lifetime in ms. */
  lifetimeMs?: number
  /** Server clock minus real clock, in ms (shifts the Date header and token expiry). */
  skewMs?: number
  /** Delay before the refresh endpoint answers, in ms. */
  refreshDelayMs?: number
  /** Issue JWTs (exp claim) instead of opaque tokens with expires_in. */
  jwt?: boolean
  /** The "real" time the server lives in (skew is added on top). Default Date.now. */
  now?: () => number
}

export interface TokenServer {
  url: string
  origin: string
  counts: { acquire: number; renew: number; api: number; unauthorized: number; redirectTarget: number }
  /** Headers seen by /landing (the cross-origin redirect target). */
  landingHeaders: Array<Record<string, string | string[] | undefined>>
  /** Tokens accepted by /api/*: the server's own memory. */
  revokeAll(): void
  /** The next N /api requests answer 401 regardless of the token. */
  reject401(times: number): void
  /** Set where /redirect points. */
  redirectTo: string
  /** Seen Authorization headers of /api requests, in order. */
  seen: string[]
  /** When set, /auth/refresh answers this status (401 = refresh token rejected, 503 = outage). */
  refreshStatus: number | undefined
  /** Remaining 429s /api/limited answers before a 200, and the Retry-After it sends (seconds). */
  limited: { remaining: number; retryAfterSeconds: number }
  /** Remaining 503s /api/flaky answers before a 200. */
  flaky: { remaining: number }
  options: Required<TokenServerOptions>
  close(): Promise<void>
}

function base64url(value: string): string {
  return Buffer.from(value).toString('base64url')
}

export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const opts: Required<TokenServerOptions> = { lifetimeMs: 60_000, skewMs: 0, refreshDelayMs: 0, jwt: false, now: Date.now, ...options }
  const valid = new Map<string, number>() // token → server-clock expiry
  let serial = 0
  let forced401 = 0
  const serverNow = () => opts.now() + opts.skewMs

  const issue = () => {
    serial++
    const exp = serverNow() + opts.lifetimeMs
    const token = opts.jwt
      ? `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url(JSON.stringify({ sub: 'u', n: serial, iat: Math.floor(serverNow() / 1000), exp: Math.floor(exp / 1000) }))}.sig${serial}`
      : `tok-CANARYTOK-${serial}-${Math.random().toString(36).slice(2)}`
    valid.set(token, exp)
    return {
      access_token: token,
      refresh_token: `ref-CANARYREF-${serial}-${Math.random().toString(36).slice(2)}`,
      ...(opts.jwt ? {} : { expires_in: Math.floor(opts.lifetimeMs / 1000) }),
    }
  }

  const state: TokenServer = {
    url: '',
    origin: '',
    counts: { acquire: 0, renew: 0, api: 0, unauthorized: 0, redirectTarget: 0 },
    landingHeaders: [],
    revokeAll: () => valid.clear(),
    reject401: (times) => {
      forced401 = times
    },
    redirectTo: '',
    seen: [],
    refreshStatus: undefined,
    limited: { remaining: 0, retryAfterSeconds: 1 },
    flaky: { remaining: 0 },
    options: opts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', date: new Date(serverNow()).toUTCString(), ...headers })
    res.end(JSON.stringify(body))
  }

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = ''
      req.on('data', (chunk) => (data += chunk))
      req.on('end', () => resolve(data))
    })

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const body = await readBody(req)
    if (path === '/auth/token' && req.method === 'POST') {
      state.counts.acquire++
      const { apiKey } = JSON.parse(body || '{}') as { apiKey?: string }
      if (apiKey === 'answers-500') return send(res, 500, { error: 'Invalid email or password' })
      if (apiKey === 'flaky-500' && state.counts.acquire === 1) return send(res, 500, { error: 'try again' })
      // Like some real APIs, echo the rejected key back: the client must redact it.
      if (apiKey !== 'the-right-key' && apiKey !== 'flaky-500') return send(res, 401, { error: `invalid api key ${apiKey}` })
      return send(res, 200, issue())
    }
    if (path === '/auth/refresh' && req.method === 'POST') {
      state.counts.renew++
      if (opts.refreshDelayMs > 0) await new Promise((r) => setTimeout(r, opts.refreshDelayMs))
      if (state.refreshStatus !== undefined) return send(res, state.refreshStatus, { error: 'refresh failed' })
      return send(res, 200, issue())
    }
    if (path === '/landing') {
      state.counts.redirectTarget++
      state.landingHeaders.push({ ...req.headers })
      return send(res, 200, { landed: true })
    }
    if (path === '/redirect') {
      res.writeHead(302, { location: state.redirectTo, date: new Date(serverNow()).toUTCString() })
      return res.end()
    }
    if (path.startsWith('/api/')) {
      state.counts.api++
      if (path === '/api/limited' && state.limited.remaining > 0) {
        state.limited.remaining--
        return send(res, 429, { error: 'slow down' }, { 'retry-after': String(state.limited.retryAfterSeconds) })
      }
      if (path === '/api/slow') await new Promise((resolve) => setTimeout(resolve, 1_500))
      if (path === '/api/flaky' && state.flaky.remaining > 0) {
        state.flaky.remaining--
        return send(res, 503, { error: 'unavailable' })
      }
      const auth = req.headers.authorization ?? ''
      state.seen.push(auth)
      const token = auth.replace(/^Bearer /, '')
      const exp = valid.get(token)
      if (forced401 > 0 || exp === undefined || exp <= serverNow()) {
        if (forced401 > 0) forced401--
        state.counts.unauthorized++
        return send(res, 401, { error: 'unauthorized' })
      }
      return send(res, 200, { ok: true, path, method: req.method, body })
    }
    send(res, 404, { error: 'not found' })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  state.origin = `http://127.0.0.1:${port}`
  state.url = state.origin
  return state
}
