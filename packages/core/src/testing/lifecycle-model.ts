// Test-only: the pieces of the model-based lifecycle test (lifecycle.model.test.ts) — a loopback token server whose
// answers the model scripts, a minimal flow, a harness that runs sessions against both and checks invariants after
// every step, and the fast-check commands. Run through `checkLifecycleModel()`.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import fc from 'fast-check'
import { z } from 'zod'
import {
  AuthError,
  createSession,
  MemoryTokenStore,
  TokenExpiredError,
  type AuthFlow,
  type Session,
  type TokenSet,
  type TokenStore,
  type TokenStoreChange,
} from '../index'
import { CANARY_API_KEY, CANARY_MARKERS } from './canaries'

// ── limits the invariants are stated with ─────────────────────────────────────────────────────────────────────────

/** Auth-call time limit given to every session (`timeoutMs`): a hung provider costs this much real time. */
export const AUTH_TIMEOUT_MS = 200
/**
 * A request whose signal fires must settle this fast (well under AUTH_TIMEOUT_MS: "at once", not "at the timeout").
 * A later settle counts as a violation only when the request was evidently released by an auth call ending (within
 * RELEASED_BY_MS of it), so a busy machine's event-loop stall is not mistaken for an ignored signal.
 */
export const ABORT_LATENCY_MS = 100
const RELEASED_BY_MS = 30
/** Longest a 429 is waited out (`maxRateLimitWaitMs`): `Retry-After: 0` is waited out, 1 s and more are not. */
const MAX_RATE_LIMIT_WAIT_MS = 50
/** Every operation must settle within this (real ms) once the sequence is over. */
const DRAIN_LIMIT_MS = 3_000
/** How long a command with `wait` waits for its operation before moving on. */
const WAIT_LIMIT_MS = 2_000
/** The credential key both sessions share. */
const STORE_KEY = 'model:acct'
const MINUTE = 60_000

/**
 * The auth-call budget, per simulated minute (a sliding 60 s window on the virtual clock), counting calls to the
 * token and refresh endpoints:
 * - background calls (started while no fetch/login/refresh of the model is pending) ≤ BACKGROUND_CALLS_PER_MINUTE.
 *   A background refresh needs one renew, plus a fallback login when the refresh token is refused, each retried
 *   once on a 5xx (4 calls); two sessions share one flight. 10 leaves room for a second round after a clock jump;
 *   a hot refresh loop makes hundreds.
 * - all calls ≤ BASE_CALLS_PER_MINUTE + CALLS_PER_OPERATION × (fetch/login/refresh operations alive in the window).
 *   One operation may wait for a lazy obtain and, after a 401, one renewal (2 obtains); an obtain is a renew plus a
 *   fallback login (2 calls), each retried once on a 5xx (×2) — 8 — plus 2 re-sends after a `Retry-After: 0`.
 *   Explicit login()/refresh() commands are operations, so they are inside the allowance.
 */
export const BACKGROUND_CALLS_PER_MINUTE = 10
export const BASE_CALLS_PER_MINUTE = 10
export const CALLS_PER_OPERATION = 10

/** The invariants, by the name used in failure messages and in `MODEL_INVARIANTS`. */
export const INVARIANTS = {
  'single-flight': 'at most one login/renewal in flight per credential key at the server at any moment',
  'logout-sticks':
    'after logout() resolves, with no later sign-in (request, login, refresh, setTokens, store write), the session stays signed-out and the store empty, also after in-flight calls finish',
  'refresh-token-kept': 'a refresh token that still works at the server is never dropped from the store (outside logout) by a failed refresh',
  'no-secret-leak': 'no canary secret in any error (message, stack, inspect, JSON, cause), event payload, logger line or inspect/JSON of a session',
  'no-unhandled-rejection': 'no unhandled promise rejection while the model runs',
  'typed-rejections': "every rejection a caller sees is an AuthError, or an abort error of the caller's own signal",
  'specific-error-codes': "no rejection or 'error' event carries the catch-all code UNEXPECTED (an untyped error the engine only wrapped)",
  'auth-call-budget': `auth calls per simulated minute: background ≤ ${BACKGROUND_CALLS_PER_MINUTE}; all ≤ ${BASE_CALLS_PER_MINUTE} + ${CALLS_PER_OPERATION} × operations alive`,
  'abort-honoured': `an aborted request settles within ${ABORT_LATENCY_MS} ms of its signal firing (not when the auth call it waited on ends), and an already-aborted request starts no auth call`,
  'error-event': "a login() or refresh() that rejects fires an 'error' event",
  settles: `every operation settles (within ${DRAIN_LIMIT_MS} ms after the last command)`,
  'stored-set-valid': 'the engine only stores well-formed token sets (non-empty tokens, expiresAt undefined or finite, finite meta numbers)',
} as const

export type InvariantName = keyof typeof INVARIANTS
export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[]

// ── answers the model scripts ─────────────────────────────────────────────────────────────────────────────────────

/** Token lifetime in ms (≤ 0: expired on arrival), `'none'`: no expiry given, `'absurd'`: expires_in 1e306 / exp 1e308. */
export type Lifetime = number | 'none' | 'absurd'

export type Failure =
  /** 401 (on the refresh endpoint the server also forgets the refresh token: it tells the truth). */
  | { kind: 'reject' }
  | { kind: 'rate-limit'; retryAfter: '0' | '1' | '120' }
  | { kind: 'server-error'; status: 500 | 502 | 503 }
  /** Never answers: the client's timeout (AUTH_TIMEOUT_MS) ends it. */
  | { kind: 'hang' }
  | { kind: 'garbage'; body: 'html' | 'wrong-types' | 'empty' | 'truncated-json' | 'not-json' }
  /** Headers and half a body, then the connection is cut. */
  | { kind: 'cut' }

export type TokenAnswer = { kind: 'ok'; lifetime: Lifetime; jwt: boolean; omitRefresh: boolean; dateSkewMs: number } | Failure
export type ApiAnswer = { kind: 'check' } | Failure
export type Endpoint = 'token' | 'refresh' | 'api'

function describeAnswer(answer: TokenAnswer | ApiAnswer): string {
  switch (answer.kind) {
    case 'ok':
      return `ok(${answer.lifetime}${answer.jwt ? ',jwt' : ''}${answer.omitRefresh ? ',no-refresh' : ''}${answer.dateSkewMs ? `,date${answer.dateSkewMs > 0 ? '+' : ''}${answer.dateSkewMs}` : ''})`
    case 'rate-limit':
      return `429(retry-after ${answer.retryAfter})`
    case 'server-error':
      return String(answer.status)
    case 'garbage':
      return `garbage(${answer.body})`
    case 'reject':
      return '401'
    default:
      return answer.kind
  }
}

// ── virtual clock ─────────────────────────────────────────────────────────────────────────────────────────────────

/** The simulated time both the sessions (`now` option) and the server live in. */
export class VirtualClock {
  #now: number
  constructor(start: number) {
    this.#now = start
  }
  readonly now = (): number => this.#now
  advance(ms: number): void {
    this.#now += ms
  }
}

// ── the loopback token server ─────────────────────────────────────────────────────────────────────────────────────

export interface AuthCallInfo {
  id: string
  endpoint: 'token' | 'refresh'
  /** Other token/refresh calls in flight at the server when this one arrived (not answered, not given up by the client). */
  concurrent: string[]
  answer: string
}

function base64url(value: string): string {
  return Buffer.from(value).toString('base64url')
}

function readRequestBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = ''
    req.on('data', (chunk) => (data += chunk))
    req.on('end', () => resolve(data))
    req.on('error', () => resolve(data))
  })
}

function parseJson(text: string): Record<string, unknown> {
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

// ── the flow ──────────────────────────────────────────────────────────────────────────────────────────────────────

const tokenBody = z.object({ access_token: z.string().min(1), refresh_token: z.string().min(1).optional(), expires_in: z.number().optional() })

/** The smallest flow against the model server: api key → tokens, refresh token → tokens, revoke, Bearer header. */
export function modelFlow(origin: string, options: { canAcquire?: boolean } = {}): AuthFlow {
  const read = (data: z.infer<typeof tokenBody>, ctx: Parameters<AuthFlow['acquire']>[0]): TokenSet => ({
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresAt: ctx.expiry({ expiresInSeconds: data.expires_in, jwt: data.access_token }),
  })
  return {
    name: 'model',
    packageName: '@authmux/core-model',
    baseURL: `${origin}/api`,
    secrets: [CANARY_API_KEY],
    identity: 'acct',
    canAcquire: options.canAcquire ?? true,
    async acquire(ctx) {
      const res = await ctx.request({ url: `${origin}/auth/token`, json: { apiKey: CANARY_API_KEY }, schema: tokenBody })
      return read(res.data, ctx)
    },
    async renew(tokens, ctx) {
      if (!tokens.refreshToken) throw new TokenExpiredError('@authmux/core-model: no refresh token held', { provider: 'model' })
      const res = await ctx.request({ url: `${origin}/auth/refresh`, json: { refreshToken: tokens.refreshToken }, schema: tokenBody })
      return read(res.data, ctx)
    },
    async revoke(tokens, ctx) {
      await ctx.request({ url: `${origin}/auth/revoke`, json: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }, retry: false })
    },
    apply(tokens, request) {
      if (tokens) request.headers.set('authorization', `Bearer ${tokens.accessToken}`)
    },
    isAuthEndpoint: (url) => url.pathname.startsWith('/auth/'),
  }
}

// ── a store that tells the harness about every write ─────────────────────────────────────────────────────────────

/**
 * A MemoryTokenStore (with its lock) that reports the engine's writes. With `notifies` it passes on change
 * notifications; without, it is a store that cannot (like a file another process writes): sessions only see other
 * writers' tokens when they read the store.
 */
class RecordingStore implements TokenStore {
  readonly inner = new MemoryTokenStore()
  /** What the store holds under STORE_KEY right now (kept synchronously). */
  current: TokenSet | undefined
  onChange?: (key: string, listener: (change: TokenStoreChange) => void) => () => void
  constructor(
    private readonly onEngineWrite: (previous: TokenSet | undefined, next: TokenSet | undefined) => void,
    notifies: boolean,
  ) {
    if (notifies) this.onChange = (key, listener) => this.inner.onChange(key, listener)
  }

  get(key: string): Promise<TokenSet | undefined> {
    return this.inner.get(key)
  }
  set(key: string, tokens: TokenSet): Promise<void> {
    const previous = this.current
    this.current = structuredClone(tokens)
    this.onEngineWrite(previous, tokens)
    return this.inner.set(key, tokens)
  }
  delete(key: string): Promise<void> {
    const previous = this.current
    this.current = undefined
    this.onEngineWrite(previous, undefined)
    return this.inner.delete(key)
  }
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(key, fn)
  }
  /** A write by someone else (another process, an admin tool): not checked, but sessions are notified. */
  externalSet(tokens: TokenSet): Promise<void> {
    this.current = structuredClone(tokens)
    return this.inner.set(STORE_KEY, tokens)
  }
  externalDelete(): Promise<void> {
    this.current = undefined
    return this.inner.delete(STORE_KEY)
  }
  toJSON(): string {
    return 'RecordingStore'
  }
}

// ── rendering and canaries ────────────────────────────────────────────────────────────────────────────────────────

/** Every way a value can be shown: JSON, util.inspect, String(), and for errors message, stack and the cause chain. */
function renderings(value: unknown, depth = 0): string[] {
  const out: string[] = []
  const attempt = (fn: () => string | undefined) => {
    try {
      out.push(fn() ?? '')
    } catch {
      // an unrenderable value shows nothing
    }
  }
  attempt(() => JSON.stringify(value))
  attempt(() => inspect(value, { depth: 8 }))
  attempt(() => String(value))
  if (value instanceof Error) {
    attempt(() => value.message)
    attempt(() => value.stack)
    const cause = (value as { cause?: unknown }).cause
    if (cause !== undefined && depth < 5) out.push(...renderings(cause, depth + 1))
  }
  return out
}

/** The first canary in any rendering of `value`, with the text around it. */
function leakedMarker(value: unknown): { marker: string; text: string } | undefined {
  for (const text of renderings(value)) {
    for (const marker of CANARY_MARKERS) {
      const at = text.indexOf(marker)
      if (at >= 0) return { marker, text: `${at > 300 ? '…' : ''}${text.slice(Math.max(0, at - 300), at + 120)}…` }
    }
  }
  return undefined
}

/** What each canary marker stands for, in reports (the marker itself must never be printed: console-canary.ts). */
function markerName(marker: string): string {
  return marker === CANARY_API_KEY ? 'api key' : marker === 'CANARYTOK' ? 'access token' : marker === 'CANARYREF' ? 'refresh token' : 'secret'
}

/** Text safe to print in a failure report: every canary replaced by what it stands for («refresh token»). */
function masked(text: string): string {
  let out = text
  for (const marker of CANARY_MARKERS) out = out.split(marker).join(`«${markerName(marker)}»`)
  return out.length > 600 ? `${out.slice(0, 600)}…` : out
}

function describeError(error: unknown): string {
  if (error instanceof AuthError) return `${error.name}(${error.code}${error.status ? ` ${error.status}` : ''}): ${masked(error.message)}`
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause
    const causeText = cause instanceof Error ? ` [cause ${cause.name}: ${masked(cause.message)}]` : ''
    return `${error.name}: ${masked(error.message)}${causeText}`
  }
  return `non-error ${masked(String(error))}`
}

function isAbortLike(error: unknown, reason: unknown): boolean {
  const cause = (error as { cause?: unknown } | undefined)?.cause
  const names = [error, cause].map((e) => (e as { name?: unknown } | undefined)?.name)
  return error === reason || cause === reason || names.includes('AbortError')
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

// ── unhandled rejections ──────────────────────────────────────────────────────────────────────────────────────────

/**
 * Collects unhandled rejections while the model runs. vitest's own listeners are detached meanwhile (and restored
 * by `stop()`), so a leak is reported once, with the sequence that caused it, instead of as a stray vitest error.
 */
export function trackUnhandledRejections(): { take(): unknown[]; stop(): void } {
  const saved = process.listeners('unhandledRejection')
  process.removeAllListeners('unhandledRejection')
  let seen: unknown[] = []
  const listener = (reason: unknown) => {
    seen.push(reason)
  }
  process.on('unhandledRejection', listener)
  return {
    take() {
      const out = seen
      seen = []
      return out
    },
    stop() {
      process.off('unhandledRejection', listener)
      for (const l of saved) process.on('unhandledRejection', l)
    },
  }
}

// ── the harness ───────────────────────────────────────────────────────────────────────────────────────────────────

export type SessionName = 'A' | 'B'
type OpKind = 'fetch' | 'login' | 'refresh' | 'logout' | 'setTokens'
/** Operations that may (re)establish a session: after one of them a logout no longer has to stick. */
const SIGN_IN_KINDS = new Set<OpKind>(['fetch', 'login', 'refresh', 'setTokens'])
/** Operations that may legitimately cause token/refresh calls (the budget's allowance). */
const CALLER_KINDS = new Set<OpKind>(['fetch', 'login', 'refresh'])

interface Op {
  id: number
  label: string
  kind: OpKind
  session: SessionName
  startVirtual: number
  settleVirtual?: number
  settled: boolean
  promise: Promise<void>
  controller?: AbortController
  preAborted?: boolean
  abortedAtReal?: number
  errorEventsAtStart: number
  authCallsStarted: number
}

export interface ModelConfig {
  /** The refresh endpoint rotates refresh tokens (the old one dies on use). */
  rotateRefresh: boolean
  /** A second session on the same store and key: none, one that can log in, or a session-only one (no credentials). */
  second: 'none' | 'credentials' | 'session-only'
  /** The store tells sessions about writes (`onChange`); without, they see others' writes only when they read it. */
  storeNotifies: boolean
  backgroundRefresh: boolean
  /** Lifetime of tokens the server issues when nothing else is scripted. */
  defaultLifetimeMs: number
}

export interface ModelStats {
  sequences: number
  commands: number
  authCalls: number
  hungCalls: number
  abortedRequests: number
  logoutsDuringObtain: number
  violations: Partial<Record<InvariantName, number>>
  /**
   * Each distinct violation (its message with numbers masked) with the shortest command prefix that produced it
   * (not shrunk: the prefix up to the command after which it was seen).
   */
  catalogue: Record<string, { invariant: InvariantName; message: string; config: ModelConfig; commands: string[] }>
}

export function emptyStats(): ModelStats {
  return { sequences: 0, commands: 0, authCalls: 0, hungCalls: 0, abortedRequests: 0, logoutsDuringObtain: 0, violations: {}, catalogue: {} }
}

/** Thrown for a broken invariant: fast-check shrinks the sequence that produced it. */
export class InvariantViolation extends Error {
  override name = 'InvariantViolation'
}

/** Runs two sessions on one store against a ModelServer and checks the invariants after every step. */
export class LifecycleHarness {
  readonly clock = new VirtualClock(Date.UTC(2026, 0, 15, 12))
  readonly server: ModelServer
  readonly store: RecordingStore
  readonly sessions: Partial<Record<SessionName, Session>> = {}
  readonly ops: Op[] = []
  readonly violations: Array<{ invariant: InvariantName; message: string }> = []
  readonly trace: string[] = []
  /** The commands performed so far. */
  readonly performed: string[] = []
  #opSeq = 0
  #callSeq = 0
  readonly #als = new AsyncLocalStorage<Op>()
  readonly #calls: Array<{ at: number; background: boolean }> = []
  /** Token/refresh calls as the client saw them, in real time (`end`: when its fetch settled). */
  readonly #wire: Array<{ id: string; path: string; end?: number }> = []
  readonly #errorEvents: Record<SessionName, number> = { A: 0, B: 0 }
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()
  readonly #imported = new Set<string>()
  /** Sessions that were logged out and must stay so (with the op sequence number of the logout call). */
  #sticky: { sessions: Set<SessionName>; since: number } | undefined
  #budgetReported = false

  private constructor(
    readonly config: ModelConfig,
    private readonly enforce: ReadonlySet<InvariantName>,
    private readonly rejections: { take(): unknown[] },
    private readonly stats: ModelStats,
  ) {
    this.server = new ModelServer(this.clock, { rotateRefresh: config.rotateRefresh, defaultLifetimeMs: config.defaultLifetimeMs })
    this.store = new RecordingStore((previous, next) => this.#onEngineWrite(previous, next), config.storeNotifies)
  }

  static async start(
    config: ModelConfig,
    enforce: ReadonlySet<InvariantName>,
    rejections: { take(): unknown[] },
    stats: ModelStats,
  ): Promise<LifecycleHarness> {
    const harness = new LifecycleHarness(config, enforce, rejections, stats)
    await harness.server.start()
    harness.server.onAuthCall = (call) => harness.#onServerAuthCall(call)
    harness.server.onApiCall = (answer) => harness.trace.push(`  ← server ${answer}`)
    harness.sessions.A = harness.#createSession('A', true)
    if (config.second !== 'none') harness.sessions.B = harness.#createSession('B', config.second === 'credentials')
    return harness
  }

  #createSession(name: SessionName, canAcquire: boolean): Session {
    const session = createSession(modelFlow(this.server.origin, { canAcquire }), {
      store: this.store,
      storeKey: STORE_KEY,
      now: this.clock.now,
      timeoutMs: AUTH_TIMEOUT_MS,
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 },
      maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
      backgroundRefresh: this.config.backgroundRefresh,
      fetch: this.#wireFetch(),
      logger: {
        debug: (message, data) => this.#observe(`${name} logger.debug`, [message, data]),
        info: (message, data) => this.#observe(`${name} logger.info`, [message, data]),
        warn: (message, data) => this.#observe(`${name} logger.warn`, [message, data]),
        error: (message, data) => this.#observe(`${name} logger.error`, [message, data]),
      },
    })
    for (const event of ['login', 'refresh', 'logout', 'error'] as const) {
      session.on(event, (payload) => {
        if (event === 'error') {
          this.#errorEvents[name]++
          const error = (payload as { error?: unknown }).error
          this.trace.push(`${name} event error during ${(payload as { during?: string }).during}: ${describeError(error)}`)
          if (error instanceof AuthError && error.code === 'UNEXPECTED') {
            this.#violate('specific-error-codes', `${name}'s 'error' event carries code UNEXPECTED: ${describeError(error)}`)
          }
        } else {
          this.trace.push(`${name} event ${event}`)
        }
        this.#observe(`${name} '${event}' event`, payload)
      })
    }
    return session
  }

  /** The `fetch` every session sends with: tags token/refresh calls so the server can tell when the client gave up. */
  #wireFetch(): typeof globalThis.fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.pathname !== '/auth/token' && url.pathname !== '/auth/refresh') {
        const op = this.#als.getStore()
        this.trace.push(`  → ${init?.method ?? 'GET'} ${url.pathname}${op ? ` by ${op.label}` : ''}`)
        return globalThis.fetch(input, init)
      }
      const id = `c${++this.#callSeq}`
      const op = this.#als.getStore()
      const pendingCallers = this.ops.filter((o) => !o.settled && CALLER_KINDS.has(o.kind)).length
      this.#countCall(id, url.pathname, op, pendingCallers)
      const headers = new Headers(init?.headers)
      headers.set('x-model-call', id)
      const wire: { id: string; path: string; end?: number } = { id, path: url.pathname }
      this.#wire.push(wire)
      try {
        return await globalThis.fetch(input, { ...init, headers })
      } finally {
        wire.end = performance.now()
        this.server.settleClientCall(id)
      }
    }
  }

  #countCall(id: string, path: string, op: Op | undefined, pendingCallers: number): void {
    this.stats.authCalls++
    const at = this.clock.now()
    const background = pendingCallers === 0
    this.#calls.push({ at, background })
    this.trace.push(`  → ${path} ${id}${op ? ` by ${op.label}` : ''}${background ? ' (background)' : ''}`)
    if (op && !op.settled) {
      op.authCallsStarted++
      if (op.preAborted) this.#violate('abort-honoured', `${op.label} was aborted before it started, yet it started auth call ${id} (${path})`)
    }
    if (this.#budgetReported) return
    const inWindow = this.#calls.filter((c) => c.at > at - MINUTE)
    const backgroundCalls = inWindow.filter((c) => c.background).length
    const alive = this.ops.filter((o) => CALLER_KINDS.has(o.kind) && o.startVirtual <= at && (!o.settled || (o.settleVirtual ?? at) > at - MINUTE)).length
    const allowance = BASE_CALLS_PER_MINUTE + CALLS_PER_OPERATION * alive
    if (backgroundCalls > BACKGROUND_CALLS_PER_MINUTE) {
      this.#budgetReported = true
      this.#violate('auth-call-budget', `${backgroundCalls} background auth calls in one simulated minute (budget ${BACKGROUND_CALLS_PER_MINUTE})`)
    } else if (inWindow.length > allowance) {
      this.#budgetReported = true
      this.#violate('auth-call-budget', `${inWindow.length} auth calls in one simulated minute with ${alive} operations alive (budget ${allowance})`)
    }
  }

  #onServerAuthCall(call: AuthCallInfo): void {
    this.trace.push(`  ← server ${call.endpoint} ${call.id} answers ${call.answer}`)
    if (call.answer === 'hang') this.stats.hungCalls++
    if (call.concurrent.length > 0) {
      this.#violate(
        'single-flight',
        `${call.endpoint} call ${call.id} arrived while ${call.concurrent.join(', ')} was still in flight for the same credential key`,
      )
    }
  }

  #onEngineWrite(previous: TokenSet | undefined, next: TokenSet | undefined): void {
    this.trace.push(next ? `  store ← set by engine (${this.#describeSet(next)})` : '  store ← delete by engine')
    if (next) {
      const problems: string[] = []
      if (typeof next.accessToken !== 'string' || next.accessToken === '') problems.push('empty accessToken')
      if (next.refreshToken !== undefined && (typeof next.refreshToken !== 'string' || next.refreshToken === '')) problems.push('empty refreshToken')
      if (next.expiresAt !== undefined && !Number.isFinite(next.expiresAt)) problems.push(`expiresAt ${next.expiresAt}`)
      for (const [key, value] of Object.entries(next.meta ?? {})) {
        if (typeof value === 'number' && !Number.isFinite(value)) problems.push(`meta.${key} ${value}`)
      }
      if (problems.length > 0) this.#violate('stored-set-valid', `the engine stored a malformed token set: ${problems.join(', ')}`)
    }
    if (!previous || !this.server.isRefreshLive(previous.refreshToken)) return
    if (next === undefined) {
      const loggingOut = this.ops.some((o) => o.kind === 'logout' && !o.settled)
      if (!loggingOut) this.#violate('refresh-token-kept', 'the engine deleted the stored set, whose refresh token still works at the server, outside logout()')
    } else if (!this.server.isRefreshLive(next.refreshToken) && !this.#imported.has(next.accessToken)) {
      this.#violate(
        'refresh-token-kept',
        `the engine replaced a stored refresh token that still works at the server with ${next.refreshToken === undefined ? 'none' : 'a dead one'}`,
      )
    }
  }

  #describeSet(tokens: TokenSet): string {
    const expiry = tokens.expiresAt === undefined ? 'no expiry' : `expires ${tokens.expiresAt - this.clock.now()} ms from now`
    return `${expiry}${tokens.refreshToken ? `, refresh ${this.server.isRefreshLive(tokens.refreshToken) ? 'live' : 'dead'}` : ', no refresh'}`
  }

  /** Scans anything a user could see (errors, events, log lines) for canaries. */
  #observe(where: string, value: unknown): void {
    const leak = leakedMarker(value)
    if (leak) this.#violate('no-secret-leak', `${where} shows a secret (the ${markerName(leak.marker)}): ${masked(leak.text)}`)
  }

  #violate(invariant: InvariantName, message: string): void {
    this.stats.violations[invariant] = (this.stats.violations[invariant] ?? 0) + 1
    const signature = `${invariant}: ${masked(message)
      .replace(/\d+/g, '#')
      .replace(/"http:[^"]*"/g, '<url>')}`
    const known = this.stats.catalogue[signature]
    if (!known || known.commands.length > this.performed.length) {
      this.stats.catalogue[signature] = { invariant, message: masked(message), config: this.config, commands: [...this.performed] }
    }
    if (this.violations.some((v) => v.invariant === invariant && v.message === message)) return
    this.violations.push({ invariant, message })
    this.trace.push(`  ✗ ${invariant}: ${message}`)
  }

  #session(name: SessionName): Session {
    return (this.sessions[name] ?? this.sessions.A)!
  }

  #signIn(): void {
    this.#sticky = undefined
  }

  /** Starts an operation; it settles in the background (`wait` makes the command wait for it). */
  #start(kind: OpKind, sessionName: SessionName, fn: (signal: AbortSignal | undefined) => Promise<unknown>, abort?: 'before' | number): Op {
    const id = ++this.#opSeq
    const controller = abort === undefined ? undefined : new AbortController()
    const op: Op = {
      id,
      label: `${sessionName}.${kind}#${id}`,
      kind,
      session: sessionName,
      startVirtual: this.clock.now(),
      settled: false,
      promise: Promise.resolve(),
      errorEventsAtStart: this.#errorEvents[sessionName],
      authCallsStarted: 0,
    }
    if (controller) op.controller = controller
    if (SIGN_IN_KINDS.has(kind)) this.#signIn()
    if (abort === 'before') {
      op.preAborted = true
      op.abortedAtReal = performance.now()
      controller!.abort()
      this.stats.abortedRequests++
    }
    this.ops.push(op)
    this.trace.push(`${op.label} start${abort === 'before' ? ' (signal already aborted)' : abort !== undefined ? ` (abort after ${abort} ms)` : ''}`)
    op.promise = this.#als.run(op, () =>
      new Promise<unknown>((resolve) => resolve(fn(controller?.signal))).then(
        () => this.#settle(op, undefined),
        (error: unknown) => this.#settle(op, { error }),
      ),
    )
    if (typeof abort === 'number') {
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        if (op.settled) return
        op.abortedAtReal = performance.now()
        this.stats.abortedRequests++
        this.trace.push(`${op.label} signal aborted`)
        controller!.abort()
      }, abort)
      this.#timers.add(timer)
    }
    return op
  }

  #settle(op: Op, failure: { error: unknown } | undefined): void {
    op.settled = true
    op.settleVirtual = this.clock.now()
    const now = performance.now()
    const latency = op.abortedAtReal === undefined ? undefined : now - op.abortedAtReal
    this.trace.push(
      `${op.label} ${failure ? `rejected: ${describeError(failure.error)}` : 'resolved'}${latency === undefined ? '' : ` ${Math.round(latency)} ms after its abort`}`,
    )
    if (latency !== undefined && latency > ABORT_LATENCY_MS) {
      const abortedAt = op.abortedAtReal!
      const release = this.#wire.find((call) => call.end !== undefined && call.end > abortedAt && now - call.end <= RELEASED_BY_MS)
      if (release) {
        this.#violate(
          'abort-honoured',
          `${op.label} settled ${Math.round(latency)} ms after its signal fired (limit ${ABORT_LATENCY_MS} ms), right after auth call ${release.id} (${release.path}) ended: it waited for that call instead of its signal`,
        )
      } else {
        this.trace.push(`  (${op.label} settled late without waiting on an auth call: an event-loop stall, not counted)`)
      }
    }
    if (failure) {
      const { error } = failure
      this.#observe(`${op.label}'s rejection`, error)
      const aborted = op.controller?.signal.aborted === true
      if (!(error instanceof AuthError) && !(aborted && isAbortLike(error, op.controller?.signal.reason))) {
        this.#violate('typed-rejections', `${op.label} rejected with a non-AuthError: ${describeError(error)}`)
      }
      if (error instanceof AuthError && error.code === 'UNEXPECTED') {
        this.#violate('specific-error-codes', `${op.label} rejected with code UNEXPECTED: ${describeError(error)}`)
      }
      if ((op.kind === 'login' || op.kind === 'refresh') && this.#errorEvents[op.session] === op.errorEventsAtStart) {
        this.#violate('error-event', `${op.label} rejected (${describeError(error)}) without an 'error' event`)
      }
    } else if (op.kind === 'logout') {
      const later = this.ops.some((o) => o.id > op.id && SIGN_IN_KINDS.has(o.kind)) || this.#storeSetAfter > op.id
      if (!later) {
        this.#sticky ??= { sessions: new Set(), since: op.id }
        this.#sticky.sessions.add(op.session)
      }
    }
  }

  #storeSetAfter = 0

  /** Checks the state invariants now; throws when an enforced invariant is broken. */
  async checkpoint(after: string): Promise<void> {
    await turn()
    await turn()
    for (const reason of this.rejections.take()) {
      this.#violate('no-unhandled-rejection', `unhandled rejection: ${describeError(reason)}`)
    }
    if (this.#sticky) {
      for (const name of this.#sticky.sessions) {
        const state = this.#session(name).status().state
        if (state !== 'signed-out') this.#violate('logout-sticks', `${name} is '${state}' after its logout() resolved, with no sign-in since`)
      }
      if (this.store.current !== undefined) {
        this.#violate('logout-sticks', `the store holds a token set (${this.#describeSet(this.store.current)}) after logout() resolved, with no sign-in since`)
      }
    }
    const enforced = this.violations.filter((v) => this.enforce.has(v.invariant))
    if (enforced.length > 0) throw new InvariantViolation(this.report(after, enforced))
  }

  report(after: string, enforced = this.violations): string {
    const other = this.violations.filter((v) => !enforced.includes(v))
    const lines = [
      ...enforced.map((v) => `[${v.invariant}] ${v.message}`),
      ...(other.length ? ['also seen (not enforced):', ...other.map((v) => `  [${v.invariant}] ${v.message}`)] : []),
      `after: ${after}`,
      `config: ${JSON.stringify(this.config)}`,
      'trace (last 60 lines):',
      ...this.trace.slice(-60).map((line) => `  ${masked(line)}`),
    ]
    return lines.join('\n')
  }

  // ── actions ─────────────────────────────────────────────────────────────────────────────────────────────────────

  async perform(action: Action): Promise<void> {
    this.stats.commands++
    this.performed.push(describeAction(action))
    switch (action.type) {
      case 'fetch': {
        const session = this.#session(action.session)
        const op = this.#start(
          'fetch',
          action.session,
          (signal) => session.fetch('/data', { method: action.method, ...(action.method === 'POST' ? { body: { n: 1 } } : {}), ...(signal ? { signal } : {}) }),
          action.abort === 'none' ? undefined : action.abort,
        )
        if (action.wait) await this.#waitFor(op)
        return
      }
      case 'login':
      case 'refresh':
      case 'logout': {
        const session = this.#session(action.session)
        if (action.type === 'logout' && this.ops.some((o) => !o.settled && CALLER_KINDS.has(o.kind))) this.stats.logoutsDuringObtain++
        const op = this.#start(action.type, action.session, () => session[action.type]())
        if (action.wait) await this.#waitFor(op)
        return
      }
      case 'setTokens': {
        const tokens = this.server.mint(action.lifetime, action.withRefresh)
        this.#imported.add(tokens.accessToken)
        const session = this.#session(action.session)
        await this.#waitFor(this.#start('setTokens', action.session, () => session.setTokens(tokens)))
        return
      }
      case 'storeSet': {
        this.#signIn()
        this.#storeSetAfter = this.#opSeq + 1
        const tokens = this.server.mint(action.lifetime, action.withRefresh)
        tokens.meta = { issuedAt: this.clock.now() }
        this.trace.push(`store ← set from outside (${this.#describeSet(tokens)})`)
        await this.store.externalSet(tokens)
        return
      }
      case 'storeDelete':
        this.trace.push('store ← delete from outside')
        await this.store.externalDelete()
        return
      case 'script':
        this.trace.push(`server ${action.endpoint} ${action.sticky ? 'from now on' : 'next'}: ${action.answers.map(describeAnswer).join(', ')}`)
        this.server.script(action.endpoint, action.answers, action.sticky)
        return
      case 'clock':
        this.clock.advance(action.ms)
        this.trace.push(`clock +${action.ms} ms`)
        return
      case 'idle':
        await sleep(action.ms)
        return
      case 'settle':
        await this.#waitForAll(WAIT_LIMIT_MS)
        return
      case 'dispose':
        this.trace.push(`${action.session}.dispose()`)
        this.#session(action.session).dispose()
        return
      case 'serverRevoke':
        this.trace.push(`server forgets all access tokens${action.refresh ? ' and refresh tokens' : ''}`)
        this.server.revokeAll(action.refresh)
        return
    }
  }

  async #waitFor(op: Op): Promise<void> {
    await Promise.race([op.promise, sleep(WAIT_LIMIT_MS)])
  }

  async #waitForAll(limitMs: number): Promise<boolean> {
    const pending = this.ops.filter((o) => !o.settled).map((o) => o.promise)
    if (pending.length === 0) return true
    let done = false
    await Promise.race([Promise.all(pending).then(() => (done = true)), sleep(limitMs)])
    return done
  }

  /** End of a sequence: every operation must settle; then the state invariants are checked once more. */
  async drain(): Promise<void> {
    const done = await this.#waitForAll(DRAIN_LIMIT_MS)
    if (!done) {
      for (const op of this.ops.filter((o) => !o.settled)) this.#violate('settles', `${op.label} had not settled ${DRAIN_LIMIT_MS} ms after the last command`)
    }
    // Quiet time (no operation pending, the virtual clock stopped): background auth activity here is what a hot
    // refresh loop looks like, so when there is some, watch a little longer for the budget to see it.
    const background = this.#calls.filter((c) => c.background).length
    await sleep(30)
    if (this.#calls.filter((c) => c.background).length > background) await sleep(250)
    for (const name of ['A', 'B'] as const) {
      const session = this.sessions[name]
      if (session) this.#observe(`${name} (inspect/JSON of the session)`, session)
    }
    await this.checkpoint('the end of the sequence (all operations settled)')
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer)
    for (const session of Object.values(this.sessions)) session?.dispose()
    await this.server.close()
  }
}

// ── commands ──────────────────────────────────────────────────────────────────────────────────────────────────────

export type Action =
  | { type: 'fetch'; session: SessionName; method: 'GET' | 'POST'; abort: 'none' | 'before' | number; wait: boolean }
  | { type: 'login' | 'refresh' | 'logout'; session: SessionName; wait: boolean }
  | { type: 'setTokens'; session: SessionName; lifetime: Lifetime; withRefresh: boolean }
  | { type: 'storeSet'; lifetime: Lifetime; withRefresh: boolean }
  | { type: 'storeDelete' }
  | { type: 'script'; endpoint: Endpoint; answers: Array<TokenAnswer | ApiAnswer>; sticky: boolean }
  | { type: 'clock'; ms: number }
  | { type: 'idle'; ms: number }
  | { type: 'settle' }
  | { type: 'dispose'; session: SessionName }
  | { type: 'serverRevoke'; refresh: boolean }

interface ModelState {
  hasB: boolean
}

function describeAction(action: Action): string {
  switch (action.type) {
    case 'fetch':
      return `${action.session}.fetch(${action.method}${action.abort === 'none' ? '' : action.abort === 'before' ? ', pre-aborted' : `, abort@${action.abort}ms`})${action.wait ? ' wait' : ''}`
    case 'login':
    case 'refresh':
    case 'logout':
      return `${action.session}.${action.type}()${action.wait ? ' wait' : ''}`
    case 'setTokens':
      return `${action.session}.setTokens(${action.lifetime}${action.withRefresh ? ', +refresh' : ''})`
    case 'storeSet':
      return `store.set(${action.lifetime}${action.withRefresh ? ', +refresh' : ''})`
    case 'storeDelete':
      return 'store.delete()'
    case 'script':
      return `server.${action.endpoint}${action.sticky ? ' always' : ''}[${action.answers.map(describeAnswer).join(', ')}]`
    case 'clock':
      return `clock+${action.ms}`
    case 'idle':
      return `idle(${action.ms}ms)`
    case 'settle':
      return 'settle'
    case 'dispose':
      return `${action.session}.dispose()`
    case 'serverRevoke':
      return `server.revokeAll(${action.refresh ? 'access+refresh' : 'access'})`
  }
}

class Step implements fc.AsyncCommand<ModelState, LifecycleHarness> {
  constructor(readonly action: Action) {}
  check(model: Readonly<ModelState>): boolean {
    return !('session' in this.action) || this.action.session === 'A' || model.hasB
  }
  async run(_model: ModelState, harness: LifecycleHarness): Promise<void> {
    await harness.perform(this.action)
    await harness.checkpoint(describeAction(this.action))
  }
  toString(): string {
    return describeAction(this.action)
  }
}

const lifetimeArb: fc.Arbitrary<Lifetime> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(60_000, 120_000, 600_000, 3_600_000) },
  { weight: 2, arbitrary: fc.integer({ min: 1_000, max: 5_000 }) },
  { weight: 2, arbitrary: fc.constantFrom(-60_000, 0) },
  { weight: 1, arbitrary: fc.constantFrom<Lifetime>('none', 'absurd') },
)

const failureArb: fc.Arbitrary<Failure> = fc.oneof(
  fc.constant({ kind: 'reject' } as const),
  fc.constantFrom('0', '1', '120').map((retryAfter) => ({ kind: 'rate-limit', retryAfter }) as const),
  fc.constantFrom(500, 502, 503).map((status) => ({ kind: 'server-error', status }) as const),
  fc.constant({ kind: 'hang' } as const),
  fc.constantFrom('html', 'wrong-types', 'empty', 'truncated-json', 'not-json').map((body) => ({ kind: 'garbage', body }) as const),
  fc.constant({ kind: 'cut' } as const),
)

const tokenAnswerArb: fc.Arbitrary<TokenAnswer> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('ok' as const),
      lifetime: lifetimeArb,
      jwt: fc.boolean(),
      omitRefresh: fc.boolean(),
      dateSkewMs: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(365 * 86_400_000, -365 * 86_400_000) }),
    }),
  },
  { weight: 3, arbitrary: failureArb },
)

/** Issue 12's hostile provider: from now on every token it hands out is already expired (or its Date header says so). */
const hostileAnswerArb: fc.Arbitrary<TokenAnswer> = fc.oneof(
  fc.record({
    kind: fc.constant('ok' as const),
    lifetime: fc.constantFrom(-60_000, 0),
    jwt: fc.boolean(),
    omitRefresh: fc.boolean(),
    dateSkewMs: fc.constant(0),
  }),
  fc.record({
    kind: fc.constant('ok' as const),
    lifetime: fc.constant(120_000),
    jwt: fc.constant(true),
    omitRefresh: fc.boolean(),
    dateSkewMs: fc.constant(365 * 86_400_000),
  }),
)

const apiAnswerArb: fc.Arbitrary<ApiAnswer> = fc.oneof({ weight: 3, arbitrary: fc.constant({ kind: 'check' } as const) }, { weight: 2, arbitrary: failureArb })

const sessionArb = fc.constantFrom<SessionName>('A', 'A', 'B')

/** Weighted generators of every model action. */
function actionArbs(): Array<fc.Arbitrary<Step>> {
  const step = (arb: fc.Arbitrary<Action>) => arb.map((action) => new Step(action))
  const fetchArb = fc.record({
    type: fc.constant('fetch' as const),
    session: sessionArb,
    method: fc.constantFrom<'GET' | 'POST'>('GET', 'GET', 'POST'),
    abort: fc.oneof(
      { weight: 5, arbitrary: fc.constant<'none'>('none') },
      { weight: 1, arbitrary: fc.constant<'before'>('before') },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }) },
    ),
    wait: fc.boolean(),
  })
  const callArb = (type: 'login' | 'refresh' | 'logout') => fc.record({ type: fc.constant(type), session: sessionArb, wait: fc.boolean() })
  return [
    step(fetchArb),
    step(fetchArb),
    step(fetchArb),
    step(callArb('login')),
    step(callArb('refresh')),
    step(callArb('logout')),
    step(callArb('logout')),
    step(fc.record({ type: fc.constant('setTokens' as const), session: sessionArb, lifetime: lifetimeArb, withRefresh: fc.boolean() })),
    step(fc.record({ type: fc.constant('storeSet' as const), lifetime: lifetimeArb, withRefresh: fc.boolean() })),
    step(fc.constant({ type: 'storeDelete' as const })),
    step(
      fc.record({
        type: fc.constant('script' as const),
        endpoint: fc.constantFrom<Endpoint>('token', 'refresh'),
        answers: fc.array(tokenAnswerArb, { minLength: 1, maxLength: 4 }),
        sticky: fc.constantFrom(false, false, false, true),
      }),
    ),
    step(
      fc.record({
        type: fc.constant('script' as const),
        endpoint: fc.constant<Endpoint>('token'),
        answers: fc.array(tokenAnswerArb, { minLength: 1, maxLength: 4 }),
        sticky: fc.boolean(),
      }),
    ),
    step(
      fc.record({
        type: fc.constant('script' as const),
        endpoint: fc.constantFrom<Endpoint>('token', 'refresh'),
        answers: hostileAnswerArb.map((answer) => [answer]),
        sticky: fc.constant(true),
      }),
    ),
    step(
      fc.record({
        type: fc.constant('script' as const),
        endpoint: fc.constant<Endpoint>('api'),
        answers: fc.array(apiAnswerArb, { minLength: 1, maxLength: 3 }),
        sticky: fc.constant(false),
      }),
    ),
    step(fc.record({ type: fc.constant('clock' as const), ms: fc.constantFrom(1_000, 15_000, 31_000, 59_000, 61_000, 600_000, 7_200_000) })),
    step(fc.record({ type: fc.constant('clock' as const), ms: fc.integer({ min: 100, max: 90_000 }) })),
    step(fc.record({ type: fc.constant('idle' as const), ms: fc.integer({ min: 5, max: 60 }) })),
    step(fc.constant({ type: 'settle' as const })),
    step(fc.record({ type: fc.constant('dispose' as const), session: sessionArb })),
    step(fc.record({ type: fc.constant('serverRevoke' as const), refresh: fc.boolean() })),
  ]
}

const configArb: fc.Arbitrary<ModelConfig> = fc.record({
  rotateRefresh: fc.boolean(),
  second: fc.constantFrom<ModelConfig['second']>('none', 'credentials', 'session-only'),
  storeNotifies: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  backgroundRefresh: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  defaultLifetimeMs: fc.constantFrom(600_000, 3_600_000),
})

// ── the runner ────────────────────────────────────────────────────────────────────────────────────────────────────

export interface ModelRunOptions {
  /** Sequences to run. */
  runs: number
  /** Longest command sequence. */
  maxCommands: number
  /** Invariants that fail the run (the others are still recorded and reported). */
  enforce: ReadonlySet<InvariantName>
  seed?: number
  path?: string
  replayPath?: string
  /** Stop starting new sequences (and shrinking) after this many ms; a failure found so far is still reported. */
  timeLimitMs?: number
  /** Called every `progressEvery` sequences. */
  onProgress?: (done: number, stats: ModelStats) => void
  progressEvery?: number
}

export interface ModelRunResult {
  failed: boolean
  interrupted: boolean
  numRuns: number
  numShrinks: number
  seed: number
  path: string | undefined
  /** fast-check's report (seed, path, counterexample, the violation with its trace) plus how to replay it. */
  report: string
  stats: ModelStats
  ms: number
}

/** Runs the model: `runs` random sequences of `Step`s against fresh harnesses. */
export async function checkLifecycleModel(options: ModelRunOptions): Promise<ModelRunResult> {
  const started = performance.now()
  const stats = emptyStats()
  const rejections = trackUnhandledRejections()
  try {
    const commands = fc.commands(actionArbs(), {
      maxCommands: options.maxCommands,
      size: 'max',
      ...(options.replayPath ? { replayPath: options.replayPath } : {}),
    })
    const property = fc.asyncProperty(configArb, commands, async (config, cmds) => {
      stats.sequences++
      if (options.onProgress && stats.sequences % (options.progressEvery ?? 500) === 0) options.onProgress(stats.sequences, stats)
      rejections.take()
      const harness = await LifecycleHarness.start(config, options.enforce, rejections, stats)
      try {
        await fc.asyncModelRun(() => ({ model: { hasB: config.second !== 'none' }, real: harness }), cmds)
        await harness.drain()
      } finally {
        await harness.close()
      }
    })
    const details = await fc.check(property, {
      numRuns: options.runs,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.path !== undefined ? { path: options.path } : {}),
      timeout: 20_000,
      ...(options.timeLimitMs ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
    })
    let report = ''
    if (details.failed) {
      const replay = [
        `replay: node scripts/model-check.mjs --seed ${details.seed} --path "${details.counterexamplePath ?? ''}"`,
        ' (add --replay-path "<the replayPath printed in the counterexample>" to replay the exact commands)',
      ].join('')
      const error = details.errorInstance
      const violation = error instanceof Error ? (error instanceof InvariantViolation ? error.message : (error.stack ?? error.message)) : String(error)
      report = `${fc.defaultReportMessage(details) ?? 'the model failed'}\n\n${replay}\n\nThe shrunk sequence broke:\n${violation}`
    }
    return {
      failed: details.failed,
      interrupted: details.interrupted,
      numRuns: details.numRuns,
      numShrinks: details.numShrinks,
      seed: details.seed,
      path: details.counterexamplePath ?? undefined,
      report,
      stats,
      ms: performance.now() - started,
    }
  } finally {
    rejections.stop()
  }
}
