/** How automatic refreshes are spaced (explicit `login()`/`refresh()` calls are never throttled). */
export interface RefreshThrottleOptions {
  /** Least time between two background refreshes, in ms. Default 1000. */
  minSpacingMs?: number
  /** Wait after the first useless result (a failure, or a token already past its must point), in ms; doubles. Default 5000. */
  backoffBaseMs?: number
  /** Longest wait after useless results, in ms. Default 300000 (5 minutes). */
  backoffMaxMs?: number
}

/**
 * Keeps automatic refreshes (the background timer, requests inside the window, requests past the must point, the
 * 401 path) from running hot. After a useless result — the renewal failed, or the provider handed out a token that
 * is already past its must point — the next automatic refresh waits `backoffBaseMs`, doubling up to `backoffMaxMs`;
 * a useful result resets it. Background refreshes also keep `minSpacingMs` between them.
 */
export class RefreshThrottle {
  readonly #minSpacingMs: number
  readonly #backoffBaseMs: number
  readonly #backoffMaxMs: number
  #lastAt = Number.NEGATIVE_INFINITY
  #blockedUntil = Number.NEGATIVE_INFINITY
  #uselessStreak = 0

  constructor(options: RefreshThrottleOptions = {}) {
    this.#minSpacingMs = options.minSpacingMs ?? 1000
    this.#backoffBaseMs = options.backoffBaseMs ?? 5000
    this.#backoffMaxMs = options.backoffMaxMs ?? 300_000
  }

  /** Whether an automatic refresh may start now (`background`: also respect the minimum spacing). */
  allows(now: number, background: boolean): boolean {
    return now >= this.nextAt(background)
  }

  /** Earliest epoch ms an automatic refresh may start. */
  nextAt(background: boolean): number {
    return background ? Math.max(this.#blockedUntil, this.#lastAt + this.#minSpacingMs) : this.#blockedUntil
  }

  /** Records an obtain's outcome at `now`. */
  record(now: number, useful: boolean): void {
    this.#lastAt = now
    if (useful) {
      this.#uselessStreak = 0
      this.#blockedUntil = Number.NEGATIVE_INFINITY
      return
    }
    this.#blockedUntil = now + Math.min(this.#backoffMaxMs, this.#backoffBaseMs * 2 ** this.#uselessStreak)
    this.#uselessStreak = Math.min(this.#uselessStreak + 1, 30)
  }

  /** Forgets past results (the user imported new tokens). */
  reset(): void {
    this.#uselessStreak = 0
    this.#blockedUntil = Number.NEGATIVE_INFINITY
  }

  /** Useless results in a row so far. */
  get uselessStreak(): number {
    return this.#uselessStreak
  }
}
