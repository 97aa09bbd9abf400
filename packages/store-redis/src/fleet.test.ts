import type { TokenSet } from '@authmux/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisTokenStore } from './store'
import { startFleet, type RoundReport } from './test-support/fleet'
import { defer, dumpRedis, rawClient } from './test-support/helpers'
import { startTestRedis, type TestRedis } from './test-support/redis-server'

let redis: TestRedis
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})

const BOTS = 8
const REQUESTS = 250
/**
 * Axiom access tokens live 960 s; the preset refreshes 120 s before expiry, callers wait only in the last 30 s.
 * Each round moves the virtual clock this far past the previous refresh: 0 = fresh token, 900 = inside the refresh
 * window (background refresh, callers keep the old token), 950 = past the must-refresh point (callers wait),
 * 1000 = expired.
 */
const ROUNDS = [0, 900, 950, 1000, 900]

describe('a fleet of processes sharing one session through Redis', () => {
  it(`${BOTS} processes × ${REQUESTS} concurrent requests: one refresh per rotation, no 401, no logout, nothing in plaintext`, async () => {
    const fleet = await startFleet(redis.url, { rotateRefreshTokens: true })
    const { emulator } = fleet
    expect(emulator.stats.get()).toMatchObject({ logins: 1, refreshes: 0, unauthorized: 0 })
    const bots = await Promise.all(Array.from({ length: BOTS }, () => fleet.spawnBot()))

    const store = createRedisTokenStore({ url: redis.url, key: fleet.storeKey, prefix: fleet.prefix, env: {} })
    defer(() => store.close())
    const storeKey = `axiom:${emulator.credentials.email.toLowerCase()}`
    const seen: TokenSet[] = [(await store.get(storeKey))!]
    expect(seen[0]?.refreshToken).toBeTruthy()

    for (const [index, advanceSeconds] of ROUNDS.entries()) {
      emulator.clock.advance(advanceSeconds * 1000)
      const before = emulator.stats.get()
      const reports: RoundReport[] = await Promise.all(bots.map((bot) => bot.round(emulator.clock.now(), REQUESTS)))
      const after = emulator.stats.get()
      const context = `round ${index} (+${advanceSeconds} s)`

      expect({ context, refreshes: after.refreshes - before.refreshes }).toEqual({ context, refreshes: index === 0 ? 0 : 1 })
      expect({ context, logins: after.logins, unauthorized: after.unauthorized }).toEqual({ context, logins: 1, unauthorized: 0 })
      for (const report of reports) {
        expect({ context, ok: report.ok, failed: report.failed, failures: report.failures }).toEqual({ context, ok: REQUESTS, failed: 0, failures: [] })
        expect({ context, state: report.state, logins: report.logins, logouts: report.logouts, errors: report.errors }).toEqual({
          context,
          state: 'valid',
          logins: 0,
          logouts: 0,
          errors: [],
        })
      }
      // Every bot holds the same, newest token; Redis holds it too, and it is newer than the last round's.
      const stored = (await store.get(storeKey))!
      expect(new Set(reports.map((r) => r.expiresAt))).toEqual(new Set([stored.expiresAt]))
      if (index > 0) {
        expect(stored.meta?.issuedAt).toBeGreaterThan(seen.at(-1)!.meta!.issuedAt as number)
        expect(stored.refreshToken).not.toBe(seen.at(-1)!.refreshToken) // rotated
      }
      seen.push(stored)
    }
    expect(emulator.stats.get().refreshes).toBe(ROUNDS.length - 1)

    // No token, refresh token or password in Redis, in any key or value. A bot that learnt of the new token from
    // the change notification may still be passing through the lock it queued for (it re-reads and leaves without
    // refreshing): let the fleet settle first.
    let dump = await dumpRedis(rawClient(redis.url))
    for (let i = 0; i < 60 && dump.keys.some((k) => k.startsWith(`${fleet.prefix}lock:`)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      dump = await dumpRedis(rawClient(redis.url))
    }
    const { keys, text } = dump
    expect(keys.filter((k) => k.startsWith(fleet.prefix)).sort()).toEqual([`${fleet.prefix}token:{${storeKey}}`])
    const secrets = [emulator.credentials.password, ...seen.flatMap((t) => [t.accessToken, t.refreshToken!])]
    for (const secret of secrets) expect(text.includes(secret)).toBe(false)
    // Not even a recognisable piece of a JWT (header or payload segment).
    for (const token of seen) for (const part of token.accessToken.split('.').slice(0, 2)) expect(text.includes(part)).toBe(false)
  }, 55_000)
})
