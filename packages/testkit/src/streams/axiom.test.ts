import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startAxiomEmulator, type AxiomEmulator } from '../providers/axiom.js'
import { credentialTag } from './log.js'
import { has, openSocket, upgradeStatus } from './test-support.js'

// Written from providers.md 9.4 (Axiom): cookie auth on the upgrade (auth-access-token, auth-refresh-token,
// optional cf_clearance), HTTP 401 for bad or expired tokens, {"action":"join","room"} and {"room","content"} frames.

let axiom: AxiomEmulator

function cookieOf(res: Response, name: string): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`)) ?? ''
  return line.slice(name.length + 1).split(';')[0] ?? ''
}

async function login(emu: AxiomEmulator): Promise<{ access: string; refresh: string }> {
  // Two access tokens for one user in the same second are identical (same claims), as on the real server.
  emu.clock.advance(1000)
  const { email, b64Password } = emu.credentials
  const step1 = await fetch(`${emu.url}/login-password-v2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, b64Password }),
  })
  const otp = cookieOf(step1, 'auth-otp-login-token')
  const step2 = await fetch(`${emu.url}/login-otp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `auth-otp-login-token=${otp}` },
    body: JSON.stringify({ code: emu.inbox.latestCode(email), email, b64Password }),
  })
  return { access: cookieOf(step2, 'auth-access-token'), refresh: cookieOf(step2, 'auth-refresh-token') }
}

async function refresh(emu: AxiomEmulator, tokens: { access: string; refresh: string }): Promise<string> {
  const res = await fetch(`${emu.url}/refresh-access-token`, {
    method: 'POST',
    headers: { cookie: `auth-access-token=${tokens.access}; auth-refresh-token=${tokens.refresh}` },
  })
  return cookieOf(res, 'auth-access-token')
}

const cookies = (t: { access?: string; refresh?: string; cf?: string }) =>
  [t.access && `auth-access-token=${t.access}`, t.refresh && `auth-refresh-token=${t.refresh}`, t.cf && `cf_clearance=${t.cf}`].filter(Boolean).join('; ')

let tokens: { access: string; refresh: string }

beforeAll(async () => {
  axiom = await startAxiomEmulator({ startMs: Date.UTC(2026, 0, 10, 12), streams: { pushIntervalMs: 0 } })
  tokens = await login(axiom)
})
afterAll(() => axiom.close())
beforeEach(() => {
  axiom.streams.log.clear()
  axiom.faults.clear()
})

describe('axiom websocket authentication (cookies on the upgrade)', () => {
  test('both auth cookies open the socket at / on the emulator origin; the log tags each cookie, never its value', async () => {
    expect(axiom.streams.url).toBe(`${axiom.origin.replace('http', 'ws')}/`)
    const s = await openSocket(axiom.streams.url, { headers: { cookie: cookies(tokens), origin: 'https://axiom.trade' } })
    const [entry] = axiom.streams.log.connections()
    expect(entry).toMatchObject({ status: 101, path: '/', open: true })
    expect(entry?.credential).toEqual({ via: 'cookie:auth-access-token', tag: credentialTag(tokens.access), serial: expect.any(Number), state: 'valid' })
    expect(entry?.credentials.map((c) => [c.via, c.state])).toEqual([
      ['cookie:auth-access-token', 'valid'],
      ['cookie:auth-refresh-token', 'unchecked'],
    ])
    expect(entry?.headers.cookie).toBe('auth-access-token=[REDACTED]; auth-refresh-token=[REDACTED]')
    expect(JSON.stringify(axiom.streams.log.list())).not.toContain(tokens.access)
    s.ws.close()
  })

  test('missing cookies, a garbage, expired or revoked access token → HTTP 401 before the upgrade', async () => {
    const at = (c: string) => upgradeStatus(axiom.streams.url, c ? { headers: { cookie: c } } : {})
    expect(await at('')).toBe(401)
    expect(await at(cookies({ access: tokens.access }))).toBe(401) // refresh cookie missing
    expect(await at(cookies({ refresh: tokens.refresh }))).toBe(401)
    expect(await at(cookies({ access: 'eyJhbGciOiJIUzI1NiJ9.e30.bad', refresh: tokens.refresh }))).toBe(401)
    const fresh = await login(axiom)
    axiom.revokeToken(fresh.access)
    expect(await at(cookies(fresh))).toBe(401)
    axiom.clock.advance(961_000) // 960 s access lifetime
    expect(await at(cookies(tokens))).toBe(401)
    // a refreshed access token opens it again, and the log shows a different token
    const renewed = await refresh(axiom, tokens)
    expect(await at(cookies({ ...tokens, access: renewed }))).toBe(101)

    const entries = axiom.streams.log.list()
    expect(entries.map((e) => [e.status, e.credential?.state, e.reason])).toEqual([
      [401, undefined, 'auth-access-token cookie missing'],
      [401, 'valid', 'auth-refresh-token cookie missing'],
      [401, undefined, 'auth-access-token cookie missing'],
      [401, 'invalid', 'access token invalid'],
      [401, 'revoked', 'access token revoked'],
      [401, 'expired', 'access token expired'],
      [101, 'valid', undefined],
    ])
    expect(entries[5]?.credential?.tag).toBe(credentialTag(tokens.access))
    expect(entries[6]?.credential?.tag).toBe(credentialTag(renewed))
    expect(entries[6]?.credential?.serial).toBeGreaterThan(entries[5]?.credential?.serial ?? Infinity)
    tokens = { ...tokens, access: renewed }
  })

  test('cf_clearance is checked only when required (403 without it, as Cloudflare would)', async () => {
    expect(await upgradeStatus(axiom.streams.url, { headers: { cookie: cookies(tokens) } })).toBe(101)
    axiom.streams.setCfClearanceRequired(true)
    expect(await upgradeStatus(axiom.streams.url, { headers: { cookie: cookies(tokens) } })).toBe(403)
    expect(await upgradeStatus(axiom.streams.url, { headers: { cookie: cookies({ ...tokens, cf: 'anything' }) } })).toBe(101)
    axiom.streams.setCfClearanceRequired('cf-good')
    expect(await upgradeStatus(axiom.streams.url, { headers: { cookie: cookies({ ...tokens, cf: 'cf-bad' }) } })).toBe(403)
    expect(await upgradeStatus(axiom.streams.url, { headers: { cookie: cookies({ ...tokens, cf: 'cf-good' }) } })).toBe(101)
    axiom.streams.setCfClearanceRequired(false)
    expect(axiom.streams.log.list().map((e) => [e.status, e.reason, e.credentials.find((c) => c.via === 'cookie:cf_clearance')?.state])).toEqual([
      [101, undefined, undefined],
      [403, 'cf_clearance missing', undefined],
      [101, undefined, 'valid'],
      [403, 'cf_clearance rejected', 'invalid'],
      [101, undefined, 'valid'],
    ])
  })

  test('requireOrigin: another Origin (or none) gets 403', async () => {
    const strict = await startAxiomEmulator({ streams: { requireOrigin: 'https://axiom.trade', pushIntervalMs: 0 } })
    const t = await login(strict)
    expect(await upgradeStatus(strict.streams.url, { headers: { cookie: cookies(t) } })).toBe(403)
    expect(await upgradeStatus(strict.streams.url, { headers: { cookie: cookies(t) }, origin: 'https://evil.example' })).toBe(403)
    expect(await upgradeStatus(strict.streams.url, { headers: { cookie: cookies(t) }, origin: 'https://axiom.trade' })).toBe(101)
    await strict.close()
  })
})

describe('axiom rooms', () => {
  test('join, then {room, content} pushes for that room only; leave stops them; the log lists every join', async () => {
    const a = await openSocket(axiom.streams.url, { headers: { cookie: cookies(tokens) } })
    const b = await openSocket(axiom.streams.url, { headers: { cookie: cookies(tokens) } })
    a.send({ action: 'join', room: 'new_pairs' })
    a.send({ action: 'join', room: 'e-So11111111111111111111111111111111111111112' })
    b.send({ action: 'join', room: 'v:7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU' })
    await axiom.streams.log.waitFor((l) => l.reduce((n, e) => n + e.subscriptions.length, 0) === 3)

    expect(axiom.streams.push('new_pairs')).toBe(1)
    const pair = await a.next(has({ room: 'new_pairs' }))
    expect(pair).toEqual({
      room: 'new_pairs',
      content: expect.objectContaining({
        pair_address: expect.any(String),
        token_address: expect.any(String),
        token_name: expect.any(String),
        created_at: expect.any(String),
      }),
    })
    expect(axiom.streams.push('e-So11111111111111111111111111111111111111112')).toBe(1)
    expect(await a.next(has({ room: 'e-So11111111111111111111111111111111111111112' }))).toEqual({ room: expect.any(String), content: expect.any(Number) })
    expect(axiom.streams.push('v:7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU')).toBe(1)
    expect(await b.next(() => true)).toMatchObject({
      content: { maker_address: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU', type: expect.stringMatching(/^(buy|sell)$/), total_sol: expect.any(Number) },
    })
    expect(axiom.streams.push('s:mint', { active_users: 7 })).toBe(0)
    expect(b.messages).toHaveLength(1)

    a.send({ action: 'leave', room: 'new_pairs' })
    a.send('not json at all') // ignored, the socket stays open
    await axiom.streams.log.waitFor((l) => l[0]?.subscriptions.length === 3)
    expect(axiom.streams.push('new_pairs')).toBe(0)
    expect(a.ws.readyState).toBe(a.ws.OPEN)
    expect(axiom.streams.log.connections().map((e) => e.subscriptions.map((s) => `${s.op} ${s.key}`))).toEqual([
      ['join new_pairs', 'join e-So11111111111111111111111111111111111111112', 'leave new_pairs'],
      ['join v:7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU'],
    ])
    a.ws.close()
    b.ws.close()
  })

  test('pushIntervalMs: joined rooms get pushes on their own', async () => {
    const live = await startAxiomEmulator({ streams: { pushIntervalMs: 20 } })
    const t = await login(live)
    const s = await openSocket(live.streams.url, { headers: { cookie: cookies(t) } })
    s.send({ action: 'join', room: 'new_pairs' })
    await s.next(has({ room: 'new_pairs' }))
    await s.next(has({ room: 'new_pairs' }), { from: 1 })
    await live.close()
  })
})

describe('axiom token expiry on an open socket', () => {
  test('closeOnTokenExpiry: the socket closes (1008) once its access token expires on the virtual clock', async () => {
    const emu = await startAxiomEmulator({ streams: { closeOnTokenExpiry: true, expiryCheckMs: 10, pushIntervalMs: 0 } })
    const t = await login(emu)
    const s = await openSocket(emu.streams.url, { headers: { cookie: cookies(t) } })
    await new Promise((r) => setTimeout(r, 40))
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    emu.clock.advance(960_000)
    expect(await s.closed).toEqual({ code: 1008, reason: 'access token expired' })
    const [entry] = await emu.streams.log.waitFor((l) => l[0]?.open === false)
    expect(entry).toMatchObject({ closedBy: 'server', closeCode: 1008, reason: 'access token expired' })
    await emu.close()
  })

  test('off by default: an expired token keeps its socket; turned on later, checkExpiry() closes it at once', async () => {
    const fresh = await login(axiom)
    const s = await openSocket(axiom.streams.url, { headers: { cookie: cookies(fresh) } })
    axiom.clock.advance(961_000)
    expect(axiom.streams.checkExpiry()).toBe(0)
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    axiom.streams.setCloseOnTokenExpiry(true)
    expect(axiom.streams.checkExpiry()).toBe(1)
    expect((await s.closed).code).toBe(1008)
    axiom.streams.setCloseOnTokenExpiry(false)
    tokens = { ...tokens, access: await refresh(axiom, tokens) }
  })

  test('a revoked access token closes its socket too when closeOnTokenExpiry is on', async () => {
    const fresh = await login(axiom)
    const s = await openSocket(axiom.streams.url, { headers: { cookie: cookies(fresh) } })
    axiom.streams.setCloseOnTokenExpiry(true)
    axiom.revokeToken(fresh.access)
    expect(await s.closed).toEqual({ code: 1008, reason: 'access token revoked' })
    axiom.streams.setCloseOnTokenExpiry(false)
  })
})

describe('axiom stream faults', () => {
  test('dropAll(), refused upgrades and path aliases for cluster fallbacks', async () => {
    const emu = await startAxiomEmulator({ streams: { paths: ['/', '/cluster3'], pushIntervalMs: 0 } })
    const t = await login(emu)
    const opts = { headers: { cookie: cookies(t) } }
    const primary = `${emu.origin.replace('http', 'ws')}/`
    const fallback = `${emu.origin.replace('http', 'ws')}/cluster3`
    const s = await openSocket(primary, opts)
    s.send({ action: 'join', room: 'new_pairs' })
    await emu.streams.log.waitFor((l) => l[0]?.subscriptions.length === 1)
    expect(emu.streams.dropAll({ code: 1001 })).toBe(1)
    expect((await s.closed).code).toBe(1001)
    // the primary cluster answers 502 (as Cloudflare did), the fallback path still works
    emu.faults.inject({ path: /^\/$/, fault: 502, times: Infinity })
    expect(await upgradeStatus(primary, opts)).toBe(502)
    expect(await upgradeStatus(fallback, opts)).toBe(101)
    emu.faults.clear()
    emu.streams.refuseUpgrades({ status: 401, times: 1 })
    expect(await upgradeStatus(primary, opts)).toBe(401)
    expect(await upgradeStatus(primary, opts)).toBe(101)
    expect(emu.streams.log.list().map((e) => [e.path, e.status, e.fault])).toEqual([
      ['/', 101, undefined],
      ['/', 502, 'status'],
      ['/cluster3', 101, undefined],
      ['/', 401, 'refuse'],
      ['/', 101, undefined],
    ])
    await emu.close()
  })
})
