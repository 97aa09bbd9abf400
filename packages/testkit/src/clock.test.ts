import { decodeJwt } from 'jose'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { createClock } from './clock.js'
import { startEmulators } from './emulators.js'
import { startTradeReadyEmulator } from './providers/tradeready.js'

describe('virtual clock', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test('frozen start, advance, set, skew, unfreeze', () => {
    const clock = createClock({ startMs: 1_000_000 })
    expect(clock.frozen).toBe(true)
    expect(clock.now()).toBe(1_000_000)
    clock.advance(5000)
    expect(clock.now()).toBe(1_005_000)
    clock.set(2_000_000)
    expect(clock.now()).toBe(2_000_000)
    clock.skewMs = -30_000
    expect(clock.now()).toBe(1_970_000)
    clock.skewMs = 0
    clock.unfreeze()
    expect(clock.frozen).toBe(false)
    expect(Math.abs(clock.now() - 2_000_000)).toBeLessThan(1000)
    expect(() => clock.advance(Number.NaN)).toThrow(/advance/)
  })

  test('a live clock follows Date.now(), so vitest fake timers move the emulators too', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2031-01-01T00:00:00Z') })
    const clock = createClock()
    expect(clock.now()).toBe(Date.parse('2031-01-01T00:00:00Z'))
    vi.setSystemTime(new Date('2031-01-01T01:00:00Z'))
    expect(clock.now()).toBe(Date.parse('2031-01-01T01:00:00Z'))
    clock.advance(1000)
    expect(clock.now()).toBe(Date.parse('2031-01-01T01:00:01Z'))
  })

  test('JWT iat/exp, expiry checks and the Date header use the virtual clock', async () => {
    const start = Date.parse('2030-06-01T12:00:00Z')
    const tr = await startTradeReadyEmulator({ startMs: start })
    try {
      const login = () =>
        fetch(`${tr.url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ api_key: tr.credentials.apiKey, api_secret: tr.credentials.apiSecret }),
        })
      const res = await login()
      expect(res.headers.get('date')).toBe('Sat, 01 Jun 2030 12:00:00 GMT')
      const { token, expires_at } = (await res.json()) as { token: string; expires_at: string }
      expect(decodeJwt(token).iat).toBe(start / 1000)
      expect(expires_at).toBe('2030-06-01T13:00:00Z')

      const info = () => fetch(`${tr.url}/account/info`, { headers: { authorization: `Bearer ${token}` } })
      tr.clock.advance(3599_000)
      expect((await info()).status).toBe(200)
      tr.clock.advance(1000)
      const expired = await info()
      expect(expired.status).toBe(401)
      expect(expired.headers.get('date')).toBe('Sat, 01 Jun 2030 13:00:00 GMT')

      // rate-limit windows run on the same clock: 5 logins, then 429 until a virtual minute passes
      tr.resetRateLimits()
      for (let i = 0; i < 5; i++) await login()
      expect((await login()).status).toBe(429)
      tr.clock.advance(59_000)
      expect((await login()).status).toBe(429)
      tr.clock.advance(1000)
      expect((await login()).status).toBe(200)
    } finally {
      await tr.close()
    }
  })

  test('clockSkewMs makes the server clock differ from the client; startEmulators shares one clock', async () => {
    const emu = await startEmulators({ clockSkewMs: 10 * 60_000 })
    try {
      const res = await fetch(`${emu.urls.apala}/api/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: emu.credentials.apala.apiKey }),
      })
      const serverDate = Date.parse(res.headers.get('date') ?? '')
      expect(serverDate - Date.now()).toBeGreaterThan(9 * 60_000)
      const { access_token } = (await res.json()) as { access_token: string }
      expect((decodeJwt(access_token).iat ?? 0) * 1000 - Date.now()).toBeGreaterThan(9 * 60_000)
      expect(emu.apala.clock).toBe(emu.clock)
      expect(emu.axiom.clock).toBe(emu.clock)
    } finally {
      await emu.close()
    }
  })
})
