import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { startEmulators, type Emulators } from './emulators.js'

let emu: Emulators
const trLogin = () =>
  fetch(`${emu.urls.tradeready}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: emu.credentials.tradeready.apiKey, api_secret: emu.credentials.tradeready.apiSecret }),
  })
const apalaToken = () =>
  fetch(`${emu.urls.apala}/api/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: emu.credentials.apala.apiKey }),
  })

beforeAll(async () => {
  emu = await startEmulators({ tradeready: { loginRateLimit: { limit: 1000, windowSeconds: 60 } } })
})
afterAll(() => emu.close())
beforeEach(() => {
  emu.faults.clear()
  emu.stats.reset()
  emu.requests.clear()
})

describe('fault injection', () => {
  test('status 500 for the next N matching requests, in the provider envelope, then normal answers', async () => {
    const rule = emu.faults.inject({ provider: 'tradeready', path: '/auth/login', times: 2, fault: 500 })
    const a = await trLogin()
    expect(a.status).toBe(500)
    expect(await a.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: expect.any(String) } })
    expect(rule.remaining).toBe(1)
    expect((await trLogin()).status).toBe(500)
    expect((await trLogin()).status).toBe(200)
    expect(rule.hits).toBe(2)
    expect(emu.faults.pending()).toBe(0)
    expect(emu.stats.get('tradeready').logins).toBe(3)
    expect(emu.requests.list({ provider: 'tradeready' }).map((e) => [e.status, e.fault])).toEqual([
      [500, 'status'],
      [500, 'status'],
      [200, undefined],
    ])
  })

  test('503 and 401 shorthands; scoped to the provider, method and path', async () => {
    emu.faults.inject({ provider: 'apala', path: '/api/auth/token', method: 'POST', fault: 503 })
    emu.faults.inject({ provider: 'apala', path: /feedback/, fault: 401 })
    expect((await trLogin()).status).toBe(200)
    expect((await fetch(`${emu.urls.apala}/api/auth/token`)).status).toBe(405)
    expect((await apalaToken()).status).toBe(503)
    const token = ((await (await apalaToken()).json()) as { access_token: string }).access_token
    const fb = await fetch(`${emu.urls.apala}/api/feedback`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' })
    expect(fb.status).toBe(401)
    expect(emu.stats.get('apala').unauthorized).toBe(1)
  })

  test('429 with Retry-After', async () => {
    emu.faults.inject({ provider: 'projectx', fault: { kind: 'rate-limit', retryAfterSeconds: 7 } })
    const res = await fetch(`${emu.urls.projectx}/Auth/validate`, { method: 'POST' })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(emu.stats.get('projectx').rateLimited).toBe(1)
  })

  test('delay, then the normal answer', async () => {
    emu.faults.inject({ provider: 'tradeready', fault: { kind: 'delay', delayMs: 200 } })
    const started = performance.now()
    const res = await trLogin()
    expect(res.status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(190)
  })

  test('connection reset destroys the socket', async () => {
    emu.faults.inject({ provider: 'axiom', path: '/refresh-access-token', fault: 'reset' })
    await expect(fetch(`${emu.urls.axiom}/refresh-access-token`, { method: 'POST' })).rejects.toThrow(TypeError)
    expect(emu.requests.list({ provider: 'axiom' })[0]).toMatchObject({ status: 0, fault: 'reset' })
    expect((await fetch(`${emu.urls.axiom}/refresh-access-token`, { method: 'POST' })).status).toBe(401)
  })

  test('malformed JSON and an HTML error page', async () => {
    emu.faults.inject({ provider: 'aionmarket', fault: 'malformed-json' })
    emu.faults.inject({ provider: 'aionmarket', fault: { kind: 'html', status: 503 } })
    const bad = await fetch(`${emu.urls.aionmarket}/agents/me`)
    expect(bad.status).toBe(200)
    expect(bad.headers.get('content-type')).toMatch(/application\/json/)
    await expect(bad.json()).rejects.toThrow(SyntaxError)
    const html = await fetch(`${emu.urls.aionmarket}/agents/me`)
    expect(html.status).toBe(503)
    expect(html.headers.get('content-type')).toMatch(/text\/html/)
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/)
    expect((await fetch(`${emu.urls.aionmarket}/agents/me`)).status).toBe(401)
  })

  test('per-provider handles scope their rules; cancel() removes a rule; times: Infinity persists', async () => {
    const rule = emu.tradeready.faults.inject({ fault: 502, times: Infinity })
    expect((await apalaToken()).status).toBe(200)
    for (let i = 0; i < 3; i++) expect((await trLogin()).status).toBe(502)
    rule.cancel()
    expect((await trLogin()).status).toBe(200)
    expect(() => emu.faults.inject({ fault: 500, times: 0 })).toThrow(/times/)
  })
})
