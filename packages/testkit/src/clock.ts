import { ConfigError } from '@authmux/core'
/** Options of the virtual clock. */
export interface VirtualClockOptions {
  /**
   * Start the clock frozen at this epoch time (ms). When omitted the clock follows `Date.now()` (which vitest fake
   * timers also move) plus whatever was added with `advance()`.
   */
  startMs?: number
  /** Constant offset (ms) added to the server's time, to make the server's clock differ from the client's. */
  clockSkewMs?: number
}

/**
 * The emulators' shared notion of time. JWT `iat`/`exp`, expiry checks, rate-limit windows, OTP expiry and the `Date`
 * response header all read `now()`.
 *
 * `now()` = base time + advanced ms + `skewMs`, where the base is `Date.now()` (live) or the frozen start time.
 */
export interface VirtualClock {
  /** Server time in epoch ms (includes `skewMs`). */
  now(): number
  /** Move time forward by `ms` without sleeping. Negative values move it back. */
  advance(ms: number): void
  /** Jump to an absolute epoch time in ms (skew is added on top). The clock keeps running unless frozen. */
  set(epochMs: number): void
  /** Stop the clock at its current value (or at `epochMs`); `advance`/`set` still move it. */
  freeze(epochMs?: number): void
  /** Let the clock run again from its current value, following `Date.now()`. */
  unfreeze(): void
  /** Whether the clock is frozen. */
  readonly frozen: boolean
  /** Constant offset (ms) between the server's clock and `Date.now()`, settable. */
  skewMs: number
}

/** Create a virtual clock. */
export function createClock(options: VirtualClockOptions = {}): VirtualClock {
  let frozenAtMs: number | undefined = options.startMs
  let offsetMs = 0
  let skewMs = options.clockSkewMs ?? 0
  const base = () => (frozenAtMs ?? Date.now()) + offsetMs
  return {
    now: () => base() + skewMs,
    advance(ms: number) {
      if (!Number.isFinite(ms)) throw new ConfigError('@authmux/testkit: clock.advance(ms) needs a finite number of ms.', { field: 'ms' })
      offsetMs += ms
    },
    set(epochMs: number) {
      if (!Number.isFinite(epochMs)) throw new ConfigError('@authmux/testkit: clock.set(epochMs) needs a finite epoch time in ms.', { field: 'epochMs' })
      offsetMs += epochMs - base()
    },
    freeze(epochMs?: number) {
      const at = epochMs ?? base()
      frozenAtMs = at
      offsetMs = 0
    },
    unfreeze() {
      if (frozenAtMs === undefined) return
      offsetMs = frozenAtMs + offsetMs - Date.now()
      frozenAtMs = undefined
    },
    get frozen() {
      return frozenAtMs !== undefined
    },
    get skewMs() {
      return skewMs
    },
    set skewMs(value: number) {
      skewMs = value
    },
  }
}
