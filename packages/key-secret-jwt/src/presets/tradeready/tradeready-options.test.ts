import { inspect } from 'node:util'
import { ConfigError, MemoryTokenStore, ProviderError, type Session, TokenExpiredError } from '@authmux/core'
import { startTradeReadyEmulator, type TradeReadyEmulator } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectNoSecrets, rejectionOf, thrownBy } from '../../test-support'
import { createTradeReadyAuth, type TradeReadyAuth, type TradeReadyAuthOptions } from './auth'
import { tradeReadyFields, tradeReadyFlow } from './flow'

// TradeReady's options, environment variables, session-only mode and account registration.

let emu: TradeReadyEmulator
const sessions: Session[] = []

beforeEach(async () => {
  emu = await startTradeReadyEmulator({ startMs: Date.UTC(2026, 2, 1, 12) })
})
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose()
  vi.unstubAllEnvs()
  await emu.close()
})

/** The fields of the emulator's answers these tests read. */
interface Reply {
  authenticatedWith?: string
  agent_id?: string
  total?: number
}

function auth(options: TradeReadyAuthOptions = {}): TradeReadyAuth {
  const strategy = createTradeReadyAuth({
    apiKey: emu.credentials.apiKey,
    apiSecret: emu.credentials.apiSecret,
    baseURL: emu.url,
    now: () => emu.clock.now(),
    retry: { maxRetries: 0 },
    env: false,
    ...options,
  })
  sessions.push(strategy)
  return strategy
}

describe('createTradeReadyAuth options', () => {
  it('register() creates an account and returns the secret once, hidden from JSON and inspect', async () => {
    const registration = await createTradeReadyAuth.register({
      baseURL: emu.url,
      displayName: 'bot-2',
      email: 'bot2@tradeready.test',
      password: 'correct-horse-9',
    })
    expect(registration.apiKey).toMatch(/^ak_live_/)
    expect(registration.apiSecret).toMatch(/^sk_live_/)
    expect(registration.message).toMatch(/Save your API secret now/)
    expectNoSecrets([registration], [registration.apiKey, registration.apiSecret, registration.agentApiKey!])
    expect(JSON.stringify(registration)).toContain(registration.accountId)
    expect(inspect(registration)).toContain('[redacted]')
    const strategy = auth({ apiKey: registration.apiKey, apiSecret: registration.apiSecret })
    expect((await strategy.fetch<Reply>('/agents')).total).toBe(1)

    const duplicate = await rejectionOf(createTradeReadyAuth.register({ baseURL: emu.url, email: 'bot2@tradeready.test', password: 'correct-horse-9' }))
    expect(duplicate).toBeInstanceOf(ProviderError)
    expect(duplicate).toMatchObject({ providerCode: 'DUPLICATE_ACCOUNT', status: 409 })
    expect(duplicate.message).toContain('userLogin')
    const invalid = await rejectionOf(createTradeReadyAuth.register({ baseURL: emu.url, email: 'not-an-email' }))
    expect(invalid).toMatchObject({ providerCode: 'VALIDATION_ERROR', status: 422 })
  })

  it('register() goes through the engine transport: never retried, the password redacted from errors', async () => {
    emu.faults.inject({ path: '/api/v1/auth/register', fault: { kind: 'status', status: 503 } })
    const unavailable = await rejectionOf(createTradeReadyAuth.register({ baseURL: emu.url, displayName: 'bot-3' }))
    expect(unavailable).toBeInstanceOf(ProviderError)
    expect(unavailable).toMatchObject({ status: 503 })
    expect(emu.requests.list({ path: '/api/v1/auth/register' })).toHaveLength(1)

    const password = 'CANARY-register-pw-81f2'
    const echoing: typeof fetch = async () =>
      new Response(JSON.stringify({ error: { code: 'VALIDATION_ERROR', message: `password ${password} is too common` } }), {
        status: 422,
        headers: { 'content-type': 'application/json' },
      })
    const echoed = await rejectionOf(createTradeReadyAuth.register({ baseURL: emu.url, email: 'x@tradeready.test', password, fetch: echoing }))
    expect(echoed).toMatchObject({ providerCode: 'VALIDATION_ERROR', status: 422 })
    expectNoSecrets([echoed], [password])
  })

  it('session-only: { storeKey, store } without credentials uses the stored JWT on every route, then logs out', async () => {
    vi.stubEnv('TRADEREADY_API_KEY', '')
    vi.stubEnv('TRADEREADY_API_SECRET', '')
    const store = new MemoryTokenStore()
    await auth({ store, storeKey: 'tradeready:bot' }).fetch('/agents')
    const stored = createTradeReadyAuth({ store, storeKey: 'tradeready:bot', baseURL: emu.url, now: () => emu.clock.now() })
    sessions.push(stored)
    expect((await stored.fetch<Reply>('/agents')).authenticatedWith).toBe('bearer')
    expect((await stored.fetch<Reply>('/account/info')).authenticatedWith).toBe('bearer')
    expect(emu.requests.list({ path: '/api/v1/account/info' })[0]!.headers['x-api-key']).toBeUndefined()
    expect(emu.stats.get().logins).toBe(1)

    await stored.logout()
    expect(await store.get('tradeready:bot')).toBeUndefined()
    const signedOut = await rejectionOf(stored.fetch('/agents'))
    expect(signedOut).toBeInstanceOf(TokenExpiredError)
    expect(signedOut.message).toContain('authmux login tradeready')
    expect(emu.stats.get().logins).toBe(1)
    expect(() => createTradeReadyAuth({ store, baseURL: emu.url })).toThrow(/apiKey is missing — pass \{ apiKey \} or set TRADEREADY_API_KEY.*storeKey/)
  })

  it('validates options with fix-it ConfigErrors (what happened, which option, the fix with its variable)', () => {
    const missing = thrownBy(() => createTradeReadyAuth({ baseURL: emu.url, env: {} }))
    expect(missing).toMatchObject({ field: 'apiKey' })
    expect(missing.message).toBe(
      '@authmux/key-secret-jwt: apiKey is missing — pass { apiKey } or set TRADEREADY_API_KEY. Create a key with createTradeReadyAuth.register() or in the TradeReady dashboard, or pass { storeKey } to use a stored session.',
    )
    const badAgent = thrownBy(() => auth({ agentId: 'agent-1\r\nX-Evil: 1' }))
    expect(badAgent).toBeInstanceOf(ConfigError)
    expect(badAgent).toMatchObject({ field: 'agentId' })
    expect(badAgent.message).toContain('agentId (or TRADEREADY_AGENT_ID) contains characters that cannot be sent in an HTTP header')
    expect(() => auth({ baseURL: 'http://tradeready.example/api/v1' })).toThrow(/plain http/)
    expect(thrownBy(() => auth({ baseURL: 'not a url' }))).toMatchObject({ name: 'ConfigError', field: 'baseURL' })
    expect(thrownBy(() => auth({ loginLimit: { maxAttempts: 6 } })).message).toContain("(the server's per-IP quota)")
  })

  it('reads TRADEREADY_API_KEY / TRADEREADY_API_SECRET / TRADEREADY_API_URL', async () => {
    const names = ['TRADEREADY_API_KEY', 'TRADEREADY_API_SECRET', 'TRADEREADY_API_URL'] as const
    const saved = names.map((n) => process.env[n])
    process.env.TRADEREADY_API_KEY = emu.credentials.apiKey
    process.env.TRADEREADY_API_SECRET = emu.credentials.apiSecret
    process.env.TRADEREADY_API_URL = emu.url
    try {
      const strategy = createTradeReadyAuth({ now: () => emu.clock.now() })
      sessions.push(strategy)
      expect(strategy.baseURL).toBe(emu.url)
      expect((await strategy.fetch<Reply>('/agents')).authenticatedWith).toBe('bearer')
    } finally {
      for (const [i, n] of names.entries()) {
        if (saved[i] === undefined) delete process.env[n]
        else process.env[n] = saved[i]
      }
    }
  })

  it('defaults to https://api.tradeready.io/api/v1', () => {
    const strategy = createTradeReadyAuth({ apiKey: 'ak_live_x', apiSecret: 'sk_live_x', env: false })
    sessions.push(strategy)
    expect(strategy.baseURL).toBe('https://api.tradeready.io/api/v1')
  })

  it('reads TRADEREADY_AGENT_ID (as the README does); blank counts as unset; agentId wins; env: false reads nothing', async () => {
    const { agentId } = emu.credentials
    const agentHeader = async (strategy: TradeReadyAuth) => (await strategy.getHeaders({ url: '/account/info' }))['x-agent-id']
    const fromEnv = auth({ env: { TRADEREADY_AGENT_ID: ` ${agentId} ` } })
    expect(await agentHeader(fromEnv)).toBe(agentId)
    expect((await fromEnv.fetch<Reply>('/account/info')).agent_id).toBe(agentId)
    expect(await agentHeader(auth({ env: { TRADEREADY_AGENT_ID: '  ' } }))).toBeUndefined()
    expect(await agentHeader(auth({ agentId: 'explicit-agent', env: { TRADEREADY_AGENT_ID: agentId } }))).toBe('explicit-agent')

    vi.stubEnv('TRADEREADY_AGENT_ID', agentId)
    expect(await agentHeader(auth({ env: undefined }))).toBe(agentId) // the default: the process environment
    expect(await agentHeader(auth())).toBeUndefined() // env: false
  })

  it('env: a given map is read instead of the process environment', async () => {
    vi.stubEnv('TRADEREADY_API_KEY', 'ak_live_from_process')
    const strategy = createTradeReadyAuth({
      env: {
        TRADEREADY_API_KEY: emu.credentials.apiKey,
        TRADEREADY_API_SECRET: emu.credentials.apiSecret,
        TRADEREADY_API_URL: emu.url,
      },
      now: () => emu.clock.now(),
    })
    sessions.push(strategy)
    expect(strategy.baseURL).toBe(emu.url)
    expect((await strategy.fetch<Reply>('/agents')).authenticatedWith).toBe('bearer')
    expect(emu.requests.list({ path: '/api/v1/auth/login' })).toHaveLength(1)
  })

  it('auth endpoints are /auth/login, /auth/user-login and /auth/register below the base path, nothing else', () => {
    const flow = tradeReadyFlow(tradeReadyFields({ baseURL: 'https://api.tradeready.io/api/v1' }))
    const isAuth = (path: string) => flow.isAuthEndpoint?.(new URL(`https://api.tradeready.io${path}`))
    expect(['/api/v1/auth/login', '/api/v1/auth/user-login', '/api/v1/AUTH/Register/'].map(isAuth)).toEqual([true, true, true])
    // the old whole-pathname regex took these for auth endpoints (a 401 there was then never renewed and replayed)
    expect(['/x/auth/login', '/api/v1/agents/auth/login', '/api/v1/battles/b1/auth/user-login'].map(isAuth)).toEqual([false, false, false])
    expect(isAuth('/api/v1/auth/logins')).toBe(false)
  })
})
