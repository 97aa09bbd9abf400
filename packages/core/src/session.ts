import type { $Fetch } from 'ofetch'
import type { z } from 'zod'
import { createAuthFetch } from './auth-fetch'
import { type AuthError, ConfigError, RateLimitError, TokenExpiredError, isRejection } from './errors'
import { decodeJwtIssuedAt, resolveExpiry, SkewTracker } from './expiry'
import type { AuthFlow, FlowContext, FlowRequest, FlowResponse, OutgoingRequest } from './flow'
import { createFlowContext } from './flow-context'
import { AuthEvents } from './events'
import { LoginLimiter } from './login-limiter'
import { MemoryTokenStore } from './memory-store'
import { Redactor } from './redact'
import { ALWAYS_CREDENTIAL_HEADERS } from './redirects'
import { sanitizeError } from './sanitize'
import { DEFAULT_MUST_REFRESH_BEFORE_EXPIRY_MS, DEFAULT_REFRESH_WINDOW, refreshPoints, refreshScheduler, type RefreshPoints } from './schedule'
import { assertSecureBaseURL } from './secure-url'
import { tokenSetSchema } from './token-set-schema'
import { SingleFlight } from './single-flight'
import { SESSION_INTERNALS, type SessionInternals } from './internals'
import type { TransportOptions } from './transport'
import { type BaseScope, isUnder, resolveURL, scopeOf } from './urls'
import type { AuthEventMap, AuthEventName, AuthLogger, AuthStatus, AuthStrategy, RequestInfo, SessionOptions, TokenSet, TokenStore } from './types'

/** An `AuthStrategy` built by the engine, with lifecycle extras. */
export interface Session extends AuthStrategy {
  /** Epoch ms when the current access token expires, if known. */
  readonly expiresAt: number | undefined
  /** Non-secret extras of the current token set (company name, agent id, issuedAt …). */
  readonly meta: TokenSet['meta']
  /** Logs in or refreshes when needed, so that a valid token is held afterwards. */
  ensureValid(): Promise<void>
  /** The key under which this credential's tokens are stored. */
  storeKey(): Promise<string>
  /**
   * Sends an unauthenticated call (registration, public endpoints) through the engine's transport: origin-checked,
   * timed out, retried, errors typed by the flow and redacted. No token is attached.
   */
  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>>>
  /** Stops the background refresh timer. The session still works on demand afterwards. */
  dispose(): void
  [Symbol.asyncDispose](): Promise<void>
}

/** One single-flight registry per store, so every session on the same store and key shares one refresh. */
const flightsByStore = new WeakMap<TokenStore, SingleFlight<TokenSet>>()

function flightsFor(store: TokenStore): SingleFlight<TokenSet> {
  let flights = flightsByStore.get(store)
  if (!flights) flightsByStore.set(store, (flights = new SingleFlight()))
  return flights
}

/** Turns a provider's declarative flow into a full `AuthStrategy`. */
export function createSession(flow: AuthFlow, options: SessionOptions = {}): Session {
  return new AuthSession(flow, options)
}

class AuthSession implements Session {
  readonly name: string
  readonly baseURL: string

  readonly #flow: AuthFlow
  readonly #options: SessionOptions
  readonly #base: URL
  /** `#base` as ownership checks compare it (on first use). */
  #scope: BaseScope | undefined
  readonly #store: TokenStore
  readonly #redactor = new Redactor()
  readonly #events = new AuthEvents()
  readonly #skew = new SkewTracker()
  readonly #now: () => number
  #transportInstance: TransportOptions | undefined
  #ctxInstance: FlowContext | undefined
  #fetchInstance: $Fetch | undefined
  #limiterInstance: LoginLimiter | undefined
  readonly #label: { provider: string; packageName: string }
  #tokens: TokenSet | undefined
  #points: RefreshPoints | undefined
  #loaded = false
  #loading: Promise<void> | undefined
  #storeKey: string | undefined
  #cancelTimer: (() => void) | undefined
  #unsubscribe: (() => void) | undefined
  #disposed = false
  /** `initialTokens`, validated, until the first load uses or discards them. */
  #seed: TokenSet | undefined

  constructor(flow: AuthFlow, options: SessionOptions) {
    this.#flow = flow
    this.#options = options
    this.#label = { provider: flow.name, packageName: flow.packageName }
    this.name = flow.name
    const allowInsecureHttp = options.allowInsecureHttp ?? false
    this.#base = assertSecureBaseURL(flow.baseURL, { ...this.#label, allowInsecureHttp })
    this.baseURL = flow.baseURL
    // Validate every auth origin now (a bad option fails at construction), keep only the list.
    for (const origin of flow.authOrigins ?? []) {
      assertSecureBaseURL(origin, { ...this.#label, allowInsecureHttp, field: 'authOrigins' })
    }
    this.#store = options.store ?? new MemoryTokenStore()
    this.#now = options.now ?? Date.now
    for (const secret of flow.secrets ?? []) this.#redactor.add(secret)
    if (options.initialTokens) this.#seed = this.#importable(options.initialTokens, 'the initialTokens option', 'initialTokens')
  }

  /** Hooks for `createAuthFetch`; built on demand so that idle sessions stay small. */
  get [SESSION_INTERNALS](): SessionInternals {
    return {
      flow: this.#flow,
      baseURL: this.#base,
      credentialHeaders: [...ALWAYS_CREDENTIAL_HEADERS, ...(this.#flow.credentialHeaders ?? []).map((h) => h.toLowerCase())],
      transport: this.#transport,
      requestTimeoutMs: this.#options.timeoutMs,
      allowInsecureHttp: this.#options.allowInsecureHttp ?? false,
      owns: (url) => this.#owns(url),
      attach: (request) => this.#attach(request),
      recover: (usedToken) => this.#recover(usedToken),
      sanitize: (error) => this.#sanitize(error),
    }
  }

  /** An ofetch instance bound to `baseURL` with authentication applied (created on first use). */
  get fetch(): $Fetch {
    this.#fetchInstance ??= createAuthFetch(this)
    return this.#fetchInstance
  }

  get #transport(): TransportOptions {
    const options = this.#options
    this.#transportInstance ??= {
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 5_000, ...options.retry },
      maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 60_000,
      skew: this.#skew,
      now: this.#now,
    }
    return this.#transportInstance
  }

  get #limiter(): LoginLimiter {
    this.#limiterInstance ??= new LoginLimiter(this.#options.loginLimit ?? {}, this.#now, this.#label)
    return this.#limiterInstance
  }

  get #ctx(): FlowContext {
    this.#ctxInstance ??= createFlowContext({
      flow: this.#flow,
      baseURL: this.#base,
      allowedOrigins: new Set([this.#base.origin, ...(this.#flow.authOrigins ?? []).map((origin) => new URL(origin).origin)]),
      allowInsecureHttp: this.#options.allowInsecureHttp ?? false,
      transport: this.#transport,
      redactor: this.#redactor,
    })
    return this.#ctxInstance
  }

  // ── public surface ────────────────────────────────────────────────────────────────────────────────────────────

  get accessToken(): string | undefined {
    return this.#tokens?.accessToken
  }

  get expiresAt(): number | undefined {
    return this.#tokens?.expiresAt
  }

  get meta(): TokenSet['meta'] {
    return this.#tokens?.meta ? { ...this.#tokens.meta } : undefined
  }

  async getHeaders(request: RequestInfo = {}): Promise<Record<string, string>> {
    const url = request.url === undefined ? new URL(this.#base.href) : resolveURL(this.#base, request.url)
    const outgoing: OutgoingRequest = { url, method: (request.method ?? 'GET').toUpperCase(), headers: new Headers() }
    await this.#attach(outgoing)
    const headers: Record<string, string> = {}
    outgoing.headers.forEach((value, key) => {
      headers[key] = value
    })
    return headers
  }

  status(): AuthStatus {
    const tokens = this.#tokens
    if (!tokens) return { state: 'signed-out' }
    const expiresAt = tokens.expiresAt
    if (expiresAt === undefined) return { state: 'valid' }
    const now = this.#now()
    if (now >= expiresAt) return { state: 'expired', expiresAt }
    if (this.#points && now >= this.#points.refreshAt) return { state: 'expiring', expiresAt }
    return { state: 'valid', expiresAt }
  }

  async ensureValid(): Promise<void> {
    await this.#guard(() => this.#current())
  }

  async login(): Promise<void> {
    await this.#guard(async () => {
      await this.#load()
      await this.#obtain({ force: 'acquire', background: false })
    })
  }

  async refresh(): Promise<void> {
    await this.#guard(async () => {
      await this.#load()
      await this.#obtain({ force: 'renew', background: false })
    })
  }

  async logout(): Promise<void> {
    // Tokens only in the store (a fresh process) are revoked at the provider too.
    await this.#load()
    const tokens = this.#tokens
    this.#cancelSchedule()
    if (tokens && this.#flow.revoke) {
      try {
        await this.#flow.revoke(tokens, this.#ctx)
      } catch (error) {
        this.#emitError(error, 'logout')
      }
    }
    this.#tokens = undefined
    this.#points = undefined
    this.#loaded = true
    try {
      await this.#store.delete(await this.storeKey())
    } catch (error) {
      this.#emitError(error, 'store')
    }
    this.#events.emit('logout', { provider: this.name, at: this.#now() })
  }

  async setTokens(tokens: TokenSet): Promise<void> {
    const imported = this.#importable(tokens, 'setTokens()')
    this.#loaded = true
    this.#adopt(imported, { force: true })
    await this.#save(imported)
    this.#events.emit('login', { provider: this.name, source: 'import', expiresAt: imported.expiresAt, at: this.#now() })
  }

  on<E extends AuthEventName>(event: E, listener: (e: AuthEventMap[E]) => void): () => void {
    return this.#events.on(event, listener)
  }

  async storeKey(): Promise<string> {
    if (this.#storeKey === undefined) {
      this.#storeKey = this.#options.storeKey ?? `${this.#flow.name}:${(await this.#flow.identity) ?? 'default'}`
    }
    return this.#storeKey
  }

  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>>> {
    return this.#guard(() => this.#ctx.request(request))
  }

  dispose(): void {
    this.#disposed = true
    this.#cancelSchedule()
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose()
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, baseURL: this.baseURL, ...this.status() }
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const { state, expiresAt } = this.status()
    const expiry = expiresAt === undefined ? '' : `, expiresAt: ${new Date(expiresAt).toISOString()}`
    return `AuthStrategy(${this.name}) { baseURL: '${this.baseURL}', state: '${state}'${expiry} }`
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────────────────────────────

  /** A token fit to send now: cached in steady state, refreshed in the background inside the window, awaited past the must point. */
  async #current(): Promise<TokenSet> {
    if (!this.#loaded) await this.#load()
    const tokens = this.#tokens
    if (tokens) {
      const points = this.#points
      if (!points) return tokens
      const now = this.#now()
      if (now < points.refreshAt) return tokens
      if (now < points.mustRefreshAt) {
        this.#refreshInBackground()
        return tokens
      }
    }
    return this.#obtain({ background: false })
  }

  #load(): Promise<void> {
    if (this.#loaded) return Promise.resolve()
    this.#loading ??= (async () => {
      try {
        const key = await this.storeKey()
        this.#subscribe(key)
        const stored = await this.#safeGet(key)
        const seed = this.#seed
        this.#seed = undefined
        if (this.#tokens) return
        if (stored) {
          this.#adopt(stored, {})
          this.#events.emit('login', { provider: this.name, source: 'store', expiresAt: stored.expiresAt, at: this.#now() })
        } else if (seed) {
          // `initialTokens`: used like stored tokens (the usual expiry checks follow), and saved for other processes.
          this.#adopt(seed, {})
          await this.#save(seed)
          this.#events.emit('login', { provider: this.name, source: 'import', expiresAt: seed.expiresAt, at: this.#now() })
        }
      } catch (error) {
        this.#emitError(error, 'store')
      } finally {
        this.#loaded = true
        this.#loading = undefined
      }
    })()
    return this.#loading
  }

  /** Follows writes to our key by others (store.onChange), so a refresh anywhere reaches this session at once. */
  #subscribe(key: string): void {
    if (!this.#store.onChange || this.#unsubscribe || this.#disposed) return
    try {
      this.#unsubscribe = this.#store.onChange(key, (change) => {
        if (change.type === 'delete') {
          // Logged out elsewhere: forget the token (a session with credentials logs in again on demand).
          if (!this.#tokens) return
          this.#tokens = undefined
          this.#points = undefined
          this.#cancelSchedule()
          return
        }
        this.#safeGet(key).then((stored) => {
          if (stored && stored.accessToken !== this.#tokens?.accessToken) this.#adopt(stored, {})
        })
      })
    } catch (error) {
      this.#emitError(error, 'store')
    }
  }

  #refreshInBackground(): void {
    const key = this.#storeKey
    if (key !== undefined && flightsFor(this.#store).has(key)) return
    this.#obtain({ background: true }).catch(() => {
      // reported as an 'error' event; callers keep the still-valid token
    })
  }

  /**
   * The one way new tokens are obtained, single-flighted per credential key (and locked across processes when the
   * store can). Re-reads the store first: another process may already have refreshed.
   */
  async #obtain(request: { force?: 'acquire' | 'renew'; background: boolean }): Promise<TokenSet> {
    const key = await this.storeKey()
    const stale = this.#tokens
    const flights = flightsFor(this.#store)
    const run = () => this.#withStoreLock(key, () => this.#obtainLocked(key, stale, request))
    try {
      const tokens = await flights.run(key, run)
      this.#adopt(tokens, {})
      return tokens
    } catch (error) {
      const safe = this.#sanitize(error)
      this.#emitError(safe, request.force === 'acquire' || !stale ? 'login' : 'refresh')
      throw safe
    }
  }

  /**
   * Runs `fn` under the store's cross-process lock when it has one. When the lock itself cannot be had (timeout, store
   * down) the refresh still runs, unlocked, and the failure is reported: a stuck lock must not sign a bot out.
   */
  async #withStoreLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lock = this.#store.withLock
    if (!lock) return fn()
    let entered = false
    try {
      return await lock.call<TokenStore, [string, () => Promise<T>], Promise<T>>(this.#store, key, () => {
        entered = true
        return fn()
      })
    } catch (error) {
      if (entered) throw error
      this.#emitError(error, 'store')
      return fn()
    }
  }

  async #obtainLocked(key: string, stale: TokenSet | undefined, request: { force?: 'acquire' | 'renew'; background: boolean }): Promise<TokenSet> {
    const stored = await this.#safeGet(key)
    if (stored && request.force !== 'acquire' && stored.accessToken !== stale?.accessToken && !this.#isPastMust(stored)) {
      return stored
    }
    const base = newest(stored, stale)
    if (request.force !== 'acquire' && base && this.#flow.renew) {
      try {
        const renewed = this.#normalize(await this.#flow.renew(base, this.#ctx), base)
        await this.#save(renewed)
        this.#adopt(renewed, {})
        this.#events.emit('refresh', { provider: this.name, expiresAt: renewed.expiresAt, at: this.#now(), background: request.background })
        this.#log('debug', 'token refreshed', { expiresAt: renewed.expiresAt })
        return renewed
      } catch (error) {
        if (!isRejection(error)) {
          // A hiccup (5xx, network): keep serving a token that still works; nothing is lost.
          if (base.expiresAt === undefined || this.#now() < base.expiresAt) {
            if (request.background || request.force === 'renew') throw error
            this.#emitError(error, 'refresh')
            return base
          }
          // The token is already dead and renewing is down: a fresh login is the way forward when the flow can
          // log in by itself (not on a 429: that would only add to the load).
          if (this.#flow.canAcquire === false || error instanceof RateLimitError) throw error
          this.#emitError(error, 'refresh')
        } else if (this.#flow.canAcquire === false) {
          this.#tokens = undefined
          this.#points = undefined
          throw new TokenExpiredError(
            `${this.#flow.packageName}: the ${this.name} session expired and cannot be renewed without credentials. ${this.#flow.loginHint ?? 'Log in again (configure the credentials, or import fresh tokens with setTokens()).'}`,
            { provider: this.name, cause: error },
          )
        }
        this.#log('info', 'refresh failed; logging in again')
      }
    }
    if (this.#flow.canAcquire === false) {
      throw new TokenExpiredError(
        `${this.#flow.packageName}: no ${this.name} session and no credentials to log in with. ${this.#flow.loginHint ?? 'Configure the credentials, or import tokens with setTokens().'}`,
        { provider: this.name },
      )
    }
    this.#limiter.admit()
    let acquired: TokenSet
    try {
      acquired = this.#normalize(await this.#flow.acquire(this.#ctx), undefined)
      this.#limiter.settle()
    } catch (error) {
      this.#limiter.settle(error)
      throw error
    }
    await this.#save(acquired)
    this.#adopt(acquired, {})
    this.#events.emit('login', { provider: this.name, source: 'acquire', expiresAt: acquired.expiresAt, at: this.#now() })
    this.#log('debug', 'logged in', { expiresAt: acquired.expiresAt })
    return acquired
  }

  async #recover(usedToken: string): Promise<void> {
    if (this.#tokens && this.#tokens.accessToken !== usedToken) return
    await this.#guard(() => this.#obtain({ force: 'renew', background: false }))
  }

  /**
   * Validates tokens given by the user (`setTokens()`, the `initialTokens` option) and completes them; a `ConfigError`
   * names the bad field (under `option` when they came from one).
   */
  #importable(tokens: TokenSet, where: string, option?: string): TokenSet {
    const parsed = tokenSetSchema.safeParse(tokens)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const path = issue?.path.join('.')
      throw new ConfigError(`${this.#flow.packageName}: ${where} got an invalid token set: ${path || 'value'} — ${issue?.message ?? 'invalid'}.`, {
        provider: this.name,
        field: path ? (option ? `${option}.${path}` : path) : (option ?? 'tokens'),
      })
    }
    return this.#normalize(parsed.data as TokenSet, undefined, true)
  }

  /** Completes a token set from a flow: keeps the old refresh token when none came back, fills expiry and issuedAt. */
  #normalize(tokens: TokenSet, previous: TokenSet | undefined, imported = false): TokenSet {
    const now = this.#now()
    const refreshToken = tokens.refreshToken ?? previous?.refreshToken
    const expiresAt = tokens.expiresAt ?? resolveExpiry({ jwt: tokens.accessToken }, { now, skewMs: this.#skew.skewMs })
    const issuedAt =
      typeof tokens.meta?.issuedAt === 'number' ? tokens.meta.issuedAt : imported ? inferIssuedAt(tokens.accessToken, now, this.#skew.skewMs) : now
    const normalized: TokenSet = { accessToken: tokens.accessToken, meta: { ...previous?.meta, ...tokens.meta, issuedAt } }
    if (refreshToken !== undefined) normalized.refreshToken = refreshToken
    if (expiresAt !== undefined) normalized.expiresAt = expiresAt
    this.#redactor.add(normalized.accessToken)
    this.#redactor.add(normalized.refreshToken)
    return normalized
  }

  /** Makes `tokens` current unless the current set is newer (an older set never overwrites a newer one). */
  #adopt(tokens: TokenSet, options: { force?: boolean }): void {
    const current = this.#tokens
    if (!options.force && current && current !== tokens && issuedAtOf(current) > issuedAtOf(tokens)) return
    this.#redactor.add(tokens.accessToken)
    this.#redactor.add(tokens.refreshToken)
    this.#tokens = tokens
    this.#points = this.#pointsOf(tokens)
    this.#schedule()
  }

  /** The refresh and must-refresh points of a token set under this session's policy. */
  #pointsOf(tokens: TokenSet): RefreshPoints | undefined {
    return refreshPoints(
      tokens,
      this.#options.refreshWindow ?? this.#flow.refreshWindow ?? DEFAULT_REFRESH_WINDOW,
      this.#options.mustRefreshBeforeExpiryMs ?? DEFAULT_MUST_REFRESH_BEFORE_EXPIRY_MS,
    )
  }

  #schedule(): void {
    this.#cancelSchedule()
    const points = this.#points
    if (!points || this.#disposed || this.#options.backgroundRefresh === false) return
    const delay = Math.max(0, points.refreshAt - this.#now())
    this.#cancelTimer = refreshScheduler.schedule(Date.now() + delay, () => {
      this.#cancelTimer = undefined
      if (this.#disposed || !this.#tokens) return
      const state = this.status().state
      if (state === 'expiring' || state === 'expired') this.#refreshInBackground()
      else this.#schedule()
    })
  }

  #cancelSchedule(): void {
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
  }

  #isPastMust(tokens: TokenSet): boolean {
    const points = this.#pointsOf(tokens)
    return points !== undefined && this.#now() >= points.mustRefreshAt
  }

  async #safeGet(key: string): Promise<TokenSet | undefined> {
    try {
      return await this.#store.get(key)
    } catch (error) {
      this.#emitError(error, 'store')
      return undefined
    }
  }

  async #save(tokens: TokenSet): Promise<void> {
    try {
      await this.#store.set(await this.storeKey(), tokens)
    } catch (error) {
      // The store hiccuped: keep serving from memory, never log out because of it.
      this.#emitError(error, 'store')
    }
  }

  // ── requests ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Attaches credentials and returns the access token used (undefined when the request needs none). Steady state — a
   * loaded token before its refresh point — is synchronous (no promise, no microtask on the request path); otherwise a
   * promise that settles once a token is held.
   */
  #attach(request: OutgoingRequest): string | undefined | Promise<string | undefined> {
    if (!this.#owns(request.url)) {
      throw new ConfigError(
        `${this.#flow.packageName}: ${request.url.origin}${request.url.pathname} is outside ${this.baseURL}; ${this.name} credentials are only sent there. Use composeAuth() to talk to several APIs.`,
        { provider: this.name, code: 'URL_NOT_OWNED', field: 'url' },
      )
    }
    const needsToken = this.#flow.needsToken?.({ url: request.url, method: request.method }) ?? true
    if (!needsToken) {
      this.#flow.apply(undefined, request)
      return undefined
    }
    const fresh = this.#fresh()
    if (fresh) {
      this.#flow.apply(fresh, request)
      return fresh.accessToken
    }
    return this.#guard(() => this.#current()).then((tokens) => {
      this.#flow.apply(tokens, request)
      return tokens.accessToken
    })
  }

  /** The current token when it can be used as is (loaded, before the refresh point), else undefined. */
  #fresh(): TokenSet | undefined {
    const tokens = this.#tokens
    if (!this.#loaded || !tokens) return undefined
    const points = this.#points
    return !points || this.#now() < points.refreshAt ? tokens : undefined
  }

  #owns(url: URL): boolean {
    this.#scope ??= scopeOf(this.#base)
    return isUnder(this.#scope, url)
  }

  // ── safety ───────────────────────────────────────────────────────────────────────────────────────────────────

  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw this.#sanitize(error)
    }
  }

  #sanitize(error: unknown): AuthError {
    return sanitizeError(error, this.#redactor, this.#label)
  }

  #emitError(error: unknown, during: AuthEventMap['error']['during']): void {
    const safe = this.#sanitize(error)
    this.#log('warn', safe.message, { code: safe.code, during })
    this.#events.emit('error', { provider: this.name, error: safe, at: this.#now(), during })
  }

  #log(level: keyof AuthLogger, message: string, data?: Record<string, unknown>): void {
    const logger = this.#options.logger
    if (!logger?.[level]) return
    try {
      logger[level]!(
        this.#redactor.redact(`${this.#flow.packageName}: ${message.replace(`${this.#flow.packageName}: `, '')}`),
        data && this.#redactor.redactValue(data),
      )
    } catch {
      // a broken logger must not break auth
    }
  }
}

function issuedAtOf(tokens: TokenSet): number {
  const value = tokens.meta?.issuedAt
  return typeof value === 'number' ? value : 0
}

function newest(a: TokenSet | undefined, b: TokenSet | undefined): TokenSet | undefined {
  if (!a) return b
  if (!b) return a
  return issuedAtOf(a) >= issuedAtOf(b) ? a : b
}

function inferIssuedAt(accessToken: string, now: number, skewMs: number): number {
  const iat = decodeJwtIssuedAt(accessToken)
  return iat !== undefined && iat - skewMs <= now ? iat - skewMs : now
}
