// The public types of `strategy.fetch`: authmux's own, made of web-standard types only (Request, Response, Headers,
// AbortSignal, URL), so that a project compiles them under the strictest flags without `skipLibCheck` and without
// installing the types of whatever HTTP client runs underneath.

/** How the answer's body is read. */
export type AuthFetchResponseType = 'json' | 'text' | 'blob' | 'arrayBuffer' | 'stream'

/** What a request may carry as its body: anything `fetch` sends, or a plain object or array, sent as JSON. */
export type AuthFetchBody = RequestInit['body'] | Record<string, unknown> | readonly unknown[]

/** Options of one `strategy.fetch` call (or the defaults of `strategy.fetch.create()`). */
export interface AuthFetchOptions {
  /** HTTP method, any case. Default `GET`. */
  method?: string
  /** Request headers; the strategy's credential headers are added on top. */
  headers?: RequestInit['headers']
  /** The body. A plain object or array is sent as JSON with `content-type: application/json`. */
  body?: AuthFetchBody
  /** Query parameters appended to the URL (`undefined` values are left out). */
  query?: Record<string, unknown>
  /** Ends the request (and any wait for a token renewal) when it aborts; the promise rejects with its reason. */
  signal?: AbortSignal | null
  /**
   * Base URL a relative request is joined to. Default: the strategy's `baseURL`. Credentials are only ever sent to
   * the strategy's own base URL, whatever this says.
   */
  baseURL?: string
  /**
   * Time limit of this call in ms (each retry gets its own), on top of the strategy's `requestTimeoutMs`. Past it the
   * call rejects with `TimeoutError`.
   */
  timeout?: number
  /**
   * Extra attempts on a network error or a 408/409/425/429/500/502/503/504 answer, after the engine's own retries.
   * Default 0: the engine already retries idempotent requests (see `SessionOptions.retry`).
   */
  retry?: number | false
  /** Pause between those extra attempts, in ms. */
  retryDelay?: number
  /** Statuses that cause an extra attempt (with `retry`). */
  retryStatusCodes?: number[]
  /**
   * How the body is read: `json` (the default: parsed when it is JSON, else the text), `text`, `blob`,
   * `arrayBuffer` or `stream` (a `ReadableStream`).
   */
  responseType?: AuthFetchResponseType
  /** Parses the body text yourself (instead of JSON). */
  parseResponse?: (responseText: string) => unknown
  /** Resolve with the body even for a 4xx/5xx answer instead of rejecting with a typed error. Default false. */
  ignoreResponseError?: boolean
}

/** The answer of `strategy.fetch.raw()`: the standard `Response`, with the parsed body in `_data`. */
export interface AuthFetchResponse<T = unknown> extends Response {
  /** The body, read as `responseType` says (parsed JSON by default); undefined for an empty body. */
  _data?: T
}

/**
 * `strategy.fetch`: fetches a path below the strategy's `baseURL` (or an absolute URL it owns) with its credentials
 * attached, and resolves with the parsed body. Every failure rejects with an `AuthError`: `NetworkError` (refused,
 * reset, DNS, TLS — the reason in the message, the underlying error as `cause`), `TimeoutError`, `RateLimitError`,
 * `TokenExpiredError`, or `ProviderError` with the HTTP `status` and the provider's code (its `cause` keeps `status`,
 * `data` — the parsed body — and `response`). Only the caller's own abort rejects with the signal's reason.
 *
 * `T` is what you expect the body to be; it is not checked at run time (validate it when it matters).
 */
export interface AuthFetch {
  <T = unknown>(request: string | URL | Request, options?: AuthFetchOptions): Promise<T>
  /** Like the call itself, but resolves with the whole `Response` (status, headers), the parsed body in `_data`. */
  raw<T = unknown>(request: string | URL | Request, options?: AuthFetchOptions): Promise<AuthFetchResponse<T>>
  /** A fetch with these options as defaults for every call (a call's own options win). */
  create(defaults: AuthFetchOptions): AuthFetch
}
