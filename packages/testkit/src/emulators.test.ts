import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startEmulators, type Emulators } from './emulators.js'

let emu: Emulators
const json = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

beforeAll(async () => {
  emu = await startEmulators({
    lifetimes: { axiom: { accessSeconds: 300 }, projectx: { accessSeconds: 600 }, tradeready: { accessSeconds: 900 }, apala: { accessSeconds: 120 } },
  })
})
afterAll(() => emu.close())

describe('startEmulators', () => {
  test('five origins on 127.0.0.1 with the base URLs presets use', () => {
    const origins = new Set(Object.values(emu.urls).map((u) => new URL(u).origin))
    expect(origins.size).toBe(5)
    expect(emu.urls.axiom).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(emu.urls.aionmarket).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bvapi$/)
    expect(emu.urls.projectx).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/)
    expect(emu.urls.tradeready).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    expect(emu.urls.apala).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(emu.credentials.tradeready.apiKey).toBe(emu.tradeready.credentials.apiKey)
    expect(emu.urls.projectx).toBe(emu.projectx.url)
  })

  test('lifetimes option and setLifetimes()', async () => {
    const px = await json(`${emu.urls.projectx}/Auth/loginKey`, { userName: emu.credentials.projectx.userName, apiKey: emu.credentials.projectx.apiKey })
    const pxClaims = decodeJwt(((await px.json()) as { token: string }).token)
    expect((pxClaims.exp ?? 0) - (pxClaims.iat ?? 0)).toBe(600)
    const tr = await json(`${emu.urls.tradeready}/auth/login`, { api_key: emu.credentials.tradeready.apiKey, api_secret: emu.credentials.tradeready.apiSecret })
    const trClaims = decodeJwt(((await tr.json()) as { token: string }).token)
    expect((trClaims.exp ?? 0) - (trClaims.iat ?? 0)).toBe(900)
    const ap = await json(`${emu.urls.apala}/api/auth/token`, { api_key: emu.credentials.apala.apiKey })
    expect(((await ap.json()) as { expires_in: number }).expires_in).toBe(120)
    emu.setLifetimes({ apala: { accessSeconds: 240 } })
    const ap2 = await json(`${emu.urls.apala}/api/auth/token`, { api_key: emu.credentials.apala.apiKey })
    expect(((await ap2.json()) as { expires_in: number }).expires_in).toBe(240)
  })

  test('one request log and counters across providers, with provider filters', async () => {
    emu.requests.clear()
    emu.stats.reset()
    await fetch(`${emu.urls.aionmarket}/agents/me`, { headers: { authorization: `Bearer ${emu.credentials.aionmarket.apiKey}` } })
    await fetch(`${emu.urls.tradeready}/account/info`, { headers: { 'x-api-key': emu.credentials.tradeready.apiKey } })
    await fetch(`${emu.urls.tradeready}/account/info`)
    expect(emu.requests.list().map((e) => e.provider)).toEqual(['aionmarket', 'tradeready', 'tradeready'])
    expect(emu.requests.list({ provider: 'tradeready', status: 401 })).toHaveLength(1)
    const [viaKey] = emu.requests.list({ provider: 'tradeready', status: 200 })
    expect(viaKey).toMatchObject({ credential: 'x-api-key', headers: { 'x-api-key': '[REDACTED]' } })
    expect(emu.tradeready.requests.list()).toHaveLength(2)
    expect(emu.stats.get('tradeready')).toMatchObject({ requests: 2, unauthorized: 1 })
    expect(emu.stats.get('aionmarket')).toMatchObject({ requests: 1, unauthorized: 0 })
    expect(() => emu.stats.get()).toThrow(/provider name/)
  })

  test('revokeAllTokens(provider) only touches that provider', async () => {
    const ap = (await (await json(`${emu.urls.apala}/api/auth/token`, { api_key: emu.credentials.apala.apiKey })).json()) as { access_token: string }
    const px = (await (
      await json(`${emu.urls.projectx}/Auth/loginKey`, { userName: emu.credentials.projectx.userName, apiKey: emu.credentials.projectx.apiKey })
    ).json()) as { token: string }
    emu.revokeAllTokens('projectx')
    const pxSearch = await json(`${emu.urls.projectx}/Account/search`, { onlyActiveAccounts: true }, { authorization: `Bearer ${px.token}` })
    expect(pxSearch.status).toBe(401)
    const apOpt = await json(`${emu.urls.apala}/api/message_optimizer`, { message: 'hi' }, { authorization: `Bearer ${ap.access_token}` })
    expect(apOpt.status).toBe(200)
  })

  test('axiom login through the shared inbox', async () => {
    const { email, b64Password } = emu.credentials.axiom
    const step1 = await json(`${emu.urls.axiom}/login-password-v2`, { email, b64Password })
    const { otpJwtToken } = (await step1.json()) as { otpJwtToken: string }
    const code = await emu.inbox.waitForCode(email, { sinceMs: 0 })
    const step2 = await json(`${emu.urls.axiom}/login-otp`, { code, email, b64Password }, { cookie: `auth-otp-login-token=${otpJwtToken}` })
    expect(step2.status).toBe(200)
    const access =
      step2.headers
        .getSetCookie()
        .find((l) => l.startsWith('auth-access-token='))
        ?.split(';')[0]
        ?.split('=')[1] ?? ''
    const claims = decodeJwt(access)
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300)
  })

  test('no secret of any provider ends up in the request log', async () => {
    emu.requests.clear()
    const c = emu.credentials
    const secrets: string[] = [
      c.axiom.password,
      c.axiom.b64Password,
      c.aionmarket.apiKey,
      c.projectx.apiKey,
      c.tradeready.apiKey,
      c.tradeready.apiSecret,
      c.apala.apiKey,
    ]
    const step1 = await json(`${emu.urls.axiom}/login-password-v2`, { email: c.axiom.email, b64Password: c.axiom.b64Password })
    const { otpJwtToken } = (await step1.json()) as { otpJwtToken: string }
    const code = emu.inbox.latestCode(c.axiom.email) ?? ''
    const step2 = await json(
      `${emu.urls.axiom}/login-otp`,
      { code, email: c.axiom.email, b64Password: c.axiom.b64Password },
      { cookie: `auth-otp-login-token=${otpJwtToken}` },
    )
    const axiomCookies = step2.headers.getSetCookie().map((l) => l.split(';')[0] ?? '')
    await fetch(`${emu.urls.axiom}/user/info`, { headers: { cookie: axiomCookies.join('; ') } })
    await fetch(`${emu.urls.aionmarket}/agents/me`, { headers: { authorization: `Bearer ${c.aionmarket.apiKey}` } })
    const px = (await (await json(`${emu.urls.projectx}/Auth/loginKey`, { userName: c.projectx.userName, apiKey: c.projectx.apiKey })).json()) as {
      token: string
    }
    await json(`${emu.urls.projectx}/Account/search`, { onlyActiveAccounts: true }, { authorization: `Bearer ${px.token}` })
    const tr = (await (await json(`${emu.urls.tradeready}/auth/login`, { api_key: c.tradeready.apiKey, api_secret: c.tradeready.apiSecret })).json()) as {
      token: string
    }
    await fetch(`${emu.urls.tradeready}/account/info`, { headers: { 'x-api-key': c.tradeready.apiKey, authorization: `Bearer ${tr.token}` } })
    const ap = (await (await json(`${emu.urls.apala}/api/auth/token`, { api_key: c.apala.apiKey })).json()) as { access_token: string; refresh_token: string }
    await json(`${emu.urls.apala}/api/auth/refresh`, { refresh_token: ap.refresh_token })
    await json(`${emu.urls.apala}/api/feedback`, { message_id: 'm1' }, { authorization: `Bearer ${ap.access_token}` })
    secrets.push(otpJwtToken, px.token, tr.token, ap.access_token, ap.refresh_token, ...axiomCookies.map((p) => p.split('=')[1] ?? ''))

    const log = JSON.stringify(emu.requests.list())
    expect(emu.requests.list().length).toBeGreaterThanOrEqual(10)
    for (const secret of secrets.filter((s) => s.length >= 16)) expect(log).not.toContain(secret)
    expect(emu.requests.list().map((e) => e.credential)).toEqual(expect.arrayContaining(['body', 'cookie', 'bearer', 'x-api-key']))
  })

  test('ports / portBase pick fixed ports; a taken port is a clear error', async () => {
    const first = await startEmulators({ ports: { apala: 0 } })
    try {
      const port = Number(new URL(first.urls.tradeready).port)
      const taken = startEmulators({ ports: { tradeready: port } })
      // The message names the port and the provider that wanted it, and the fix.
      await expect(taken).rejects.toThrow(`@authmux/testkit: port ${port} (tradeready) on 127.0.0.1 is already in use`)
      await expect(taken).rejects.toThrow(/pick other ports \(the ports \/ portBase options/)
    } finally {
      await first.close()
    }
  })
})
