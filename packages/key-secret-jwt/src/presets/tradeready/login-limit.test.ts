import { ConfigError } from '@authmux/core'
import { describe, expect, it } from 'vitest'
import { tradeReadyLoginLimit } from './login-limit'

describe("TradeReady's login limit", () => {
  it("declares the server's quota (5 logins a minute per IP) for the whole fleet by default", () => {
    expect(tradeReadyLoginLimit(undefined)).toEqual({ maxAttempts: 4, perMs: 60_000, fleetQuota: { maxLogins: 5, perMs: 60_000 } })
  })

  it('checks the per-strategy limit against the quota you declare (an emulator with a shorter window)', () => {
    const fleetQuota = { maxLogins: 5, perMs: 2_000 }
    expect(tradeReadyLoginLimit({ fleetQuota })).toMatchObject({ maxAttempts: 4, fleetQuota })
    expect(() => tradeReadyLoginLimit({ fleetQuota, maxAttempts: 3, perMs: 1_000 })).toThrow(/more than 5 TradeReady logins in 2 s/)
  })

  it("fleetQuota: false turns the fleet-wide count off; the per-strategy limit still never exceeds the server's", () => {
    expect(tradeReadyLoginLimit({ fleetQuota: false }).fleetQuota).toBe(false)
    const error = (() => {
      try {
        tradeReadyLoginLimit({ fleetQuota: false, maxAttempts: 6 })
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toMatch(/more than 5 TradeReady logins in 60 s \(the server's per-IP quota\)/)
  })
})
