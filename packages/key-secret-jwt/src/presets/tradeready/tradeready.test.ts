import { ConfigError, InvalidCredentialsError, ProviderError, RateLimitError, type Session, TokenExpiredError } from '@authmux/core'
import { startTradeReadyEmulator, type TradeReadyEmulator } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { expectNoSecrets, recordEvents, rejectionOf, until } from '../../test-support'
import { createTradeReadyAuth, type TradeReadyAuth, type TradeReadyAuthOptions } from './auth'
import { tradeReadyError } from './errors'

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

const routeLog = () => emu.requests.list().map((r) => `${r.method} ${r.path} ${r.credential}`)

describe('createTradeReadyAuth', () => {
  it('sends a JWT to /agents and X-API-Key to /account/info, chosen per route', async () => {
    const strategy = auth()
    const agents = await strategy.fetch<Reply>('/agents')
    const info = await strategy.fetch<Reply>('/account/info')
    expect(agents.authenticatedWith).toBe('bearer')
    expect(info.authenticatedWith).toBe('x-api-key')
    expect(routeLog()).toEqual(['POST /api/v1/auth/login body', 'GET /api/v1/agents bearer', 'GET /api/v1/account/info x-api-key'])
    const [, agentsReq, infoReq] = emu.requests.list()
    expect(agentsReq!.headers['x-api-key']).toBeUndefined()
    expect(agentsReq!.headers.authorization).toMatch(/^Bearer /)
    expect(infoReq!.headers.authorization).toBeUndefined()
    expect(infoReq!.headers['x-api-key']).toBeDefined()
    expect(await strategy.getHeaders({ url: '/battles/42' })).toHaveProperty('authorization')
    expect(await strategy.getHeaders({ url: '/analytics/performance' })).toHaveProperty('x-api-key', emu.credentials.apiKey)
  })

  it('does not log in at all for X-API-Key routes', async () => {
    const strategy = auth()
    await strategy.fetch('/account/info')
    await strategy.fetch('/trade/order', { method: 'POST', body: { symbol: 'BTCUSDT', side: 'buy', type: 'market', quantity: '0.01' } })
    expect(emu.stats.get().logins).toBe(0)
  })

  it('sends X-Agent-Id when agentId is set, and only then', async () => {
    const withAgent = auth({ agentId: emu.credentials.agentId })
    const info = await withAgent.fetch<Reply>('/account/info')
    expect(info.agent_id).toBe(emu.credentials.agentId)
    await withAgent.fetch('/agents')
    const withoutAgent = auth()
    await withoutAgent.fetch('/account/info')
    const headers = emu.requests.list({ path: /account\/info|agents$/ }).map((r) => r.headers['x-agent-id'])
    expect(headers).toEqual([emu.credentials.agentId, emu.credentials.agentId, undefined])
  })

  it('reads expires_at (ISO) from the login response, not expires_in', async () => {
    const extraMs = 17 * 60_000
    let loginBody: { expires_at: string } | undefined
    const strategy = auth({
      // pass-through fetch that moves expires_at, to prove the field (not the JWT exp) is used
      fetch: async (input, init) => {
        const response = await fetch(input, init)
        if (!String(input).endsWith('/auth/login')) return response
        const body = (await response.json()) as { expires_at: string }
        body.expires_at = new Date(Date.parse(body.expires_at) + extraMs).toISOString()
        loginBody = body
        return new Response(JSON.stringify(body), { status: response.status, headers: response.headers })
      },
    })
    await strategy.login()
    expect(strategy.expiresAt).toBe(Date.parse(loginBody!.expires_at))
    expect(strategy.expiresAt! - emu.clock.now()).toBeGreaterThan(60 * 60_000)
  })

  it('userLogin({ email, password }) signs in at /auth/user-login and re-logins with it', async () => {
    const strategy = auth({ apiSecret: undefined })
    await expect(strategy.fetch('/agents')).rejects.toThrow(/no tradeready session and no credentials/)
    expect(emu.stats.get().logins).toBe(0)
    await strategy.userLogin({ email: emu.credentials.email!, password: emu.credentials.password! })
    expect((await strategy.fetch<Reply>('/agents')).authenticatedWith).toBe('bearer')
    emu.clock.advance(strategy.expiresAt! - emu.clock.now() - 5_000)
    await strategy.fetch('/agents')
    expect(emu.requests.list({ path: /\/auth\// }).map((r) => r.path)).toEqual(['/api/v1/auth/user-login', '/api/v1/auth/user-login'])
    await expect(strategy.userLogin({ email: '', password: 'x' })).rejects.toBeInstanceOf(ConfigError)
    await expect(strategy.userLogin({ email: emu.credentials.email!, password: 'wrong-password' })).rejects.toBeInstanceOf(InvalidCredentialsError)
    await strategy.setTokens({ accessToken: 'not-a-valid-jwt', expiresAt: emu.clock.now() + 3_600_000 })
    expect((await strategy.fetch<Reply>('/agents')).authenticatedWith).toBe('bearer') // re-login still uses the working password
  })

  it('maps the {error:{code,message}} envelope to typed errors, keeping providerCode', async () => {
    const wrongSecret = await rejectionOf(auth({ apiSecret: 'sk_live_wrong' }).login())
    expect(wrongSecret).toBeInstanceOf(InvalidCredentialsError)
    expect(wrongSecret).toMatchObject({ providerCode: 'INVALID_API_KEY', status: 401 })
    expect(JSON.parse(JSON.stringify(wrongSecret))).toMatchObject({ code: 'INVALID_CREDENTIALS', providerCode: 'INVALID_API_KEY' })

    const wrongKey = await rejectionOf(auth({ apiKey: 'ak_live_unknown' }).fetch('/account/info'))
    expect(wrongKey).toBeInstanceOf(InvalidCredentialsError)
    expect(wrongKey).toMatchObject({ providerCode: 'INVALID_API_KEY' })

    const other = emu.addAccount({ displayName: 'other' })
    const spoof = await rejectionOf(auth({ agentId: other.agentId }).fetch('/account/info'))
    expect(spoof).toBeInstanceOf(ProviderError)
    expect(spoof).toMatchObject({ providerCode: 'PERMISSION_DENIED', status: 403 })

    const validation = await rejectionOf(
      auth().fetch('/trade/order', { method: 'POST', body: { symbol: 'BTCUSDT', side: 'hold', type: 'market', quantity: 1 } }),
    )
    expect(validation).toMatchObject({ providerCode: 'VALIDATION_ERROR', status: 422 })

    emu.suspendAccount(emu.credentials.accountId)
    const suspended = await rejectionOf(auth().login())
    expect(suspended).toBeInstanceOf(ProviderError)
    expect(suspended).not.toBeInstanceOf(InvalidCredentialsError)
    expect(suspended).toMatchObject({ providerCode: 'ACCOUNT_SUSPENDED', status: 403 })
    expect(suspended.message).toMatch(/^@authmux\/key-secret-jwt: TradeReady login failed with ACCOUNT_SUSPENDED.*contact TradeReady support/)

    // ACCOUNT_NOT_FOUND (documented 404 on /auth/login) is the same typed error as INVALID_API_KEY
    const notFound = tradeReadyError({
      status: 404,
      headers: new Headers(),
      data: { error: { code: 'ACCOUNT_NOT_FOUND', message: 'Account not found.' } },
      during: 'auth',
    })
    expect(notFound).toBeInstanceOf(InvalidCredentialsError)
    expect(notFound).toMatchObject({ providerCode: 'ACCOUNT_NOT_FOUND', status: 404 })
    // INVALID_TOKEN on an ordinary request means the JWT was refused: a rejection the engine can renew from
    const invalidToken = tradeReadyError({
      status: 401,
      headers: new Headers(),
      data: { error: { code: 'INVALID_TOKEN', message: 'JWT token has expired.' } },
      during: 'request',
    })
    expect(invalidToken).toBeInstanceOf(TokenExpiredError)
    expect(invalidToken).toMatchObject({ providerCode: 'INVALID_TOKEN', status: 401 })
    expect(tradeReadyError({ status: 500, headers: new Headers(), data: 'oops', during: 'request' })).toBeUndefined()
  })

  it('renews and replays once when a JWT route answers 401 INVALID_TOKEN', async () => {
    const strategy = auth()
    await strategy.fetch('/agents')
    emu.revokeAllTokens()
    expect((await strategy.fetch<Reply>('/agents')).authenticatedWith).toBe('bearer')
    expect(emu.requests.list({ path: '/api/v1/agents' }).map((r) => r.status)).toEqual([200, 401, 200])
    expect(emu.stats.get().logins).toBe(2)
  })

  it('exposes the last X-RateLimit-* values as strategy.rateLimit', async () => {
    const strategy = auth()
    expect(strategy.rateLimit).toBeUndefined()
    await strategy.fetch('/account/info')
    await strategy.fetch('/account/info')
    const resetAt = strategy.rateLimit!.resetAt
    expect(strategy.rateLimit).toEqual({ limit: 600, remaining: 598, resetAt })
    expect(resetAt).toBeGreaterThan(emu.clock.now())
    expect(resetAt % 1000).toBe(0)
    await strategy.fetch('/trade/order', { method: 'POST', body: { symbol: 'BTCUSDT', side: 'buy', type: 'market', quantity: '0.01' } })
    expect(strategy.rateLimit).toMatchObject({ limit: 100, remaining: 99 })
  })

  it('waits out a 429 until Retry-After (not a moment less), and types a 429 it will not wait for', async () => {
    let answered429 = false
    const strategy = auth({
      fetch: async (input, init) => {
        const response = await fetch(input, init)
        if (response.status === 429) answered429 = true
        return response
      },
    })
    const infoStatuses = () => emu.requests.list({ path: '/api/v1/account/info' }).map((r) => r.status)
    emu.faults.inject({ path: '/api/v1/account/info', fault: { kind: 'rate-limit', retryAfterSeconds: 1 } })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const pending = strategy.fetch<Reply>('/account/info')
      await until(() => answered429 && vi.getTimerCount() > 0) // the wait is scheduled
      await vi.advanceTimersByTimeAsync(999)
      expect(infoStatuses()).toEqual([429])
      await vi.advanceTimersByTimeAsync(1)
      expect((await pending).authenticatedWith).toBe('x-api-key')
    } finally {
      vi.useRealTimers()
    }
    expect(infoStatuses()).toEqual([429, 200])

    emu.faults.inject({ path: '/api/v1/account/info', fault: { kind: 'rate-limit', retryAfterSeconds: 600 } })
    const error = await rejectionOf(strategy.fetch('/account/info'))
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({ providerCode: 'RATE_LIMIT_EXCEEDED', retryAfterMs: 600_000 })
  })

  it('never attempts a 5th or 6th login in a minute when the credentials are wrong (client limiter)', async () => {
    const strategy = auth({ apiSecret: 'sk_live_wrong_secret' })
    const errors: Error[] = []
    for (let i = 0; i < 6; i++) errors.push(await rejectionOf(strategy.login()))
    expect(errors.slice(0, 4).every((e) => e instanceof InvalidCredentialsError)).toBe(true)
    expect(errors.slice(4).every((e) => e instanceof RateLimitError)).toBe(true)
    expect(emu.stats.get()).toMatchObject({ logins: 4, rateLimited: 0 })
    emu.clock.advance(61_000)
    await rejectionOf(strategy.login())
    expect(emu.stats.get().logins).toBe(5)

    expect(() => auth({ loginLimit: { maxAttempts: 6 } })).toThrow(ConfigError)
    expect(() => auth({ loginLimit: { maxAttempts: 3, perMs: 20_000 } })).toThrow(/loginLimit allows more than 5/)
    expect(() => auth({ loginLimit: { maxAttempts: 5, perMs: 60_000 } })).not.toThrow()
  })

  it('rotates the JWT once under load: 500 concurrent /agents requests across the must-refresh point', async () => {
    const strategy = auth()
    await strategy.fetch('/agents')
    emu.stats.reset()
    emu.clock.advance(strategy.expiresAt! - emu.clock.now() - 10_000)
    const results = await Promise.all(Array.from({ length: 500 }, () => strategy.fetch<Reply>('/agents')))
    expect(results.every((r) => r.authenticatedWith === 'bearer')).toBe(true)
    expect(emu.stats.get()).toMatchObject({ logins: 1, unauthorized: 0, requests: 501 })
  })

  it('never leaks keys, secrets, passwords or tokens (errors, events, inspect, JSON)', async () => {
    const canarySecret = 'sk_live_CANARY_5e1d0c7b9a'
    const good = auth({ agentId: emu.credentials.agentId })
    const goodEvents = recordEvents(good)
    await good.fetch('/agents')
    const token = good.accessToken!
    emu.revokeAllTokens()
    await good.fetch('/agents')
    await good.refresh()
    await good.userLogin({ email: emu.credentials.email!, password: emu.credentials.password! })
    await good.logout()
    emu.resetRateLimits() // the emulator allows 5 logins a minute per IP; the bad sessions below use 5 more

    const bad = auth({ apiSecret: canarySecret })
    const badEvents = recordEvents(bad)
    const errors = [await rejectionOf(bad.login()), await rejectionOf(bad.fetch('/agents'))]
    const wrongPassword = auth()
    errors.push(await rejectionOf(wrongPassword.userLogin({ email: emu.credentials.email!, password: `${canarySecret}-pw` })))
    for (let i = 0; i < 4; i++) errors.push(await rejectionOf(bad.login()))
    expect(errors.some((e) => e instanceof RateLimitError)).toBe(true)

    expectNoSecrets(
      [good, bad, wrongPassword, ...errors, ...goodEvents, ...badEvents],
      [emu.credentials.apiKey, emu.credentials.apiSecret, emu.credentials.password!, token, canarySecret],
    )
    expect(goodEvents.map((e) => e.event)).toEqual(expect.arrayContaining(['login', 'logout']))
    expect(badEvents.map((e) => e.event)).toContain('error')
  })

  it('redacts the secrets a provider echoes back: key, secret, password and JWT in error bodies and events', async () => {
    const { apiKey, apiSecret, email, password } = emu.credentials
    const echo = (path: string, status: number, code: string, message: string) =>
      emu.faults.inject({ path: `/api/v1${path}`, fault: { kind: 'status', status, body: { error: { code, message } } } })
    const strategy = auth()
    const events = recordEvents(strategy)

    echo('/auth/login', 401, 'INVALID_API_KEY', `no account for key ${apiKey} and secret ${apiSecret}`)
    const login = await rejectionOf(strategy.login())
    echo('/account/info', 403, 'PERMISSION_DENIED', `key ${apiKey} may not read this`)
    const keyRoute = await rejectionOf(strategy.fetch('/account/info'))
    await strategy.login()
    const token = strategy.accessToken!
    echo('/agents', 500, 'INTERNAL_ERROR', `could not list agents for ${token}`)
    const jwtRoute = await rejectionOf(strategy.fetch('/agents'))
    echo('/auth/user-login', 401, 'INVALID_API_KEY', `wrong password ${password} for ${email}`)
    const userLogin = await rejectionOf(strategy.userLogin({ email: email!, password: password! }))

    const errors = [login, keyRoute, jwtRoute, userLogin]
    expect(errors.map((e) => e.constructor.name)).toEqual(['InvalidCredentialsError', 'ProviderError', 'ProviderError', 'InvalidCredentialsError'])
    // the echo reached every message (the canaries below would show without redaction) …
    for (const error of errors) expect(error.message).toContain('[REDACTED]')
    // … and no secret did, in any rendering of the errors, the strategy or its events
    expectNoSecrets([strategy, ...errors, ...events], [apiKey, apiSecret, password!, token])
    expect(events.filter((e) => e.event === 'error').length).toBeGreaterThan(0)
  })
})
