import { inspect } from 'node:util'
import { ConfigError, fingerprint, MemoryTokenStore, ProviderError, RateLimitError, ResponseShapeError, TokenExpiredError } from '@authmux/core'
import { renderError, startAionMarketEmulator, type AionMarketEmulator } from '@authmux/testkit'
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
  it('env: reads a map of its own instead of the process environment, or none with env: false', async () => {
    vi.stubEnv('AIONMARKET_API_KEY', 'k-from-the-process-environment')
    vi.stubEnv('AIONMARKET_BASE_URL', 'https://process.example.com/bvapi')
    const own = createAionMarketAuth({ env: { AIONMARKET_API_KEY: ` ${emu.credentials.apiKey}\n`, AIONMARKET_BASE_URL: emu.url } })
    expect(own.baseURL).toBe(emu.url)
    expect((await own.me()).agentId).toBe(emu.credentials.agentId)
    const none = createAionMarketAuth({ env: false })
    expect(none.baseURL).toBe(AIONMARKET_DEFAULT_BASE_URL)
    const error = await none.me().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(/apiKey is missing — pass \{ apiKey \}/)
  })

  it('the default store key names the key by its fingerprint, never the key', async () => {
    const auth = createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url })
    expect(await auth.storeKey()).toBe(`aionmarket:${await fingerprint(emu.credentials.apiKey)}`)
  })

  it('session-only mode: no key and an explicit storeKey send the stored key, and never log in without one', async () => {
    vi.stubEnv('AIONMARKET_API_KEY', '')
    const store = new MemoryTokenStore()
    const before = emu.stats.get().requests
    const empty = createAionMarketAuth({ baseURL: emu.url, store, storeKey: 'aionmarket:bot' })
    const error = await empty.me().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as Error).message).toMatch(/^@authmux\/bearer: no aionmarket session .*AIONMARKET_API_KEY.*--save-key/)
    expect(emu.stats.get().requests).toBe(before)
    await store.set('aionmarket:bot', { accessToken: emu.credentials.apiKey })
    const stored = createAionMarketAuth({ baseURL: emu.url, store, storeKey: 'aionmarket:bot' })
    expect((await stored.me()).agentId).toBe(emu.credentials.agentId)
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

  it('a 429 waits Retry-After (2 s) before sending again, then succeeds', async () => {
    // The wait is observed, not timed: the engine's 2 s timer runs at once, and what had been sent when it fired is
    // recorded (no other timer in the process asks for exactly 2000 ms).
    const sent = () => emu.requests.list({ path: '/agents/me' }).map((r) => r.status)
    const before = sent().length
    const waits: number[][] = []
    const realSetTimeout = globalThis.setTimeout
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      if (ms !== 2000) return realSetTimeout(fn, ms, ...args)
      return realSetTimeout(() => {
        waits.push(sent().slice(before))
        fn(...args)
      }, 0)
    }) as typeof setTimeout)
    try {
      const auth = createAionMarketAuth({ apiKey: emu.credentials.apiKey, baseURL: emu.url })
      emu.faults.inject({ path: '/agents/me', fault: { kind: 'rate-limit', retryAfterSeconds: 2 } })
      await expect(auth.me()).resolves.toMatchObject({ agentId: emu.credentials.agentId })
    } finally {
      spy.mockRestore()
    }
    // One wait of Retry-After, which ended with only the 429 sent; the retry went out after it.
    expect(waits).toEqual([[429]])
    expect(sent().slice(before)).toEqual([429, 200])
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
  const canary = 'CANARYaionmarketKEY0123456789abcdefABCDEF0123456789abcdefABCDEF'

  it('keeps a canary key out of errors, events, logs, inspect and JSON when AionMarket echoes it back', async () => {
    const events: unknown[] = []
    const logs: unknown[] = []
    const logger = { debug: (...a: unknown[]) => logs.push(a), info: (...a: unknown[]) => logs.push(a), warn: (...a: unknown[]) => logs.push(a) }
    const auth = createAionMarketAuth({ apiKey: canary, baseURL: emu.url, logger })
    for (const name of ['login', 'refresh', 'logout', 'error'] as const) auth.on(name, (e) => events.push(e))
    // Where the key really surfaces: AionMarket quoting it in its message — as an HTTP error (the engine redacts what
    // the flow's toError returns) and wrapped in a 2xx answer (the helper hides the key the call carried).
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'status', status: 400, body: { code: 40012, msg: `key ${canary} may not call this` } } })
    emu.faults.inject({ path: '/agents/api-key/list', fault: { kind: 'status', status: 200, body: { code: 40013, msg: `key ${canary} is frozen` } } })
    const answered = await auth.me().catch((e: unknown) => e)
    const wrapped = await auth.listApiKeys().catch((e: unknown) => e)
    const rejected = await auth.createApiKey('x').catch((e: unknown) => e)
    expect(answered).toMatchObject({ name: 'ProviderError', status: 400, providerCode: 40012 })
    expect((answered as Error).message).toContain('key [REDACTED] may not call this')
    expect(wrapped).toMatchObject({ name: 'ProviderError', providerCode: 40013 })
    expect((wrapped as Error).message).toContain('key [REDACTED] is frozen')
    expect(rejected).toBeInstanceOf(KeyRejectedError)
    expect(emu.requests.list({ path: '/agents/me' }).at(-1)!.credential).toBe('bearer')
    const surfaces = [
      ...[answered, wrapped, rejected].map((error) => renderError(error)),
      JSON.stringify(auth),
      inspect(auth, { depth: 5 }),
      inspect(events, { depth: 5 }),
      JSON.stringify(logs),
    ]
    for (const text of surfaces) expect(text).not.toContain(canary)
  })

  it('a long provider message is cut at a word boundary, never inside the key', async () => {
    const auth = createAionMarketAuth({ apiKey: canary, baseURL: emu.url })
    const msg = `${'x'.repeat(170)} key ${canary} refused`
    emu.faults.inject({ path: '/agents/me', fault: { kind: 'status', status: 200, body: { code: 40014, msg } } })
    const error = await auth.me().catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/x key …\.$/)
    expect(renderError(error)).not.toContain(canary.slice(0, 16))
  })
})
