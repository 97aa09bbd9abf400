import { DEADLINE_PASSED, deadlines } from './deadlines'
import { type AuthError, TimeoutError } from './errors'
import type { SkewTracker } from './expiry'
import { type FailureLabel, requestFailure } from './failure'
import type { RetryOptions } from './types'

/** How one HTTP exchange is sent: timeout, bounded backoff for 5xx/network errors, waiting out 429s. */
export interface TransportOptions {
  fetch: typeof globalThis.fetch
  /** Learn the server clock from `Date` headers (auth calls: expiry is read from their answers). Default true. */
  observeSkew?: boolean
  /** Time limit of one attempt in ms; 0 = none. */
  timeoutMs: number
  /** Names the provider in errors. */
  label: FailureLabel
  retry: Required<RetryOptions>
  maxRateLimitWaitMs: number
  skew: SkewTracker
  now: () => number
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504])
const MAX_RATE_LIMIT_WAITS = 3

/** Whether a failed exchange may be retried; a function decides per 5xx response (e.g. not when it is a rejection). */
export type Retryable = boolean | ((response: Response) => Promise<boolean>)

/**
 * Sends a request. Network errors and 5xx are retried only when `retryable` (idempotent requests and auth calls);
 * a 429 is waited out (it was not executed) while the wait fits `maxRateLimitWaitMs`, else returned to the caller.
 */
export async function send(url: URL, init: RequestInit, retryable: Retryable, options: TransportOptions): Promise<Response> {
  let failures = 0
  let rateLimitWaits = 0
  for (;;) {
    let response: Response
    try {
      response = await fetchWithTimeout(url, init, options)
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason
      if (error instanceof TimeoutError || !retryable || failures >= options.retry.maxRetries) throw asNetworkError(error, url, options)
      await sleep(backoffMs(failures++, options.retry), init.signal)
      continue
    }
    if (options.observeSkew !== false) options.skew.observe(response.headers.get('date'), options.now())
    if (response.status === 429 && rateLimitWaits < MAX_RATE_LIMIT_WAITS) {
      const waitMs = retryAfterMs(response.headers, options.now() + options.skew.skewMs)
      if (waitMs !== undefined && waitMs <= options.maxRateLimitWaitMs) {
        rateLimitWaits++
        await discardBody(response)
        await sleep(waitMs, init.signal)
        continue
      }
      return response
    }
    if (
      RETRYABLE_STATUS.has(response.status) &&
      retryable !== false &&
      failures < options.retry.maxRetries &&
      (retryable === true || (await retryable(response.clone())))
    ) {
      const hinted = response.status === 503 ? retryAfterMs(response.headers, options.now() + options.skew.skewMs) : undefined
      await discardBody(response)
      await sleep(Math.min(hinted ?? backoffMs(failures, options.retry), options.retry.maxDelayMs), init.signal)
      failures++
      continue
    }
    return response
  }
}

/**
 * Milliseconds to wait from `Retry-After` (seconds or HTTP date) or `X-RateLimit-Reset` (epoch seconds, or seconds
 * from now when small). `serverNow` is the server's current time in epoch ms.
 */
export function retryAfterMs(headers: Headers, serverNow: number): number | undefined {
  const retryAfter = headers.get('retry-after')
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter)
    // An absurd value (Retry-After: 1e306) is no wait we can honour or report: treated as not given.
    if (Number.isFinite(seconds)) return Number.isFinite(seconds * 1000) ? Math.max(0, seconds * 1000) : undefined
    const at = Date.parse(retryAfter)
    if (!Number.isNaN(at)) return Math.max(0, at - serverNow)
  }
  const reset = headers.get('x-ratelimit-reset')
  if (reset !== null && reset.trim() !== '') {
    const value = Number(reset)
    if (Number.isFinite(value) && Number.isFinite(value * 1000)) return Math.max(0, value > 1e9 ? value * 1000 - serverNow : value * 1000)
  }
  return undefined
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base·2^attempt)]. */
export function backoffMs(attempt: number, retry: Required<RetryOptions>): number {
  return Math.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt)
}

/**
 * One attempt, bounded by `timeoutMs` through the shared deadlines: the limit covers the whole exchange, the body the
 * caller reads included.
 */
async function fetchWithTimeout(url: URL, init: RequestInit, options: TransportOptions): Promise<Response> {
  if (!(options.timeoutMs > 0)) return options.fetch(url, init)
  const tracked = deadlines.track(options.timeoutMs, init.signal)
  try {
    return await options.fetch(url, { ...init, signal: tracked.signal })
  } catch (error) {
    if (tracked.signal.reason === DEADLINE_PASSED)
      throw requestFailure(DEADLINE_PASSED, options.label, `${url.origin}${url.pathname}`, 'send', options.timeoutMs)
    throw error
  } finally {
    tracked.done()
  }
}

/** A failed exchange as a typed error (see `requestFailure`) naming the URL and the reason (ECONNREFUSED, ENOTFOUND …). */
export function asNetworkError(error: unknown, url: URL, options: { label: FailureLabel }): AuthError {
  return requestFailure(error, options.label, `${url.origin}${url.pathname}`, 'send')
}

/** Releases a response body that will not be read (keeps the connection reusable). */
export async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel()
  } catch {
    // already consumed or closed
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
