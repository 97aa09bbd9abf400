import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEADLINE_PASSED, deadlines } from './deadlines'

describe('shared request deadlines', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('at most 32 requests share one signal (Node fetch lists every listener of the signal it is given)', () => {
    vi.useFakeTimers()
    const signals = new Set(Array.from({ length: 64 }, () => deadlines.track(10_000, undefined).signal))
    expect(signals.size).toBe(2)
    vi.runAllTimers()
  })

  it('requests started in the same quarter second with the same limit share a signal; a later one gets its own', () => {
    vi.useFakeTimers()
    const first = deadlines.track(7_000, undefined).signal
    expect(deadlines.track(7_000, undefined).signal).toBe(first)
    expect(deadlines.track(8_000, undefined).signal).not.toBe(first)
    vi.advanceTimersByTime(300)
    expect(deadlines.track(7_000, undefined).signal).not.toBe(first)
    vi.runAllTimers()
  })

  it('a shared signal aborts with DEADLINE_PASSED once the limit (plus at most 250 ms) has passed, not before', () => {
    vi.useFakeTimers()
    const { signal } = deadlines.track(1_000, undefined)
    vi.advanceTimersByTime(999)
    expect(signal.aborted).toBe(false)
    vi.advanceTimersByTime(251)
    expect(signal.aborted).toBe(true)
    expect(signal.reason).toBe(DEADLINE_PASSED)
  })

  it("the caller's abort reaches the request at once, with the caller's reason", () => {
    vi.useFakeTimers()
    const caller = new AbortController()
    const tracked = deadlines.track(1_000, caller.signal)
    caller.abort(new Error('stop'))
    expect(tracked.signal.aborted).toBe(true)
    expect((tracked.signal.reason as Error).message).toBe('stop')
    tracked.done()
    vi.runAllTimers()
  })
})
