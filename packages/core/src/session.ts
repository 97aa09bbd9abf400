import type { z } from 'zod'
import { createAuthFetch } from './auth-fetch'
import { ConfigError } from './errors'
import type { AuthFetch } from './fetch-types'
import type { AuthFlow, FlowRejectedResponse, FlowRequest, FlowResponse, OutgoingRequest } from './flow'
import { Lifecycle } from './lifecycle'
import { SessionContext } from './session-context'
import { SESSION_INTERNALS, type SessionInternals } from './internals'
import { ALWAYS_CREDENTIAL_HEADERS } from './redirects'
import { assertSecureBaseURL } from './secure-url'
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
  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S> & { acceptStatus?: undefined }): Promise<FlowResponse<z.infer<S>>>
  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>> | FlowRejectedResponse>
  /** Stops the background refresh timer. The session still works on demand afterwards. */
  dispose(): void
  [Symbol.asyncDispose](): Promise<void>
}

/** Turns a provider's declarative flow into a full `AuthStrategy`. */
export function createSession(flow: AuthFlow, options: SessionOptions = {}): Session {
  return new AuthSession(flow, options)
}

/**
 * The public façade of the engine: the request path (ownership, attaching credentials) and the public surface over a
 * `Lifecycle` (the token and its zone, store, renewals, timer, logout). `Reporter` makes every error typed and
 * redacted, and every event and log line safe.
 */
class AuthSession implements Session {
  readonly name: string
  readonly baseURL: string

  readonly #context: SessionContext
  readonly #lifecycle: Lifecycle
  #scope: BaseScope | undefined
  #fetchInstance: AuthFetch | undefined

  constructor(flow: AuthFlow, options: SessionOptions) {
    const label = { provider: flow.name, packageName: flow.packageName }
    this.name = flow.name
    const allowInsecureHttp = options.allowInsecureHttp ?? false
    const base = assertSecureBaseURL(flow.baseURL, { ...label, allowInsecureHttp })
    this.baseURL = flow.baseURL
    // Validate every auth origin now (a bad option fails at construction), keep only the list.
    for (const origin of flow.authOrigins ?? []) assertSecureBaseURL(origin, { ...label, allowInsecureHttp, field: 'authOrigins' })
    this.#context = new SessionContext(flow, options, base)
    this.#lifecycle = new Lifecycle(this.#context)
  }

  /** Hooks for `createAuthFetch`; built on demand so that idle sessions stay small. */
  get [SESSION_INTERNALS](): SessionInternals {
    const { flow, options, base } = this.#context
    const requestTimeoutMs = options.requestTimeoutMs === false ? 0 : (options.requestTimeoutMs ?? options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)
    return {
      flow,
      baseURL: base,
      credentialHeaders: [...ALWAYS_CREDENTIAL_HEADERS, ...(flow.credentialHeaders ?? []).map((h) => h.toLowerCase())],
      transport: this.#context.transport,
      requestTimeoutMs,
      allowInsecureHttp: options.allowInsecureHttp ?? false,
      owns: (url) => this.#owns(url),
      attach: (request) => this.#attach(request),
      recover: (usedToken, signal) => this.#guard(() => this.#lifecycle.recover(usedToken, signal), signal),
      sanitize: (error) => this.#context.reporter.sanitize(error),
      redact: (text) => this.#context.redactor.redact(text),
      streamTokens: (renewInWindow, signal) => this.#guard(() => this.#lifecycle.forStream(renewInWindow, signal), signal),
      report: (error, during) => this.#context.reporter.error(error, during),
    }
  }

  /** The strategy's `AuthFetch`: bound to `baseURL`, authentication applied (created on first use). */
  get fetch(): AuthFetch {
    this.#fetchInstance ??= createAuthFetch(this)
    return this.#fetchInstance
  }

  // ── public surface ────────────────────────────────────────────────────────────────────────────────────────────

  get accessToken(): string | undefined {
    return this.#lifecycle.state.tokens?.accessToken
  }

  get expiresAt(): number | undefined {
    return this.#lifecycle.state.tokens?.expiresAt
  }

  get meta(): TokenSet['meta'] {
    const meta = this.#lifecycle.state.tokens?.meta
    return meta ? { ...meta } : undefined
  }

  async getHeaders(request: RequestInfo = {}): Promise<Record<string, string>> {
    const url = request.url === undefined ? new URL(this.#context.base.href) : resolveURL(this.#context.base, request.url)
    const outgoing: OutgoingRequest = { url, method: (request.method ?? 'GET').toUpperCase(), headers: new Headers() }
    await this.#attach(outgoing)
    return Object.fromEntries(outgoing.headers)
  }

  status(): AuthStatus {
    return this.#lifecycle.status()
  }

  async ensureValid(): Promise<void> {
    await this.#guard(() => this.#lifecycle.current())
  }

  login(): Promise<void> {
    return this.#guard(() => this.#lifecycle.explicit('login'))
  }

  refresh(): Promise<void> {
    return this.#guard(() => this.#lifecycle.explicit('refresh'))
  }

  logout(): Promise<void> {
    return this.#lifecycle.logout()
  }

  setTokens(tokens: TokenSet): Promise<void> {
    return this.#lifecycle.setTokens(tokens)
  }

  on<E extends AuthEventName>(event: E, listener: (e: AuthEventMap[E]) => void): () => void {
    return this.#context.events.on(event, listener)
  }

  storeKey(): Promise<string> {
    return this.#lifecycle.storeKey()
  }

  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S> & { acceptStatus?: undefined }): Promise<FlowResponse<z.infer<S>>>
  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>> | FlowRejectedResponse>
  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>> | FlowRejectedResponse> {
    return this.#guard(() => this.#context.ctx().request(request))
  }

  dispose(): void {
    this.#lifecycle.dispose()
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
        `${this.#context.flow.packageName}: ${request.url.origin}${request.url.pathname} is outside ${this.baseURL}; ${this.name} credentials are only sent there. Use composeAuth() to talk to several APIs.`,
        { provider: this.name, code: 'URL_NOT_OWNED', field: 'url' },
      )
    }
    const needsToken = this.#context.flow.needsToken?.({ url: request.url, method: request.method }) ?? true
    if (!needsToken) {
      this.#apply(undefined, request)
      return undefined
    }
    const fresh = this.#lifecycle.fresh()
    if (fresh) {
      this.#apply(fresh, request)
      return fresh.accessToken
    }
    return this.#guard(() => this.#lifecycle.current(request.signal), request.signal).then((tokens) => {
      this.#apply(tokens, request)
      return tokens.accessToken
    })
  }

  /** `flow.apply`, with a header the runtime refuses turned into a typed error that never shows the value. */
  #apply(tokens: TokenSet | undefined, request: OutgoingRequest): void {
    try {
      this.#context.flow.apply(tokens, request)
    } catch (error) {
      if (!(error instanceof TypeError)) throw this.#context.reporter.sanitize(error)
      throw new ConfigError(
        `${this.#context.flow.packageName}: a ${this.name} credential cannot be sent in an HTTP header (it contains CR, LF, control or non-ASCII characters); nothing was sent. Check the API key or token you configured.`,
        { provider: this.name, field: 'credentials' },
      )
    }
  }

  #owns(url: URL): boolean {
    this.#scope ??= scopeOf(this.#context.base)
    return isUnder(this.#scope, url)
  }

  /** Runs `fn`, turning what it throws into a redacted `AuthError`; the caller's own abort reason passes untouched. */
  async #guard<T>(fn: () => Promise<T>, signal?: AbortSignal | null): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw error
      throw this.#context.reporter.sanitize(error)
    }
  }
}
