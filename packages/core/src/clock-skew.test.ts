import { afterEach, describe, expect, it } from 'vitest'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe.each([
  ['+10 min', 600_000],
  ['-10 min', -600_000],
])('server clock %s from ours', (_label, skewMs) => {
  it('refreshes before the server-side expiry, and not needlessly early', async () => {
    let virtualNow = Date.now()
    const now = () => virtualNow
    // Absolute expiry (JWT exp) on a skewed server clock, announced in its Date header.
    server = await startTokenServer({ lifetimeMs: 120_000, skewMs, jwt: true, now })
    const auth = createSession(testFlow(server.url), {
      now,
      refreshWindow: { beforeExpiryMs: 20_000 },
      mustRefreshBeforeExpiryMs: 10_000,
      backgroundRefresh: false,
    })
    await auth.login()
    const loggedInAt = virtualNow
    // The local expiry matches the real lifetime (± Date's one-second resolution).
    expect(Math.abs(auth.expiresAt! - (loggedInAt + 120_000))).toBeLessThanOrEqual(1_500)
    expect(auth.status().state).toBe('valid')

    virtualNow = loggedInAt + 60_000
    await auth.fetch('/api/data')
    expect(server.counts.renew).toBe(0)

    // 15 s before the server-side expiry: inside our window, so a refresh happens now.
    virtualNow = loggedInAt + 105_000
    const refreshed = new Promise((resolve) => auth.on('refresh', resolve))
    await auth.fetch('/api/data')
    await refreshed
    expect(server.counts.renew).toBe(1)

    // Past the first token's server-side expiry: no request ever saw a 401.
    virtualNow = loggedInAt + 125_000
    await auth.fetch('/api/data')
    expect(server.counts.unauthorized).toBe(0)
  })
})
