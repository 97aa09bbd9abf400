import { AuthError, MemoryTokenStore, TokenExpiredError } from '@authmux/core'
import { createGate, hang, json, unsignedJwt, watch } from '@authmux/testkit'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { exchange, failureOf, optimize, REFRESH, refreshed, TOKEN, useHostileApala } from '../test/hostile-apala'

// Issue 12 against a misbehaving Apala, classes 1–4 (timing, logout, abort, expiry); classes 5, 6 and 8 (values,
// redirects, typed failures) are in hostile-typed.test.ts.

const YEARS_5_MS = 5 * 365 * 86_400_000
const h = useHostileApala()

describe('class 1 — no hot refresh loop', () => {
  // The request that asked for the token is served with it (a token expired on arrival is used once), and the
  // background timer must not turn it into a stream of auth calls. Time is virtual (fake Date and timers, the server
  // stays real HTTP): ten minutes pass one second at a time, each auth call finishing before time moves on, so the
  // count below is what the engine's schedule and throttle decide, not how fast this machine is.
  const MINUTES = 10

  /** A fetch that records the virtual time of every auth call and how many requests are still in flight. */
  function countingFetch() {
    const authCallsAt: number[] = []
    let inFlight = 0
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const path = new URL(String(input instanceof Request ? input.url : input)).pathname
      if (path === TOKEN || path === REFRESH) authCallsAt.push(Date.now())
      inFlight++
      try {
        return await globalThis.fetch(input, init)
      } finally {
        inFlight--
      }
    }
    return { fetch, authCallsAt, inFlight: () => inFlight }
  }

  /** Lets `MINUTES` of virtual time pass, one second at a time, waiting for requests in flight after each second. */
  async function letTimePass(inFlight: () => number) {
    for (let second = 0; second < MINUTES * 60; second++) {
      await vi.advanceTimersByTimeAsync(1_000)
      await vi.waitFor(() => expect(inFlight()).toBe(0))
    }
  }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
  })

  it.each([0, -60])('expires_in: %s on the exchange and on every refresh: automatic refreshes back off (gaps grow)', async (expiresIn) => {
    h.server.route(
      'POST',
      TOKEN,
      json(() => exchange({ expires_in: expiresIn })),
    )
    h.server.route(
      'POST',
      REFRESH,
      json(() => refreshed({ expires_in: expiresIn })),
    )
    const { fetch, authCallsAt, inFlight } = countingFetch()
    await optimize(h.apala({ fetch }))
    await letTimePass(inFlight)
    expect(h.authCalls()).toBe(authCallsAt.length)
    // One call a second would be 600; the throttle backs off after each useless (already expired) token instead.
    expect(authCallsAt.length).toBeGreaterThanOrEqual(3)
    expect(authCallsAt.length).toBeLessThanOrEqual(10)
    const gaps = authCallsAt.slice(1).map((at, i) => at - authCallsAt[i]!)
    for (const [i, gap] of gaps.entries()) {
      expect(gap).toBeGreaterThanOrEqual(1_000)
      if (i > 0) expect(gap).toBeGreaterThanOrEqual(gaps[i - 1]!)
    }
  })

  it('a server Date header 5 years ahead is not believed: the 1-hour JWT is not refreshed within 10 minutes', async () => {
    const date = new Date(Date.now() + YEARS_5_MS)
    let issued = 0
    const jwt = () => unsignedJwt({ sub: 'co-1', exp: Math.floor(Date.now() / 1000) + 3600, n: issued++ })
    h.server.route(
      'POST',
      TOKEN,
      json(() => exchange({ access_token: jwt(), expires_in: undefined }), { date }),
    )
    h.server.route(
      'POST',
      REFRESH,
      json(() => ({ access_token: jwt() }), { date }),
    )
    const { fetch, authCallsAt, inFlight } = countingFetch()
    const auth = h.apala({ fetch })
    await optimize(auth)
    await letTimePass(inFlight)
    expect(authCallsAt).toHaveLength(1)
    expect(h.authCalls()).toBe(1)
    expect(auth.status().state).toBe('valid')
    expect(auth.expiresAt! - Date.now()).toBeGreaterThan(45 * 60_000)
  })
})

describe('class 2 — logout wins over an exchange or refresh in flight', () => {
  it('the late exchange is discarded: signed-out, nothing stored, the waiting request rejects SIGNED_OUT', async () => {
    const gate = createGate()
    h.server.route(
      'POST',
      TOKEN,
      hang(
        gate,
        json(() => exchange()),
      ),
    )
    const store = new MemoryTokenStore()
    const auth = h.apala({ store })
    const pending = watch(optimize(auth))
    await h.server.received(TOKEN)
    await auth.logout()
    gate.open()
    await pending.settled(5_000)
    expect(auth.status().state).toBe('signed-out')
    expect(await store.get(await auth.storeKey())).toBeUndefined()
    expect(pending.state).toBe('rejected')
    expect(pending.reason).toBeInstanceOf(AuthError)
    expect(pending.reason).toMatchObject({ code: 'SIGNED_OUT' })
    expect(pending.reason).toBeInstanceOf(TokenExpiredError)
  })

  it('the late refresh is discarded too', async () => {
    const gate = createGate()
    h.server.route(
      'POST',
      REFRESH,
      hang(
        gate,
        json(() => refreshed()),
      ),
    )
    const store = new MemoryTokenStore()
    const auth = h.apala({ store })
    await auth.login()
    const pending = watch(auth.refresh())
    await h.server.received(REFRESH)
    await auth.logout()
    gate.open()
    await pending.settled(5_000)
    expect(auth.status().state).toBe('signed-out')
    expect(await store.get(await auth.storeKey())).toBeUndefined()
    expect(pending.state).toBe('rejected')
    expect(pending.reason).toMatchObject({ code: 'SIGNED_OUT' })
  })
})

describe('class 3 — the caller’s abort signal', () => {
  it('aborting while the exchange hangs rejects at once with AbortError (the gate still closed)', async () => {
    const gate = createGate()
    h.server.route(
      'POST',
      TOKEN,
      hang(
        gate,
        json(() => exchange()),
      ),
    )
    const controller = new AbortController()
    const pending = watch(optimize(h.apala(), { signal: controller.signal }))
    await h.server.received(TOKEN)
    controller.abort()
    const settled = await pending.settled(2_000)
    const gateWasOpen = gate.opened
    gate.open()
    expect(settled).toBe(true)
    expect(gateWasOpen).toBe(false)
    expect(pending.state).toBe('rejected')
    expect((pending.reason as Error).name).toBe('AbortError')
  })

  it('an already-aborted signal rejects and starts no exchange', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await failureOf(() => optimize(h.apala(), { signal: controller.signal }))
    expect(error.name).toBe('AbortError')
    expect(h.authCalls()).toBe(0)
  })
})

describe('class 4 — absurd expiry', () => {
  it('expires_in 1e308: stored with a finite expiry (or none), reused by a second strategy without an exchange', async () => {
    h.server.route(
      'POST',
      TOKEN,
      json(() => exchange({ expires_in: 1e308 })),
    )
    const store = new MemoryTokenStore()
    const first = h.apala({ store })
    await optimize(first)
    expect(h.server.count(TOKEN)).toBe(1)
    const stored = await store.get(await first.storeKey())
    expect(stored).toBeDefined()
    expect(Number.isFinite(stored?.expiresAt) || stored?.expiresAt === undefined).toBe(true)
    first.dispose()
    await optimize(h.apala({ store }))
    expect(h.authCalls()).toBe(1)
  })
})
