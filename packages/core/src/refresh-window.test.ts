import { afterEach, describe, expect, it } from 'vitest'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe('two thresholds', () => {
  it('inside the refresh window, requests keep flowing with the old token while one background refresh runs', async () => {
    let offsetMs = 0
    server = await startTokenServer({ lifetimeMs: 100_000, refreshDelayMs: 400 })
    const auth = createSession(testFlow(server.url), {
      now: () => Date.now() + offsetMs,
      refreshWindow: { beforeExpiryMs: 30_000 },
      mustRefreshBeforeExpiryMs: 5_000,
      backgroundRefresh: false,
    })
    await auth.login()
    const oldToken = auth.accessToken
    const refreshed = new Promise((resolve) => auth.on('refresh', resolve))
    offsetMs = 80_000 // inside the window (refresh at 70 s), far from the must point (95 s)
    expect(auth.status().state).toBe('expiring')

    const results = await Promise.all(Array.from({ length: 50 }, () => auth.fetch<{ ok: boolean }>('/api/data')))
    // Every request finished while the delayed refresh was still in flight: none of them waited for it.
    expect(auth.accessToken).toBe(oldToken)
    expect(results.every((r) => r.ok)).toBe(true)
    expect(server.seen.slice(-50).every((h) => h === `Bearer ${oldToken}`)).toBe(true)

    const event = (await refreshed) as { background: boolean }
    expect(event.background).toBe(true)
    expect(auth.accessToken).not.toBe(oldToken)
    await auth.fetch('/api/data')
    expect(server.seen.at(-1)).toBe(`Bearer ${auth.accessToken}`)
    expect(server.counts.renew).toBe(1)
  })

  it('past the must-refresh point, callers wait for the new token', async () => {
    let offsetMs = 0
    server = await startTokenServer({ lifetimeMs: 100_000, refreshDelayMs: 100 })
    const auth = createSession(testFlow(server.url), { now: () => Date.now() + offsetMs, refreshWindow: { beforeExpiryMs: 30_000 }, backgroundRefresh: false })
    await auth.login()
    const oldToken = auth.accessToken
    offsetMs = 98_000
    await auth.fetch('/api/data')
    expect(server.seen.at(-1)).not.toBe(`Bearer ${oldToken}`)
    expect(server.seen.at(-1)).toBe(`Bearer ${auth.accessToken}`)
  })

  it('a fraction-of-lifetime window refreshes after that fraction has elapsed', async () => {
    let offsetMs = 0
    server = await startTokenServer({ lifetimeMs: 100_000 })
    const auth = createSession(testFlow(server.url), { now: () => Date.now() + offsetMs, refreshWindow: { fraction: 0.8 }, backgroundRefresh: false })
    await auth.login()
    offsetMs = 75_000
    expect(auth.status().state).toBe('valid')
    offsetMs = 82_000
    expect(auth.status().state).toBe('expiring')
  })

  it('the shared background timer refreshes an idle session ahead of expiry', async () => {
    server = await startTokenServer({ lifetimeMs: 3_000 })
    const auth = createSession(testFlow(server.url), { refreshWindow: { beforeExpiryMs: 2_000 }, mustRefreshBeforeExpiryMs: 500 })
    const refreshed = new Promise<{ background: boolean }>((resolve) => auth.on('refresh', resolve))
    await auth.login()
    const event = await refreshed
    expect(event.background).toBe(true)
    expect(server.counts.renew).toBe(1)
    auth.dispose()
  })
})
