import { ResponseShapeError, type Session } from '@authmux/core'
import { startProjectXEmulator, startTradeReadyEmulator, type ProjectXEmulator, type TradeReadyEmulator } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createKeySecretJwtAuth } from './auth'
import { expectNoSecrets, recordEvents, rejectionOf } from './test-support'

let tradeready: TradeReadyEmulator
let projectx: ProjectXEmulator
const sessions: Session[] = []

beforeAll(async () => {
  tradeready = await startTradeReadyEmulator({ startMs: Date.UTC(2026, 3, 1) })
  projectx = await startProjectXEmulator({ startMs: Date.UTC(2026, 3, 1) })
})
afterAll(async () => {
  for (const s of sessions) s.dispose()
  await Promise.all([tradeready.close(), projectx.close()])
})

const tokenResponse = z.object({ token: z.string(), expires_at: z.string() })

function tradeReadyStyle(overrides: Partial<Parameters<typeof createKeySecretJwtAuth>[0]> = {}) {
  const { apiKey, apiSecret } = tradeready.credentials
  const strategy = createKeySecretJwtAuth({
    name: 'myexchange',
    baseURL: tradeready.url,
    loginPath: '/auth/login',
    loginBody: () => ({ api_key: apiKey, api_secret: apiSecret }),
    responseSchema: tokenResponse,
    tokenField: 'token',
    expiresAtField: 'expires_at',
    secrets: [apiKey, apiSecret],
    now: () => tradeready.clock.now(),
    ...overrides,
  })
  sessions.push(strategy)
  return strategy
}

describe('createKeySecretJwtAuth', () => {
  it('exchanges the configured credentials at loginPath and attaches Authorization: Bearer', async () => {
    const strategy = tradeReadyStyle()
    const body = await strategy.fetch('/agents')
    expect(body).toMatchObject({ authenticatedWith: 'bearer' })
    expect(strategy.expiresAt).toBe(tradeready.clock.now() + 3_600_000)
    expect(tradeready.requests.list().map((r) => r.path)).toEqual(['/api/v1/auth/login', '/api/v1/agents'])
  })

  it('re-exchanges before expiry when there is no revalidate endpoint', async () => {
    tradeready.stats.reset()
    const strategy = tradeReadyStyle()
    await strategy.login()
    tradeready.clock.advance(strategy.expiresAt! - tradeready.clock.now() - 5_000)
    await strategy.fetch('/agents')
    expect(tradeready.stats.get()).toMatchObject({ logins: 2, unauthorized: 0 })
  })

  it('attaches the token the configured way', async () => {
    const strategy = tradeReadyStyle({ attach: { header: 'X-Session', scheme: null } })
    const headers = await strategy.getHeaders({ url: '/anything' })
    expect(headers['x-session']).toBe(strategy.accessToken)
    expect(headers.authorization).toBeUndefined()
  })

  it('reads the token through a dotted path or function and reports a missing one as ResponseShapeError', async () => {
    const viaFunction = tradeReadyStyle({ tokenField: (data: unknown) => (data as { token: string }).token })
    await viaFunction.login()
    expect(viaFunction.accessToken).toMatch(/^ey/)
    const wrong = tradeReadyStyle({ tokenField: 'data.jwt', responseSchema: z.object({}).passthrough() })
    const error = await rejectionOf(wrong.login())
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect(error).toMatchObject({ field: 'data.jwt' })
    tradeready.resetRateLimits()
  })

  it('falls back to the JWT exp when no expiry field is configured, and to expires_in when given', async () => {
    const fromJwt = tradeReadyStyle({ expiresAtField: undefined })
    await fromJwt.login()
    expect(fromJwt.expiresAt).toBe(tradeready.clock.now() - (tradeready.clock.now() % 1000) + 3_600_000)
    const fromExpiresIn = tradeReadyStyle({
      expiresAtField: undefined,
      expiresInSecondsField: () => 120,
    })
    await fromExpiresIn.login()
    expect(fromExpiresIn.expiresAt).toBe(tradeready.clock.now() + 120_000)
    tradeready.resetRateLimits()
  })

  it('renews through the revalidate endpoint and calls logoutPath on logout()', async () => {
    const { userName, apiKey } = projectx.credentials
    const strategy = createKeySecretJwtAuth({
      name: 'gateway',
      baseURL: projectx.url,
      loginPath: '/Auth/loginKey',
      loginBody: () => ({ userName, apiKey }),
      responseSchema: z.object({ token: z.string().nullable(), success: z.boolean() }),
      tokenField: 'token',
      revalidate: { path: '/Auth/validate', responseSchema: z.object({ newToken: z.string() }), tokenField: 'newToken' },
      logoutPath: '/Auth/logout',
      secrets: [apiKey],
      refreshWindow: { beforeExpiryMs: 600_000 },
      now: () => projectx.clock.now(),
    })
    sessions.push(strategy)
    await strategy.login()
    const first = strategy.accessToken
    projectx.clock.advance(strategy.expiresAt! - projectx.clock.now() - 300_000)
    await strategy.ensureValid()
    await vi.waitFor(() => expect(strategy.accessToken).not.toBe(first))
    expect(projectx.stats.get()).toMatchObject({ logins: 1, validates: 1 })
    await strategy.logout()
    expect(projectx.requests.list({ path: '/api/Auth/logout' })).toHaveLength(1)
  })

  it('redacts the configured secrets when the provider echoes them (errors, events, inspect, JSON of the strategy)', async () => {
    const { apiKey, apiSecret } = tradeready.credentials
    tradeready.faults.inject({
      path: '/api/v1/auth/login',
      fault: { kind: 'status', status: 401, body: { error: { code: 'INVALID_API_KEY', message: `unknown pair ${apiKey}:${apiSecret}` } } },
    })
    const strategy = tradeReadyStyle()
    const events = recordEvents(strategy)
    const error = await rejectionOf(strategy.login())
    expect(error.message).toContain('[REDACTED]')
    expectNoSecrets([strategy, error, ...events], [apiKey, apiSecret])
  })
})
