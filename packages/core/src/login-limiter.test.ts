import { afterEach, describe, expect, it } from 'vitest'
import { InvalidCredentialsError, RateLimitError } from './errors'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe('client-side login limiter', () => {
  it('a wrong key cannot burn the login quota: attempts beyond the window never reach the server', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url, { apiKey: 'wrong-key-123' }), { loginLimit: { maxAttempts: 3, perMs: 60_000 } })
    const outcomes: unknown[] = []
    for (let i = 0; i < 6; i++) outcomes.push(await auth.login().catch((e: unknown) => e))
    expect(outcomes.slice(0, 3).every((e) => e instanceof InvalidCredentialsError)).toBe(true)
    expect(outcomes.slice(3).every((e) => e instanceof RateLimitError)).toBe(true)
    expect((outcomes[5] as RateLimitError).retryAfterMs).toBeGreaterThan(0)
    expect(server.counts.acquire).toBe(3)
  })

  it('a cooldown after rejected credentials answers from memory with a clear error', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url, { apiKey: 'wrong-key-123' }), { loginLimit: { cooldownAfterFailureMs: 300_000 } })
    await expect(auth.login()).rejects.toBeInstanceOf(InvalidCredentialsError)
    const second = await auth.login().catch((e: unknown) => e)
    expect(second).toBeInstanceOf(RateLimitError)
    expect((second as Error).message).toMatch(/not logging in again for 300 s/)
    expect(server.counts.acquire).toBe(1)
  })
})
