/** The last `X-RateLimit-*` values TradeReady sent. */
export interface TradeReadyRateLimit {
  /** Requests allowed in the current window (`X-RateLimit-Limit`). */
  limit: number
  /** Requests left in the current window (`X-RateLimit-Remaining`). */
  remaining: number
  /** When the window resets, epoch ms (`X-RateLimit-Reset` is unix seconds). */
  resetAt: number
}

/** Reads `X-RateLimit-*` headers; undefined when the response carries none. */
export function readRateLimit(headers: Headers): TradeReadyRateLimit | undefined {
  const limit = headers.get('x-ratelimit-limit')
  const remaining = headers.get('x-ratelimit-remaining')
  const reset = headers.get('x-ratelimit-reset')
  if (limit === null || remaining === null || reset === null) return undefined
  const values = [Number(limit), Number(remaining), Number(reset)]
  if (!values.every(Number.isFinite)) return undefined
  const [l, r, s] = values as [number, number, number]
  return { limit: l, remaining: r, resetAt: s < 1e12 ? s * 1000 : s }
}
