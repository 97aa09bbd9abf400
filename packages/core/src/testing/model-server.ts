import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TokenSet } from '../index'
import { CANARY_API_KEY } from './canaries'
import { type ApiAnswer, type Endpoint, type Failure, type Lifetime, type TokenAnswer, type VirtualClock, describeAnswer } from './model-answers'

// ── the loopback token server ─────────────────────────────────────────────────────────────────────────────────────

export interface AuthCallInfo {
  id: string
  endpoint: 'token' | 'refresh'
  /** Other token/refresh calls in flight at the server when this one arrived (not answered, not given up by the client). */
  concurrent: string[]
  answer: string
}

export function base64url(value: string): string {
  return Buffer.from(value).toString('base64url')
}

export function readRequestBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = ''
    req.on('data', (chunk) => (data += chunk))
    req.on('end', () => resolve(data))
    req.on('error', () => resolve(data))
  })
}

export function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}')
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/**
 * A token API on 127.0.0.1 whose next answers the model decides: `/auth/token` (api key → access + refresh token),
 * `/auth/refresh` (refresh token → new access token; rotating or not), `/auth/revoke`, and `/api/*`, which accepts
 * only live, unexpired access tokens. It lives on the virtual clock. Every issued token carries a canary marker.
 */
export class ModelServer {
  origin = ''
  readonly counts = { token: 0, refresh: 0, revoke: 0, api: 0 }
  /** Called when a token/refresh call arrives (after its body was read). */
  onAuthCall: ((call: AuthCallInfo) => void) | undefined
  /** Called when an `/api/*` request is answered (for the trace). */
  onApiCall: ((answer: string) => void) | undefined
  readonly #clock: VirtualClock
  readonly #rotateRefresh: boolean
  readonly #defaultLifetimeMs: number
  readonly #access = new Map<string, number | undefined>()
  readonly #refresh = new Map<string, boolean>()
  readonly #queues: { token: TokenAnswer[]; refresh: TokenAnswer[]; api: ApiAnswer[] } = { token: [], refresh: [], api: [] }
  readonly #defaults: { token: TokenAnswer | undefined; refresh: TokenAnswer | undefined; api: ApiAnswer | undefined } = {
    token: undefined,
    refresh: undefined,
    api: undefined,
  }
  /** Token/refresh calls in flight: id → endpoint. Removed when answered, when the connection closes, or by the client. */
  readonly #inFlight = new Map<string, string>()
  readonly #givenUp = new Set<string>()
  readonly #hung = new Set<ServerResponse>()
  #serial = 0
  #anonymous = 0
  readonly #server = createServer((req, res) => {
    this.#handle(req, res).catch(() => res.destroy())
  })

  constructor(clock: VirtualClock, options: { rotateRefresh: boolean; defaultLifetimeMs: number }) {
    this.#clock = clock
    this.#rotateRefresh = options.rotateRefresh
    this.#defaultLifetimeMs = options.defaultLifetimeMs
    this.#server.keepAliveTimeout = 1_000
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
    return this
  }

  async close(): Promise<void> {
    for (const res of this.#hung) res.destroy()
    this.#hung.clear()
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /** Queues answers for an endpoint; `sticky` makes the last one the endpoint's answer from then on. */
  script(endpoint: Endpoint, answers: Array<TokenAnswer | ApiAnswer>, sticky: boolean): void {
    if (endpoint === 'api') {
      this.#queues.api.push(...(answers as ApiAnswer[]))
      if (sticky) this.#defaults.api = answers.at(-1) as ApiAnswer | undefined
    } else {
      this.#queues[endpoint].push(...(answers as TokenAnswer[]))
      if (sticky) this.#defaults[endpoint] = answers.at(-1) as TokenAnswer | undefined
    }
  }

  /** The client gave up on (or received the answer of) call `id`: it no longer counts as in flight. */
  settleClientCall(id: string): void {
    this.#inFlight.delete(id)
    this.#givenUp.add(id)
  }

  isRefreshLive(token: string | undefined): boolean {
    return token !== undefined && this.#refresh.get(token) === true
  }

  /** A real token pair, as a user would import it (not an auth call). Expiry on the local (virtual) clock. */
  mint(lifetime: Lifetime, withRefresh: boolean): TokenSet {
    const issued = this.#issue({ kind: 'ok', lifetime, jwt: false, omitRefresh: false, dateSkewMs: 0 }, undefined)
    const tokens: TokenSet = { accessToken: issued.access_token as string }
    if (withRefresh) tokens.refreshToken = issued.refresh_token as string
    if (typeof lifetime === 'number') tokens.expiresAt = this.#clock.now() + lifetime
    else if (lifetime === 'absurd') tokens.expiresAt = 8.64e15
    return tokens
  }

  /** The server forgets every access token (and every refresh token too when `refresh`). */
  revokeAll(refresh: boolean): void {
    this.#access.clear()
    if (refresh) for (const token of this.#refresh.keys()) this.#refresh.set(token, false)
  }

  #issue(answer: Extract<TokenAnswer, { kind: 'ok' }>, keepRefresh: string | undefined): Record<string, unknown> {
    const serial = ++this.#serial
    const now = this.#clock.now()
    const { lifetime } = answer
    let access: string
    if (answer.jwt) {
      const claims: Record<string, unknown> = { sub: 'acct', n: serial, iat: Math.floor((now + answer.dateSkewMs) / 1000) }
      if (typeof lifetime === 'number') claims.exp = Math.floor((now + answer.dateSkewMs + lifetime) / 1000)
      else if (lifetime === 'absurd') claims.exp = 1e308
      access = `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url(JSON.stringify(claims))}.CANARYTOKsig${serial}`
    } else {
      access = `tok-CANARYTOK-${serial}-${Math.random().toString(36).slice(2, 10)}`
    }
    this.#access.set(access, typeof lifetime === 'number' ? now + lifetime : undefined)
    const body: Record<string, unknown> = { access_token: access }
    if (keepRefresh === undefined) {
      const refresh = `ref-CANARYREF-${serial}-${Math.random().toString(36).slice(2, 10)}`
      this.#refresh.set(refresh, true)
      body.refresh_token = refresh
    } else if (!answer.omitRefresh) {
      body.refresh_token = keepRefresh
    }
    if (!answer.jwt) {
      if (typeof lifetime === 'number') body.expires_in = lifetime / 1000
      else if (lifetime === 'absurd') body.expires_in = 1e306
    }
    return body
  }

  #next<E extends Endpoint>(endpoint: E): E extends 'api' ? ApiAnswer : TokenAnswer {
    const queued = this.#queues[endpoint].shift()
    if (queued) return queued as E extends 'api' ? ApiAnswer : TokenAnswer
    const fallback = this.#defaults[endpoint]
    if (fallback) return fallback as E extends 'api' ? ApiAnswer : TokenAnswer
    const standard: TokenAnswer | ApiAnswer =
      endpoint === 'api' ? { kind: 'check' } : { kind: 'ok', lifetime: this.#defaultLifetimeMs, jwt: false, omitRefresh: false, dateSkewMs: 0 }
    return standard as E extends 'api' ? ApiAnswer : TokenAnswer
  }

  #send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, skewMs = 0): void {
    res.writeHead(status, { 'content-type': 'application/json', date: new Date(this.#clock.now() + skewMs).toUTCString(), ...headers })
    res.end(JSON.stringify(body))
  }

  /** Answers with a scripted failure. */
  #fail(res: ServerResponse, answer: Failure, echo: string): void {
    switch (answer.kind) {
      case 'reject':
        // Like some real APIs, the rejected credential is echoed back: the client must redact it.
        this.#send(res, 401, { error: `invalid credential ${echo}` })
        return
      case 'rate-limit':
        this.#send(res, 429, { error: 'slow down' }, { 'retry-after': answer.retryAfter })
        return
      case 'server-error':
        this.#send(res, answer.status, { error: `upstream failed for ${echo}` })
        return
      case 'hang':
        this.#hung.add(res)
        res.on('close', () => this.#hung.delete(res))
        return
      case 'cut':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400', date: new Date(this.#clock.now()).toUTCString() })
        res.write('{"access_token":"tok-')
        setImmediate(() => res.destroy())
        return
      case 'garbage': {
        const date = new Date(this.#clock.now()).toUTCString()
        const bodies = {
          html: ['text/html', `<html><body>Bad gateway while checking ${echo}</body></html>`],
          'wrong-types': ['application/json', JSON.stringify({ access_token: 42, refresh_token: ['x'], expires_in: 'soon', note: echo })],
          empty: ['application/json', ''],
          'truncated-json': ['application/json', '{"access_token": "tok-'],
          'not-json': ['application/json', `not json ${echo}`],
        } as const
        const [type, text] = bodies[answer.body]
        res.writeHead(200, { 'content-type': type, date })
        res.end(text)
        return
      }
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const text = await readRequestBody(req)
    const body = parseJson(text)
    if ((path === '/auth/token' || path === '/auth/refresh') && req.method === 'POST') {
      const endpoint = path === '/auth/token' ? 'token' : 'refresh'
      this.counts[endpoint]++
      const header = req.headers['x-model-call']
      const id = typeof header === 'string' ? header : `anon-${++this.#anonymous}`
      const concurrent = [...this.#inFlight.entries()].map(([other, what]) => `${what} ${other}`)
      let answer: TokenAnswer
      const presented = typeof body.refreshToken === 'string' ? body.refreshToken : undefined
      if (endpoint === 'token' && body.apiKey !== CANARY_API_KEY) {
        answer = { kind: 'reject' }
      } else if (endpoint === 'refresh' && !this.isRefreshLive(presented)) {
        // A dead refresh token is refused whatever the script says (the scripted answer stays queued).
        answer = { kind: 'reject' }
      } else {
        answer = this.#next(endpoint)
      }
      if (!this.#givenUp.has(id)) {
        this.#inFlight.set(id, endpoint)
        res.on('close', () => this.#inFlight.delete(id))
      }
      this.onAuthCall?.({ id, endpoint, concurrent, answer: describeAnswer(answer) })
      if (answer.kind !== 'ok') {
        if (answer.kind === 'reject' && endpoint === 'refresh' && presented) this.#refresh.set(presented, false)
        return this.#fail(res, answer, endpoint === 'token' ? String(body.apiKey) : String(presented))
      }
      let keep: string | undefined
      if (endpoint === 'refresh' && presented) {
        if (this.#rotateRefresh) this.#refresh.set(presented, false)
        else keep = presented
      }
      return this.#send(res, 200, this.#issue(answer, keep), {}, answer.dateSkewMs)
    }
    if (path === '/auth/revoke' && req.method === 'POST') {
      this.counts.revoke++
      if (typeof body.accessToken === 'string') this.#access.delete(body.accessToken)
      if (typeof body.refreshToken === 'string' && this.#refresh.has(body.refreshToken)) this.#refresh.set(body.refreshToken, false)
      return this.#send(res, 200, { revoked: true })
    }
    if (path.startsWith('/api/')) {
      this.counts.api++
      const answer = this.#next('api')
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '')
      if (answer.kind !== 'check') {
        this.onApiCall?.(`${req.method} ${path} answers ${describeAnswer(answer)} (scripted)`)
        return this.#fail(res, answer, token)
      }
      const expiresAt = this.#access.get(token)
      if (!this.#access.has(token) || (expiresAt !== undefined && expiresAt <= this.#clock.now())) {
        this.onApiCall?.(`${req.method} ${path} answers 401 (${token ? (this.#access.has(token) ? 'token expired' : 'token unknown') : 'no token'})`)
        return this.#send(res, 401, { error: 'unauthorized' })
      }
      this.onApiCall?.(`${req.method} ${path} answers 200`)
      return this.#send(res, 200, { ok: true, path, method: req.method })
    }
    this.#send(res, 404, { error: 'not found' })
  }
}
