import type { $Fetch } from 'ofetch'
import type { z } from 'zod'
import { raceAbort } from './abort'
import { createAuthFetch } from './auth-fetch'
import { ConfigError, TokenExpiredError } from './errors'
import { AuthEvents } from './events'
import { SkewTracker } from './expiry'
import type { AuthFlow, FlowContext, FlowRequest, FlowResponse, OutgoingRequest } from './flow'
import { createFlowContext } from './flow-context'
import { SESSION_INTERNALS, type SessionInternals } from './internals'
import { LoginLimiter } from './login-limiter'
import { MemoryTokenStore } from './memory-store'
import { Redactor } from './redact'
import { ALWAYS_CREDENTIAL_HEADERS } from './redirects'
import { RefreshThrottle } from './refresh-throttle'
import { type ObtainReason, Renewer } from './renewer'
import { Reporter } from './reporter'
import { DEFAULT_MUST_REFRESH_BEFORE_EXPIRY_MS, DEFAULT_REFRESH_WINDOW, refreshPoints, refreshScheduler } from './schedule'
import { assertSecureBaseURL } from './secure-url'
import { defaultStoreKey } from './store-key'
import { bumpGeneration, generationOf } from './store-registry'
import { StoreSync } from './store-sync'
import { checkTokenSet, type TokenSource } from './token-check'
import { completeTokenSet } from './token-complete'
import { issuedAtOf, TokenState } from './token-state'
import type { TransportOptions } from './transport'
import type { AuthEventMap, AuthEventName, AuthStatus, AuthStrategy, RequestInfo, SessionOptions, TokenSet } from './types'
import { type BaseScope, isUnder, resolveURL, scopeOf } from './urls'

/** Default time limit of an ordinary request through `strategy.fetch`, in ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000

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

/** Turns a provider's declarative flow into a full `AuthStrategy`. */
export function createSession(flow: AuthFlow, options: SessionOptions = {}): Session {
  return new AuthSession(flow, options)
}

/**
 * The public façade of the engine. The parts it wires together: `TokenState` (the token and its refresh zone),
 * `Renewer` (obtaining tokens once per credential, and what follows a failure), `StoreSync` (the store),
 * `RefreshThrottle` (spacing of automatic refreshes), `Reporter` (typed, redacted errors, events and logs).
 */
class AuthSession implements Session {
  readonly name: string
  readonly baseURL: string

  readonly #flow: AuthFlow
  readonly #options: SessionOptions
  readonly #label: { provider: string; packageName: string }
  readonly #base: URL
  #scope: BaseScope | undefined
  readonly #now: () => number
  readonly #redactor = new Redactor()
  readonly #events = new AuthEvents()
  readonly #reporter: Reporter
  readonly #skew: SkewTracker
  readonly #state: TokenState
  readonly #sync: StoreSync
  readonly #throttle: RefreshThrottle
  readonly #renewer: Renewer
  #transportInstance: TransportOptions | undefined
  #ctxInstance: FlowContext | undefined
  #fetchInstance: $Fetch | undefined
  #limiterInstance: LoginLimiter | undefined
  #loaded = false
  #loading: Promise<void> | undefined
  /** `initialTokens`, checked, until the first load uses or discards them. */
  #seed: TokenSet | undefined
  #cancelTimer: (() => void) | undefined
  #disposed = false

  constructor(flow: AuthFlow, options: SessionOptions) {
    this.#flow = flow
    this.#options = options
    this.#label = { provider: flow.name, packageName: flow.packageName }
    this.name = flow.name
    const allowInsecureHttp = options.allowInsecureHttp ?? false
    this.#base = assertSecureBaseURL(flow.baseURL, { ...this.#label, allowInsecureHttp })
    this.baseURL = flow.baseURL
    // Validate every auth origin now (a bad option fails at construction), keep only the list.
    for (const origin of flow.authOrigins ?? []) assertSecureBaseURL(origin, { ...this.#label, allowInsecureHttp, field: 'authOrigins' })
    this.#now = options.now ?? Date.now
    for (const secret of flow.secrets ?? []) this.#redactor.add(secret)
    this.#reporter = new Reporter(this.#label, this.#redactor, this.#events, options.logger, this.#now)
    this.#skew = new SkewTracker({
      maxSkewMs: options.maxClockSkewMs,
      onDistrust: (skewMs) =>
        this.#reporter.log(
          'warn',
          `${flow.name}'s clock is ${Math.round(skewMs / 60_000)} min off ours (Date header); not believed, expiry read without skew correction`,
          {
            skewMs,
          },
        ),
    })
    this.#state = new TokenState((tokens) =>
      refreshPoints(
        tokens,
        options.refreshWindow ?? flow.refreshWindow ?? DEFAULT_REFRESH_WINDOW,
        options.mustRefreshBeforeExpiryMs ?? DEFAULT_MUST_REFRESH_BEFORE_EXPIRY_MS,
      ),
    )
    this.#sync = new StoreSync(options.store ?? new MemoryTokenStore(), this.#reporter, async () => options.storeKey ?? defaultStoreKey(flow, options.initialTokens))
    this.#throttle = new RefreshThrottle(options.refreshThrottle)
    this.#renewer = new Renewer({
      flow,
      ctx: () => this.#ctx,
      limiter: () => this.#limiter,
      state: this.#state,
      store: this.#sync,
      throttle: this.#throttle,
      reporter: this.#reporter,
      events: this.#events,
      now: this.#now,
      complete: (tokens, previous, source) => this.#complete(tokens, previous, source),
      adopt: (tokens) => this.#adopt(tokens, false),
    })
    if (options.initialTokens)
      this.#seed = this.#complete(options.initialTokens, undefined, { kind: 'user', where: 'the initialTokens option', option: 'initialTokens' })
  }

  /** Hooks for `createAuthFetch`; built on demand so that idle sessions stay small. */
  get [SESSION_INTERNALS](): SessionInternals {
    const options = this.#options
    const requestTimeoutMs = options.requestTimeoutMs === false ? 0 : (options.requestTimeoutMs ?? options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)
    return {
      flow: this.#flow,
      baseURL: this.#base,
      credentialHeaders: [...ALWAYS_CREDENTIAL_HEADERS, ...(this.#flow.credentialHeaders ?? []).map((h) => h.toLowerCase())],
      transport: this.#transport,
      requestTimeoutMs,
      allowInsecureHttp: options.allowInsecureHttp ?? false,
      owns: (url) => this.#owns(url),
      attach: (request) => this.#attach(request),
      recover: (usedToken) => this.#recover(usedToken),
      sanitize: (error) => this.#reporter.sanitize(error),
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
      label: this.#label,
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
    return this.#state.tokens?.accessToken
  }

  get expiresAt(): number | undefined {
    return this.#state.tokens?.expiresAt
  }

  get meta(): TokenSet['meta'] {
    const meta = this.#state.tokens?.meta
    return meta ? { ...meta } : undefined
  }

  async getHeaders(request: RequestInfo = {}): Promise<Record<string, string>> {
    const url = request.url === undefined ? new URL(this.#base.href) : resolveURL(this.#base, request.url)
    const outgoing: OutgoingRequest = { url, method: (request.method ?? 'GET').toUpperCase(), headers: new Headers() }
    await this.#attach(outgoing)
    return Object.fromEntries(outgoing.headers)
  }

  status(): AuthStatus {
    return this.#state.status(this.#now())
  }

  async ensureValid(): Promise<void> {
    await this.#guard(() => this.#current(undefined))
  }

  async login(): Promise<void> {
    await this.#explicit('login')
  }

  async refresh(): Promise<void> {
    await this.#explicit('refresh')
  }

  async logout(): Promise<void> {
    const key = await this.#sync.key()
    // From here on, every obtain already in flight for this key is discarded when it finishes.
    bumpGeneration(this.#sync.store, key)
    await this.#load()
    // Tokens only in the store (a fresh process) are revoked at the provider too.
    const tokens = this.#state.tokens
    this.#state.clear()
    this.#cancelSchedule()
    if (tokens && this.#flow.revoke) {
      try {
        await this.#flow.revoke(tokens, this.#ctx)
      } catch (error) {
        this.#reporter.error(error, 'logout')
      }
    }
    // Obtains started while the provider logout ran are discarded too.
    bumpGeneration(this.#sync.store, key)
    this.#state.clear()
    await this.#sync.remove(key)
    this.#events.emit('logout', { provider: this.name, at: this.#now() })
  }

  async setTokens(tokens: TokenSet): Promise<void> {
    const imported = this.#complete(tokens, undefined, { kind: 'user', where: 'setTokens()' })
    this.#loaded = true
    this.#throttle.reset()
    this.#adopt(imported, true)
    const key = await this.#sync.key()
    this.#follow(key)
    await this.#sync.save(key, imported)
    this.#events.emit('login', { provider: this.name, source: 'import', expiresAt: imported.expiresAt, at: this.#now() })
  }

  on<E extends AuthEventName>(event: E, listener: (e: AuthEventMap[E]) => void): () => void {
    return this.#events.on(event, listener)
  }

  storeKey(): Promise<string> {
    return this.#sync.key()
  }

  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>>> {
    return this.#guard(() => this.#ctx.request(request))
  }

  dispose(): void {
    this.#disposed = true
    this.#cancelSchedule()
    this.#sync.unsubscribe()
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

  /**
   * A token fit to send now. By zone: `fresh` → as is; `window` → as is, refreshed in the background; `must` and
   * `expired` → wait for a refresh, unless automatic refreshes are backing off (then the token held is sent as is);
   * `none` → log in.
   */
  async #current(signal: AbortSignal | null | undefined): Promise<TokenSet> {
    if (!this.#loaded) await raceAbort(this.#load(), signal)
    const tokens = this.#state.tokens
    const now = this.#now()
    switch (this.#state.zone(now)) {
      case 'fresh':
        return tokens!
      case 'window':
        this.#refreshInBackground()
        return tokens!
      case 'must':
      case 'expired':
        if (!this.#throttle.allows(now, false)) return tokens!
        return raceAbort(this.#renewer.obtain('request'), signal)
      case 'none':
        return raceAbort(this.#renewer.obtain('request'), signal)
    }
  }

  async #explicit(reason: Extract<ObtainReason, 'login' | 'refresh'>): Promise<void> {
    await this.#guard(async () => {
      await this.#load()
      await this.#renewer.obtain(reason)
    })
  }

  #load(): Promise<void> {
    if (this.#loaded) return Promise.resolve()
    this.#loading ??= this.#loadOnce().finally(() => {
      this.#loaded = true
      this.#loading = undefined
    })
    return this.#loading
  }

  async #loadOnce(): Promise<void> {
    const key = await this.#sync.key()
    const generation = generationOf(this.#sync.store, key)
    this.#follow(key)
    const stored = await this.#sync.get(key)
    const seed = this.#seed
    this.#seed = undefined
    // Tokens adopted meanwhile (setTokens, an obtain) win; a logout meanwhile discards what was read.
    if (this.#state.tokens || generationOf(this.#sync.store, key) !== generation) return
    if (stored) {
      this.#adopt(stored, false)
      this.#events.emit('login', { provider: this.name, source: 'store', expiresAt: stored.expiresAt, at: this.#now() })
    } else if (seed) {
      // `initialTokens`: used like stored tokens (the usual expiry checks follow), and saved for other processes.
      this.#adopt(seed, false)
      await this.#sync.save(key, seed)
      this.#events.emit('login', { provider: this.name, source: 'import', expiresAt: seed.expiresAt, at: this.#now() })
    }
  }

  /** Follows writes to our key by others (once), so a refresh anywhere reaches this session at once. */
  #follow(key: string): void {
    if (!this.#disposed) this.#sync.subscribe(key, (change) => this.#onStoreChange(key, change.type))
  }

  /** A write to our key by others: a delete is a logout elsewhere; a set may bring newer tokens. */
  #onStoreChange(key: string, type: 'set' | 'delete'): void {
    if (this.#disposed) return
    if (type === 'delete') {
      // A session with credentials logs in again on demand.
      if (!this.#state.tokens) return
      this.#state.clear()
      this.#cancelSchedule()
      return
    }
    void this.#sync.get(key).then((stored) => {
      if (stored && stored.accessToken !== this.#state.tokens?.accessToken) this.#adopt(stored, false)
    })
  }

  #refreshInBackground(): void {
    const key = this.#sync.knownKey
    if (key !== undefined && this.#renewer.inFlight(key)) return
    if (!this.#throttle.allows(this.#now(), true)) return
    this.#renewer.obtain('background').catch(() => {
      // Reported as an 'error' event; callers keep the still-valid token, and the timer tries again once the
      // throttle's backoff allows.
      if (this.#state.tokens) this.#schedule()
    })
  }

  /** After a 401 on a request sent with `usedToken`: renew unless someone already did, or renewals are backing off. */
  async #recover(usedToken: string): Promise<void> {
    if (this.#state.tokens && this.#state.tokens.accessToken !== usedToken) return
    const now = this.#now()
    if (!this.#throttle.allows(now, false)) {
      const waitS = Math.ceil((this.#throttle.nextAt(false) - now) / 1000)
      throw new TokenExpiredError(
        `${this.#flow.packageName}: ${this.name} refused the token (HTTP 401) and its last renewals were of no use; not renewing again for ${waitS} s.`,
        { provider: this.name, status: 401 },
      )
    }
    await this.#guard(() => this.#renewer.obtain('recover'))
  }

  /** Checks a token set from a flow or the user and completes it; registers its tokens for redaction first. */
  #complete(tokens: TokenSet, previous: TokenSet | undefined, source: TokenSource): TokenSet {
    if (tokens && typeof tokens === 'object') {
      this.#redactor.add(typeof tokens.accessToken === 'string' ? tokens.accessToken : undefined)
      this.#redactor.add(typeof tokens.refreshToken === 'string' ? tokens.refreshToken : undefined)
    }
    try {
      checkTokenSet(tokens, source, this.#label)
    } catch (error) {
      throw this.#reporter.sanitize(error)
    }
    return completeTokenSet(tokens, previous, { now: this.#now(), skewMs: this.#skew.skewMs }, source.kind === 'user')
  }

  /** Makes `tokens` current unless the held set is newer (`force`: the user's own import always wins). */
  #adopt(tokens: TokenSet, force: boolean): void {
    const current = this.#state.tokens
    // Newest wins: an older set never overwrites a newer one.
    if (!force && current && current !== tokens && issuedAtOf(current) > issuedAtOf(tokens)) return
    this.#redactor.add(tokens.accessToken)
    this.#redactor.add(tokens.refreshToken)
    this.#state.set(tokens)
    this.#schedule()
  }

  /** Arms the shared timer for the next automatic refresh: the refresh point, or later while refreshes back off. */
  #schedule(): void {
    this.#cancelSchedule()
    const points = this.#state.points
    if (!points || this.#disposed || this.#options.backgroundRefresh === false) return
    const at = Math.max(points.refreshAt, this.#throttle.nextAt(true))
    this.#cancelTimer = refreshScheduler.schedule(Date.now() + Math.max(0, at - this.#now()), () => {
      this.#cancelTimer = undefined
      if (this.#disposed) return
      const zone = this.#state.zone(this.#now())
      // No token: nothing to refresh. In flight: its result reschedules. Not yet due or backing off: wait more.
      if (zone === 'none' || this.#renewer.inFlight(this.#sync.knownKey ?? '')) return
      if (zone !== 'fresh' && this.#throttle.allows(this.#now(), true)) this.#refreshInBackground()
      else this.#schedule()
    })
  }

  #cancelSchedule(): void {
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
  }

  // ── requests ─────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Attaches credentials and returns the access token used (undefined when the request needs none). Steady state — a
   * loaded token before its refresh point — is synchronous (no promise, no microtask on the request path); otherwise a
   * promise that settles once a token is held, or rejects at once when the request's signal aborts.
   */
  #attach(request: OutgoingRequest): string | undefined | Promise<string | undefined> {
    if (request.signal?.aborted) throw request.signal.reason
    if (!this.#owns(request.url)) {
      throw new ConfigError(
        `${this.#flow.packageName}: ${request.url.origin}${request.url.pathname} is outside ${this.baseURL}; ${this.name} credentials are only sent there. Use composeAuth() to talk to several APIs.`,
        { provider: this.name, code: 'URL_NOT_OWNED', field: 'url' },
      )
    }
    const needsToken = this.#flow.needsToken?.({ url: request.url, method: request.method }) ?? true
    if (!needsToken) {
      this.#apply(undefined, request)
      return undefined
    }
    if (this.#loaded && this.#state.zone(this.#now()) === 'fresh') {
      const fresh = this.#state.tokens!
      this.#apply(fresh, request)
      return fresh.accessToken
    }
    return this.#guard(() => this.#current(request.signal), request.signal).then((tokens) => {
      this.#apply(tokens, request)
      return tokens.accessToken
    })
  }

  /** `flow.apply`, with a header the runtime refuses turned into a typed error that never shows the value. */
  #apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    try {
      this.#flow.apply(tokens, request)
    } catch (error) {
      if (!(error instanceof TypeError)) throw this.#reporter.sanitize(error)
      throw new ConfigError(
        `${this.#flow.packageName}: a ${this.name} credential cannot be sent in an HTTP header (it contains CR, LF, control or non-ASCII characters); nothing was sent. Check the API key or token you configured.`,
        { provider: this.name, field: 'credentials' },
      )
    }
  }

  #owns(url: URL): boolean {
    this.#scope ??= scopeOf(this.#base)
    return isUnder(this.#scope, url)
  }

  /** Runs `fn`, turning what it throws into a redacted `AuthError`; the caller's own abort reason passes untouched. */
  async #guard<T>(fn: () => Promise<T>, signal?: AbortSignal | null): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error
      throw this.#reporter.sanitize(error)
    }
  }
}
