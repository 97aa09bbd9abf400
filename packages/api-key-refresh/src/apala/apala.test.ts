import { inspect } from 'node:util'
import { InvalidCredentialsError, MemoryTokenStore, RateLimitError } from '@authmux/core'
import { startApalaEmulator, type ApalaEmulator } from '@authmux/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS, createApalaAuth, type ApalaAuthOptions } from '../index'
import { recordingFetch } from '../test/recording-fetch'

const START = Date.UTC(2026, 0, 15, 12, 0, 0)
const LIFETIME_S = 600
let emu: ApalaEmulator
const open: Array<{ dispose(): void }> = []

beforeAll(async () => {
  emu = await startApalaEmulator({ startMs: START, accessSeconds: LIFETIME_S })
})
afterAll(async () => {
  await emu?.close()
})
afterEach(() => {
  for (const auth of open.splice(0)) auth.dispose()
  emu.faults.clear()
  emu.stats.reset()
  vi.unstubAllEnvs()
})

/** An Apala strategy on the emulator's virtual clock, fast retries, no background timer. */
function apala(options: ApalaAuthOptions = {}) {
  const auth = createApalaAuth({
    apiKey: emu.credentials.apiKey,
    baseURL: emu.url,
    now: () => emu.clock.now(),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    backgroundRefresh: false,
    ...options,
  })
  open.push(auth)
  return auth
}

const optimize = (auth: ReturnType<typeof apala>) =>
  auth.fetch<{ message_id: string }>('/api/message_optimizer', { method: 'POST', body: { message: { content: 'Hi', channel: 'SMS' } } })

describe('token exchange', () => {
  it('POSTs exactly {api_key} with no Authorization header, then sends Bearer <access_token>', async () => {
    const { fetch, sent } = recordingFetch()
    const auth = apala({ fetch })
    const result = await optimize(auth)
    expect(result.message_id).toEqual(expect.any(String))
    const [exchange, call] = sent
    expect(exchange!.path).toBe('/api/auth/token')
    expect(JSON.parse(exchange!.body!)).toEqual({ api_key: emu.credentials.apiKey })
    expect(exchange!.headers.has('authorization')).toBe(false)
    expect(call!.headers.get('authorization')).toBe(`Bearer ${auth.accessToken}`)
    expect(emu.stats.get().logins).toBe(1)
  })

  it('exposes company id/name as session info (meta), not as secrets', async () => {
    const auth = apala()
    expect(auth.company).toBeUndefined()
    await auth.login()
    expect(auth.company).toEqual({ id: emu.credentials.companyId, name: emu.credentials.companyName })
    expect(auth.meta).toMatchObject({ companyId: emu.credentials.companyId, companyName: emu.credentials.companyName })
    expect(inspect(auth.meta)).toContain(emu.credentials.companyName)
  })

  it('expiresAt is the local expiry from expires_in', async () => {
    const auth = apala()
    expect(auth.expiresAt).toBeUndefined()
    await auth.login()
    expect(auth.expiresAt).toBe(emu.clock.now() + LIFETIME_S * 1000)
  })
})

describe('refresh', () => {
  it('refreshes 60 s before expiry via /api/auth/refresh {refresh_token}, keeping the same refresh token', async () => {
    const { fetch, sent } = recordingFetch()
    const store = new MemoryTokenStore()
    const auth = apala({ fetch, store })
    await auth.login()
    const { refreshToken } = (await store.get(await auth.storeKey()))!
    const firstAccess = auth.accessToken

    emu.clock.advance((LIFETIME_S - 61) * 1000)
    await optimize(auth)
    expect(emu.stats.get().refreshes).toBe(0)

    emu.clock.advance(2_000) // 59 s before expiry: inside the window
    await optimize(auth)
    await vi.waitFor(() => expect(emu.stats.get().refreshes).toBe(1))
    await vi.waitFor(() => expect(auth.accessToken).not.toBe(firstAccess))

    emu.clock.advance((LIFETIME_S - 30) * 1000) // the renewed token is close to expiry too
    await optimize(auth)
    await vi.waitFor(() => expect(emu.stats.get().refreshes).toBe(2))

    const refreshes = sent.filter((s) => s.path === '/api/auth/refresh')
    for (const r of refreshes) {
      expect(JSON.parse(r.body!)).toEqual({ refresh_token: refreshToken })
      expect(r.headers.has('authorization')).toBe(false)
    }
    expect((await store.get(await auth.storeKey()))!.refreshToken).toBe(refreshToken)
    expect(emu.stats.get().logins).toBe(1)
    expect(emu.stats.get().unauthorized).toBe(0)
  })

  it('refresh() refreshes on demand and moves expiresAt', async () => {
    const auth = apala()
    await auth.login()
    const before = { token: auth.accessToken, expiresAt: auth.expiresAt! }
    emu.clock.advance(10_000)
    await auth.refresh()
    expect(emu.stats.get()).toMatchObject({ logins: 1, refreshes: 1 })
    expect(auth.accessToken).not.toBe(before.token)
    expect(auth.expiresAt).toBe(before.expiresAt + 10_000)
    expect(auth.company?.id).toBe(emu.credentials.companyId)
  })

  it('re-exchanges the API key when the refresh token is refused', async () => {
    const auth = apala()
    await auth.login()
    emu.faults.inject({ path: '/api/auth/refresh', fault: 401 })
    await auth.refresh()
    expect(emu.stats.get()).toMatchObject({ logins: 2, refreshes: 1 })
    await expect(optimize(auth)).resolves.toMatchObject({ message_id: expect.any(String) })
  })

  it('re-exchanges when the refresh endpoint keeps failing after the token expired', async () => {
    const auth = apala()
    await auth.login()
    emu.clock.advance((LIFETIME_S + 5) * 1000)
    emu.faults.inject({ path: '/api/auth/refresh', fault: 503, times: 3 })
    await expect(optimize(auth)).resolves.toMatchObject({ message_id: expect.any(String) })
    expect(emu.stats.get()).toMatchObject({ logins: 2, refreshes: 3 })
  })

  it('recovers transparently when the server revokes every token (401 → refresh refused → exchange → replay)', async () => {
    const auth = apala()
    await optimize(auth)
    emu.revokeAllTokens()
    await expect(optimize(auth)).resolves.toMatchObject({ message_id: expect.any(String) })
    expect(emu.stats.get()).toMatchObject({ logins: 2, refreshes: 1 })
  })
})

describe('failures', () => {
  it('401 (invalid key) and 403 (no permission) are never retried', async () => {
    const bad = apala({ apiKey: 'bm90LWEtcmVhbC1rZXktYXQtYWxsLWp1c3QtdGVzdA==' })
    const invalid = await bad.login().catch((e: unknown) => e)
    expect(invalid).toBeInstanceOf(InvalidCredentialsError)
    expect((invalid as InvalidCredentialsError).status).toBe(401)
    expect(emu.stats.get().logins).toBe(1)

    const denied = await apala({ apiKey: emu.credentials.noPermissionApiKey })
      .login()
      .catch((e: unknown) => e)
    expect(denied).toBeInstanceOf(InvalidCredentialsError)
    expect((denied as InvalidCredentialsError).status).toBe(403)
    expect(emu.stats.get().logins).toBe(2)
  })

  it('5xx and dropped connections on the exchange are retried with backoff', async () => {
    emu.faults.inject({ path: '/api/auth/token', fault: 503 })
    emu.faults.inject({ path: '/api/auth/token', fault: 'reset' })
    const auth = apala()
    await auth.login()
    expect(auth.company?.id).toBe(emu.credentials.companyId)
    expect(emu.stats.get().logins).toBe(3)
  })

  it('after a rejected key, waits 5 minutes (default) before the next exchange, with a clear error', async () => {
    expect(APALA_DEFAULT_COOLDOWN_AFTER_FAILURE_MS).toBe(300_000)
    const auth = apala({ apiKey: emu.credentials.noPermissionApiKey })
    await expect(auth.login()).rejects.toBeInstanceOf(InvalidCredentialsError)
    const blocked = await optimize(auth).catch((e: unknown) => e)
    expect(blocked).toBeInstanceOf(RateLimitError)
    expect((blocked as Error).message).toMatch(/^@authmux\/api-key-refresh: not logging in again for 300 s: the last attempt was rejected/)
    expect((blocked as RateLimitError).retryAfterMs).toBe(300_000)
    expect(emu.stats.get().logins).toBe(1)

    emu.clock.advance(299_000)
    await expect(auth.login()).rejects.toBeInstanceOf(RateLimitError)
    expect(emu.stats.get().logins).toBe(1)
    emu.clock.advance(1_000)
    await expect(auth.login()).rejects.toBeInstanceOf(InvalidCredentialsError)
    expect(emu.stats.get().logins).toBe(2)
  })

  it('the cooldown is configurable through loginLimit.cooldownAfterFailureMs', async () => {
    const auth = apala({ apiKey: emu.credentials.noPermissionApiKey, loginLimit: { cooldownAfterFailureMs: 10_000 } })
    await expect(auth.login()).rejects.toBeInstanceOf(InvalidCredentialsError)
    await expect(auth.login()).rejects.toThrow(/not logging in again for 10 s/)
    emu.clock.advance(10_000)
    await expect(auth.login()).rejects.toBeInstanceOf(InvalidCredentialsError)
    expect(emu.stats.get().logins).toBe(2)
  })
})

describe('secrets', () => {
  // The emulator never echoes a secret, so this pins what the strategy itself shows (inspect, JSON, events, logs),
  // not redaction: the canaries in a provider's echoing error bodies are in hostile-typed.test.ts.
  it('keeps the canary key and live tokens out of the strategy, its errors, events, logs, inspect and JSON', async () => {
    const canary = 'Q0FOQVJZLWFwYWxhLWtleS1kby1ub3QtbGVhaw=='
    const events: unknown[] = []
    const logs: unknown[] = []
    const logger = { debug: (...a: unknown[]) => logs.push(a), info: (...a: unknown[]) => logs.push(a), warn: (...a: unknown[]) => logs.push(a) }
    const bad = apala({ apiKey: canary, logger })
    for (const name of ['login', 'refresh', 'logout', 'error'] as const) bad.on(name, (e) => events.push(e))
    const error = await optimize(bad).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidCredentialsError)

    const store = new MemoryTokenStore()
    const good = apala({ logger, store })
    for (const name of ['login', 'refresh', 'logout', 'error'] as const) good.on(name, (e) => events.push(e))
    await optimize(good)
    emu.faults.inject({ path: '/api/auth/refresh', fault: 401 })
    await good.refresh()
    const tokens = (await store.get(await good.storeKey()))!
    const surfaces = [
      (error as Error).message,
      (error as Error).stack,
      JSON.stringify(error),
      inspect(error, { depth: 5 }),
      JSON.stringify(bad),
      inspect(bad, { depth: 5 }),
      JSON.stringify(good),
      inspect(good, { depth: 5 }),
      JSON.stringify(good.meta),
      inspect(events, { depth: 5 }),
      JSON.stringify(logs),
    ].join('\n')
    for (const secret of [canary, emu.credentials.apiKey, tokens.accessToken, tokens.refreshToken!]) {
      expect(surfaces).not.toContain(secret)
    }
  })
})
