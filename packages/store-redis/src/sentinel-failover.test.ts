import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refreshThroughFailover } from './test-support/failover'
import { startTestSentinel, type TestSentinel } from './test-support/redis-sentinel'

let sentinel: TestSentinel
beforeAll(async () => {
  sentinel = await startTestSentinel()
}, 60_000)
afterAll(async () => {
  await sentinel?.stop()
})

describe('a Sentinel-managed master dying mid-refresh', () => {
  it('the sentinels promote the replica; the refresh completes once, every bot holds the newest token, the next rotation refreshes again', async () => {
    const before = await sentinel.master()
    await refreshThroughFailover({ sentinel: { nodes: sentinel.sentinelNodes, masterName: sentinel.masterName } }, async () => {
      await before.kill()
    })
    // It was a real failover: the sentinels name the former replica as master.
    const after = await sentinel.master()
    expect(after.port).not.toBe(before.port)
    expect(sentinel.servers.map((s) => s.port)).toContain(after.port)
  }, 90_000)
})
