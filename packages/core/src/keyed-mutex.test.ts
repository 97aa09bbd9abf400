import { describe, expect, it } from 'vitest'
import { createKeyedMutex } from './keyed-mutex'

const tick = () => new Promise((resolve) => setTimeout(resolve, 1))

describe('createKeyedMutex', () => {
  it('runs callers of one key one at a time, in arrival order; other keys run alongside; a failure does not block the queue', async () => {
    const lock = createKeyedMutex()
    const trace: string[] = []
    let inside = 0
    let most = 0
    const job = (key: string, name: string, fail = false) =>
      lock(key, async () => {
        inside++
        most = Math.max(most, inside)
        trace.push(`${name}+`)
        await tick()
        trace.push(`${name}-`)
        inside--
        if (fail) throw new Error(name)
        return name
      })
    const results = await Promise.allSettled([job('a', 'a1'), job('a', 'a2', true), job('a', 'a3'), job('b', 'b1')])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    expect(trace.filter((t) => t.startsWith('a'))).toEqual(['a1+', 'a1-', 'a2+', 'a2-', 'a3+', 'a3-'])
    expect(most).toBe(2) // a1 and b1 together, never two of key a
  })
})
