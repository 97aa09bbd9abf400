import type { Session } from '@authmux/core'
import { type HostileServer, json, startHostileServer, unsignedJwt } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { countingFetch, letTimePass } from '../../test-support'
import { createProjectXAuth } from './auth'

// Issue 12, class 1, against a misbehaving ProjectX Gateway: the request that asked for the token is served with it
// (a token expired on arrival is used once), and the background timer must not turn it into a stream of auth calls.
// Time is virtual (fake Date and setTimeout): three seconds pass one at a time, each waiting for the real I/O.

const BASE = '/api'
const LOGIN = `${BASE}/Auth/loginKey`
const VALIDATE = `${BASE}/Auth/validate`
const SEARCH = `${BASE}/Account/search`
const DAY_MS = 86_400_000
const YEARS_5_MS = 5 * 365 * 86_400_000

let server: HostileServer
const open: Session[] = []
let serial = 0
const jwt = (expSeconds: number) => unsignedJwt({ sub: 'hostile-trader', iat: Math.floor(Date.now() / 1000), exp: expSeconds, n: serial++ })
const loginOk = (token: string) => ({ token, success: true, errorCode: 0, errorMessage: null })
const validateOk = (newToken: string) => ({ success: true, errorCode: 0, errorMessage: null, newToken })
const authCalls = () => server.count(LOGIN) + server.count(VALIDATE)

beforeEach(async () => {
  server = await startHostileServer()
  server.route('POST', SEARCH, json({ accounts: [{ id: 1, name: 'PRAC-1' }], success: true, errorCode: 0, errorMessage: null }))
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
})
afterEach(async () => {
  vi.useRealTimers()
  for (const auth of open.splice(0)) auth.dispose()
  await server.close()
})

/** Serves one search, then lets 3 s of virtual time pass; returns the auth calls made. */
async function authCallsIn3s(): Promise<number> {
  const { fetch, inFlight } = countingFetch()
  const auth = createProjectXAuth({
    username: 'hostile-trader',
    apiKey: 'CANARY-projectx-api-key-0123456789',
    baseURL: server.url(BASE),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    env: false,
    fetch,
  })
  open.push(auth)
  await auth.fetch('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })
  await letTimePass(3_000, inFlight)
  return authCalls()
}

describe('class 1 — no hot refresh loop', () => {
  it('a JWT whose exp is already past (login and validate alike): at most 4 auth calls in 3 s', async () => {
    const expired = () => Math.floor((Date.now() - 60_000) / 1000)
    server.route(
      'POST',
      LOGIN,
      json(() => loginOk(jwt(expired()))),
    )
    server.route(
      'POST',
      VALIDATE,
      json(() => validateOk(jwt(expired()))),
    )
    const calls = await authCallsIn3s()
    expect(calls).toBeGreaterThanOrEqual(1)
    expect(calls).toBeLessThanOrEqual(4)
  })

  it('a server Date header 5 years ahead: at most 4 auth calls in 3 s', async () => {
    const date = new Date(Date.now() + YEARS_5_MS)
    const inADay = () => Math.floor((Date.now() + DAY_MS) / 1000)
    server.route(
      'POST',
      LOGIN,
      json(() => loginOk(jwt(inADay())), { date }),
    )
    server.route(
      'POST',
      VALIDATE,
      json(() => validateOk(jwt(inADay())), { date }),
    )
    const calls = await authCallsIn3s()
    expect(calls).toBeGreaterThanOrEqual(1)
    expect(calls).toBeLessThanOrEqual(4)
  })
})
