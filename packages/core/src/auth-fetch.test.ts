import { afterEach, describe, expect, it } from 'vitest'
import { RateLimitError } from './errors'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe('strategy.fetch resilience', () => {
  it('waits out a 429 with Retry-After and then succeeds', async () => {
    server = await startTokenServer()
    server.limited = { remaining: 1, retryAfterSeconds: 1 }
    const auth = createSession(testFlow(server.url))
    const started = Date.now()
    const result = await auth.fetch<{ ok: boolean }>('/api/limited', { method: 'POST', body: {} })
    expect(result.ok).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(server.counts.api).toBe(2)
  })

  it('a 429 asking for longer than maxRateLimitWaitMs is a RateLimitError with retryAfterMs', async () => {
    server = await startTokenServer()
    server.limited = { remaining: 5, retryAfterSeconds: 120 }
    const auth = createSession(testFlow(server.url), { maxRateLimitWaitMs: 5_000 })
    const error = await auth.fetch('/api/limited').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).retryAfterMs).toBe(120_000)
    expect((error as RateLimitError).message).toMatch(/rate limiting \/api\/limited \(HTTP 429\); retry in 120 s/)
    expect(server.counts.api).toBe(1)
  })

  it('retries 5xx for idempotent requests with bounded backoff, never for POST', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url), { retry: { maxRetries: 2, baseDelayMs: 10 } })
    server.flaky.remaining = 2
    expect(await auth.fetch('/api/flaky')).toMatchObject({ ok: true })
    expect(server.counts.api).toBe(3)
    server.flaky.remaining = 1
    await expect(auth.fetch('/api/flaky', { method: 'POST', body: {} })).rejects.toThrow(/503/)
    expect(server.counts.api).toBe(4)
    server.flaky.remaining = 5
    await expect(auth.fetch('/api/flaky')).rejects.toThrow(/503/)
    expect(server.counts.api).toBe(7)
    // A POST with an Idempotency-Key is safe to retry.
    server.flaky.remaining = 1
    expect(await auth.fetch('/api/flaky', { method: 'POST', body: {}, headers: { 'Idempotency-Key': 'order-1' } })).toMatchObject({ ok: true })
    expect(server.counts.api).toBe(9)
  })

  it('an AbortSignal cancels the request', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url))
    await auth.login()
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(auth.fetch('/api/data', { signal: controller.signal })).rejects.toThrow()
  })

  it('timeoutMs, when set, bounds strategy.fetch requests too', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url), { timeoutMs: 200 })
    await auth.login()
    const started = Date.now()
    await expect(auth.fetch('/api/slow')).rejects.toThrow(/abort|timeout/i)
    expect(Date.now() - started).toBeLessThan(1_400)
    // Without it, the same request simply takes its time.
    const patient = createSession(testFlow(server.url))
    expect(await patient.fetch('/api/slow')).toMatchObject({ ok: true })
  })

  it('getHeaders() returns the headers a request would carry', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url))
    const headers = await auth.getHeaders({ url: '/api/data' })
    expect(headers).toEqual({ authorization: `Bearer ${auth.accessToken}` })
  })
})
