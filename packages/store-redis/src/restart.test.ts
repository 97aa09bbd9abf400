import { setTimeout as sleep } from 'node:timers/promises'
import { startAxiomEmulator } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { RedisUnavailableError } from './errors'
import { emulatedAxiomAuth, START_MS } from './test-support/fleet'
import { defer, newStoreKey, testStore } from './test-support/helpers'
import { startTestRedis, type TestRedis } from './test-support/redis-server'
import type { TokenChange } from './types'

let redis: TestRedis
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})

describe('Redis restarted mid-run', () => {
  it('keeps serving valid tokens, still refreshes while Redis is down, never logs out, and recovers (writing back what it could not store)', async () => {
    const emulator = await startAxiomEmulator({ startMs: START_MS })
    defer(() => emulator.close())
    const store = testStore({ url: redis.url, key: newStoreKey(), prefix: 'restart:', commandTimeoutMs: 300, connectTimeoutMs: 300, unavailableWaitMs: 200 })
    const auth = emulatedAxiomAuth(emulator, store)
    let logouts = 0
    const errors: Error[] = []
    auth.on('logout', () => logouts++)
    auth.on('error', (event) => errors.push(event.error))
    await auth.login()
    const storeKey = await auth.storeKey()
    const changes: TokenChange[] = []
    store.onChange(storeKey, (change) => changes.push(change))
    await store.subscribe()

    // Steady traffic for the whole test.
    let ok = 0
    const failures: string[] = []
    let running = true
    const traffic = (async () => {
      while (running) {
        try {
          const me = await auth.fetch<{ email?: string }>('/user/info')
          if (me.email === emulator.credentials.email) ok++
        } catch (error) {
          failures.push(String((error as Error).name))
        }
        await sleep(2)
      }
    })()
    defer(async () => {
      running = false
      await traffic
    })
    await vi.waitFor(() => expect(ok).toBeGreaterThan(5))

    await redis.kill()
    const okWhenKilled = ok
    const started = Date.now()
    await expect(store.get(storeKey)).rejects.toBeInstanceOf(RedisUnavailableError)
    expect(Date.now() - started).toBeLessThan(1_500)
    await vi.waitFor(() => expect(ok).toBeGreaterThan(okWhenKilled + 20)) // valid tokens keep working

    // A refresh falls due while Redis is down: it still happens (without the cross-process lock), reported, no logout.
    emulator.clock.advance(950_000)
    await auth.fetch('/user/info')
    expect(emulator.stats.get()).toMatchObject({ logins: 1, refreshes: 1, unauthorized: 0 })
    expect(auth.status().state).toBe('valid')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((error) => error.name === 'RedisUnavailableError' || (error as { code?: string }).code === 'STORE_UNAVAILABLE')).toBe(true)

    await redis.start()
    // The store recovers by itself. Redis came back empty (no persistence in this test), and the store writes back the
    // token set it could not store while Redis was down: the fleet gets the refreshed session, not a lost refresh token.
    await vi.waitFor(async () => expect((await store.get(storeKey))?.accessToken).toBe(auth.accessToken), { timeout: 5_000, interval: 50 })
    // … and the next refresh is stored again and announced on the resubscribed channel.
    emulator.clock.advance(950_000)
    await auth.fetch('/user/info')
    expect(emulator.stats.get()).toMatchObject({ logins: 1, refreshes: 2, unauthorized: 0 })
    const stored = await store.get(storeKey)
    expect(stored?.accessToken).toBe(auth.accessToken)
    expect(stored?.meta?.issuedAt).toBe(auth.meta?.issuedAt)
    await vi.waitFor(() => expect(changes.some((c) => c.type === 'set' && c.issuedAt === auth.meta?.issuedAt)).toBe(true), { timeout: 5_000 })

    running = false
    await traffic
    expect(failures).toEqual([])
    expect(logouts).toBe(0)
    expect(auth.status().state).toBe('valid')
  })
})
