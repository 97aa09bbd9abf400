import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, RateLimitError } from './errors'
import { MemoryTokenStore } from './memory-store'
import { createSession, type Session } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'
import type { AuthEventMap, QuotaSlot, QuotaSlotRequest, SessionOptions } from './types'

let server: TokenServer
afterEach(async () => server?.close())

/**
 * A store that counts a shared quota the way the Redis store does (a sliding log: a slot stays taken until `perMs`
 * after its attempt ended), in memory, and has a lock: what a fleet's shared store offers, for one process.
 */
class CountingStore extends MemoryTokenStore {
  readonly requests: QuotaSlotRequest[] = []
  readonly slots = new Map<number, number>() // id → frees at (epoch ms)
  /** Locks held right now. */
  held = 0
  #next = 0
  fail = false

  override async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return super.withLock(key, async () => {
      this.held++
      try {
        return await fn()
      } finally {
        this.held--
      }
    })
  }

  async takeQuotaSlot(request: QuotaSlotRequest): Promise<QuotaSlot> {
    this.requests.push(request)
    if (this.fail) throw new Error('quota backend down')
    const now = Date.now()
    for (const [id, freesAt] of this.slots) if (freesAt <= now) this.slots.delete(id)
    if (this.slots.size >= request.limit) {
      return { granted: false, retryAfterMs: Math.max(1, Math.min(...this.slots.values()) - now) }
    }
    const id = this.#next++
    this.slots.set(id, now + request.leaseMs + request.perMs)
    return {
      granted: true,
      done: async (attempted) => {
        if (attempted) this.slots.set(id, Date.now() + request.perMs)
        else this.slots.delete(id)
      },
    }
  }
}

/** `count` sessions, one account each, on `store`; records when each login request left. */
function fleet(count: number, store: MemoryTokenStore, options: SessionOptions = {}) {
  const sentAt: number[] = []
  const logins: Array<AuthEventMap['login']> = []
  const errors: Array<AuthEventMap['error']> = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    if (String(input instanceof Request ? input.url : input).endsWith('/auth/token')) sentAt.push(Date.now())
    return globalThis.fetch(input, init)
  }
  const sessions = Array.from({ length: count }, (_, i) => {
    const session = createSession(testFlow(server.url, { identity: `acct-${i}` }), { store, fetch, ...options })
    session.on('login', (event) => logins.push(event))
    session.on('error', (event) => errors.push(event))
    return session
  })
  return { sessions, sentAt, logins, errors }
}

const QUOTA = { maxLogins: 2, perMs: 150 }

describe('the fleet login quota (loginLimit.fleetQuota with a store that counts it)', () => {
  it('queues logins beyond the quota instead of sending them, with the lock let go while waiting, and reports the wait', async () => {
    server = await startTokenServer()
    const store = new CountingStore()
    const { sessions, sentAt, logins } = fleet(6, store, { loginLimit: { fleetQuota: QUOTA } })
    // While sessions queue, none of them holds its credential's lock (another process may log that account in).
    const heldWhileQueued: number[] = []
    const sampler = setInterval(() => {
      if (logins.length >= 2 && logins.length < 6) heldWhileQueued.push(store.held)
    }, 5)
    await Promise.all(sessions.map((s) => s.login())).finally(() => clearInterval(sampler))
    expect(heldWhileQueued).toContain(0)

    expect(server.counts.acquire).toBe(6)
    // Never more than 2 logins left within any 150 ms.
    for (const at of sentAt) expect(sentAt.filter((t) => t >= at && t < at + QUOTA.perMs).length).toBeLessThanOrEqual(2)
    // Two went at once; the other four queued, and their login events say for how long.
    expect(logins.filter((e) => e.queuedMs === undefined)).toHaveLength(2)
    const queued = logins.filter((e) => e.queuedMs !== undefined)
    expect(queued).toHaveLength(4)
    expect(queued.every((e) => (e.queuedMs ?? 0) >= QUOTA.perMs / 2)).toBe(true)
    expect(store.requests[0]).toEqual({ scope: `testprov@${server.origin}`, limit: 2, perMs: 150, leaseMs: 60_000 })
  })

  it('a queued session uses the login another process made meanwhile instead of logging in again', async () => {
    server = await startTokenServer()
    const store = new CountingStore()
    const { sessions } = fleet(2, store, { loginLimit: { fleetQuota: { maxLogins: 1, perMs: 300 } } })
    const [first, queued] = sessions as [Session, Session]
    await first.login()
    const waiting = queued.getHeaders() // no slot for 300 ms: queued
    await expect.poll(() => store.requests.length).toBe(2)
    // "Another process" logs acct-1 in and stores its tokens; the queued session adopts them from the store.
    const tokens = { accessToken: 'tok-from-another-process', refreshToken: 'ref-x', expiresAt: Date.now() + 3_600_000, meta: { issuedAt: Date.now() } }
    await store.set(await queued.storeKey(), tokens)
    expect(await waiting).toEqual({ authorization: 'Bearer tok-from-another-process' })
    expect(server.counts.acquire).toBe(1)
  })

  it('a session that would wait longer than maxWaitMs fails with RateLimitError, without calling the provider', async () => {
    server = await startTokenServer()
    const store = new CountingStore()
    const { sessions } = fleet(3, store, { loginLimit: { fleetQuota: { maxLogins: 1, perMs: 60_000, maxWaitMs: 1_000, scope: 'egress-a' } } })
    const outcomes = await Promise.allSettled(sessions.map((s) => s.login()))
    const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason)
    expect(failed).toHaveLength(2)
    for (const error of failed) {
      expect(error).toBeInstanceOf(RateLimitError)
      expect(error.retryAfterMs).toBeGreaterThan(50_000)
      expect(error.message).toMatch(/login quota \(1 per 60 s, scope egress-a\)/)
    }
    expect(server.counts.acquire).toBe(1)
  })

  it('a slot the local limiter then refuses is given back unused', async () => {
    server = await startTokenServer()
    const store = new CountingStore()
    const [session] = fleet(1, store, { loginLimit: { maxAttempts: 1, fleetQuota: QUOTA } }).sessions
    await session!.login()
    await expect(session!.login()).rejects.toBeInstanceOf(RateLimitError)
    expect(store.requests).toHaveLength(2)
    expect(store.slots.size).toBe(1) // the first login's slot only
    expect(server.counts.acquire).toBe(1)
  })

  it('a store that fails to count is reported, and the login goes on (the local limiter still applies)', async () => {
    server = await startTokenServer()
    const store = new CountingStore()
    store.fail = true
    const { sessions, errors } = fleet(1, store, { loginLimit: { fleetQuota: QUOTA } })
    await sessions[0]!.login()
    expect(server.counts.acquire).toBe(1)
    expect(errors.map((e) => e.during)).toEqual(['store'])
  })

  it('changes nothing without a counting store, or with fleetQuota: false', async () => {
    server = await startTokenServer()
    const plain = fleet(4, new MemoryTokenStore(), { loginLimit: { fleetQuota: { maxLogins: 1, perMs: 60_000 } } })
    await Promise.all(plain.sessions.map((s) => s.login()))
    expect(server.counts.acquire).toBe(4)
    expect(plain.logins.every((e) => e.queuedMs === undefined)).toBe(true)

    const store = new CountingStore()
    const off = fleet(4, store, { loginLimit: { fleetQuota: false } })
    await Promise.all(off.sessions.map((s) => s.login()))
    expect(server.counts.acquire).toBe(8)
    expect(store.requests).toHaveLength(0)
  })

  it('a bad quota is a ConfigError naming the field', async () => {
    server = await startTokenServer()
    const [session] = fleet(1, new CountingStore(), { loginLimit: { fleetQuota: { maxLogins: 0, perMs: 1_000 } } }).sessions
    const error = await session!.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toMatch(/loginLimit\.fleetQuota\.maxLogins must be a number ≥ 1/)
    expect(server.counts.acquire).toBe(0)
  })
})
