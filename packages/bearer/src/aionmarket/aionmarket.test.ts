import { inspect } from 'node:util'
import { ConfigError, ProviderError, RateLimitError, ResponseShapeError } from '@authmux/core'
import { startAionMarketEmulator, type AionMarketEmulator } from '@authmux/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { AIONMARKET_DEFAULT_BASE_URL, createAionMarketAuth, KeyRejectedError, STORE_KEY_NOTICE } from '../index'

let emu: AionMarketEmulator

beforeAll(async () => {
  emu = await startAionMarketEmulator()
})
afterAll(async () => {
  await emu?.close()
})
afterEach(() => {
  vi.unstubAllEnvs()
  emu.faults.clear()
})

function recordingFetch() {
  const sent: Array<{ url: string; method: string; headers: Headers }> = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent.push({ url: String(input instanceof Request ? input.url : input), method: init?.method ?? 'GET', headers: new Headers(init?.headers) })
    return globalThis.fetch(input, init)
  }
  return { fetch, sent }
}

describe('createAionMarketAuth — configuration', () => {
  it('reads the key from AIONMARKET_API_KEY and the base from AIONMARKET_BASE_URL', async () => {
    vi.stubEnv('AIONMARKET_API_KEY', emu.credentials.apiKey)
    vi.stubEnv('AIONMARKET_BASE_URL', emu.url)
    const auth = createAionMarketAuth()
    expect(auth.baseURL).toBe(emu.url)
    expect((await auth.me()).agentId).toBe(emu.credentials.agentId)
  })

  it('options win over the environment, and the default base is the production API', () => {
    vi.stubEnv('AIONMARKET_BASE_URL', 'https://env.example.com/bvapi')
    expect(createAionMarketAuth({ apiKey: 'k-1', baseURL: emu.url }).baseURL).toBe(emu.url)
    vi.stubEnv('AIONMARKET_BASE_URL', '')
    expect(createAionMarketAuth({ apiKey: 'k-1' }).baseURL).toBe(AIONMARKET_DEFAULT_BASE_URL)
    expect(AIONMARKET_DEFAULT_BASE_URL).toBe('https://api.aionmarket.com/bvapi')
  })

  it('without a key, authenticated calls fail with a ConfigError naming the option and the env var (no request sent)', async () => {
    vi.stubEnv('AIONMARKET_API_KEY', '')
    const before = emu.stats.get().requests
    const auth = createAionMarketAuth({ baseURL: emu.url })
    const error = await auth.me().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(/^@authmux\/bearer: apiKey is missing .*AIONMARKET_API_KEY/)
    expect(emu.stats.get().requests).toBe(before)
  })
})

describe('management helpers', () => {
  it('registerAgent is public: no key needed or sent, returns the key once with a notice to store it', async () => {
    vi.stubEnv('AIONMARKET_API_KEY', '')
    const { fetch, sent } = recordingFetch()
    const auth = createAionMarketAuth({ baseURL: emu.url, fetch })
    const agent = await auth.registerAgent({ name: 'authmux-bot', description: 'integration test agent' })
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers.has('authorization')).toBe(false)
    expect(agent.agentName).toBe('authmux-bot')
    expect(agent.apiKey).toMatch(/^[A-Za-z0-9]{64}$/)
    expect(agent.notice).toBe(STORE_KEY_NOTICE)
    expect(agent.notice).toMatch(/only once/)
    expect(agent.simulationBalance).toBe(10000)
    // the returned key is live
    const me = await createAionMarketAuth({ apiKey: agent.apiKey, baseURL: emu.url }).me()
    expect(me).toMatchObject({ agentId: agent.agentId, name: 'authmux-bot', claimed: false })
  })

  it('registerAgent validates name (≤100) and description (≤500) before calling the API', async () => {
    const auth = createAionMarketAuth({ baseURL: emu.url })
    const before = emu.stats.get().requests
    await expect(auth.registerAgent({ name: 'x'.repeat(101) })).rejects.toThrow(/name is 101 characters long; AionMarket accepts at most 100/)
    await expect(auth.registerAgent({ name: '' })).rejects.toBeInstanceOf(ConfigError)
    await expect(auth.registerAgent({ name: 'ok', description: 'd'.repeat(501) })).rejects.toThrow(/description .* at most 500/)
    expect(emu.stats.get().requests).toBe(before)
    await expect(auth.registerAgent({ name: 'n'.repeat(100), description: 'd'.repeat(500) })).resolves.toMatchObject({ agentName: 'n'.repeat(100) })
  })

  it('createApiKey and listApiKeys: a new live key, listed by fingerprint and status, never by value', async () => {
    const agent = emu.addAgent({ name: 'key-maker' })
    const auth = createAionMarketAuth({ apiKey: agent.apiKey, baseURL: emu.url })
    const created = await auth.createApiKey('monitoring')
    expect(created.keyName).toBe('monitoring')
    expect(created.apiKey).not.toBe(agent.apiKey)
    expect(created.notice).toMatch(/only once/)
    expect((await createAionMarketAuth({ apiKey: created.apiKey, baseURL: emu.url }).me()).agentId).toBe(agent.agentId)

    emu.revokeKey(agent.apiKey)
    const listed = await createAionMarketAuth({ apiKey: created.apiKey, baseURL: emu.url }).listApiKeys()
    expect(listed.map((k) => [k.keyName, k.status])).toEqual([
      ['default', 'revoked'],
      ['monitoring', 'active'],
    ])
    expect(listed[1]).toMatchObject({ createdBy: 'user', createdAt: expect.any(Number), maskedKey: expect.stringContaining('*') })
    const text = JSON.stringify(listed)
    expect(text).not.toContain(created.apiKey)
    expect(text).not.toContain(agent.apiKey)
  })

  it('me() is the key status check: a revoked key is a typed "key invalid or revoked" error', async () => {
    const agent = emu.addAgent({ name: 'to-revoke' })
    const auth = createAionMarketAuth({ apiKey: agent.apiKey, baseURL: emu.url })
    await expect(auth.me()).resolves.toMatchObject({ agentId: agent.agentId })
    emu.revokeKey(agent.apiKey)
    const error = await auth.me().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeyRejectedError)
    expect((error as KeyRejectedError).status).toBe(401)
    expect((error as Error).message).toMatch(/^@authmux\/bearer: aionmarket answered 401 — the API key .* is invalid or revoked/)
  })

  it("the user's own fetch calls get the same typed errors as the helpers: ProviderError with AionMarket's code and message", async () => {
    const auth = createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url })
    emu.faults.inject({ path: '/markets', fault: { kind: 'status', status: 400, body: { code: 40012, msg: 'market is closed' } } })
    const own = await auth.fetch('/markets').catch((e: unknown) => e)
    expect(own).toBeInstanceOf(ProviderError)
    expect(own).toMatchObject({ status: 400, providerCode: 40012 })
    expect((own as Error).message).toBe('@authmux/bearer: AionMarket answered HTTP 400: market is closed.')
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'status', status: 400, body: { code: 40012, msg: 'market is closed' } } })
    const helper = await auth.me().catch((e: unknown) => e)
    expect(helper).toBeInstanceOf(ProviderError)
    expect((helper as Error).message).toBe((own as Error).message)
  })

  it('accepts wrapped { code, data } / { success, data } and bare bodies; rejects a wrong shape naming the field', async () => {
    const auth = createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url })
    const data = { agentId: 'wrapped-1', name: 'wrapped agent', claimed: true }
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'status', status: 200, body: { code: 200, msg: 'success', data } } })
    await expect(auth.me()).resolves.toMatchObject({ agentId: 'wrapped-1', name: 'wrapped agent', claimed: true })
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'status', status: 200, body: { success: true, data } } })
    await expect(auth.me()).resolves.toMatchObject({ agentId: 'wrapped-1' })
    await expect(auth.me()).resolves.toMatchObject({ agentId: emu.credentials.agentId })
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'status', status: 200, body: { success: false, error: 'agent disabled' } } })
    await expect(auth.me()).rejects.toThrow(ProviderError)
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'status', status: 200, body: { claimed: 'yes' } } })
    const shape = await auth.me().catch((e: unknown) => e)
    expect(shape).toBeInstanceOf(ResponseShapeError)
    expect((shape as ResponseShapeError).field).toBe('claimed')
  })
})

describe('request headers and rate limits', () => {
  it('sends the optional User-Agent and a fresh X-Request-ID on every request', async () => {
    const { fetch, sent } = recordingFetch()
    const auth = createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url, userAgent: 'my-bot/1.2', fetch })
    await auth.me()
    await auth.listApiKeys()
    expect(sent.map((s) => s.headers.get('user-agent'))).toEqual(['my-bot/1.2', 'my-bot/1.2'])
    const ids = sent.map((s) => s.headers.get('x-request-id'))
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/)
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/)
    expect(ids[0]).not.toBe(ids[1])
  })

  it('requestId can be turned off or supplied', async () => {
    const off = recordingFetch()
    await createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url, requestId: false, fetch: off.fetch }).me()
    expect(off.sent[0]!.headers.has('x-request-id')).toBe(false)
    expect(off.sent[0]!.headers.has('user-agent')).toBe(false)
    const own = recordingFetch()
    await createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url, requestId: () => 'req-42', fetch: own.fetch }).me()
    expect(own.sent[0]!.headers.get('x-request-id')).toBe('req-42')
  })

  it('a 429 waits Retry-After and then succeeds', async () => {
    const auth = createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url })
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'rate-limit', retryAfterSeconds: 1 } })
    const started = performance.now()
    await expect(auth.me()).resolves.toMatchObject({ agentId: emu.credentials.agentId })
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(
      emu.requests
        .list({ path: '/agents/me' })
        .slice(-2)
        .map((r) => r.status),
    ).toEqual([429, 200])
  })

  it('a Retry-After longer than maxRateLimitWaitMs is a RateLimitError carrying the wait', async () => {
    const auth = createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url, maxRateLimitWaitMs: 500 })
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'rate-limit', retryAfterSeconds: 30 } })
    const error = await auth.me().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({ provider: 'aionmarket', status: 429, retryAfterMs: 30_000 })
    expect((error as Error).message).toMatch(/^@authmux\/bearer: aionmarket is rate limiting \/bvapi\/agents\/me \(HTTP 429\); retry in 30 s/)
  })
})

describe('secrets', () => {
  it('keeps a canary key out of errors, events, logs, inspect and JSON', async () => {
    const canary = 'CANARYaionmarketKEY0123456789abcdefABCDEF0123456789abcdefABCDEF'
    const events: unknown[] = []
    const logs: unknown[] = []
    const logger = { debug: (...a: unknown[]) => logs.push(a), info: (...a: unknown[]) => logs.push(a), warn: (...a: unknown[]) => logs.push(a) }
    const auth = createAionMarketAuth({ apiKey: canary, baseURL: emu.url, logger })
    for (const name of ['login', 'refresh', 'logout', 'error'] as const) auth.on(name, (e) => events.push(e))
    const errors = [
      await auth.me().catch((e: unknown) => e),
      await auth.listApiKeys().catch((e: unknown) => e),
      await auth.createApiKey('x').catch((e: unknown) => e),
    ]
    for (const error of errors) expect(error).toBeInstanceOf(KeyRejectedError)
    const surfaces = [
      ...errors.flatMap((e) => [(e as Error).message, (e as Error).stack, JSON.stringify(e), inspect(e, { depth: 5 })]),
      JSON.stringify(auth),
      inspect(auth, { depth: 5 }),
      inspect(events, { depth: 5 }),
      JSON.stringify(logs),
    ]
    for (const text of surfaces) expect(text).not.toContain(canary)
  })
})
