/** Result of counting one request against a limit. */
export interface RateDecision {
  allowed: boolean
  limit: number
  remaining: number
  /** Epoch ms (virtual clock) when the current window ends. */
  resetAtMs: number
  /** Seconds until the window ends, rounded up (for Retry-After). */
  retryAfterSeconds: number
}

/** A limit: `limit` requests per `windowSeconds`. */
export interface RateLimit {
  limit: number
  windowSeconds: number
}

/**
 * Fixed-window counters on the virtual clock. A window opens at the first request of a key (not aligned to the
 * minute), so tests are not flaky around minute boundaries.
 */
export class RateLimiter {
  readonly #windows = new Map<string, { startMs: number; count: number }>()
  readonly #now: () => number

  constructor(now: () => number) {
    this.#now = now
  }

  /** Count one request for `key` and say whether it is allowed. */
  hit(key: string, rule: RateLimit): RateDecision {
    const now = this.#now()
    const windowMs = rule.windowSeconds * 1000
    let w = this.#windows.get(key)
    if (!w || now >= w.startMs + windowMs || now < w.startMs) {
      w = { startMs: now, count: 0 }
      this.#windows.set(key, w)
    }
    w.count += 1
    const resetAtMs = w.startMs + windowMs
    return {
      allowed: w.count <= rule.limit,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - w.count),
      resetAtMs,
      retryAfterSeconds: Math.max(1, Math.ceil((resetAtMs - now) / 1000)),
    }
  }

  /** Forget every window. */
  reset(): void {
    this.#windows.clear()
  }
}
