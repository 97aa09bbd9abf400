import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { SkewTracker } from './expiry'
import { retryAfterMs, send, sleep } from './transport'

describe('transport', () => {
  it('reads Retry-After as seconds or an HTTP date, and X-RateLimit-Reset as epoch seconds or a delta', () => {
    const now = Date.parse('2026-11-22T12:00:00Z')
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3_000)
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 22 Nov 2026 12:00:10 GMT' }), now)).toBe(10_000)
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 30) }), now)).toBe(30_000)
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '15' }), now)).toBe(15_000)
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined()
    expect(retryAfterMs(new Headers(), now)).toBeUndefined()
  })

  it('retries network errors for retryable requests only, then gives up', async () => {
    // A port that refuses connections: bind, note the port, close.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as { port: number }).port
    await new Promise((resolve) => probe.close(resolve))
    let calls = 0
    const options = {
      fetch: ((input: URL, init?: RequestInit) => {
        calls++
        return fetch(input, init)
      }) as typeof fetch,
      timeoutMs: 2_000,
      label: { provider: 'test', packageName: '@authmux/core' },
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 },
      maxRateLimitWaitMs: 1_000,
      skew: new SkewTracker(),
      now: Date.now,
    }
    const url = new URL(`http://127.0.0.1:${port}/x`)
    await expect(send(url, {}, true, options)).rejects.toThrow()
    expect(calls).toBe(3)
    calls = 0
    await expect(send(url, { method: 'POST' }, false, options)).rejects.toThrow()
    expect(calls).toBe(1)
  })

  it('sleep() rejects when its signal aborts', async () => {
    const controller = new AbortController()
    const pending = sleep(10_000, controller.signal)
    controller.abort(new Error('stopped'))
    await expect(pending).rejects.toThrow('stopped')
    await expect(sleep(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already')
  })
})
