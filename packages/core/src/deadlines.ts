/** The reason a request aborted by its deadline carries (recognised by identity, never shown to users). */
export const DEADLINE_PASSED: unique symbol = Symbol('authmux.deadline-passed')

interface Deadline {
  at: number
  controller: AbortController
}

/** How often the sweep looks for passed deadlines, in ms: timeouts fire up to this much late. */
const SWEEP_INTERVAL_MS = 250

/**
 * One process-wide sweep for every request's time limit: a request registers its deadline and an AbortController,
 * and a single unref()'d interval — running only while requests are in flight — aborts the ones whose deadline has
 * passed. A timer per request (what `AbortSignal.timeout` costs) is measurably slower on the hot path.
 */
class DeadlineSweep {
  readonly #deadlines = new Set<Deadline>()
  #timer: ReturnType<typeof setInterval> | undefined

  /**
   * A signal that aborts (reason `DEADLINE_PASSED`) once `timeoutMs` have passed, or with the caller's reason when
   * `callerSignal` aborts. Call `done()` when the exchange settles.
   */
  track(timeoutMs: number, callerSignal: AbortSignal | null | undefined): { signal: AbortSignal; done: () => void } {
    const controller = new AbortController()
    const deadline: Deadline = { at: Date.now() + timeoutMs, controller }
    this.#deadlines.add(deadline)
    this.#arm()
    let onCallerAbort: (() => void) | undefined
    if (callerSignal) {
      if (callerSignal.aborted) controller.abort(callerSignal.reason)
      else {
        onCallerAbort = () => controller.abort(callerSignal.reason)
        callerSignal.addEventListener('abort', onCallerAbort, { once: true })
      }
    }
    return {
      signal: controller.signal,
      done: () => {
        this.#deadlines.delete(deadline)
        if (onCallerAbort) callerSignal?.removeEventListener('abort', onCallerAbort)
        if (this.#deadlines.size === 0) this.#disarm()
      },
    }
  }

  /** Requests currently tracked (for tests and benchmarks). */
  get size(): number {
    return this.#deadlines.size
  }

  #arm(): void {
    if (this.#timer !== undefined) return
    const timer = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS)
    ;(timer as { unref?: () => void }).unref?.()
    this.#timer = timer
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
  }

  #sweep(): void {
    const now = Date.now()
    for (const deadline of this.#deadlines) {
      if (deadline.at > now) continue
      this.#deadlines.delete(deadline)
      deadline.controller.abort(DEADLINE_PASSED)
    }
    if (this.#deadlines.size === 0) this.#disarm()
  }
}

/** The process-wide deadline sweep. */
export const deadlineSweep = new DeadlineSweep()
