import type { AuthError } from './errors'
import type { AuthFetch } from './fetch-types'
import type { RefreshThrottleOptions } from './refresh-throttle'

/** A set of credentials obtained from a provider. All times are epoch milliseconds on the local clock. */
export interface TokenSet {
  /** The token attached to requests (JWT, opaque token or static API key). Secret. */
  accessToken: string
  /** The token used to renew `accessToken`, when the provider issues one. Secret. */
  refreshToken?: string
  /** When `accessToken` stops working, in epoch ms (local clock, skew-corrected). `undefined` = no known expiry. */
  expiresAt?: number
  /**
   * Non-secret extras (company name, agent id, …). The engine keeps `issuedAt` (epoch ms) here so that an older set
   * never overwrites a newer one and a fraction-of-lifetime refresh window can be computed.
   */
  meta?: Record<string, string | number | boolean | null>
}

/** Where token sets live between requests and between processes. Keys are credential keys, never secrets. */
export interface TokenStore {
  get(key: string): Promise<TokenSet | undefined>
  set(key: string, tokens: TokenSet): Promise<void>
  delete(key: string): Promise<void>
  /** Cross-process mutual exclusion for `key`, when the store can provide it. */
  withLock?<T>(key: string, fn: () => Promise<T>): Promise<T>
  /**
   * Tells about writes by anyone (other strategies, other processes) as they happen, when the store can. Sessions
   * subscribe to their key and adopt a newer token set at once instead of waiting for their own expiry maths.
   * Returns an unsubscribe function.
   */
  onChange?(key: string, listener: (change: TokenStoreChange) => void): () => void
  /**
   * Takes one slot of a quota that every process using this store shares, when the store can (the Redis store
   * does). The engine counts logins against the provider's own quota with it, fleet-wide (`loginLimit.fleetQuota`).
   */
  takeQuotaSlot?(request: QuotaSlotRequest): Promise<QuotaSlot>
}

/** What `TokenStore.takeQuotaSlot` is asked for. Never carries a secret. */
export interface QuotaSlotRequest {
  /** Name of the quota: everyone asking with the same scope shares it. */
  scope: string
  /** Slots per window. */
  limit: number
  /** Window in ms: a slot stays taken until `perMs` after its attempt ended. */
  perMs: number
  /** A slot whose attempt never ends (its process died) is freed `leaseMs + perMs` after it was taken. */
  leaseMs: number
}

/**
 * A slot of a shared quota (call `done` once the attempt ended: `true` when it reached the provider, `false` to give
 * the slot back unused), or, when the quota is used up, how long to wait before asking again.
 */
export type QuotaSlot = { granted: true; done(attempted: boolean): Promise<void> } | { granted: false; retryAfterMs: number }

/** A write to a `TokenStore` (never carries a secret). */
export interface TokenStoreChange {
  /** `set`: a token set was stored; `delete`: it was removed (a logout somewhere). */
  type: 'set' | 'delete'
}

/** The request a header set is computed for. */
export interface RequestInfo {
  /** Absolute URL, or a path relative to the strategy's `baseURL`. */
  url?: string
  /** HTTP method, upper case. Defaults to `GET`. */
  method?: string
}

export type AuthState = 'signed-out' | 'valid' | 'expiring' | 'expired'

export interface AuthStatus {
  state: AuthState
  /** Epoch ms when the current access token expires, if known. */
  expiresAt?: number
}

export type AuthEventName = 'login' | 'refresh' | 'logout' | 'error'

/** Event payloads never carry a secret. */
export interface AuthEventMap {
  /** `queuedMs`: how long this login waited for a slot of the fleet's login quota (`loginLimit.fleetQuota`), when it had to. */
  login: { provider: string; source: 'acquire' | 'store' | 'import'; expiresAt?: number; at: number; queuedMs?: number }
  refresh: { provider: string; expiresAt?: number; at: number; background: boolean }
  logout: { provider: string; at: number }
  error: { provider: string; error: AuthError; at: number; during: 'login' | 'refresh' | 'logout' | 'store' | 'request' }
}

export type AuthEvent<E extends AuthEventName = AuthEventName> = AuthEventMap[E]

/** A credential that logs in, refreshes ahead of expiry, persists and attaches itself to requests. */
export interface AuthStrategy {
  /** Provider name: 'tradeready', 'axiom', … */
  readonly name: string
  /** Credentials are sent to this origin (and path) and no other. */
  readonly baseURL: string
  /** The current access token, if any. Read-only; use `setTokens()` to import tokens. */
  readonly accessToken: string | undefined
  /**
   * Fetches a path below `baseURL` (or an absolute URL the strategy owns) with authentication applied; resolves with
   * the parsed body (`fetch<T>()` to type it, `fetch.raw()` for the whole `Response`). Every failure is an `AuthError`.
   */
  readonly fetch: AuthFetch
  /** Headers to attach to a request to `request.url`, refreshing first when the token is past its must-refresh point. */
  getHeaders(request?: RequestInfo): Promise<Record<string, string>>
  status(): AuthStatus
  login(): Promise<void>
  refresh(): Promise<void>
  /** Clears memory and the store; calls the provider's logout where it has one. */
  logout(): Promise<void>
  /**
   * Imports tokens you already have (checked, adopted whatever their age, stored). A `logout()` called after it, or
   * on the same store and key while it is being stored, wins: the import is discarded and rejects with
   * `TokenExpiredError` (`SIGNED_OUT`).
   */
  setTokens(tokens: TokenSet): Promise<void>
  on<E extends AuthEventName>(event: E, listener: (e: AuthEventMap[E]) => void): () => void
}

/** When to refresh ahead of expiry. */
export type RefreshWindow =
  /** Start refreshing this many milliseconds before expiry. */
  | { beforeExpiryMs: number }
  /** Start refreshing once this fraction (0–1) of the token's lifetime has elapsed. */
  | { fraction: number }

/** Minimal structured logger. Every line is redacted before it reaches you. */
export interface AuthLogger {
  debug?(message: string, data?: Record<string, unknown>): void
  info?(message: string, data?: Record<string, unknown>): void
  warn?(message: string, data?: Record<string, unknown>): void
  error?(message: string, data?: Record<string, unknown>): void
}

/** Retry policy for 5xx and network errors (idempotent requests and auth calls only). */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number
  /** First backoff delay in ms; doubles each retry, with full jitter. Default 200. */
  baseDelayMs?: number
  /** Upper bound of one backoff delay in ms. Default 5000. */
  maxDelayMs?: number
}

/** Client-side limit on login attempts, so a wrong password can't burn the provider's login quota. */
export interface LoginLimitOptions {
  /** Attempts allowed in `perMs`. Default 3. */
  maxAttempts?: number
  /** Window length in ms. Default 60000. */
  perMs?: number
  /** After invalid credentials, refuse new attempts for this long (ms) without calling the provider. Default 0. */
  cooldownAfterFailureMs?: number
  /**
   * The provider's own login quota, counted for the whole fleet when the store can (`takeQuotaSlot`, e.g. the Redis
   * store): a login then waits for a free slot instead of meeting a 429. Presets set it (TradeReady: 5 per 60 s);
   * `false` turns it off. With a store that cannot count (memory, file) it has no effect.
   */
  fleetQuota?: FleetLoginQuota | false
}

/** A provider's login quota shared by every process logging in from one IP (or into one account). */
export interface FleetLoginQuota {
  /** Logins the provider accepts per `perMs`. */
  maxLogins: number
  /** The provider's window in ms. */
  perMs: number
  /**
   * Who shares the quota: every process whose store sees the same scope counts against one quota. Default
   * `<provider>@<API origin>`: the whole fleet behind one egress IP. Give each egress IP (or account) its own scope
   * when processes log in from several. Not secret.
   */
  scope?: string
  /** Longest a login waits in ms for a free slot before `RateLimitError`. Default 300000. */
  maxWaitMs?: number
}

/** Options every strategy factory accepts (presets pass them through). */
export interface SessionOptions {
  /** Where tokens persist. Default: a private `MemoryTokenStore`. */
  store?: TokenStore
  /** Key under which this credential's tokens are stored. Default: `<provider>:<identity>`. */
  storeKey?: string
  /**
   * Tokens to start from when the store holds none under `storeKey` (copied from a browser session, read from the
   * environment). They are treated like stored tokens: sent while valid, renewed first when already expired, and
   * replaced by a fresh login when that renewal is rejected and the flow has credentials. Saved to the store on first
   * use; tokens already in the store win. Secret.
   */
  initialTokens?: TokenSet
  /** When to start a background refresh. Default: the flow's default, else `{ beforeExpiryMs: 60000 }`. */
  refreshWindow?: RefreshWindow
  /** Callers wait for a refresh only this close (ms) to expiry. Default 30000 (capped by the refresh window). */
  mustRefreshBeforeExpiryMs?: number
  /** Refresh in the background with a timer once inside the refresh window. Default true. */
  backgroundRefresh?: boolean
  /** Allow `http:` to non-loopback hosts. Default false: only https, or http to localhost/127.0.0.1/[::1]. */
  allowInsecureHttp?: boolean
  /** fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch
  /** Time limit of one auth call (login, refresh, logout) in ms, its answer included. Default 30000. */
  timeoutMs?: number
  /**
   * Time limit of one `strategy.fetch` request in ms, its answer included (each retry gets its own). Default:
   * `timeoutMs` when set, else 30000. `0` or `false` disables it. A hung request rejects with `TimeoutError`. Requests
   * starting in the same quarter second share one deadline (so it fires up to 250 ms late), not a timer each.
   */
  requestTimeoutMs?: number | false
  /**
   * Largest clock difference in ms the engine believes from a server's `Date` header. A server that claims to be
   * further off (years ahead) is not believed, and a warning is logged once. Default 3600000 (one hour).
   */
  maxClockSkewMs?: number
  /** Spacing and backoff of automatic refreshes (explicit `login()`/`refresh()` are never throttled). */
  refreshThrottle?: RefreshThrottleOptions
  /** Retry policy for 5xx/network errors. */
  retry?: RetryOptions
  /** Longest wait in ms the client accepts for a 429 before it throws `RateLimitError`. Default 60000. */
  maxRateLimitWaitMs?: number
  /** Client-side login attempt limiter. */
  loginLimit?: LoginLimitOptions
  /**
   * Receives redacted log lines. Default: silent, unless the environment turns on the debug switch for this provider
   * (`DEBUG=authmux:*`, `DEBUG=authmux:<provider>`, `AUTHMUX_DEBUG=1`): then redacted lines go to stderr. The switch is
   * read where a process environment exists (Node, Bun, Deno with `--allow-env`) and ignored elsewhere.
   */
  logger?: AuthLogger
  /** Current time in epoch ms. Default `Date.now`. For tests. */
  now?: () => number
}
