import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createRedisTokenStore } from './store'
import { startFleet } from './test-support/fleet'
import { defer, rawClient } from './test-support/helpers'
import { startTestRedis, type TestRedis } from './test-support/redis-server'

let redis: TestRedis
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})

const LOCK_TTL_MS = 1_000

describe('a lock holder that dies mid-refresh', () => {
  it('is replaced by another process once the lock TTL runs out; the refresh completes and nothing is lost', async () => {
    const fleet = await startFleet(redis.url, { rotateRefreshTokens: true })
    const { emulator } = fleet
    const storeKey = `axiom:${emulator.credentials.email.toLowerCase()}`
    const store = createRedisTokenStore({ url: redis.url, key: fleet.storeKey, prefix: fleet.prefix, env: {} })
    defer(() => store.close())
    const original = (await store.get(storeKey))!
    const [a, b] = await Promise.all([fleet.spawnBot({ lockTtlMs: LOCK_TTL_MS }), fleet.spawnBot({ lockTtlMs: LOCK_TTL_MS })])

    // A's refresh reaches the provider, whose answer is held back long enough for A to be killed while waiting.
    const delayed = emulator.faults.inject({ path: '/refresh-access-token', fault: { kind: 'delay', delayMs: 8_000 } })
    emulator.clock.advance(950_000) // past the must-refresh point: callers wait for the refresh
    const now = emulator.clock.now()
    const aRound = a.round(now, 20).catch(() => 'killed')
    await vi.waitFor(() => expect(delayed.hits).toBe(1), { timeout: 10_000, interval: 10 })

    const raw = rawClient(redis.url)
    const lockKey = `${fleet.prefix}lock:{${storeKey}}`
    const owner = await raw.get(lockKey)
    expect(owner).toBeTruthy()

    // B needs a fresh token too, and waits: A's keep-alive holds the lock well past its TTL.
    const bRound = b.round(now, 20)
    await sleep(2 * LOCK_TTL_MS)
    expect(await raw.get(lockKey)).toBe(owner)
    expect(emulator.stats.get().refreshes).toBe(1)

    a.process.kill('SIGKILL')
    expect(await aRound).toBe('killed')
    const killedAt = Date.now()
    const report = await bRound
    // B took over only once the dead holder's lock expired (it was last extended at most lockTtlMs / 3 earlier).
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LOCK_TTL_MS / 2)
    expect(report).toMatchObject({ ok: 20, failed: 0, state: 'valid', refreshes: 1, logins: 0, logouts: 0, errors: [] })
    expect(emulator.stats.get()).toMatchObject({ logins: 1, refreshes: 2 })

    // The new token set is stored and newer; its (rotated) refresh token works for the next rotation.
    const stored = (await store.get(storeKey))!
    expect(stored.meta?.issuedAt).toBeGreaterThan(original.meta!.issuedAt as number)
    expect(stored.refreshToken).not.toBe(original.refreshToken)
    expect(stored.expiresAt).toBe(report.expiresAt)
    emulator.clock.advance(950_000)
    const next = await b.round(emulator.clock.now(), 20)
    expect(next).toMatchObject({ ok: 20, failed: 0, state: 'valid', refreshes: 2, logins: 0, logouts: 0, errors: [] })
    expect(emulator.stats.get()).toMatchObject({ logins: 1, refreshes: 3 })
    expect((await store.get(storeKey))!.meta?.issuedAt).toBeGreaterThan(stored.meta!.issuedAt as number)
    expect(await raw.exists(lockKey)).toBe(0)
  }, 30_000)
})
