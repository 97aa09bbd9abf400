/** The last `X-RateLimit-*` values TradeReady sent. */
export interface TradeReadyRateLimit {
  /** Requests allowed in the current window (`X-RateLimit-Limit`). */
  limit: number
  /** Requests left in the current window (`X-RateLimit-Remaining`). */
  remaining: number
  /** When the window resets, epoch ms (`X-RateLimit-Reset` is unix seconds). */
  resetAt: number
}

/** Reads `X-RateLimit-Limit`, `-Remaining` and `-Reset`; undefined unless all three are present, numeric and finite. */
export function readRateLimit(headers: Headers): TradeReadyRateLimit | undefined {
  const [limit, remaining, reset] = ['limit', 'remaining', 'reset'].map((name) => Number(headers.get(`x-ratelimit-${name}`) ?? Number.NaN)) as [
    number,
    number,
    number,
  ]
  // Unix seconds; a value that is already epoch ms is taken as is.
  const resetAt = reset < 1e12 ? reset * 1000 : reset
  if (![limit, remaining, resetAt].every(Number.isFinite)) return undefined
  return { limit, remaining, resetAt }
}
