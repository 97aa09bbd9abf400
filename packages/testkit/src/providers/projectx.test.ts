import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startProjectXEmulator, type ProjectXEmulator } from './projectx.js'

let px: ProjectXEmulator
const post = (path: string, body?: unknown, token?: string) =>
  fetch(`${px.url}${path}`, {
    method: 'POST',
    headers: {
      accept: 'text/plain',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

async function login(): Promise<string> {
  const res = await post('/Auth/loginKey', { userName: px.credentials.userName, apiKey: px.credentials.apiKey })
  return ((await res.json()) as { token: string }).token
}

beforeAll(async () => {
  px = await startProjectXEmulator()
})
afterAll(() => px.close())

describe('projectx contract', () => {
  test('url ends in /api; loginKey → {token, success:true, errorCode:0, errorMessage:null}, HS256 JWT valid 24 h', async () => {
    expect(px.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/)
    const res = await post('/Auth/loginKey', { userName: px.credentials.userName, apiKey: px.credentials.apiKey })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({ token: expect.stringMatching(/^ey/), success: true, errorCode: 0, errorMessage: null })
    expect(decodeProtectedHeader(body.token as string).alg).toBe('HS256')
    const claims = decodeJwt(body.token as string)
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(86_400)
  })

  test('bad credentials are HTTP 200 + success:false + errorCode + token:null; a missing field is 400', async () => {
    const wrongKey = await post('/Auth/loginKey', { userName: px.credentials.userName, apiKey: 'wrong' })
    expect(wrongKey.status).toBe(200)
    expect(await wrongKey.json()).toEqual({ token: null, success: false, errorCode: 3, errorMessage: null })
    const unknownUser = await post('/Auth/loginKey', { userName: 'nobody', apiKey: 'whatever' })
    expect(unknownUser.status).toBe(200)
    expect(await unknownUser.json()).toMatchObject({ token: null, success: false, errorCode: 1 })
    const missing = await post('/Auth/loginKey', { userName: px.credentials.userName })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ status: 400, errors: { apiKey: [expect.any(String)] } })
    px.setLoginErrorCode(px.credentials.userName, 7)
    const agreements = await post('/Auth/loginKey', { userName: px.credentials.userName, apiKey: px.credentials.apiKey })
    expect(await agreements.json()).toMatchObject({ token: null, success: false, errorCode: 7, errorMessage: expect.stringMatching(/agreements/) })
    px.setLoginErrorCode(px.credentials.userName, 0)
  })

  test('validate: newToken for a valid bearer, errorCode 3 when expired, 401 without bearer', async () => {
    const token = await login()
    px.clock.advance(1000)
    const ok = await post('/Auth/validate', undefined, token)
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { success: boolean; errorCode: number; errorMessage: null; newToken: string }
    expect(body).toEqual({ success: true, errorCode: 0, errorMessage: null, newToken: expect.stringMatching(/^ey/) })
    expect(body.newToken).not.toBe(token)
    expect(decodeJwt(body.newToken).exp).toBeGreaterThan(decodeJwt(token).exp ?? 0)
    // re-login / validate does not invalidate the old token
    expect((await post('/Account/search', { onlyActiveAccounts: true }, token)).status).toBe(200)

    expect((await post('/Auth/validate')).status).toBe(401)
    px.clock.advance(86_400_000)
    const expired = await post('/Auth/validate', undefined, token)
    expect(expired.status).toBe(200)
    expect(await expired.json()).toMatchObject({ success: false, errorCode: 3 })
  })

  test('protected endpoints: 401 with no / expired / garbage bearer; Account/search and Order/place report the credential', async () => {
    const token = await login()
    const none = await post('/Account/search', { onlyActiveAccounts: true })
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect((await post('/Account/search', { onlyActiveAccounts: true }, 'garbage')).status).toBe(401)

    const search = await post('/Account/search', { onlyActiveAccounts: true }, token)
    expect(search.status).toBe(200)
    expect(await search.json()).toMatchObject({
      accounts: [{ id: px.credentials.accountId, name: px.credentials.accountName, canTrade: true }],
      success: true,
      errorCode: 0,
      authenticatedWith: 'bearer',
    })
    const order = await post('/Order/place', { accountId: px.credentials.accountId, contractId: 'CON.F.US.EP.Z25', type: 2, side: 0, size: 1 }, token)
    expect(order.status).toBe(200)
    expect(await order.json()).toMatchObject({ orderId: expect.any(Number), success: true, errorCode: 0, authenticatedWith: 'bearer' })

    px.clock.advance(86_401_000)
    const expired = await post('/Account/search', { onlyActiveAccounts: true }, token)
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toMatch(/invalid_token/)
  })

  test('logout ends the session', async () => {
    const token = await login()
    const res = await post('/Auth/logout', undefined, token)
    expect(await res.json()).toEqual({ success: true, errorCode: 0, errorMessage: null })
    expect((await post('/Account/search', { onlyActiveAccounts: true }, token)).status).toBe(401)
    expect((await post('/Auth/logout')).status).toBe(401)
  })

  test('200 requests / 60 s (retrieveBars 30 / 30 s) → 429', async () => {
    px.resetRateLimits()
    px.setRateLimit({ limit: 5, windowSeconds: 60 })
    try {
      for (let i = 0; i < 5; i++) expect((await post('/Auth/validate')).status).toBe(401)
      const limited = await post('/Auth/loginKey', { userName: px.credentials.userName, apiKey: px.credentials.apiKey })
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      px.clock.advance(60_000)
      expect((await post('/Auth/validate')).status).toBe(401)
    } finally {
      px.setRateLimit({ limit: 200, windowSeconds: 60 })
      px.resetRateLimits()
    }
    const token = await login()
    const bars: number[] = []
    for (let i = 0; i < 31; i++) bars.push((await post('/History/retrieveBars', { contractId: 'CON.F.US.EP.Z25' }, token)).status)
    expect(bars.slice(0, 30).every((s) => s === 200)).toBe(true)
    expect(bars[30]).toBe(429)
    px.resetRateLimits()
    px.stats.reset()
    const statuses: number[] = []
    for (let i = 0; i < 201; i++) statuses.push((await post('/Auth/validate')).status)
    expect(statuses.filter((s) => s === 429)).toHaveLength(1)
    expect(px.stats.get()).toMatchObject({ validates: 201, rateLimited: 1, unauthorized: 200 })
    px.resetRateLimits()
  })
})
