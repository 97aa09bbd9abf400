import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startQuotaFleet, windowsOpened } from './test-support/quota-fleet'
import { startTestRedis, type TestRedis } from './test-support/redis-server'

let redis: TestRedis
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})

const BOTS = 8
const ACCOUNTS = 20
/** TradeReady's counting rule — 5 logins per window per IP — with a 2 s window instead of 60 s, to keep the test short. */
const MAX_LOGINS = 5
const WINDOW_MS = 2_000
/** The fewest windows 20 logins need at 5 per window. */
const WINDOWS = Math.ceil(ACCOUNTS / MAX_LOGINS)

describe(`one TradeReady login quota for the whole fleet: ${BOTS} processes × ${ACCOUNTS} accounts starting at once`, () => {
  it('with the shared limiter (the Redis store counts it): no 429, every account logged in once, in the fewest windows, the wait in the login events', async () => {
    const fleet = await startQuotaFleet({
      redisUrl: redis.url,
      bots: BOTS,
      accounts: ACCOUNTS,
      maxLogins: MAX_LOGINS,
      windowMs: WINDOW_MS,
      fleetQuota: { maxLogins: MAX_LOGINS, perMs: WINDOW_MS },
    })
    const reports = await fleet.start()
    const { emulator } = fleet

    // Every account of every bot got its answer; no error anywhere.
    for (const report of reports)
      expect({ ok: report.ok, failures: report.failures, errors: report.errors }).toEqual({ ok: ACCOUNTS, failures: [], errors: [] })
    // At the emulator: one login per account for the whole fleet, none refused.
    const logins = emulator.requests.list({ path: '/auth/login' })
    expect(emulator.stats.get()).toMatchObject({ logins: ACCOUNTS, rateLimited: 0 })
    expect(logins.map((l) => l.status)).toEqual(Array(ACCOUNTS).fill(200))
    // The emulator's own clock: the logins opened exactly the 4 windows the quota requires, back to back — the
    // fleet took the least time the limit allows (a wasted window would make it 5, an idle gap would show below).
    const starts = windowsOpened(
      logins.map((l) => l.at),
      WINDOW_MS,
    )
    expect(starts).toHaveLength(WINDOWS)
    const span = logins.at(-1)!.at - logins[0]!.at
    expect(span).toBeGreaterThanOrEqual((WINDOWS - 1) * WINDOW_MS)
    expect(span).toBeLessThan(WINDOWS * WINDOW_MS)
    // The wait is visible: every login after the first window reports how long it queued for a slot.
    const events = reports.flatMap((r) => r.logins)
    expect(events).toHaveLength(ACCOUNTS)
    const queued = events.filter((e) => e.queuedMs !== null).map((e) => e.queuedMs!)
    expect(queued.length).toBeGreaterThanOrEqual(ACCOUNTS - MAX_LOGINS)
    expect(Math.max(...queued)).toBeGreaterThanOrEqual((WINDOWS - 2) * WINDOW_MS)
  }, 60_000)

  it('without it (fleetQuota: false): the same start meets the 429s the shared limiter prevents', async () => {
    const fleet = await startQuotaFleet({ redisUrl: redis.url, bots: BOTS, accounts: ACCOUNTS, maxLogins: MAX_LOGINS, windowMs: WINDOW_MS, fleetQuota: false })
    const reports = await fleet.start()
    const { rateLimited } = fleet.emulator.stats.get()
    // All 20 logins go out at once: 5 pass, 15 are refused, and so on while the clients wait out Retry-After.
    expect(rateLimited).toBeGreaterThanOrEqual(ACCOUNTS - MAX_LOGINS)
    expect(fleet.emulator.requests.list({ path: '/auth/login', status: 429 })).toHaveLength(rateLimited)
    expect(reports.flatMap((r) => r.logins).every((e) => e.queuedMs === null)).toBe(true)
  }, 60_000)
})
