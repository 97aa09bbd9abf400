import type { TokenSet } from '@authmux/core'
import { createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { startTradeReadyEmulator } from '@authmux/testkit'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { redisNames } from './keys'
import { createRedisTokenStore } from './store'
import { defer, newStoreKey, testStore } from './test-support/helpers'
import { startTestCluster, type TestCluster } from './test-support/redis-cluster'
import type { TokenChange } from './types'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await startTestCluster()
}, 60_000)
afterAll(async () => {
  await cluster?.stop()
})

const tokens = (n: number, issuedAt: number): TokenSet => ({
  accessToken: `canary-access-${n}-Zq9`,
  refreshToken: `canary-refresh-${n}-Xw4`,
  expiresAt: 1_900_000_000_000 + n,
  meta: { issuedAt },
})

/** A raw cluster client for looking at what the store wrote, closed after the test. */
function rawCluster(): Cluster {
  const client = new Cluster(cluster.startupNodes, { redisOptions: { maxRetriesPerRequest: 1 } })
  client.on('error', () => {})
  defer(() => client.quit().catch(() => client.disconnect()))
  return client
}

describe('a Redis Cluster (3 masters + 3 replicas)', () => {
  it("keeps a credential's token, lock and channel in one slot, and spreads credentials over the masters", async () => {
    const raw = rawCluster()
    const names = redisNames('sl:', true)
    const slotOf = async (name: string) => Number(await raw.call('CLUSTER', 'KEYSLOT', name))
    const store = testStore({ cluster: { nodes: cluster.startupNodes }, key: newStoreKey(), prefix: 'sl:' })
    // Plain keys, and keys with braces of their own (which must neither end the hash tag nor split the slot).
    for (const key of ['axiom:me@example.com', 'odd{key}with}braces', '}x', '{']) {
      await store.set(key, tokens(1, 1))
      await store.withLock(key, async () => {
        expect([await raw.exists(names.token(key)), await raw.exists(names.lock(key))]).toEqual([1, 1])
      })
      const slots = new Set(await Promise.all([names.token(key), names.lock(key), names.channel(key)].map(slotOf)))
      expect({ key, slots: slots.size }).toEqual({ key, slots: 1 })
      expect((await store.get(key))?.accessToken).toBe('canary-access-1-Zq9')
      await store.delete(key)
    }
    expect(names.token('{')).not.toBe(names.token('}')) // distinct names, even when both are tagged by digest
    const masters = new Set<number>()
    for (let i = 0; i < 12; i++) masters.add((await cluster.ownerOf(names.token(`tradeready:key:${i}`))).master.port)
    expect(masters.size).toBeGreaterThan(1)
  })

  it('get / set (compare-and-set) / delete / lock / change notifications over sharded pub/sub', async () => {
    const key = newStoreKey()
    const a = testStore({ cluster: { nodes: cluster.startupNodes }, key, prefix: 'cl:' })
    const b = testStore({ cluster: { nodes: cluster.startupNodes.slice(0, 1) }, key, prefix: 'cl:' })
    const seen: TokenChange[] = []
    b.onChange('axiom:me@example.com', (change) => seen.push(change))
    b.onChange('other', () => seen.push({ key: 'wrong', type: 'delete' }))
    await b.subscribe()

    await a.set('axiom:me@example.com', tokens(2, 2000))
    await b.set('axiom:me@example.com', tokens(1, 1000)) // older: dropped
    expect((await b.get('axiom:me@example.com'))?.accessToken).toBe('canary-access-2-Zq9')
    await a.delete('axiom:me@example.com')
    await expect
      .poll(() => seen)
      .toEqual([
        { key: 'axiom:me@example.com', type: 'set', issuedAt: 2000 },
        { key: 'axiom:me@example.com', type: 'delete' },
      ])
    // The older write was not announced either: it did not happen.
    expect(await b.get('axiom:me@example.com')).toBeUndefined()

    const order: string[] = []
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const first = a.withLock('axiom:me@example.com', async () => {
      order.push('a in')
      await held
      order.push('a out')
    })
    await expect.poll(() => order).toEqual(['a in'])
    const second = b.withLock('axiom:me@example.com', async () => void order.push('b in'))
    await new Promise((resolve) => setTimeout(resolve, 200))
    release()
    await Promise.all([first, second])
    expect(order).toEqual(['a in', 'a out', 'b in'])
    expect([...a.errors, ...b.errors]).toEqual([])
  })

  it('works over an ioredis Cluster client you pass, counts a quota in the cluster, and never closes your client', async () => {
    const client = rawCluster()
    const store = testStore({ client, key: newStoreKey(), prefix: 'own:' })
    await store.set('k', tokens(1, 1))
    expect((await store.get('k'))?.accessToken).toBe('canary-access-1-Zq9')
    const request = { scope: 'tradeready@https://api.tradeready.io', limit: 2, perMs: 60_000, leaseMs: 1_000 }
    const slots = [await store.takeQuotaSlot(request), await store.takeQuotaSlot(request), await store.takeQuotaSlot(request)]
    expect(slots.map((s) => s.granted)).toEqual([true, true, false])
    await store.close()
    expect(await client.exists('own:token:{k}')).toBe(1)
  })

  it('the README example runs as written', async () => {
    const emulator = await startTradeReadyEmulator()
    defer(() => emulator.close())
    const accounts = [emulator.credentials, emulator.addAccount(), emulator.addAccount()]
    vi.stubEnv('REDIS_CLUSTER_NODES', cluster.startupNodes.join(','))
    vi.stubEnv('TRADEREADY_API_URL', emulator.url)
    vi.stubEnv('AUTHMUX_STORE_KEY', newStoreKey())
    defer(() => vi.unstubAllEnvs())
    const warnings: unknown[] = []
    const console = { warn: (...args: unknown[]) => warnings.push(args), log: (..._args: unknown[]) => {} }
    // --- README example ---
    const store = createRedisTokenStore({
      cluster: { nodes: process.env.REDIS_CLUSTER_NODES!.split(','), password: process.env.REDIS_PASSWORD },
    })
    store.on('error', (error) => console.warn(error.code, error.message)) // never a secret

    const bots = accounts.map(({ apiKey, apiSecret }) => createTradeReadyAuth({ apiKey, apiSecret, store }))
    for (const bot of bots) bot.on('login', (event) => console.log(`logged in after ${event.queuedMs ?? 0} ms in the queue`))
    const agents = await Promise.all(bots.map((bot) => bot.fetch('/agents')))
    // --- end ---
    defer(() => store.close())
    for (const bot of bots) defer(() => bot.dispose())
    expect(agents).toHaveLength(3)
    expect(emulator.stats.get()).toMatchObject({ logins: 3, rateLimited: 0 })
    expect(warnings).toEqual([])
    // The fleet quota was counted in the cluster, under TradeReady's default scope.
    const raw = rawCluster()
    expect(await raw.zcard(redisNames('authmux:', true).quota(`tradeready@${emulator.origin}`))).toBe(3)
  })
})
