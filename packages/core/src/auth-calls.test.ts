import { afterEach, describe, expect, it } from 'vitest'
import { InvalidCredentialsError, ProviderError, TokenExpiredError } from './errors'
import { MemoryTokenStore } from './memory-store'
import { createSession } from './session'
import { CANARY_API_KEY } from './testing/canaries'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe('auth calls', () => {
  it('a 5xx the flow maps to a rejection is not retried (no wasted login attempts)', async () => {
    server = await startTokenServer()
    const auth = createSession(
      testFlow(server.url, {
        apiKey: 'answers-500',
        toError: ({ status, data }) =>
          status === 500 && (data as { error?: string }).error === 'Invalid email or password'
            ? new InvalidCredentialsError('@authmux/core-test: wrong password', { status })
            : undefined,
      }),
      { retry: { maxRetries: 3, baseDelayMs: 1 } },
    )
    await expect(auth.login()).rejects.toBeInstanceOf(InvalidCredentialsError)
    expect(server.counts.acquire).toBe(1)
  })

  it('any other 5xx on an auth call is retried with backoff', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url, { apiKey: 'flaky-500', toError: () => undefined }), { retry: { maxRetries: 2, baseDelayMs: 1 } })
    await auth.login()
    expect(server.counts.acquire).toBe(2)
    expect(auth.status().state).toBe('valid')
  })

  it('a provider code carrying a secret is redacted like the message', async () => {
    server = await startTokenServer()
    const auth = createSession(
      testFlow(server.url, {
        apiKey: CANARY_API_KEY,
        toError: ({ status, data }) =>
          new ProviderError(`@authmux/core-test: ${JSON.stringify(data)}`, { status, providerCode: String((data as { error: string }).error) }),
      }),
    )
    const error = (await auth.login().catch((e: unknown) => e)) as ProviderError
    expect(error).toBeInstanceOf(ProviderError)
    expect(String(error.providerCode)).toContain('[REDACTED]')
    expect(JSON.stringify(error)).not.toContain(CANARY_API_KEY)
  })

  it("without credentials the signed-out error carries the flow's login hint", async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url, { canAcquire: false, loginHint: 'Run `authmux login testprov` first.' }))
    const error = await auth.fetch('/api/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as Error).message).toMatch(/no testprov session .* Run `authmux login testprov` first\./)
    expect(server.counts.acquire + server.counts.api).toBe(0)
  })

  it('the refresh event fires after the new token is current', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url))
    await auth.login()
    const before = auth.accessToken
    const seen: Array<string | undefined> = []
    auth.on('refresh', () => seen.push(auth.accessToken))
    await auth.refresh()
    expect(seen).toEqual([auth.accessToken])
    expect(seen[0]).not.toBe(before)
  })

  it('session.request() makes an unauthenticated, origin-checked, typed call', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url))
    const res = await auth.request({ url: '/landing', method: 'GET' })
    expect(res.data).toEqual({ landed: true })
    expect(server.landingHeaders[0]!.authorization).toBeUndefined()
    expect(server.counts.acquire).toBe(0)
    await expect(auth.request({ url: 'https://example.com/x' })).rejects.toThrow(/refused/)
  })

  it("a second 401 goes through the flow's error mapping", async () => {
    server = await startTokenServer()
    const auth = createSession(
      testFlow(server.url, {
        toError: ({ status, data }) =>
          status === 401 ? new TokenExpiredError('@authmux/core-test: mapped', { status, providerCode: String((data as { error: string }).error) }) : undefined,
      }),
    )
    await auth.login()
    server.reject401(5)
    const error = (await auth.fetch('/api/data').catch((e: unknown) => e)) as TokenExpiredError
    expect(error.message).toBe('@authmux/core-test: mapped')
    expect(error.providerCode).toBe('unauthorized')
    expect(server.counts.api).toBe(2)
  })

  it('logout() in a fresh process revokes the stored session at the provider and deletes it', async () => {
    server = await startTokenServer()
    const store = new MemoryTokenStore()
    const revoked: string[] = []
    const flow = testFlow(server.url, {
      revoke: async (tokens) => {
        revoked.push(tokens.accessToken)
      },
    })
    const first = createSession(flow, { store })
    await first.login()
    const token = first.accessToken!
    const fresh = createSession(flow, { store })
    await fresh.logout()
    expect(revoked).toEqual([token])
    expect(await store.get(await fresh.storeKey())).toBeUndefined()
    expect(fresh.status().state).toBe('signed-out')
  })
})
