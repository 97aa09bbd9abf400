import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPendingWrites, type PendingWrite, type WriteOutcome } from './pending-writes'

afterEach(() => {
  vi.useRealTimers()
})

/** A backend whose answers the test chooses; records every attempt. */
function backend(answer: (entry: PendingWrite) => WriteOutcome | Error) {
  const attempts: Array<{ key: string; stamp: number | undefined }> = []
  const write = async (key: string, entry: PendingWrite): Promise<WriteOutcome> => {
    attempts.push({ key, stamp: entry.stamp })
    const outcome = answer(entry)
    if (outcome instanceof Error) throw outcome
    return outcome
  }
  return { attempts, write }
}

describe('writes Redis may have lost', () => {
  it('a failed write is written again every retryMs until it lands; the newest set per key wins', async () => {
    vi.useFakeTimers()
    let down = true
    const { attempts, write } = backend(() => (down ? new Error('unreachable') : 'kept'))
    const pending = createPendingWrites(write, 500)
    await expect(pending.write('k', { sealed: 'v2', stamp: 2 })).rejects.toThrow('unreachable')
    await expect(pending.write('k', { sealed: 'v1', stamp: 1 })).rejects.toThrow('unreachable') // older: not kept
    await vi.advanceTimersByTimeAsync(500)
    expect(attempts.at(-1)).toEqual({ key: 'k', stamp: 2 })
    down = false
    await vi.advanceTimersByTimeAsync(500)
    const landed = attempts.length
    await vi.advanceTimersByTimeAsync(5_000)
    expect(attempts).toHaveLength(landed) // written: nothing left to retry
    pending.close()
  })

  it('a write stored but never confirmed by a replica is retried for a minute, then left as it is', async () => {
    vi.useFakeTimers()
    const { attempts, write } = backend(() => 'unconfirmed')
    const pending = createPendingWrites(write, 500)
    expect(await pending.write('k', { sealed: 'v', stamp: 1 })).toBe('unconfirmed')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(attempts.length).toBeGreaterThan(50)
    await vi.advanceTimersByTimeAsync(31_000)
    const final = attempts.length
    await vi.advanceTimersByTimeAsync(10_000)
    expect(attempts).toHaveLength(final)
    pending.close()
  })

  it('forget() (a logout) and close() stop the retries', async () => {
    vi.useFakeTimers()
    const { attempts, write } = backend(() => new Error('unreachable'))
    const pending = createPendingWrites(write, 500)
    await pending.write('a', { sealed: 'v', stamp: 1 }).catch(() => {})
    await pending.write('b', { sealed: 'v', stamp: 1 }).catch(() => {})
    pending.forget('a')
    await vi.advanceTimersByTimeAsync(500)
    expect(attempts.slice(2).map((a) => a.key)).toEqual(['b'])
    pending.close()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(attempts).toHaveLength(3)
  })
})
