import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisNames } from './keys'
import { refreshThroughFailover } from './test-support/failover'
import { startTestCluster, type TestCluster } from './test-support/redis-cluster'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await startTestCluster()
}, 60_000)
afterAll(async () => {
  await cluster?.stop()
})

describe('a Redis Cluster losing the master of a credential mid-refresh', () => {
  it('a replica takes over; the refresh completes once, every bot holds the newest token, the next rotation refreshes again', async () => {
    // The slot depends on the hash tag only ({<credential key>}), whatever the fleet's prefix.
    const slotName = (storeKey: string) => redisNames('any:', true).token(storeKey)
    let owner: Awaited<ReturnType<TestCluster['ownerOf']>> | undefined
    let storeKey = ''
    await refreshThroughFailover({ cluster: { nodes: cluster.startupNodes } }, async (key) => {
      storeKey = key
      owner = await cluster.ownerOf(slotName(key))
      await owner.master.kill()
    })
    // It was a real failover: the slot's master is now the replica of the one that died.
    const now = await cluster.ownerOf(slotName(storeKey))
    expect(owner?.replicas.map((r) => r.port)).toContain(now.master.port)
    expect(now.master.port).not.toBe(owner?.master.port)
  }, 90_000)
})
