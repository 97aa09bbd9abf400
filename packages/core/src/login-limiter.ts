import { type AuthError, RateLimitError, isRejection } from './errors'
import type { Reporter } from './reporter'
import { FleetLoginLimit, type FleetQuotaDefaults, type FleetSlot } from './shared-login-limit'
import type { LoginLimitOptions, TokenStore } from './types'

/**
 * Client-side guard on login attempts: a sliding window, plus an optional cooldown after rejected credentials — and,
 * when the provider's quota is declared (`fleetQuota`) and the store can count it, a slot of that quota shared by
 * every process of the fleet.
 */
export class LoginLimiter {
  readonly #attempts: number[] = []
  #lastRejection: { at: number; error: AuthError } | undefined
  readonly #maxAttempts: number
  readonly #perMs: number
  readonly #cooldownMs: number
  readonly #fleet: FleetLoginLimit | undefined

  constructor(
    options: LoginLimitOptions,
    private readonly now: () => number,
    private readonly label: { provider: string; packageName: string },
    fleet?: FleetQuotaDefaults,
  ) {
    this.#maxAttempts = options.maxAttempts ?? 3
    this.#perMs = options.perMs ?? 60_000
    this.#cooldownMs = options.cooldownAfterFailureMs ?? 0
    if (options.fleetQuota && fleet) this.#fleet = new FleetLoginLimit(options.fleetQuota, fleet, label)
  }

  /** A slot of the fleet's login quota for the next attempt (see `FleetLoginLimit.take`); `undefined` without one. */
  fleetSlot(store: TokenStore, reporter: Reporter): Promise<FleetSlot | undefined> {
    return this.#fleet ? this.#fleet.take(store, reporter) : Promise.resolve(undefined)
  }

  /** Throws instead of letting an attempt through when the window is full or a cooldown runs. */
  admit(): void {
    const now = this.now()
    if (this.#lastRejection && now - this.#lastRejection.at < this.#cooldownMs) {
      const waitMs = this.#cooldownMs - (now - this.#lastRejection.at)
      const previous = this.#lastRejection.error
      throw new RateLimitError(
        `${this.label.packageName}: not logging in again for ${Math.ceil(waitMs / 1000)} s: the last attempt was rejected (${previous.message.replace(/^[^:]*: /, '')}). Fix the credentials, or lower loginLimit.cooldownAfterFailureMs.`,
        { provider: this.label.provider, retryAfterMs: waitMs, cause: previous },
      )
    }
    while (this.#attempts.length > 0 && now - this.#attempts[0]! >= this.#perMs) this.#attempts.shift()
    if (this.#attempts.length >= this.#maxAttempts) {
      const waitMs = this.#perMs - (now - this.#attempts[0]!)
      throw new RateLimitError(
        `${this.label.packageName}: ${this.#maxAttempts} login attempts in ${Math.round(this.#perMs / 1000)} s already; waiting ${Math.ceil(waitMs / 1000)} s protects the provider's login quota. Check the credentials, or raise loginLimit.maxAttempts.`,
        { provider: this.label.provider, retryAfterMs: waitMs },
      )
    }
    this.#attempts.push(now)
  }

  /** Records the outcome of an admitted attempt. */
  settle(error?: unknown): void {
    if (error === undefined) this.#lastRejection = undefined
    else if (isRejection(error)) this.#lastRejection = { at: this.now(), error: error as AuthError }
  }
}
