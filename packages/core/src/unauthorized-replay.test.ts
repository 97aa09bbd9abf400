import { afterEach, describe, expect, it } from 'vitest'
import { TokenExpiredError } from './errors'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe('401 → renew once, replay once', () => {
  it('a 401 renews once and replays the request once', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url))
    await auth.login()
    server.reject401(1)
    const result = await auth.fetch<{ ok: boolean; body: string }>('/api/orders', { method: 'POST', body: { qty: 1 } })
    expect(result.ok).toBe(true)
    expect(result.body).toBe('{"qty":1}')
    expect(server.counts.renew).toBe(1)
    expect(server.counts.api).toBe(2)
  })

  it('a second 401 after a fresh token is a typed error and nothing else is sent', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url))
    await auth.login()
    server.reject401(10)
    const error = await auth.fetch('/api/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as TokenExpiredError).status).toBe(401)
    expect((error as Error).message).toMatch(/^@authmux\/core-test: GET \/api\/data was refused \(HTTP 401\) again/)
    expect(server.counts.api).toBe(2)
    expect(server.counts.renew).toBe(1)
    expect(server.counts.acquire).toBe(1)
  })

  it('a flow can refuse the replay of a request (e.g. an order submission) with its own typed error', async () => {
    server = await startTokenServer()
    const auth = createSession(
      testFlow(server.url, {
        replayOn401: ({ method }) =>
          method === 'POST' ? new TokenExpiredError('@authmux/core-test: submission uncertain', { code: 'SUBMISSION_UNCERTAIN' }) : true,
      }),
    )
    await auth.login()
    server.reject401(1)
    const error = await auth.fetch('/api/orders', { method: 'POST', body: {} }).catch((e: unknown) => e)
    expect((error as TokenExpiredError).code).toBe('SUBMISSION_UNCERTAIN')
    expect(server.counts.api).toBe(1)
    expect(server.counts.renew).toBe(0)
  })

  it('a renew rejected with 401 falls back to a fresh login', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url))
    await auth.login()
    server.refreshStatus = 401
    server.reject401(1)
    await auth.fetch('/api/data')
    expect(server.counts.renew).toBe(1)
    expect(server.counts.acquire).toBe(2)
  })

  it('a refresh outage keeps serving the still-valid token and keeps the stored refresh token', async () => {
    let offsetMs = 0
    server = await startTokenServer({ lifetimeMs: 100_000 })
    const auth = createSession(testFlow(server.url), { now: () => Date.now() + offsetMs, retry: { maxRetries: 0 }, backgroundRefresh: false })
    const errors: string[] = []
    auth.on('error', (e) => errors.push(e.error.message))
    await auth.login()
    const token = auth.accessToken
    server.refreshStatus = 503
    offsetMs = 90_000 // past the default window (60 s before expiry), before expiry
    const result = await auth.fetch<{ ok: boolean }>('/api/data')
    expect(result.ok).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(auth.accessToken).toBe(token)
    expect(errors.some((m) => m.includes('HTTP 503'))).toBe(true)
    server.refreshStatus = undefined
    await auth.refresh()
    expect(auth.accessToken).not.toBe(token)
  })

  it('a refresh outage after the token expired falls back to a fresh login', async () => {
    let offsetMs = 0
    server = await startTokenServer({ lifetimeMs: 100_000 })
    const auth = createSession(testFlow(server.url), { now: () => Date.now() + offsetMs, retry: { maxRetries: 0 }, backgroundRefresh: false })
    await auth.login()
    server.refreshStatus = 503
    offsetMs = 101_000 // expired: nothing left to keep serving
    const result = await auth.fetch<{ ok: boolean }>('/api/data')
    expect(result.ok).toBe(true)
    expect(server.counts).toMatchObject({ renew: 1, acquire: 2, unauthorized: 0 })
  })
})
