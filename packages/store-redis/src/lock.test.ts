import { setTimeout as sleep } from 'node:timers/promises'
import { StoreError } from '@authmux/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisUnavailableError } from './errors'
import { Redis } from 'ioredis'
import { defer, newStoreKey, rawClient, testStore } from './test-support/helpers'
import { startTestRedis, type TestRedis } from './test-support/redis-server'

let redis: TestRedis
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})

describe('withLock', () => {
  it('excludes every other holder across connections (no overlap, nobody starves)', async () => {
    const key = newStoreKey()
    const stores = [1, 2, 3, 4].map(() => testStore({ url: redis.url, key, prefix: 'mx:', lockTtlMs: 2_000 }))
    let inside = 0
    let maxInside = 0
    let entries = 0
    await Promise.all(
      stores.flatMap((store) =>
        [1, 2, 3, 4, 5].map(() =>
          store.withLock('cred', async () => {
            inside++
            entries++
            maxInside = Math.max(maxInside, inside)
            await sleep(5)
            inside--
          }),
        ),
      ),
    )
    expect(entries).toBe(20)
    expect(maxInside).toBe(1)
    expect(await rawClient(redis.url).exists('mx:lock:{cred}')).toBe(0)
  })

  it('keeps the lock alive while the holder runs longer than lockTtlMs', async () => {
    const key = newStoreKey()
    const a = testStore({ url: redis.url, key, prefix: 'ka:', lockTtlMs: 150 })
    const b = testStore({ url: redis.url, key, prefix: 'ka:', lockTtlMs: 150 })
    const events: string[] = []
    let entered!: () => void
    const aInside = new Promise<void>((resolve) => (entered = resolve))
    const first = a.withLock('cred', async () => {
      events.push('a in')
      entered()
      await sleep(700) // > 4 × lockTtlMs: only the keep-alive holds the lock this long
      events.push('a out')
    })
    await aInside
    await b.withLock('cred', async () => void events.push('b in'))
    await first
    expect(events).toEqual(['a in', 'a out', 'b in'])
    expect(a.errors).toEqual([])
  })

  it('takes over a lock whose holder died, once its TTL ran out', async () => {
    const key = newStoreKey()
    const raw = rawClient(redis.url)
    await raw.set('dead:lock:{cred}', 'owner-of-a-dead-process', 'PX', 400)
    const store = testStore({ url: redis.url, key, prefix: 'dead:', lockTtlMs: 400 })
    const started = Date.now()
    await store.withLock('cred', async () => {})
    const waited = Date.now() - started
    expect(waited).toBeGreaterThanOrEqual(300)
    expect(waited).toBeLessThan(1_500)
  })

  it('is released and extended only by its owner', async () => {
    const key = newStoreKey()
    const raw = rawClient(redis.url)
    const store = testStore({ url: redis.url, key, prefix: 'own:', lockTtlMs: 90 })
    await store.withLock('cred', async () => {
      // Simulate an expiry + takeover by another process while this holder is still running.
      await raw.set('own:lock:{cred}', 'someone-else', 'PX', 5_000)
      await sleep(150) // a keep-alive tick notices the lock is no longer ours
    })
    expect(await raw.get('own:lock:{cred}')).toBe('someone-else') // not deleted by the former holder
    expect(await raw.pttl('own:lock:{cred}')).toBeGreaterThan(4_000) // not extended by it either
    expect(store.errors.some((e) => /lost the lock of cred/.test(e.message))).toBe(true)
  })

  it('gives up after lockWaitMs with a typed STORE_LOCK_TIMEOUT error', async () => {
    const key = newStoreKey()
    const raw = rawClient(redis.url)
    await raw.set('to:lock:{cred}', 'busy', 'PX', 10_000)
    const store = testStore({ url: redis.url, key, prefix: 'to:', lockWaitMs: 300 })
    let ran = false
    const started = Date.now()
    const error = await store.withLock('cred', async () => void (ran = true)).catch((e: unknown) => e)
    expect(ran).toBe(false)
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).code).toBe('STORE_LOCK_TIMEOUT')
    expect((error as Error).message).toMatch(/^@authmux\/store-redis: waited \d+ ms for the lock of cred/)
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('wakes waiters on the release message instead of waiting for the next poll', async () => {
    const key = newStoreKey()
    const a = testStore({ url: redis.url, key, prefix: 'wake:' })
    // Polls back off up to 20 s apart: after a 1.5 s hold B's next poll is typically far off; only the message is fast.
    const b = testStore({ url: redis.url, key, prefix: 'wake:', lockPollMs: 20_000 })
    await b.subscribe()
    for (let round = 0; round < 2; round++) {
      let releasedAt = 0
      let entered!: () => void
      const aInside = new Promise<void>((resolve) => (entered = resolve))
      const holder = a.withLock('cred', async () => {
        entered()
        await sleep(1_500)
        releasedAt = Date.now()
      })
      await aInside
      let acquiredAt = 0
      await b.withLock('cred', async () => void (acquiredAt = Date.now()))
      await holder
      expect(acquiredAt - releasedAt).toBeLessThan(300)
    }
  })

  it('recognises a lock it won although the answer to SET NX was lost (timeout), instead of waiting for its own TTL', async () => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 })
    defer(() => client.quit())
    const realSet = client.set.bind(client) as (...args: unknown[]) => Promise<unknown>
    let lost = 0
    Object.assign(client, {
      set: async (...args: unknown[]) => {
        const reply = await realSet(...args)
        if (lost++ === 0) throw new Error('Command timed out') // Redis did it, the answer never arrived
        return reply
      },
    })
    const store = testStore({ client, key: newStoreKey(), prefix: 'lost:', lockTtlMs: 5_000 })
    const started = Date.now()
    expect(await store.withLock('cred', async () => 'ran')).toBe('ran')
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(await client.exists('lost:lock:{cred}')).toBe(0)
  })
})

describe('withLock while Redis is down', () => {
  const down = 'redis://127.0.0.1:1'
  it("runs fn without the lock after unavailableWaitMs and reports it (default 'run-unlocked')", async () => {
    const store = testStore({ url: down, key: newStoreKey(), unavailableWaitMs: 300, commandTimeoutMs: 200 })
    const started = Date.now()
    expect(await store.withLock('cred', async () => 'refreshed')).toBe('refreshed')
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(store.errors.some((e) => e instanceof RedisUnavailableError)).toBe(true)
  })

  it("throws the typed error with whenUnavailable: 'throw'", async () => {
    const store = testStore({ url: down, key: newStoreKey(), unavailableWaitMs: 0, commandTimeoutMs: 200, whenUnavailable: 'throw' })
    let ran = false
    await expect(store.withLock('cred', async () => void (ran = true))).rejects.toBeInstanceOf(RedisUnavailableError)
    expect(ran).toBe(false)
  })
})
