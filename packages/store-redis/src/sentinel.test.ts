import type { TokenSet } from '@authmux/core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { redisNames } from './keys'
import { defer, newStoreKey, testStore } from './test-support/helpers'
import { startTestSentinel, type TestSentinel } from './test-support/redis-sentinel'
import type { TokenChange } from './types'

let sentinel: TestSentinel
beforeAll(async () => {
  sentinel = await startTestSentinel()
}, 60_000)
afterAll(async () => {
  await sentinel?.stop()
})

const tokens = (n: number, issuedAt: number): TokenSet => ({
  accessToken: `canary-access-${n}-Zq9`,
  refreshToken: `canary-refresh-${n}-Xw4`,
  expiresAt: 1_900_000_000_000 + n,
  meta: { issuedAt },
})

/** Runs `command` on one server (a replica answers reads too). */
async function onServer<T>(port: number, command: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 })
  client.on('error', () => {})
  defer(() => client.disconnect())
  return command(client)
}

/** The `iat` of a token entry as one server holds it. */
const iatOn = (port: number, redisKey: string) => onServer(port, (client) => client.hget(redisKey, 'iat'))

describe('Redis Sentinel (a master, a replica, three sentinels)', () => {
  it('finds the master through the sentinels: get / set / delete / lock / change notifications, writes confirmed by the replica', async () => {
    const options = { sentinel: { nodes: sentinel.sentinelNodes, masterName: sentinel.masterName }, key: newStoreKey(), prefix: 'sn:' }
    const a = testStore(options)
    const b = testStore(options)
    const seen: TokenChange[] = []
    b.onChange('k', (change) => seen.push(change))
    await b.subscribe()
    await a.set('k', tokens(2, 2000))
    await b.set('k', tokens(1, 1000)) // older: dropped
    expect((await b.get('k'))?.accessToken).toBe('canary-access-2-Zq9')
    // WAIT 1 returned: the replica has it already.
    expect(await iatOn((await sentinel.replica()).port, redisNames('sn:', false).token('k'))).toBe('2000')
    let inside = 0
    await Promise.all([a, b, a, b].map((store) => store.withLock('k', async () => expect(++inside).toBe(1)).finally(() => inside--)))
    await a.delete('k')
    await expect
      .poll(() => seen)
      .toEqual([
        { key: 'k', type: 'set', issuedAt: 2000 },
        { key: 'k', type: 'delete' },
      ])
    // Every lock taken and every token written was followed by a WAIT on the master (4 locks, 1 write).
    const waits = async () => Number(/cmdstat_wait:calls=(\d+)/.exec(await onServer((await sentinel.master()).port, (c) => c.info('commandstats')))?.[1] ?? 0)
    const before = await waits()
    await Promise.all([a, b, a, b].map((store) => store.withLock('k2', async () => {})))
    await a.set('k2', tokens(3, 3000))
    expect((await waits()) - before).toBe(5)
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  it('a write no replica confirmed is reported, and written again on the master that replaces the one that died with it', async () => {
    const options = { sentinel: { nodes: sentinel.sentinelNodes, masterName: sentinel.masterName }, key: newStoreKey(), prefix: 'lost:', replicaWaitMs: 200 }
    const store = testStore(options)
    const redisKey = redisNames('lost:', false).token('k')
    await store.set('k', tokens(1, 1000))
    const [master, replica] = [await sentinel.master(), await sentinel.replica()]
    expect(await iatOn(replica.port, redisKey)).toBe('1000')

    // The replica freezes and the master drops its link: the master acknowledges the next write, no replica has it.
    replica.pause()
    const raw = new Redis({ port: master.port, host: '127.0.0.1', maxRetriesPerRequest: 1 })
    raw.on('error', () => {})
    await raw.call('CLIENT', 'KILL', 'TYPE', 'replica')
    raw.disconnect()
    await store.set('k', tokens(2, 2000))
    expect(store.errors.map((e) => e.code)).toEqual(['STORE_UNAVAILABLE'])
    expect(store.errors[0]!.message).toMatch(/stored lost:token:\{k\}, but no replica confirmed it within 200 ms/)
    // The master dies before the replica catches up; the replica, woken, still holds token 1 and is promoted.
    await master.kill()
    replica.resume()
    expect(await iatOn(replica.port, redisKey)).toBe('1000')
    await sentinel.failedOverFrom(master.port)

    // The store writes token 2 again on the new master: the refreshed token survives the failover.
    const reader = testStore({ ...options, replicaAcks: 0 })
    await vi.waitFor(async () => expect((await reader.get('k'))?.accessToken).toBe('canary-access-2-Zq9'), { timeout: 20_000, interval: 100 })
    expect(await iatOn(replica.port, redisKey)).toBe('2000')
  }, 60_000)
})
