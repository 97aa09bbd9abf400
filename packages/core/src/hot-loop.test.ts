import { afterEach, describe, expect, it } from 'vitest'
import { RefreshThrottle } from './refresh-throttle'
import { createSession } from './session'
import { json, type ScriptedServer, startScriptedServer, unsignedJwt } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'

let server: ScriptedServer
afterEach(async () => server?.close())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const authCalls = () => server.count('/auth/token') + server.count('/auth/refresh')

describe('no hot refresh loop when a provider misbehaves', () => {
  it('a token that arrives already expired is used once, then automatic refreshes back off (a handful of calls, not thousands)', async () => {
    server = await startScriptedServer()
    const expired = () => ({ access_token: `tok-${Math.random()}`, refresh_token: 'ref-CANARY', expires_in: -60 })
    server.route('/auth/token', (_req, res) => json(res, 200, expired()))
    server.route('/auth/refresh', (_req, res) => json(res, 200, expired()))
    server.route('/api/data', (_req, res) => json(res, 200, { ok: true }))
    const warnings: string[] = []
    const auth = createSession(testFlow(`${server.origin}/api`), { logger: { warn: (message) => warnings.push(message) } })
    expect(await auth.fetch('/data')).toEqual({ ok: true })
    // Requests keep flowing with the token held; the background timer runs on real time.
    for (let i = 0; i < 20; i++) await auth.fetch('/data')
    await sleep(1_500)
    expect(authCalls()).toBeLessThanOrEqual(2)
    expect(server.count('/api/data')).toBe(21)
    expect(warnings.some((line) => line.includes('already expired'))).toBe(true)
    auth.dispose()
  })

  it('a server whose Date header claims to be years ahead is not believed, and that is logged once', async () => {
    server = await startScriptedServer()
    const fiveYearsMs = 5 * 365 * 24 * 3600_000
    server.route('/auth/token', (_req, res) =>
      json(
        res,
        200,
        { access_token: unsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3600 }), refresh_token: 'r' },
        {
          date: new Date(Date.now() + fiveYearsMs).toUTCString(),
        },
      ),
    )
    server.route('/api/data', (_req, res) => json(res, 200, { ok: true }))
    const warnings: string[] = []
    const auth = createSession(testFlow(`${server.origin}/api`), { logger: { warn: (message) => warnings.push(message) } })
    await auth.fetch('/data')
    await auth.logout()
    await auth.fetch('/data')
    await sleep(300)
    expect(auth.status().state).toBe('valid')
    expect(auth.expiresAt! - Date.now()).toBeGreaterThan(50 * 60_000)
    expect(server.count('/auth/token')).toBe(2)
    expect(warnings.filter((line) => line.includes('not believed'))).toHaveLength(1)
    auth.dispose()
  })
})

describe('RefreshThrottle', () => {
  it('backs off exponentially after useless results, up to the cap, and resets on a useful one', () => {
    const throttle = new RefreshThrottle({ minSpacingMs: 1_000, backoffBaseMs: 5_000, backoffMaxMs: 20_000 })
    expect(throttle.allows(0, true)).toBe(true)
    throttle.record(0, false)
    expect(throttle.nextAt(false)).toBe(5_000)
    throttle.record(5_000, false)
    expect(throttle.nextAt(false)).toBe(15_000)
    throttle.record(15_000, false)
    expect(throttle.nextAt(false)).toBe(35_000)
    throttle.record(35_000, false)
    expect(throttle.nextAt(false)).toBe(55_000) // capped at 20 s
    throttle.record(60_000, true)
    expect(throttle.allows(60_000, false)).toBe(true)
    expect(throttle.allows(60_500, true)).toBe(false) // background keeps its minimum spacing
    expect(throttle.allows(61_000, true)).toBe(true)
  })
})
