import type { VirtualClock } from '@authmux/testkit'

/** Moves the emulators' virtual clock forward in step with real time, `speed` times faster. */
export class ClockDriver {
  readonly #clock: VirtualClock
  readonly #speed: number
  readonly #tickMs: number
  #timer: ReturnType<typeof setInterval> | undefined
  #advancedMs = 0

  /** @param speed virtual ms per real ms (on top of real time, which the clock follows anyway). */
  constructor(clock: VirtualClock, options: { speed: number; tickMs?: number }) {
    this.#clock = clock
    this.#speed = options.speed
    this.#tickMs = options.tickMs ?? 100
  }

  /** Extra virtual time added so far, in ms. */
  get advancedMs(): number {
    return this.#advancedMs
  }

  start(): void {
    if (this.#timer) return
    const step = this.#tickMs * (this.#speed - 1)
    this.#timer = setInterval(() => {
      this.#clock.advance(step)
      this.#advancedMs += step
    }, this.#tickMs)
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
  }
}
