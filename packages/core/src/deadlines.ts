/** The reason a request aborted by its deadline carries (recognised by identity, never shown to users). */
export const DEADLINE_PASSED: unique symbol = Symbol('authmux.deadline-passed')

/** Requests that start within this many ms share one deadline: they time out up to this much late. */
const BUCKET_MS = 250
/**
 * At most this many requests share one signal. Node's fetch (undici) lists every listener of the signal it is given
 * and keeps its own listener there until the request is garbage-collected, so each request costs more the more
 * requests share the signal: on loopback, 1,000 per signal made a request ~25% slower than 32 per signal
 * (bench/README.md, "Figures of 2026-12-03: what the default request time limit costs").
 */
const BUCKET_SIZE = 32

interface Bucket {
  controller: AbortController
  closesAt: number
  size: number
}

/**
 * Time limits for every request in the process, without a timer or an AbortController per request: up to
 * `BUCKET_SIZE` requests that start in the same quarter second with the same limit share one controller, aborted
 * (reason `DEADLINE_PASSED`) by one unref()'d timer once the limit has passed for all of them. A request therefore
 * times out between `timeoutMs` and `timeoutMs + 250` ms after it started — its answer included. A signal per
 * request (`AbortSignal.timeout`, or a fresh controller) costs more per request (bench/overhead.mjs).
 */
class Deadlines {
  readonly #buckets = new Map<number, Bucket>()

  /**
   * A signal that aborts once `timeoutMs` have passed (reason `DEADLINE_PASSED`), or with the caller's reason when
   * `callerSignal` aborts first. Call `done()` when the exchange settles.
   */
  track(timeoutMs: number, callerSignal: AbortSignal | null | undefined): { signal: AbortSignal; done: () => void } {
    const deadline = this.#bucketFor(timeoutMs).controller.signal
    if (!callerSignal) return { signal: deadline, done: noop }
    const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any
    if (any) return { signal: any([callerSignal, deadline]), done: noop }
    const controller = new AbortController()
    const forward = (source: AbortSignal) => () => controller.abort(source.reason)
    const onCaller = forward(callerSignal)
    const onDeadline = forward(deadline)
    if (callerSignal.aborted) controller.abort(callerSignal.reason)
    callerSignal.addEventListener('abort', onCaller, { once: true })
    deadline.addEventListener('abort', onDeadline, { once: true })
    return {
      signal: controller.signal,
      done: () => {
        callerSignal.removeEventListener('abort', onCaller)
        deadline.removeEventListener('abort', onDeadline)
      },
    }
  }

  #bucketFor(timeoutMs: number): Bucket {
    const now = Date.now()
    const open = this.#buckets.get(timeoutMs)
    if (open && now < open.closesAt && open.size < BUCKET_SIZE) {
      open.size++
      return open
    }
    const bucket: Bucket = { controller: new AbortController(), closesAt: now + BUCKET_MS, size: 1 }
    this.#buckets.set(timeoutMs, bucket)
    const timer = setTimeout(() => {
      bucket.controller.abort(DEADLINE_PASSED)
      if (this.#buckets.get(timeoutMs) === bucket) this.#buckets.delete(timeoutMs)
    }, timeoutMs + BUCKET_MS)
    ;(timer as { unref?: () => void }).unref?.()
    return bucket
  }
}

function noop(): void {}

/** The process-wide deadlines. */
export const deadlines = new Deadlines()
