import { afterEach, describe, expect, it } from 'vitest'
import { MemoryTokenStore } from './memory-store'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe('one refresh in flight per credential key', () => {
  it('1,000 concurrent requests with no token → exactly one acquire reaches the server', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url))
    const results = await Promise.all(Array.from({ length: 1000 }, () => auth.fetch<{ ok: boolean }>('/api/data')))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(server.counts.acquire).toBe(1)
    expect(server.counts.renew).toBe(0)
    expect(server.counts.unauthorized).toBe(0)
    auth.dispose()
  })

  it('1,000 concurrent requests after the token expired → exactly one renew reaches the server', async () => {
    let offsetMs = 0
    server = await startTokenServer({ lifetimeMs: 120_000 })
    const auth = createSession(testFlow(server.url), { now: () => Date.now() + offsetMs })
    await auth.login()
    expect(server.counts.acquire).toBe(1)
    const before = auth.accessToken
    offsetMs = 121_000 // the client's clock says: expired
    expect(auth.status().state).toBe('expired')
    const results = await Promise.all(Array.from({ length: 1000 }, () => auth.fetch<{ ok: boolean }>('/api/data')))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(server.counts.renew).toBe(1)
    expect(server.counts.acquire).toBe(1)
    expect(auth.accessToken).not.toBe(before)
    expect(server.seen.slice(-1000).every((h) => h === `Bearer ${auth.accessToken}`)).toBe(true)
    auth.dispose()
  })

  it('sessions sharing a store and key share one refresh, and the second adopts the stored token', async () => {
    let offsetMs = 0
    server = await startTokenServer({ lifetimeMs: 120_000 })
    const store = new MemoryTokenStore()
    const now = () => Date.now() + offsetMs
    const a = createSession(testFlow(server.url), { store, now })
    const b = createSession(testFlow(server.url), { store, now })
    await a.login()
    await b.ensureValid()
    expect(server.counts.acquire).toBe(1)
    offsetMs = 121_000
    await Promise.all([a.fetch('/api/x'), b.fetch('/api/y'), a.fetch('/api/z'), b.fetch('/api/w')])
    expect(server.counts.renew).toBe(1)
    expect(a.accessToken).toBe(b.accessToken)
    a.dispose()
    b.dispose()
  })
})
