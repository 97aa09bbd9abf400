import type { RefreshWindow, TokenSet } from './types'

/** The two thresholds of a token: refresh in the background from `refreshAt`; callers wait from `mustRefreshAt`. */
export interface RefreshPoints {
  refreshAt: number
  mustRefreshAt: number
}

/** Default background refresh window when neither the user nor the flow sets one. */
export const DEFAULT_REFRESH_WINDOW: RefreshWindow = { beforeExpiryMs: 60_000 }
/** Default must-refresh margin before expiry. */
export const DEFAULT_MUST_REFRESH_BEFORE_EXPIRY_MS = 30_000

/**
 * Computes both thresholds for a token set, or undefined when it has no known expiry. With a window given in ms, the
 * refresh point never comes before half the lifetime (a window longer than the token would refresh on every call);
 * the must point always comes after the refresh point, so a background refresh has time to finish.
 */
export function refreshPoints(tokens: TokenSet, window: RefreshWindow, mustRefreshBeforeExpiryMs: number): RefreshPoints | undefined {
  const expiresAt = tokens.expiresAt
  if (expiresAt === undefined) return undefined
  const issuedAt = typeof tokens.meta?.issuedAt === 'number' ? tokens.meta.issuedAt : undefined
  const lifetime = issuedAt !== undefined && issuedAt < expiresAt ? expiresAt - issuedAt : undefined
  let refreshAt: number
  if ('fraction' in window) {
    refreshAt = lifetime !== undefined ? issuedAt! + lifetime * window.fraction : expiresAt - DEFAULT_MUST_REFRESH_BEFORE_EXPIRY_MS * 2
  } else {
    refreshAt = expiresAt - window.beforeExpiryMs
    if (lifetime !== undefined) refreshAt = Math.max(refreshAt, issuedAt! + lifetime / 2)
  }
  refreshAt = Math.min(refreshAt, expiresAt)
  // Callers wait only close to expiry, and never before half of what is left after the refresh point.
  const mustRefreshAt = Math.max(expiresAt - mustRefreshBeforeExpiryMs, refreshAt + (expiresAt - refreshAt) / 2)
  return { refreshAt, mustRefreshAt }
}

interface Entry {
  at: number
  run: () => void
  cancelled: boolean
}

/**
 * One process-wide timer for every session's background refresh: a min-heap of deadlines and a single unref()'d
 * `setTimeout` for the earliest, so 10,000 idle strategies hold one timer, not 10,000.
 */
export class SharedScheduler {
  #heap: Entry[] = []
  #timer: ReturnType<typeof setTimeout> | undefined
  #timerAt = Infinity

  /** Runs `run` at epoch ms `at` (real clock). Returns a cancel function. */
  schedule(at: number, run: () => void): () => void {
    const entry: Entry = { at, run, cancelled: false }
    this.#push(entry)
    this.#arm()
    return () => {
      entry.cancelled = true
    }
  }

  /** Entries still queued (cancelled ones included until they surface). For diagnostics and benchmarks. */
  get size(): number {
    return this.#heap.length
  }

  /** Whether a timer is currently armed (at most one). */
  get timers(): number {
    return this.#timer === undefined ? 0 : 1
  }

  #arm(): void {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.#pop()
    const next = this.#heap[0]
    if (!next) {
      if (this.#timer !== undefined) clearTimeout(this.#timer)
      this.#timer = undefined
      this.#timerAt = Infinity
      return
    }
    if (this.#timer !== undefined && this.#timerAt <= next.at) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timerAt = next.at
    // setTimeout overflows above 2^31-1 ms; wake up early and re-arm.
    const delay = Math.min(Math.max(0, next.at - Date.now()), 2 ** 31 - 1)
    const timer = setTimeout(() => this.#fire(), delay)
    ;(timer as { unref?: () => void }).unref?.()
    this.#timer = timer
  }

  #fire(): void {
    this.#timer = undefined
    this.#timerAt = Infinity
    const now = Date.now()
    while (this.#heap.length > 0 && this.#heap[0]!.at <= now) {
      const entry = this.#pop()!
      if (!entry.cancelled) {
        try {
          entry.run()
        } catch {
          // Sessions report their own errors through events.
        }
      }
    }
    this.#arm()
  }

  #push(entry: Entry): void {
    const heap = this.#heap
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]!.at <= entry.at) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = entry
  }

  #pop(): Entry | undefined {
    const heap = this.#heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length === 0 || !last) return top
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left
      if (heap[child]!.at >= last.at) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
    return top
  }
}

/** The process-wide refresh scheduler. */
export const refreshScheduler = new SharedScheduler()
