import type { Session } from '@authmux/core'
import { type HostileServer, json, startHostileServer, unsignedJwt } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { countingFetch, letTimePass } from '../../test-support'
import { createTradeReadyAuth } from './auth'

// Issue 12, class 1, against a misbehaving TradeReady: the request that asked for the token is served with it (a
// token expired on arrival is used once), and the background timer must not turn it into a stream of logins.
// Time is virtual (fake Date and setTimeout): three seconds pass one at a time, each waiting for the real I/O.

const BASE = '/api/v1'
const LOGIN = `${BASE}/auth/login`
const HOUR_MS = 3_600_000
const YEARS_5_MS = 5 * 365 * 86_400_000

let server: HostileServer
const open: Session[] = []
let serial = 0

/** A `/auth/login` 200 body whose JWT and `expires_at` both say `expiresAtMs`. */
function loginBody(expiresAtMs: number) {
  const token = unsignedJwt({ sub: 'acc-1', iat: Math.floor(Date.now() / 1000), exp: Math.floor(expiresAtMs / 1000), n: serial++ })
  return { token, expires_at: new Date(expiresAtMs).toISOString(), token_type: 'Bearer' }
}

beforeEach(async () => {
  server = await startHostileServer()
  server.route('GET', `${BASE}/agents`, json([]))
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
})
afterEach(async () => {
  vi.useRealTimers()
  for (const auth of open.splice(0)) auth.dispose()
  await server.close()
})

/** Serves one `/agents`, then lets 3 s of virtual time pass; returns the logins made. */
async function loginsIn3s(): Promise<number> {
  const { fetch, inFlight } = countingFetch()
  const auth = createTradeReadyAuth({
    apiKey: 'CANARY-ak_live_tradeready-key-0123456789',
    apiSecret: 'CANARY-sk_live_tradeready-secret-0123456789',
    baseURL: server.url(BASE),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    // TradeReady's own limiter (4 a minute by default) would stop a loop after 4 logins by accident; at the real
    // quota (5 a minute) the count shows what the engine itself does.
    loginLimit: { maxAttempts: 5, perMs: 60_000 },
    env: false,
    fetch,
  })
  open.push(auth)
  await auth.fetch('/agents')
  await letTimePass(3_000, inFlight)
  return server.count(LOGIN)
}

describe('class 1 — no hot refresh loop', () => {
  it('a token already expired on arrival (expires_at and exp in the past): at most 4 logins in 3 s', async () => {
    server.route(
      'POST',
      LOGIN,
      json(() => loginBody(Date.now() - 60_000)),
    )
    const logins = await loginsIn3s()
    expect(logins).toBeGreaterThanOrEqual(1)
    expect(logins).toBeLessThanOrEqual(4)
  })

  it('a server Date header 5 years ahead: at most 4 logins in 3 s', async () => {
    server.route(
      'POST',
      LOGIN,
      json(() => loginBody(Date.now() + HOUR_MS), { date: new Date(Date.now() + YEARS_5_MS) }),
    )
    const logins = await loginsIn3s()
    expect(logins).toBeGreaterThanOrEqual(1)
    expect(logins).toBeLessThanOrEqual(4)
  })
})
