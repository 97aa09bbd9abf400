import { AuthError, MemoryTokenStore, TokenExpiredError, type TokenStore } from '@authmux/core'
import { createGate, hang, json, watch } from '@authmux/testkit'
import { describe, expect, it, vi, afterEach } from 'vitest'
import type { AxiomAuth } from './axiom'
import {
  STEP1,
  STEP2,
  REFRESH,
  YEARS_5_MS,
  server,
  nowSeconds,
  accessJwt,
  refreshJwt,
  tokens,
  axiom,
  imported,
  fileStore,
  authCalls,
  failureOf,
  useHostileAxiom,
} from './axiom-hostile.fixtures'

// Issue 12 against a misbehaving Axiom (server and helpers: axiom-hostile.fixtures.ts), classes 1–4: no hot refresh
// loop, logout wins, the caller's abort signal, absurd expiry. Classes 5–8: axiom-hostile-failures.test.ts.
useHostileAxiom()

describe('class 1 — no hot refresh loop', () => {
  // The request that asked for the token is served with it (a token expired on arrival is used once), and the
  // background timer must not turn it into a stream of auth calls.
  // Started from imported tokens whose access token has expired: the first request refreshes, and each refresh
  // answers another useless token. A simulated minute runs on fake timers, second by second, each second waiting
  // for the refresh it started to finish (counted by the engine's events, not by sleeping): the engine's backoff
  // after useless results (5 s, doubling) allows a handful of calls; a loop would make one or more per second.
  const expired = () => accessJwt(nowSeconds() - 60)
  afterEach(() => {
    vi.useRealTimers()
  })

  /** Runs `seconds` of fake time; after each second, waits (real time, bounded) until every refresh sent has ended. */
  async function runFor(auth: AxiomAuth, seconds: number): Promise<void> {
    let ended = 0
    auth.on('refresh', () => ended++)
    auth.on('error', () => ended++)
    const started = server.count(REFRESH)
    for (let second = 0; second < seconds; second++) {
      await vi.advanceTimersByTimeAsync(1_000)
      const deadline = performance.now() + 2_000
      while (ended < server.count(REFRESH) - started && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve))
    }
  }

  it('a refreshed access token whose exp is already past: a handful of auth calls in a minute, not one a second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    server.route('POST', REFRESH, tokens(expired))
    const auth = imported({ accessToken: expired() })
    await auth.fetch('/user/info')
    expect(server.count(REFRESH)).toBe(1)
    await runFor(auth, 60)
    expect(server.count(REFRESH)).toBeGreaterThanOrEqual(2) // the background timer did run
    expect(authCalls()).toBeLessThanOrEqual(6)
  })

  it('a server Date header 5 years ahead: a handful of auth calls in a minute, not one a second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const date = new Date(Date.now() + YEARS_5_MS)
    server.route('POST', REFRESH, tokens(accessJwt, undefined, { date }))
    const auth = imported({ accessToken: expired() })
    await auth.fetch('/user/info')
    expect(server.count(REFRESH)).toBe(1)
    await runFor(auth, 60)
    expect(authCalls()).toBeLessThanOrEqual(6)
  })
})

describe('class 2 — logout wins over a login or refresh in flight', () => {
  it.each([
    ['a MemoryTokenStore', (): TokenStore => new MemoryTokenStore()],
    ['the file store', (): TokenStore => fileStore()],
  ])('with %s: the late login is discarded — signed-out, nothing stored, the waiting request rejects SIGNED_OUT', async (_name, makeStore) => {
    const gate = createGate()
    server.route('POST', STEP2, hang(gate, tokens(accessJwt, refreshJwt)))
    const store = makeStore()
    const auth = axiom({ store })
    const pending = watch(auth.fetch('/user/info'))
    await server.received(STEP2)
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

  it('the late refresh is discarded too (file store)', async () => {
    const gate = createGate()
    server.route('POST', REFRESH, hang(gate, tokens()))
    const store = fileStore()
    const auth = imported({ store })
    await auth.fetch('/user/info')
    const pending = watch(auth.refresh())
    await server.received(REFRESH)
    await auth.logout()
    gate.open()
    await pending.settled(5_000)
    expect(auth.status().state).toBe('signed-out')
    expect(await fileStore().get(await auth.storeKey())).toBeUndefined()
    expect(pending.state).toBe('rejected')
    expect(pending.reason).toMatchObject({ code: 'SIGNED_OUT' })
  })
})

describe('class 3 — the caller’s abort signal', () => {
  it('aborting while the login hangs rejects at once with AbortError (the gate still closed)', async () => {
    const gate = createGate()
    server.route('POST', STEP1, hang(gate, json({ otpJwtToken: 'otp-jwt' })))
    const controller = new AbortController()
    const pending = watch(axiom().fetch('/user/info', { signal: controller.signal }))
    await server.received(STEP1)
    controller.abort()
    const settled = await pending.settled(2_000)
    const gateWasOpen = gate.opened
    gate.open()
    expect(settled).toBe(true)
    expect(gateWasOpen).toBe(false)
    expect(pending.state).toBe('rejected')
    expect((pending.reason as Error).name).toBe('AbortError')
  })

  it('an already-aborted signal rejects and starts no login', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await failureOf(() => axiom().fetch('/user/info', { signal: controller.signal }))
    expect(error.name).toBe('AbortError')
    expect(authCalls()).toBe(0)
  })
})

describe('class 4 — absurd expiry', () => {
  it('exp 1e308 survives the file store: a second strategy on it logs in zero times (no new one-time code)', async () => {
    server.route(
      'POST',
      STEP2,
      tokens(() => accessJwt(1e308), refreshJwt),
    )
    const first = axiom({ store: fileStore() })
    await first.fetch('/user/info')
    expect(server.count(STEP1)).toBe(1)
    first.dispose()
    const stored = await fileStore().get(await first.storeKey())
    expect(stored).toBeDefined()
    expect(Number.isFinite(stored?.expiresAt) || stored?.expiresAt === undefined).toBe(true)
    await axiom({ store: fileStore() }).fetch('/user/info')
    expect(server.count(STEP1)).toBe(1)
    expect(authCalls()).toBe(2)
  })
})
