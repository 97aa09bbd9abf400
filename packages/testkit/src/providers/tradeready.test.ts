import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startTradeReadyEmulator, type TradeReadyEmulator } from './tradeready.js'

let tr: TradeReadyEmulator
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${tr.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${tr.url}${path}`, { headers })

async function login(apiKey = tr.credentials.apiKey, apiSecret = tr.credentials.apiSecret): Promise<string> {
  const res = await post('/auth/login', { api_key: apiKey, api_secret: apiSecret })
  expect(res.status).toBe(200)
  return ((await res.json()) as { token: string }).token
}

beforeAll(async () => {
  tr = await startTradeReadyEmulator()
})
afterAll(() => tr.close())
beforeEach(() => tr.resetRateLimits())

describe('tradeready contract', () => {
  test('url ends in /api/v1; login → {token, expires_at ISO, token_type:"Bearer"}, HS256 JWT with sub/iat/exp, 1 h', async () => {
    expect(tr.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    const res = await post('/auth/login', { api_key: ` ${tr.credentials.apiKey} `, api_secret: tr.credentials.apiSecret })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['expires_at', 'token', 'token_type'])
    expect(body.token_type).toBe('Bearer')
    const claims = decodeJwt(body.token as string)
    expect(decodeProtectedHeader(body.token as string).alg).toBe('HS256')
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'sub'])
    expect(claims.sub).toBe(tr.credentials.accountId)
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600)
    expect(Date.parse(body.expires_at as string)).toBe((claims.exp ?? 0) * 1000)
    expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(tr.credentials.apiKey).toMatch(/^ak_live_[\w-]{64}$/)
    expect(tr.credentials.apiSecret).toMatch(/^sk_live_[\w-]{64}$/)
  })

  test('login errors: unknown key / wrong secret 401 INVALID_API_KEY, suspended 403, 422 VALIDATION_ERROR', async () => {
    const unknown = await post('/auth/login', { api_key: 'ak_live_nope', api_secret: 'x' })
    expect(unknown.status).toBe(401)
    expect(await unknown.json()).toEqual({ error: { code: 'INVALID_API_KEY', message: 'Invalid API key.' } })
    const wrong = await post('/auth/login', { api_key: tr.credentials.apiKey, api_secret: 'sk_live_wrong' })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({ error: { code: 'INVALID_API_KEY', message: 'API secret is invalid.' } })
    const missing = await post('/auth/login', { api_key: '   ' })
    expect(missing.status).toBe(422)
    const body = (await missing.json()) as { error: { code: string; details: { errors: { field: string }[] } } }
    expect(body.error.code).toBe('VALIDATION_ERROR')
    expect(body.error.details.errors.map((e) => e.field).sort()).toEqual(['api_key', 'api_secret'])
    expect((body as unknown as { detail: { loc: string[]; type: string }[] }).detail).toEqual([
      expect.objectContaining({ loc: ['body', 'api_key'], type: 'string_too_short' }),
      expect.objectContaining({ loc: ['body', 'api_secret'], type: 'missing' }),
    ])

    tr.resetRateLimits()
    const other = tr.addAccount({ displayName: 'suspended-bot' })
    tr.suspendAccount(other.accountId)
    const suspended = await post('/auth/login', { api_key: other.apiKey, api_secret: other.apiSecret })
    expect(suspended.status).toBe(403)
    expect(await suspended.json()).toEqual({ error: { code: 'ACCOUNT_SUSPENDED', message: 'Account is suspended.', details: { account_id: other.accountId } } })
    // the status is checked with the key, before the secret
    expect((await post('/auth/login', { api_key: other.apiKey, api_secret: 'wrong' })).status).toBe(403)
    const viaKey = await get('/account/info', { 'x-api-key': other.apiKey })
    expect(viaKey.status).toBe(403)
  })

  test('user-login with email + password; field rules', async () => {
    const ok = await post('/auth/user-login', { email: tr.credentials.email, password: tr.credentials.password })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ token: expect.any(String), token_type: 'Bearer' })
    const bad = await post('/auth/user-login', { email: tr.credentials.email, password: 'wrong-password' })
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_API_KEY')
    const short = await post('/auth/user-login', { email: 'not-an-email', password: 'short' })
    expect(short.status).toBe(422)
  })

  test('register → 201 with every field; duplicate email 409; validation 422; 3/min per IP', async () => {
    const res = await post('/auth/register', { display_name: '  my-bot  ', email: 'new@tradeready.test', password: 'longenough' })
    expect(res.status).toBe(201)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({
      account_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      api_key: expect.stringMatching(/^ak_live_/),
      api_secret: expect.stringMatching(/^sk_live_/),
      display_name: 'my-bot',
      starting_balance: '10000.00',
      agent_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      agent_api_key: expect.stringMatching(/^ak_live_/),
      message: 'Save your API secret now. It will not be shown again.',
    })
    const dup = await post('/auth/register', { email: 'new@tradeready.test', password: 'longenough' })
    expect(dup.status).toBe(409)
    const invalid = await post('/auth/register', { password: 'short', starting_balance: '-5' })
    expect(invalid.status).toBe(422)
    const limited = await post('/auth/register', {})
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    // the new credentials log in
    tr.resetRateLimits()
    await login(body.api_key as string, body.api_secret as string)
  })

  test('5 logins/min/IP shared by /auth/login and /auth/user-login → 429 RATE_LIMIT_EXCEEDED with headers', async () => {
    for (let i = 0; i < 3; i++) await login()
    const r4 = await post('/auth/user-login', { email: tr.credentials.email, password: tr.credentials.password })
    expect(r4.status).toBe(200)
    expect(r4.headers.get('x-ratelimit-limit')).toBe('5')
    expect(r4.headers.get('x-ratelimit-remaining')).toBe('1')
    expect(Number(r4.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Math.floor(tr.clock.now() / 1000))
    await login()
    const limited = await post('/auth/login', { api_key: tr.credentials.apiKey, api_secret: tr.credentials.apiSecret })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(await limited.json()).toEqual({
      error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests.', details: { limit: 5, window_seconds: 60, retry_after_seconds: 60 } },
    })
    tr.clock.advance(60_000)
    await login()
    expect(tr.stats.get().rateLimited).toBeGreaterThanOrEqual(1)
  })

  test('X-API-Key is checked before Bearer; account/info reports which credential it accepted', async () => {
    const token = await login()
    const viaKey = await get('/account/info', { 'x-api-key': tr.credentials.apiKey, authorization: `Bearer ${token}` })
    expect(viaKey.status).toBe(200)
    expect(await viaKey.json()).toMatchObject({ account_id: tr.credentials.accountId, authenticatedWith: 'x-api-key' })
    const viaJwt = await get('/account/info', { authorization: `Bearer ${token}` })
    expect(await viaJwt.json()).toMatchObject({ authenticatedWith: 'bearer' })
    const badKeyGoodJwt = await get('/account/info', { 'x-api-key': 'ak_live_unknown', authorization: `Bearer ${token}` })
    expect(badKeyGoodJwt.status).toBe(401)
    expect(await badKeyGoodJwt.json()).toEqual({ error: { code: 'INVALID_API_KEY', message: 'Invalid API key.' } })
    const none = await get('/account/info')
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({ error: { code: 'INVALID_API_KEY', message: 'Authentication credentials are required.' } })
    const agentKey = await get('/account/info', { 'x-api-key': tr.credentials.agentApiKey })
    expect(await agentKey.json()).toMatchObject({ agent_id: tr.credentials.agentId, authenticatedWith: 'x-api-key' })
    // an agent key names its agent; X-Agent-Id is then ignored
    const ignored = await get('/account/info', { 'x-api-key': tr.credentials.agentApiKey, 'x-agent-id': '00000000-0000-4000-8000-000000000000' })
    expect(await ignored.json()).toMatchObject({ agent_id: tr.credentials.agentId })
  })

  test('JWT errors: garbage and expired → 401 INVALID_TOKEN; revoked → 401', async () => {
    const garbage = await get('/account/info', { authorization: 'Bearer not.a.jwt' })
    expect(garbage.status).toBe(401)
    const g = (await garbage.json()) as { error: { code: string; message: string } }
    expect(g.error.code).toBe('INVALID_TOKEN')
    expect(g.error.message).toMatch(/^JWT token is invalid/)
    const token = await login()
    tr.clock.advance(3601_000)
    const expired = await get('/account/info', { authorization: `Bearer ${token}` })
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({ error: { code: 'INVALID_TOKEN', message: 'JWT token has expired.' } })
    tr.resetRateLimits()
    const fresh = await login()
    tr.revokeToken(fresh)
    expect((await get('/account/info', { authorization: `Bearer ${fresh}` })).status).toBe(401)
  })

  test('GET /agents is JWT-only; X-Agent-Id must belong to the JWT account', async () => {
    const token = await login()
    const keyOnly = await get('/agents', { 'x-api-key': tr.credentials.apiKey })
    expect(keyOnly.status).toBe(401)
    const agents = await get('/agents', { authorization: `Bearer ${token}` })
    expect(agents.status).toBe(200)
    const body = (await agents.json()) as { agents: { agent_id: string }[]; authenticatedWith: string }
    expect(body.agents.map((a) => a.agent_id)).toContain(tr.credentials.agentId)
    expect(body.authenticatedWith).toBe('bearer')

    const own = await get('/account/info', { authorization: `Bearer ${token}`, 'x-agent-id': tr.credentials.agentId })
    expect(await own.json()).toMatchObject({ agent_id: tr.credentials.agentId })
    const other = tr.addAccount({ displayName: 'other' })
    const spoof = await get('/account/info', { authorization: `Bearer ${token}`, 'x-agent-id': other.agentId })
    expect(spoof.status).toBe(403)
    expect(((await spoof.json()) as { error: { code: string } }).error.code).toBe('PERMISSION_DENIED')
  })

  test('POST /trade/order accepts X-API-Key or JWT, validates, and carries rate-limit headers', async () => {
    const token = await login()
    const order = { symbol: 'BTCUSDT', side: 'buy', type: 'market', quantity: '0.01' }
    const viaJwt = await post('/trade/order', order, { authorization: `Bearer ${token}`, 'x-agent-id': tr.credentials.agentId })
    expect(viaJwt.status).toBe(201)
    expect(await viaJwt.json()).toMatchObject({ status: 'filled', agent_id: tr.credentials.agentId, authenticatedWith: 'bearer' })
    expect(viaJwt.headers.get('x-ratelimit-limit')).toBe('100')
    const viaKey = await post('/trade/order', order, { 'x-api-key': tr.credentials.agentApiKey })
    expect(await viaKey.json()).toMatchObject({ authenticatedWith: 'x-api-key' })
    const invalid = await post('/trade/order', { symbol: 'BTCUSDT', side: 'hold', type: 'market', quantity: 0 }, { 'x-api-key': tr.credentials.apiKey })
    expect(invalid.status).toBe(422)
    const anon = await post('/trade/order', order)
    expect(anon.status).toBe(401)
  })

  test('archived agent key → 401 "Agent is archived."; market is public; OPTIONS bypasses auth', async () => {
    const extra = tr.addAgent(tr.credentials.accountId, 'to-archive')
    tr.archiveAgent(extra.agentId)
    const res = await get('/account/info', { 'x-api-key': extra.agentApiKey })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: { code: 'INVALID_API_KEY', message: 'Agent is archived.' } })
    expect((await get('/market/prices')).status).toBe(200)
    expect((await fetch(`${tr.url}/account/info`, { method: 'OPTIONS' })).status).toBe(204)
  })

  test('lifetime is configurable', async () => {
    tr.setAccessSeconds(7200)
    const claims = decodeJwt(await login())
    tr.setAccessSeconds(3600)
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(7200)
  })
})

describe('tradeready password endpoints', () => {
  test('forgot-password answers a generic 200; reset-password / verify-email reject unknown tokens with 400', async () => {
    const forgot = await post('/auth/forgot-password', { username: tr.credentials.email })
    expect(forgot.status).toBe(200)
    const unknown = await post('/auth/forgot-password', { username: 'nobody@tradeready.test' })
    expect(await unknown.json()).toEqual(await (await post('/auth/forgot-password', { username: tr.credentials.email })).json())
    const reset = await post('/auth/reset-password', { token: 'nope', new_password: 'longenough' })
    expect(reset.status).toBe(400)
    expect((await post('/auth/reset-password', { token: 'nope', new_password: 'short' })).status).toBe(422)
    expect((await post('/auth/verify-email', { token: 'nope' })).status).toBe(400)
  })
})

describe('tradeready per-account limits', () => {
  test('trade routes: 100/min per account (key and JWT share the bucket), counted only after authentication', async () => {
    const account = tr.addAccount({ displayName: 'busy-bot' })
    const order = { symbol: 'BTCUSDT', side: 'buy', type: 'market', quantity: '1' }
    for (let i = 0; i < 3; i++) expect((await post('/trade/order', order)).status).toBe(401)
    const statuses: number[] = []
    for (let i = 0; i < 100; i++) statuses.push((await post('/trade/order', order, { 'x-api-key': account.apiKey })).status)
    expect(statuses.every((s) => s === 201)).toBe(true)
    tr.resetRateLimits()
    const token = await login(account.apiKey, account.apiSecret)
    for (let i = 0; i < 99; i++) await post('/trade/order', order, { 'x-api-key': account.agentApiKey })
    const last = await post('/trade/order', order, { authorization: `Bearer ${token}` })
    expect(last.status).toBe(201)
    expect(last.headers.get('x-ratelimit-remaining')).toBe('0')
    const limited = await post('/trade/order', order, { authorization: `Bearer ${token}` })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-ratelimit-limit')).toBe('100')
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMIT_EXCEEDED')
    expect((await get('/account/info', { 'x-api-key': account.apiKey })).status).toBe(200)
  })
})
