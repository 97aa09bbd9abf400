import type { z } from 'zod'
import type { AuthError } from './errors'
import type { StreamAuth } from './stream-auth'
import type { RefreshWindow, TokenSet } from './types'

/** A request about to be sent with credentials. `headers` is mutable: `apply()` writes into it. */
export interface OutgoingRequest {
  url: URL
  method: string
  headers: Headers
  /** The caller's signal: a wait for a login or refresh ends at once when it aborts. */
  signal?: AbortSignal | null
}

/** A 2xx answer to an auth call made with `FlowContext.request()`: `data` passed the request's `schema`. */
export interface FlowResponse<T = unknown> {
  ok: true
  status: number
  headers: Headers
  /** Parsed JSON when the body is JSON (validated by `schema` when given), else the text, else `undefined`. */
  data: T
  /** Cookies set by the response (`Set-Cookie`), name → value. Cookies being deleted (Max-Age=0) are left out. */
  cookies: Record<string, string>
}

/** A non-2xx answer the request listed in `acceptStatus`: returned instead of thrown, its body never validated. */
export interface FlowRejectedResponse {
  ok: false
  status: number
  headers: Headers
  /** Parsed JSON or text, as the provider sent it (no schema ran on it). */
  data: unknown
  cookies: Record<string, string>
}

/** What a flow asks the engine to send. */
export interface FlowRequest<S extends z.ZodType = z.ZodType> {
  /** Path relative to the flow's `baseURL`, or an absolute URL on `baseURL`'s origin or one of `authOrigins`. */
  url: string
  /** Default `POST`. */
  method?: string
  /**
   * Query parameters added to `url` (undefined values are skipped). Credentials may travel here (a client secret in a
   * GET, a stream key): register them in the flow's `secrets` and every URL the engine reports hides them.
   */
  query?: Record<string, string | undefined>
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown
  headers?: Record<string, string>
  /** Sent as one `Cookie` header. */
  cookies?: Record<string, string | undefined>
  /** Validates a 2xx JSON body; a mismatch is a `ResponseShapeError` naming the field. */
  schema?: S
  /**
   * Statuses returned to the flow instead of thrown. By default every non-2xx is turned into a typed error by
   * `flow.toError` (else: 401/403 → `InvalidCredentialsError`, 429 → `RateLimitError`, other → `ProviderError`).
   */
  acceptStatus?: number[]
  /** Retry 5xx/network errors with backoff. Default true. */
  retry?: boolean
}

/** What the engine gives a flow for its auth calls. */
export interface FlowContext {
  /**
   * Makes an auth call: origin-checked, timed out, retried, skew-tracked, errors typed and redacted. Without
   * `acceptStatus` it resolves only with a 2xx answer whose body passed `schema`; with it, a listed status comes back
   * as a `FlowRejectedResponse` (`ok: false`, unvalidated `data`) — check `ok` before reading `data`.
   */
  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S> & { acceptStatus?: undefined }): Promise<FlowResponse<z.infer<S>>>
  request<S extends z.ZodType = z.ZodType>(request: FlowRequest<S>): Promise<FlowResponse<z.infer<S>> | FlowRejectedResponse>
  /** Current time in epoch ms on the local clock. */
  now(): number
  /** Server clock minus local clock in ms, learned from `Date` headers. */
  skewMs(): number
  /** Registers a value to be redacted from every message, log line and event from now on. */
  addSecret(value: string | undefined): void
  /** Turns server expiry information into a local `expiresAt` (see `resolveExpiry`). */
  expiry(input: { expiresInSeconds?: number; expiresAt?: string | number; jwt?: string }): number | undefined
}

/**
 * The small declarative object a provider package writes; `createSession(flow, options)` turns it into an
 * `AuthStrategy` and owns everything else (single flight, schedule, retries, 401 replay, redaction, store).
 */
export interface AuthFlow {
  /** Provider name, lower case: 'tradeready'. Prefixes error messages together with the package name. */
  name: string
  /** Package name used as the message prefix: '@authmux/key-secret-jwt'. */
  packageName: string
  /** Base URL of the API. Credentials are attached only to requests on its origin and below its path. */
  baseURL: string
  /** Extra origins that auth calls (not ordinary requests) may go to, e.g. Axiom's per-step hosts. */
  authOrigins?: string[]
  /** Headers that carry credentials, dropped on a cross-origin redirect (Authorization, Cookie, X-API-Key are always). */
  credentialHeaders?: string[]
  /** Every secret the flow holds (api key, secret, password …), registered for redaction. */
  secrets?: Array<string | undefined>
  /** Non-secret label for the default store key ('user@example.com', a key fingerprint …). */
  identity?: string | Promise<string>
  /** Refresh window this provider recommends (a preset default; `SessionOptions.refreshWindow` wins). */
  refreshWindow?: RefreshWindow
  /** Whether `acquire()` can run without user interaction (credentials configured). Default true. */
  canAcquire?: boolean
  /**
   * How a user gets a session when the engine cannot log in by itself, appended to signed-out errors
   * (e.g. "run `authmux login axiom`, or import browser tokens with setTokens()").
   */
  loginHint?: string
  /** Logs in / exchanges credentials. Throw `InvalidCredentialsError` for rejected credentials. */
  acquire(ctx: FlowContext): Promise<TokenSet>
  /** Renews with the refresh token (or revalidates). Throw `InvalidCredentialsError`/`TokenExpiredError` to fall back to `acquire()`. */
  renew?(tokens: TokenSet, ctx: FlowContext): Promise<TokenSet>
  /** Provider-side logout. Errors are reported as an 'error' event; local logout happens regardless. */
  revoke?(tokens: TokenSet, ctx: FlowContext): Promise<void>
  /** Attaches credentials to a request. `tokens` is undefined when `needsToken()` said no. */
  apply(tokens: TokenSet | undefined, request: OutgoingRequest): void
  /** Whether this request needs a token from `acquire()` (false: `apply()` attaches static credentials). Default true. */
  needsToken?(request: { url: URL; method: string }): boolean
  /** Whether a 401 on this request may be renewed and replayed. Default: true unless it is an auth endpoint. */
  replayOn401?(request: { url: URL; method: string }): boolean | AuthError
  /** Auth endpoints: a 401 on them is never renewed+replayed. */
  isAuthEndpoint?(url: URL): boolean
  /** Maps an error response (auth calls and ordinary requests) to a typed error; return undefined for the default. */
  toError?(response: { status: number; headers: Headers; data: unknown; during: 'auth' | 'request' }): AuthError | undefined
  /** Called after each response to a credentialed request (e.g. to read rate-limit headers). */
  onResponse?(response: Response, request: { url: URL; method: string }): void
  /** How this provider's realtime stream is authenticated, when it has one (see `connectWebSocket`). */
  stream?: StreamAuth
}
