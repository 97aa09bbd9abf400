import type { TokenSet } from '@authmux/core'
import { expect } from 'vitest'
import { createRedisTokenStore } from '../store'
import { type FleetRedis, type RoundReport, startFleet } from './fleet'
import { defer } from './helpers'

/** What happened around the failover, for the caller's own checks. */
export interface FailoverOutcome {
  /** The rotation during which the master died: one report per bot. */
  during: RoundReport[]
  /** The rotation after it, on the new master. */
  after: RoundReport[]
}

const BOTS = 4
const REQUESTS = 40

/**
 * A fleet of bot processes sharing one Axiom session (refresh tokens rotate: a lost refresh token is a forced
 * re-login) through `redis`. In the middle of a rotation — the lock holder's refresh is at the provider, answered
 * 600 ms later — `killMaster(storeKey)` kills the master that holds the credential; a replica takes over. Then one more
 * rotation on the new master. Checks, counted at the emulator and in the store:
 *
 * - every request succeeds, or fails with a typed error (an `AuthError` code) and the next round succeeds;
 * - exactly one refresh per rotation, including the one cut by the failover: the lock never let two run;
 * - no login after the first, no 401, no logout: the refresh token written across the failover still works;
 * - after each rotation every bot holds the newest token set, the one in Redis.
 */
export async function refreshThroughFailover(redis: FleetRedis, killMaster: (storeKey: string) => Promise<void>): Promise<FailoverOutcome> {
  const fleet = await startFleet(redis, { rotateRefreshTokens: true })
  const { emulator } = fleet
  const bots = await Promise.all(Array.from({ length: BOTS }, () => fleet.spawnBot()))
  const target = typeof redis === 'string' ? { url: redis } : redis
  const store = createRedisTokenStore({ ...target, key: fleet.storeKey, prefix: fleet.prefix, env: {} })
  defer(() => store.close())
  const storeKey = `axiom:${emulator.credentials.email.toLowerCase()}`
  const seen: TokenSet[] = [(await store.get(storeKey))!]

  /** One rotation: every bot fires its requests with the clock `advanceSeconds` further; `whileRunning` runs meanwhile. */
  async function rotation(name: string, advanceSeconds: number, whileRunning?: () => Promise<void>): Promise<RoundReport[]> {
    emulator.clock.advance(advanceSeconds * 1000)
    const before = emulator.stats.get()
    const running = Promise.all(bots.map((bot) => bot.round(emulator.clock.now(), REQUESTS)))
    await whileRunning?.()
    let reports = await running
    // A request that failed (typed) during the failover succeeds on the next try.
    if (reports.some((r) => r.failed > 0)) {
      for (const report of reports) expect({ name, failures: report.failures.filter((f) => f.includes('untyped')) }).toEqual({ name, failures: [] })
      reports = await Promise.all(bots.map((bot) => bot.round(emulator.clock.now(), REQUESTS)))
    }
    const after = emulator.stats.get()
    expect({ name, refreshes: after.refreshes - before.refreshes, logins: after.logins, unauthorized: after.unauthorized }).toEqual({
      name,
      refreshes: advanceSeconds === 0 ? 0 : 1,
      logins: 1,
      unauthorized: 0,
    })
    for (const report of reports) {
      expect({ name, ok: report.ok, state: report.state, logins: report.logins, logouts: report.logouts }).toEqual({
        name,
        ok: REQUESTS,
        state: 'valid',
        logins: 0,
        logouts: 0,
      })
      // Only Redis being away may be reported (typed), nothing else.
      expect({ name, errors: report.errors.filter((e) => !/STORE_UNAVAILABLE/.test(e)) }).toEqual({ name, errors: [] })
    }
    const stored = (await store.get(storeKey))!
    expect({ name, held: [...new Set(reports.map((r) => r.expiresAt))] }).toEqual({ name, held: [stored.expiresAt] })
    if (advanceSeconds > 0) {
      expect(stored.meta?.issuedAt).toBeGreaterThan(seen.at(-1)!.meta!.issuedAt as number)
      expect(stored.refreshToken).not.toBe(seen.at(-1)!.refreshToken)
    }
    seen.push(stored)
    return reports
  }

  await rotation('before', 0)
  // Past the must-refresh point (callers wait for the refresh); the provider holds its answer back 600 ms.
  const delayed = emulator.faults.inject({ path: '/refresh-access-token', fault: { kind: 'delay', delayMs: 600 }, times: 1 })
  const during = await rotation('during the failover', 950, async () => {
    await expect.poll(() => delayed.hits, { timeout: 10_000, interval: 5 }).toBe(1)
    await killMaster(storeKey)
  })
  const after = await rotation('after the failover', 950)
  return { during, after }
}
