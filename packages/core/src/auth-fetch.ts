import { type FetchOptions, ofetch } from 'ofetch'
import { DEADLINE_PASSED } from './deadlines'
import { AuthError, ConfigError, ProviderError, TokenExpiredError } from './errors'
import { requestFailure } from './failure'
import type { AuthFetch, AuthFetchOptions } from './fetch-types'
import { rateLimitError, readBody } from './flow-context'
import { ALWAYS_CREDENTIAL_HEADERS, followRedirects } from './redirects'
import { assertSecureURL } from './secure-url'
import { internalsOf, type SessionInternals } from './internals'
import { discardBody, send } from './transport'
import { describeErrorBody } from './sanitize'
import { resolveURL } from './urls'
import type { AuthStrategy } from './types'

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])

/**
 * The `AuthFetch` of `strategy` (see `AuthFetch`), bound to its `baseURL`: attaches credentials to every request,
 * renews once and replays once on a 401, waits out 429s, retries 5xx/network errors with backoff for idempotent
 * requests (GET, HEAD, OPTIONS, PUT, DELETE, or any request carrying an `Idempotency-Key` header), follows redirects
 * by hand (credentials dropped across origins) and honours `signal` and `timeout`. Every failure is an `AuthError`.
 * `defaults` apply to every call (a call's own options win).
 */
export function createAuthFetch(strategy: AuthStrategy, defaults: AuthFetchOptions = {}): AuthFetch {
  const internals = internalsOf(strategy)
  const rawFetch = internals ? sessionFetch(internals) : strategyFetch(strategy)
  // ofetch does the body encoding, query, response parsing and its own optional retries; its options are a superset.
  const inner = ofetch.create({ baseURL: strategy.baseURL, retry: 0, ...(defaults as FetchOptions) }, { fetch: rawFetch as typeof globalThis.fetch })
  const label = internals
    ? { provider: internals.flow.name, packageName: internals.flow.packageName }
    : { provider: strategy.name, packageName: '@authmux/core' }

  const unwrap = (error: unknown, request: string | Request, options: AuthFetchOptions): never => {
    // The caller's own abort: its reason, untouched.
    if (options.signal?.aborted) throw options.signal.reason
    const response = (error as { response?: Response } | null)?.response
    // ofetch wraps what fetch threw (for sessions: already typed) in its FetchError; a body read fails unwrapped.
    const thrown = (error as Error | null)?.name === 'FetchError' ? ((error as Error).cause ?? error) : error
    const failure = response
      ? responseError(error, response, internals, strategy)
      : requestFailure(
          thrown,
          label,
          target(options.baseURL ?? defaults.baseURL ?? strategy.baseURL, request),
          undefined,
          thrown === DEADLINE_PASSED ? internals?.requestTimeoutMs : undefined,
        )
    throw internals ? internals.sanitize(failure) : failure
  }

  const call =
    (raw: boolean) =>
    (request: string | URL | Request, options: AuthFetchOptions = {}) => {
      // ofetch applies `baseURL` and `query` to strings only.
      const input = request instanceof URL ? request.href : request
      return (raw ? inner.raw : inner)(input, options as FetchOptions).catch((error: unknown) => unwrap(error, input, options))
    }
  return Object.assign(call(false), { raw: call(true), create: (more: AuthFetchOptions) => createAuthFetch(strategy, { ...defaults, ...more }) })
}

/** The origin and path a request goes to, for messages (never its query). */
function target(base: string, request: string | Request): string {
  try {
    const url = resolveURL(new URL(base), typeof request === 'string' ? request : request.url)
    return `${url.origin}${url.pathname}`
  } catch {
    return base
  }
}

/**
 * A non-2xx answer as a typed error: the flow's own mapping first, then 429 → `RateLimitError`, anything else →
 * `ProviderError` with the status and the provider's message. ofetch's error (`status`, `data` — the parsed body —
 * and `response`) stays reachable as `cause`.
 */
function responseError(error: unknown, response: Response, internals: SessionInternals | undefined, strategy: AuthStrategy): AuthError {
  const data = (error as { data?: unknown }).data
  const url = new URL(response.url || strategy.baseURL)
  const method = ((error as { options?: { method?: string } }).options?.method ?? 'GET').toUpperCase()
  const packageName = internals?.flow.packageName ?? '@authmux/core'
  const detail = describeErrorBody(data)
  const typed =
    internals?.flow.toError?.({ status: response.status, headers: response.headers, data, during: 'request' }) ??
    // A 429 the transport did not wait out (too long, or too many): typed, with how long to wait.
    (internals && response.status === 429
      ? rateLimitError(internals.flow, url.pathname, response.headers, internals.transport)
      : new ProviderError(`${packageName}: ${strategy.name} answered HTTP ${response.status} to ${method} ${url.pathname}${detail ? `: ${detail}` : ''}.`, {
          provider: strategy.name,
          status: response.status,
        }))
  if (typed.cause === undefined) Object.defineProperty(typed, 'cause', { value: error, configurable: true, writable: true })
  return typed
}

/** The authenticated `fetch` of an engine session. */
function sessionFetch(internals: SessionInternals): FetchFn {
  const { flow } = internals
  const label = { provider: flow.name, packageName: flow.packageName, allowInsecureHttp: internals.allowInsecureHttp }
  // Ordinary requests have their own time limit (through the shared deadline sweep) and need no clock-skew reading:
  // expiry only ever comes from auth calls.
  const transport = { ...internals.transport, timeoutMs: internals.requestTimeoutMs, observeSkew: false }
  const redirectPolicy = { credentialHeaders: internals.credentialHeaders, owns: internals.owns, label }
  return async (input, init = {}) => {
    const url = toURL(input, internals.baseURL)
    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    assertSecureURL(url, label)
    const userHeaders = init.headers
    const original = new Headers(userHeaders)
    // A request with an Idempotency-Key may be retried whatever its method: the server deduplicates it.
    const idempotent = IDEMPOTENT_METHODS.has(method) || original.has('idempotency-key')
    const replayable = isReplayableBody(init.body)
    for (let attempt = 0; ; attempt++) {
      const headers = attempt === 0 ? original : new Headers(userHeaders)
      // Synchronous in steady state (a fresh token): no await on the request path then.
      const attached = internals.attach({ url, method, headers, signal: init.signal })
      const usedToken = attached instanceof Promise ? await attached : attached
      // A copy: ofetch keeps `init` on its errors, and it must never hold the credential headers.
      const response = await followRedirects(url, { ...init, method, headers }, redirectPolicy, (hopUrl, hopInit) =>
        send(hopUrl, hopInit, idempotent, transport),
      )
      flow.onResponse?.(response, { url, method })
      if (response.status !== 401 || usedToken === undefined) return response
      const policy = flow.isAuthEndpoint?.(url) ? false : (flow.replayOn401?.({ url, method }) ?? true)
      if (policy instanceof AuthError) {
        await discardBody(response)
        throw internals.sanitize(policy)
      }
      if (!policy || !replayable) return response
      if (attempt > 0) {
        const data = await readBody(response, url, transport)
        const mapped = flow.toError?.({ status: 401, headers: response.headers, data, during: 'request' })
        throw internals.sanitize(
          mapped ??
            new TokenExpiredError(
              `${flow.packageName}: ${method} ${url.pathname} was refused (HTTP 401) again right after the ${flow.name} token was renewed; not retrying. These credentials may not have access to this route.`,
              { provider: flow.name, status: 401 },
            ),
        )
      }
      await discardBody(response)
      await internals.recover(usedToken, init.signal)
    }
  }
}

/** The authenticated `fetch` of any other `AuthStrategy` implementation: headers from getHeaders(), refresh() on a 401. */
function strategyFetch(strategy: AuthStrategy): FetchFn {
  const base = new URL(strategy.baseURL)
  return async (input, init = {}) => {
    const url = toURL(input, base)
    if (url.origin !== base.origin) {
      throw new ConfigError(`@authmux/core: ${url.origin} is not ${strategy.name}'s origin (${base.origin}); credentials are only sent there.`, {
        provider: strategy.name,
        code: 'URL_NOT_OWNED',
        field: 'url',
      })
    }
    const method = (init.method ?? 'GET').toUpperCase()
    for (let attempt = 0; ; attempt++) {
      const headers = new Headers(init.headers)
      const added = await strategy.getHeaders({ url: url.href, method })
      for (const [name, value] of Object.entries(added)) headers.set(name, value)
      const credentialHeaders = [...ALWAYS_CREDENTIAL_HEADERS, ...Object.keys(added).map((h) => h.toLowerCase())]
      const policy = { credentialHeaders, owns: (hop: URL) => hop.origin === base.origin, label: { provider: strategy.name, packageName: '@authmux/core' } }
      const response = await followRedirects(url, { ...init, method, headers }, policy, (hopUrl, hopInit) => globalThis.fetch(hopUrl, hopInit))
      if (response.status !== 401 || !isReplayableBody(init.body)) return response
      await discardBody(response)
      if (attempt > 0) {
        throw new TokenExpiredError(`@authmux/core: ${method} ${url.pathname} was refused (HTTP 401) again after a refresh; not retrying.`, {
          provider: strategy.name,
          status: 401,
        })
      }
      await strategy.refresh()
    }
  }
}

function toURL(input: string | URL | Request, base: URL): URL {
  return resolveURL(base, input instanceof Request ? input.url : String(input))
}

function isReplayableBody(body: unknown): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData)
  )
}
