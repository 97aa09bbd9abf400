import { ConfigError, RateLimitError } from './errors'
import type { Reporter } from './reporter'
import type { FleetLoginQuota, QuotaSlotRequest, TokenStore } from './types'

/**
 * Thrown inside a locked obtain when the fleet's login quota has no free slot: the obtain lets the credential's lock
 * go, sleeps `waitMs` and starts over (another process may have logged in meanwhile). Never reaches a caller.
 */
export class FleetQuotaWait extends Error {
  constructor(readonly waitMs: number) {
    super('waiting for a slot of the fleet login quota')
  }
}

/** A slot taken for one login: `done(attempted)` once it ended, and how long the login queued for it. */
export interface FleetSlot {
  /** Ends the slot; never throws (a store failure is reported). */
  done(attempted: boolean): Promise<void>
  /** Ms between the first refused request for a slot and this one, when there was a refusal. */
  queuedMs: number | undefined
}

/** Where the session's fleet quota comes from: its default scope and how long a login may hold a slot. */
export interface FleetQuotaDefaults {
  /** `<provider>@<API origin>`. */
  scope: string
  /** Longest a login attempt may hold its slot, in ms (then a crashed process's slot frees itself). */
  leaseMs: number
}

/**
 * The fleet side of the login limiter: a login takes a slot of the provider's quota, counted by the store for every
 * process sharing it (`TokenStore.takeQuotaSlot`), and queues while there is none. One per session.
 */
export class FleetLoginLimit {
  readonly #request: QuotaSlotRequest
  readonly #maxWaitMs: number
  #queuedSince: number | undefined

  constructor(
    quota: FleetLoginQuota,
    defaults: FleetQuotaDefaults,
    private readonly label: { provider: string; packageName: string },
  ) {
    const check = (field: keyof FleetLoginQuota, value: unknown, min: number) => {
      if (value !== undefined && !(typeof value === 'number' && value >= min && Number.isFinite(value))) {
        throw new ConfigError(`${label.packageName}: loginLimit.fleetQuota.${field} must be a number ≥ ${min}.`, {
          provider: label.provider,
          field: `loginLimit.fleetQuota.${field}`,
        })
      }
    }
    check('maxLogins', quota.maxLogins, 1)
    check('perMs', quota.perMs, 1)
    check('maxWaitMs', quota.maxWaitMs, 0)
    this.#request = { scope: quota.scope?.trim() || defaults.scope, limit: Math.floor(quota.maxLogins), perMs: quota.perMs, leaseMs: defaults.leaseMs }
    this.#maxWaitMs = quota.maxWaitMs ?? 300_000
  }

  /**
   * A slot for one login, or `undefined` when the store cannot count (or failed: reported, and the login goes on with
   * the local limiter alone, as without a shared store). No slot free: `FleetQuotaWait`, or `RateLimitError` once the
   * wait would pass `maxWaitMs`.
   */
  async take(store: TokenStore, reporter: Reporter): Promise<FleetSlot | undefined> {
    if (!store.takeQuotaSlot) return undefined
    const request = this.#request
    let slot: Awaited<ReturnType<NonNullable<TokenStore['takeQuotaSlot']>>>
    try {
      slot = await store.takeQuotaSlot(request)
    } catch (error) {
      reporter.error(error, 'store')
      return undefined
    }
    const now = Date.now()
    if (slot.granted) {
      const queuedMs = this.#queuedSince === undefined ? undefined : now - this.#queuedSince
      this.#queuedSince = undefined
      const { done } = slot
      return { queuedMs, done: (attempted) => done(attempted).catch((error: unknown) => void reporter.error(error, 'store')) }
    }
    this.#queuedSince ??= now
    const queuedMs = now - this.#queuedSince
    // A slot whose login is still running frees `perMs` after it ends, which may be any moment: ask again by then.
    const waitMs = Math.max(1, Math.min(slot.retryAfterMs, request.perMs))
    if (queuedMs + waitMs > this.#maxWaitMs) {
      this.#queuedSince = undefined
      const { packageName, provider } = this.label
      throw new RateLimitError(
        `${packageName}: the fleet's ${provider} login quota (${request.limit} per ${request.perMs / 1000} s, scope ${request.scope}) has no slot for ${Math.ceil(waitMs / 1000)} s more, after ${Math.round(queuedMs / 1000)} s in the queue — too many logins at once; raise loginLimit.fleetQuota.maxWaitMs or log in fewer accounts at a time.`,
        { provider, retryAfterMs: waitMs },
      )
    }
    if (queuedMs === 0) reporter.log('info', 'login queued for a slot of the fleet login quota', { scope: request.scope, retryAfterMs: waitMs })
    throw new FleetQuotaWait(waitMs)
  }
}
