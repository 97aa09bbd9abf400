import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAxiomEmulator, type AxiomEmulator } from './axiom.js'

/** Independent WebCrypto implementation of Axiom's b64Password, to pin the algorithm. */
async function webCryptoB64Password(password: string): Promise<string> {
  const salt = Uint8Array.from(Buffer.from('d903a17b35c8ce248f02dcfcf06dcc17d9ae4f9e124c95754928cf4d22c2c4a3', 'hex'))
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 600_000 }, key, 256)
  return Buffer.from(bits).toString('base64')
}

const post = (url: string, body?: unknown, cookie?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

/** name → { value, attributes } of every Set-Cookie. */
function setCookies(res: Response): Record<string, { value: string; attributes: string }> {
  const out: Record<string, { value: string; attributes: string }> = {}
  for (const line of res.headers.getSetCookie()) {
    const [pair = '', ...attrs] = line.split(';')
    const eq = pair.indexOf('=')
    out[pair.slice(0, eq).trim()] = { value: pair.slice(eq + 1), attributes: attrs.join(';') }
  }
  return out
}

let axiom: AxiomEmulator
let email: string
let b64Password: string

async function fullLogin(): Promise<{ access: string; refresh: string }> {
  const step1 = await post(`${axiom.url}/login-password-v2`, { email, b64Password })
  const otp = setCookies(step1)['auth-otp-login-token']?.value ?? ''
  const code = axiom.inbox.latestCode(email)
  const step2 = await post(`${axiom.url}/login-otp`, { code, email, b64Password }, `auth-otp-login-token=${otp}`)
  expect(step2.status).toBe(200)
  const cookies = setCookies(step2)
  return { access: cookies['auth-access-token']?.value ?? '', refresh: cookies['auth-refresh-token']?.value ?? '' }
}

beforeAll(async () => {
  axiom = await startAxiomEmulator()
  email = axiom.credentials.email
  b64Password = axiom.credentials.b64Password
})
afterAll(() => axiom.close())

describe('axiom contract', () => {
  test('url is the origin root and b64Password is base64(PBKDF2-SHA256, 600000 iterations, fixed salt)', async () => {
    expect(axiom.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(b64Password).toHaveLength(44)
    expect(b64Password).toBe(await webCryptoB64Password(axiom.credentials.password))
  })

  test('step 1 with a wrong hash → 500 {"error":"Invalid email or password"}', async () => {
    const res = await post(`${axiom.url}/login-password-v2`, { email, b64Password: Buffer.from('nope').toString('base64') })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: 'Invalid email or password' })
    const unknown = await post(`${axiom.url}/login-password-v2`, { email: 'nobody@axiom.test', b64Password })
    expect(unknown.status).toBe(500)
    expect(await unknown.json()).toEqual({ error: 'Invalid email or password' })
  })

  test('step 1 → OTP cookie (no Domain) + body otpJwtToken, and a 6-digit code in the inbox', async () => {
    const before = axiom.inbox.messages.length
    const res = await post(`${axiom.url}/login-password-v2`, { email, b64Password })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { otpJwtToken: string }
    const cookie = setCookies(res)['auth-otp-login-token']
    expect(cookie?.value).toBe(body.otpJwtToken)
    expect(cookie?.attributes).not.toMatch(/domain/i)
    expect(cookie?.attributes).not.toMatch(/secure/i)
    expect(cookie?.attributes).not.toMatch(/max-age=0/i)
    expect(axiom.inbox.messages).toHaveLength(before + 1)
    expect(axiom.inbox.messages.at(-1)?.to).toBe(email)
    expect(axiom.inbox.latestCode(email)).toMatch(/^\d{6}$/)
  })

  test('step 2: missing OTP cookie → 401, wrong code → 400, right code → access + refresh cookies, single use', async () => {
    const step1 = await post(`${axiom.url}/login-password-v2`, { email, b64Password })
    const otp = setCookies(step1)['auth-otp-login-token']?.value ?? ''
    const code = axiom.inbox.latestCode(email) ?? ''
    const noCookie = await post(`${axiom.url}/login-otp`, { code, email, b64Password })
    expect(noCookie.status).toBe(401)
    expect(await noCookie.json()).toEqual({ error: expect.any(String) })
    const wrong = await post(`${axiom.url}/login-otp`, { code: code === '000000' ? '111111' : '000000', email, b64Password }, `auth-otp-login-token=${otp}`)
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toEqual({ error: 'Invalid OTP code' })

    const ok = await post(`${axiom.url}/login-otp`, { code, email, b64Password }, `auth-otp-login-token=${otp}`)
    expect(ok.status).toBe(200)
    const cookies = setCookies(ok)
    const access = cookies['auth-access-token']
    const refresh = cookies['auth-refresh-token']
    expect(access?.attributes).not.toMatch(/domain/i)
    expect(refresh?.attributes).not.toMatch(/domain/i)
    expect(decodeProtectedHeader(access?.value ?? '').alg).toBe('HS256')
    const accessClaims = decodeJwt(access?.value ?? '')
    expect(Object.keys(accessClaims).sort()).toEqual(['authenticatedUserId', 'exp', 'iat'])
    expect(accessClaims.authenticatedUserId).toBe(axiom.credentials.userId)
    expect((accessClaims.exp ?? 0) - (accessClaims.iat ?? 0)).toBe(960)
    const refreshClaims = decodeJwt(refresh?.value ?? '')
    expect(Object.keys(refreshClaims).sort()).toEqual(['iat', 'refreshTokenId'])
    expect(refreshClaims.refreshTokenId).toMatch(/^[0-9a-f-]{36}$/)

    const reuse = await post(`${axiom.url}/login-otp`, { code, email, b64Password }, `auth-otp-login-token=${otp}`)
    expect(reuse.status).toBe(401)
  })

  test('/user/info needs the access cookie', async () => {
    const { access } = await fullLogin()
    const ok = await fetch(`${axiom.url}/user/info`, { headers: { cookie: `auth-access-token=${access}` } })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ userId: axiom.credentials.userId, email, authenticatedWith: 'cookie' })
    const none = await fetch(`${axiom.url}/user/info`)
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({ error: 'Unauthorized' })
    const bearer = await fetch(`${axiom.url}/user/info`, { headers: { authorization: `Bearer ${access}` } })
    expect(bearer.status).toBe(401)
  })

  test('refresh with an empty body and only the refresh cookie (or both) → new access cookie, refresh not rotated', async () => {
    const { access, refresh } = await fullLogin()
    axiom.clock.advance(2000)
    const alone = await post(`${axiom.url}/refresh-access-token`, undefined, `auth-refresh-token=${refresh}`)
    expect(alone.status).toBe(200)
    const c1 = setCookies(alone)
    expect(c1['auth-access-token']?.value).toMatch(/^ey/)
    expect(c1['auth-access-token']?.value).not.toBe(access)
    expect(c1['auth-refresh-token']).toBeUndefined()
    const both = await post(`${axiom.url}/refresh-access-token`, undefined, `auth-access-token=${access}; auth-refresh-token=${refresh}`)
    expect(both.status).toBe(200)
    const fresh = setCookies(both)['auth-access-token']?.value
    const info = await fetch(`${axiom.url}/user/info`, { headers: { cookie: `auth-access-token=${fresh}` } })
    expect(info.status).toBe(200)
    const bad = await post(`${axiom.url}/refresh-access-token`, undefined, `auth-access-token=${access}`)
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({ error: 'Invalid refresh token' })
  })

  test('refresh-token rotation (opt-in) revokes the old refresh token', async () => {
    axiom.setRefreshRotation(true)
    try {
      const { refresh } = await fullLogin()
      const res = await post(`${axiom.url}/refresh-access-token`, undefined, `auth-refresh-token=${refresh}`)
      const next = setCookies(res)['auth-refresh-token']?.value
      expect(next).toBeTruthy()
      expect(next).not.toBe(refresh)
      expect((await post(`${axiom.url}/refresh-access-token`, undefined, `auth-refresh-token=${refresh}`)).status).toBe(401)
      expect((await post(`${axiom.url}/refresh-access-token`, undefined, `auth-refresh-token=${next}`)).status).toBe(200)
    } finally {
      axiom.setRefreshRotation(false)
    }
  })

  test('the access token expires after 960 s of virtual time; the refresh token does not', async () => {
    const { access, refresh } = await fullLogin()
    axiom.clock.advance(959_000)
    expect((await fetch(`${axiom.url}/user/info`, { headers: { cookie: `auth-access-token=${access}` } })).status).toBe(200)
    axiom.clock.advance(2_000)
    expect((await fetch(`${axiom.url}/user/info`, { headers: { cookie: `auth-access-token=${access}` } })).status).toBe(401)
    axiom.clock.advance(30 * 24 * 3600 * 1000)
    expect((await post(`${axiom.url}/refresh-access-token`, undefined, `auth-refresh-token=${refresh}`)).status).toBe(200)
  })

  test('logout revokes the session; revokeAllTokens ends every session', async () => {
    const a = await fullLogin()
    const out = await post(`${axiom.url}/auth/logout`, undefined, `auth-access-token=${a.access}; auth-refresh-token=${a.refresh}`)
    expect(out.status).toBe(200)
    expect(out.headers.getSetCookie().join('\n')).toMatch(/auth-access-token=;.*Max-Age=0/)
    expect((await post(`${axiom.url}/refresh-access-token`, undefined, `auth-refresh-token=${a.refresh}`)).status).toBe(401)

    axiom.clock.advance(1000)
    const b = await fullLogin()
    axiom.revokeAllTokens()
    expect((await fetch(`${axiom.url}/user/info`, { headers: { cookie: `auth-access-token=${b.access}` } })).status).toBe(401)
    expect((await post(`${axiom.url}/refresh-access-token`, undefined, `auth-refresh-token=${b.refresh}`)).status).toBe(401)
  })

  test('Turnstile-required mode', async () => {
    axiom.setTurnstileRequired(true)
    try {
      const res = await post(`${axiom.url}/login-password-v2`, { email, b64Password })
      expect(await res.json()).toEqual({ error: 'Turnstile token is required' })
      const ok = await post(`${axiom.url}/login-password-v2`, { email, b64Password, turnstileToken: 'XXXX.DUMMY.TOKEN' })
      expect(ok.status).toBe(200)
    } finally {
      axiom.setTurnstileRequired(false)
    }
  })

  test('access lifetime is configurable, the request log redacts cookies and counters count', async () => {
    axiom.setAccessSeconds(120)
    axiom.stats.reset()
    axiom.requests.clear()
    const { access } = await fullLogin()
    const claims = decodeJwt(access)
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120)
    axiom.setAccessSeconds(960)
    await fetch(`${axiom.url}/user/info`, { headers: { cookie: `auth-access-token=${access}` } })
    const [info] = axiom.requests.list({ path: '/user/info' })
    expect(info).toMatchObject({ provider: 'axiom', method: 'GET', path: '/user/info', status: 200, credential: 'cookie' })
    expect(info?.headers.cookie).toBe('auth-access-token=[REDACTED]')
    expect(JSON.stringify(axiom.requests.list())).not.toContain(access)
    expect(JSON.stringify(axiom.requests.list())).not.toContain(b64Password)
    expect(axiom.stats.get()).toMatchObject({ logins: 1, requests: 3, unauthorized: 0 })
  })

  test('the OTP login token and its code expire after otpSeconds (600 s) of virtual time', async () => {
    const step1 = await post(`${axiom.url}/login-password-v2`, { email, b64Password })
    const otp = setCookies(step1)['auth-otp-login-token']?.value ?? ''
    const code = axiom.inbox.latestCode(email)
    axiom.clock.advance(601_000)
    const late = await post(`${axiom.url}/login-otp`, { code, email, b64Password }, `auth-otp-login-token=${otp}`)
    expect(late.status).toBe(401)
  })

  test('inbox.waitForCode resolves when the email arrives and times out otherwise', async () => {
    const waiting = axiom.inbox.waitForCode(email, { timeoutMs: 2000 })
    await post(`${axiom.url}/login-password-v2`, { email, b64Password })
    expect(await waiting).toBe(axiom.inbox.latestCode(email))
    await expect(axiom.inbox.waitForCode('nobody@axiom.test', { timeoutMs: 20 })).rejects.toThrow(/no one-time code arrived/)
  })

  test('accounts can be added', async () => {
    const extra = await axiom.addAccount({ email: 'second@axiom.test', password: 'another-password' })
    const res = await post(`${axiom.url}/login-password-v2`, { email: extra.email, b64Password: extra.b64Password })
    expect(res.status).toBe(200)
    expect(axiom.inbox.latestCode('SECOND@axiom.test')).toMatch(/^\d{6}$/)
  })
})
