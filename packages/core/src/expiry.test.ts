import { describe, expect, it } from 'vitest'
import { decodeJwtExpiry, decodeJwtIssuedAt, resolveExpiry, SkewTracker } from './expiry'

const b64 = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
const jwt = (claims: object) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.sig`

describe('expiry', () => {
  const clock = { now: 1_000_000_000_000, skewMs: 0 }

  it('prefers expires_in, then an absolute expiry, then the JWT exp', () => {
    expect(resolveExpiry({ expiresInSeconds: 60, expiresAt: 5, jwt: jwt({ exp: 9 }) }, clock)).toBe(clock.now + 60_000)
    expect(resolveExpiry({ expiresAt: '2026-11-22T13:00:00Z' }, clock)).toBe(Date.parse('2026-11-22T13:00:00Z'))
    expect(resolveExpiry({ expiresAt: 1_800_000_000 }, clock)).toBe(1_800_000_000_000) // seconds
    expect(resolveExpiry({ expiresAt: 1_800_000_000_123 }, clock)).toBe(1_800_000_000_123) // ms
    expect(resolveExpiry({ jwt: jwt({ exp: 1_800_000_000 }) }, clock)).toBe(1_800_000_000_000)
    expect(resolveExpiry({ expiresAt: 'not a date', jwt: 'opaque' }, clock)).toBeUndefined()
    expect(resolveExpiry({ expiresAt: '' }, clock)).toBeUndefined()
  })

  it('shifts absolute server times by the clock skew, not relative ones', () => {
    const skewed = { now: clock.now, skewMs: 600_000 }
    expect(resolveExpiry({ expiresAt: 1_800_000_000_000 }, skewed)).toBe(1_800_000_000_000 - 600_000)
    expect(resolveExpiry({ expiresInSeconds: 10 }, skewed)).toBe(clock.now + 10_000)
  })

  it('decodes exp/iat only from well-formed JWTs', () => {
    expect(decodeJwtExpiry(jwt({ exp: 100 }))).toBe(100_000)
    expect(decodeJwtIssuedAt(jwt({ iat: 50 }))).toBe(50_000)
    expect(decodeJwtExpiry(jwt({ sub: 'x' }))).toBeUndefined()
    expect(decodeJwtExpiry('a.b.c')).toBeUndefined()
    expect(decodeJwtExpiry(undefined)).toBeUndefined()
  })

  it('learns skew from Date headers, ignoring sub-tolerance noise and garbage', () => {
    const tracker = new SkewTracker({ toleranceMs: 2_000 })
    const local = Date.parse('2026-11-22T12:00:00Z')
    tracker.observe(new Date(local + 1_000).toUTCString(), local)
    expect(tracker.skewMs).toBe(0)
    tracker.observe(new Date(local + 600_000).toUTCString(), local)
    expect(tracker.skewMs).toBe(600_000)
    tracker.observe('garbage', local)
    tracker.observe(null, local)
    expect(tracker.skewMs).toBe(600_000)
  })
})
