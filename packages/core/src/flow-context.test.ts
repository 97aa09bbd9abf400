import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { InvalidCredentialsError, NetworkError, ProviderError, RateLimitError, ResponseShapeError } from './errors'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe('auth calls through ctx.request()', () => {
  it('a body that fails its schema is a ResponseShapeError naming the field', async () => {
    server = await startTokenServer()
    const auth = createSession(
      testFlow(server.url, {
        async acquire(ctx) {
          await ctx.request({ url: '/auth/token', json: { apiKey: 'the-right-key' }, schema: z.object({ access_token: z.number() }) })
          return { accessToken: 'never' }
        },
      }),
    )
    const error = (await auth.login().catch((e: unknown) => e)) as ResponseShapeError
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect(error.field).toBe('access_token')
    expect(error.message).toMatch(/field "access_token"/)
    expect(error.message).not.toContain('CANARYTOK')
  })

  it('an unreachable provider is a NetworkError with code NETWORK_ERROR naming the system error', async () => {
    server = await startTokenServer()
    const url = server.url
    await server.close()
    const auth = createSession(testFlow(url), { retry: { maxRetries: 1, baseDelayMs: 1 } })
    const error = (await auth.login().catch((e: unknown) => e)) as NetworkError
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.code).toBe('NETWORK_ERROR')
    expect(error.message).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+\/auth\/token/)
    expect(error.message).toContain('ECONNREFUSED')
    server = await startTokenServer()
  })

  it('acceptStatus hands a non-2xx answer to the flow; cookies are sent as one header', async () => {
    server = await startTokenServer()
    const seen: Array<{ status: number; data: unknown }> = []
    const auth = createSession(
      testFlow(server.url, {
        async acquire(ctx) {
          const res = await ctx.request({ url: '/api/data', method: 'GET', acceptStatus: [401], cookies: { a: '1', b: undefined }, headers: { cookie: 'c=3' } })
          seen.push({ status: res.status, data: res.data })
          return { accessToken: 'opaque-token', expiresAt: ctx.expiry({ expiresInSeconds: 60 }) }
        },
      }),
    )
    await auth.login()
    expect(seen).toEqual([{ status: 401, data: { error: 'unauthorized' } }])
    expect(auth.expiresAt).toBeGreaterThan(Date.now() + 50_000)
  })

  it('default mapping: 401/403 → InvalidCredentialsError, 429 → RateLimitError, others → ProviderError', async () => {
    server = await startTokenServer()
    const call = (url: string, retry = true) =>
      createSession(
        testFlow(server.url, {
          async acquire(ctx) {
            await ctx.request({ url, method: 'GET', retry })
            return { accessToken: 'x' }
          },
        }),
        { maxRateLimitWaitMs: 0 },
      )
        .login()
        .catch((e: unknown) => e)
    expect(await call('/api/data')).toBeInstanceOf(InvalidCredentialsError)
    server.limited = { remaining: 1, retryAfterSeconds: 7 }
    const limited = (await call('/api/limited')) as RateLimitError
    expect(limited).toBeInstanceOf(RateLimitError)
    expect(limited.retryAfterMs).toBe(7_000)
    server.flaky.remaining = 1
    expect(await call('/api/flaky', false)).toBeInstanceOf(ProviderError)
    expect(await call('https://elsewhere.example/x')).toMatchObject({ code: 'CONFIG' })
  })
})
