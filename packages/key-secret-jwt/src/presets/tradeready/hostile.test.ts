import {
  AuthError,
  ConfigError,
  MemoryTokenStore,
  NetworkError,
  ProviderError,
  ResponseShapeError,
  type Session,
  TimeoutError,
  TokenExpiredError,
} from '@authmux/core'
import { createGate, cutBody, hang, json, redirect, renderError, startHostileServer, unsignedJwt, watch, type HostileServer } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordEvents, rejectionOf } from '../../test-support'
import { createTradeReadyAuth, type TradeReadyAuth, type TradeReadyAuthOptions } from './auth'

// Issue 12 against a misbehaving TradeReady (key + secret → JWT at POST /api/v1/auth/login, `{ token, expires_at }`;
// the JWT on /agents and /battles, X-API-Key elsewhere; no refresh endpoint — renewing is logging in again).
// Class 1 (no hot refresh loop) is in hostile-hot-loop.test.ts, on virtual time.

const BASE = '/api/v1'
const LOGIN = `${BASE}/auth/login`
const AGENTS = `${BASE}/agents`
const API_KEY = 'CANARY-ak_live_tradeready-key-0123456789'
const API_SECRET = 'CANARY-sk_live_tradeready-secret-0123456789'
const HOUR_MS = 3_600_000

let server: HostileServer
const open: Session[] = []

beforeEach(async () => {
  server = await startHostileServer()
  server.route(
    'POST',
    LOGIN,
    json(() => loginBody(Date.now() + HOUR_MS)),
  )
  server.route('GET', AGENTS, json([]))
  server.route('GET', `${BASE}/account/info`, json({ account_id: 'acc-1' }))
})
afterEach(async () => {
  for (const auth of open.splice(0)) auth.dispose()
  await server.close()
})

let serial = 0
/** A `/auth/login` 200 body whose JWT and `expires_at` both say `expiresAtMs`. */
function loginBody(
  expiresAtMs: number,
  token = unsignedJwt({ sub: 'acc-1', iat: Math.floor(Date.now() / 1000), exp: Math.floor(expiresAtMs / 1000), n: serial++ }),
) {
  return { token, expires_at: new Date(expiresAtMs).toISOString(), token_type: 'Bearer' }
}

function tradeready(options: TradeReadyAuthOptions = {}): TradeReadyAuth {
  const auth = createTradeReadyAuth({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    baseURL: server.url(BASE),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  })
  open.push(auth)
  return auth
}

describe('class 2 — logout wins over a login in flight', () => {
  it('the late login is discarded: signed-out, nothing stored, the waiting request rejects SIGNED_OUT', async () => {
    const gate = createGate()
    server.route(
      'POST',
      LOGIN,
      hang(
        gate,
        json(() => loginBody(Date.now() + HOUR_MS)),
      ),
    )
    const store = new MemoryTokenStore()
    const auth = tradeready({ store })
    const pending = watch(auth.fetch('/agents'))
    await server.received(LOGIN)
    await auth.logout()
    gate.open()
    await pending.settled(5_000)
    expect(auth.status().state).toBe('signed-out')
    expect(await store.get(await auth.storeKey())).toBeUndefined()
    expect(pending.state).toBe('rejected')
    expect(pending.reason).toBeInstanceOf(AuthError)
    expect(pending.reason).toMatchObject({ code: 'SIGNED_OUT' })
    expect(pending.reason).toBeInstanceOf(TokenExpiredError)
  })
})

describe('class 3 — the caller’s abort signal', () => {
  it('aborting while the login hangs rejects at once with AbortError (the gate still closed)', async () => {
    const gate = createGate()
    server.route(
      'POST',
      LOGIN,
      hang(
        gate,
        json(() => loginBody(Date.now() + HOUR_MS)),
      ),
    )
    const controller = new AbortController()
    const pending = watch(tradeready().fetch('/agents', { signal: controller.signal }))
    await server.received(LOGIN)
    controller.abort()
    const settled = await pending.settled(2_000)
    const gateWasOpen = gate.opened
    gate.open()
    expect(settled).toBe(true)
    expect(gateWasOpen).toBe(false)
    expect(pending.state).toBe('rejected')
    expect((pending.reason as Error).name).toBe('AbortError')
  })

  it('an already-aborted signal rejects and starts no login', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await rejectionOf(tradeready().fetch('/agents', { signal: controller.signal }))
    expect(error.name).toBe('AbortError')
    expect(server.count(LOGIN)).toBe(0)
  })
})

describe('class 4 — absurd expiry', () => {
  it('expires_at "never" with exp 1e308: stored with a finite expiry (or none), reused by a second strategy', async () => {
    server.route(
      'POST',
      LOGIN,
      json(() => ({ token: unsignedJwt({ sub: 'acc-1', exp: 1e308, n: serial++ }), expires_at: 'never', token_type: 'Bearer' })),
    )
    const store = new MemoryTokenStore()
    const first = tradeready({ store })
    await first.fetch('/agents')
    expect(server.count(LOGIN)).toBe(1)
    const stored = await store.get(await first.storeKey())
    expect(stored).toBeDefined()
    expect(Number.isFinite(stored?.expiresAt) || stored?.expiresAt === undefined).toBe(true)
    first.dispose()
    await tradeready({ store }).fetch('/agents')
    expect(server.count(LOGIN)).toBe(1)
  })
})

describe('class 5 — credential values that cannot go into a header', () => {
  it.each([
    ['CR/LF', 'CANARY-tr-token\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-tr-token'],
  ])('a login token with %s is a ResponseShapeError naming the token, redacted; /agents gets nothing', async (_what, token) => {
    server.route('POST', LOGIN, json({ token, expires_at: new Date(Date.now() + HOUR_MS).toISOString(), token_type: 'Bearer' }))
    const error = await rejectionOf(tradeready().fetch('/agents'))
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toMatch(/token/i)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(AGENTS)).toBe(0)
  })

  it.each([
    ['CR/LF', 'CANARY-set-tokens\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-set-tokens'],
  ])('setTokens() with %s fails typed and redacted; /agents gets nothing', async (_what, accessToken) => {
    const auth = tradeready()
    const error = await rejectionOf(
      (async () => {
        await auth.setTokens({ accessToken })
        await auth.fetch('/agents')
      })(),
    )
    expect(error).toBeInstanceOf(AuthError)
    expect(error instanceof ConfigError || error instanceof ResponseShapeError).toBe(true)
    expect((error as { field?: string }).field).toMatch(/accessToken/)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(AGENTS)).toBe(0)
  })

  it.each([
    ['CR/LF', 'CANARY-ak_live_crlf\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ak_live_ключ'],
  ])('an apiKey with %s is a ConfigError naming apiKey, redacted; nothing is sent', async (_what, apiKey) => {
    const error = await rejectionOf(
      (async () => {
        await tradeready({ apiKey }).fetch('/account/info')
      })(),
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field: 'apiKey' })
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.requests()).toHaveLength(0)
  })
})

describe('class 6 — a same-origin redirect out of /api/v1', () => {
  it.each([
    ['a JWT route', '/agents/redirected', 'authorization', /^Bearer ./],
    ['an X-API-Key route', '/account/redirected', 'x-api-key', new RegExp(`^${API_KEY}$`)],
  ])('%s: no credential header reaches /elsewhere/steal', async (_what, path, header, sent) => {
    server.route('GET', `${BASE}${path}`, redirect('/elsewhere/steal'))
    server.route('GET', '/elsewhere/steal', json({ stolen: false }))
    await tradeready()
      .fetch(path)
      .catch(() => undefined)
    // The request inside the base path carried its credential (so the assertions below can fail) …
    expect(server.requests(`${BASE}${path}`)[0]?.headers[header]).toMatch(sent)
    // … and no hop outside it carried any.
    for (const request of server.requests('/elsewhere/steal')) {
      expect(request.headers).not.toHaveProperty('authorization')
      expect(request.headers).not.toHaveProperty('x-api-key')
      expect(request.headers).not.toHaveProperty('cookie')
    }
  })
})

describe('class 8 — every failure typed', () => {
  it('(a) a login that hangs past timeoutMs is a TimeoutError, also emitted as an error event', async () => {
    server.route('POST', LOGIN, hang())
    const auth = tradeready({ timeoutMs: 300 })
    const events = recordEvents(auth)
    const error = await rejectionOf(auth.fetch('/agents'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(error).toBeInstanceOf(TimeoutError)
    const emitted = events.filter((e) => e.event === 'error').map((e) => (e.payload as { error: unknown }).error)
    expect(emitted.some((e) => e instanceof TimeoutError)).toBe(true)
  })

  it('(b) a login answer cut off mid-body is a NetworkError', async () => {
    server.route('POST', LOGIN, cutBody())
    const error = await rejectionOf(tradeready().fetch('/agents'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(b) a protected answer cut off mid-body is a NetworkError', async () => {
    server.route('GET', AGENTS, cutBody({ partial: '[{"agent_id":"' }))
    const error = await rejectionOf(tradeready().fetch('/agents'))
    expect(server.count(LOGIN)).toBe(1)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(c) a redirect loop is a ProviderError TOO_MANY_REDIRECTS, never a resolved 3xx', async () => {
    server.route('GET', `${AGENTS}/a`, redirect(`${AGENTS}/b`))
    server.route('GET', `${AGENTS}/b`, redirect(`${AGENTS}/a`))
    const error = await rejectionOf(tradeready().fetch('/agents/a'))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ code: 'TOO_MANY_REDIRECTS' })
  })

  it('(d) a persistent 503 is a ProviderError with status 503', async () => {
    server.route('GET', AGENTS, json({ error: { code: 'INTERNAL_ERROR', message: 'maintenance' } }, { status: 503 }))
    const error = await rejectionOf(tradeready().fetch('/agents'))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 503 })
  })

  it('(e) a protected request that hangs is a TimeoutError after requestTimeoutMs', async () => {
    server.route('GET', AGENTS, hang())
    const request = watch(tradeready({ requestTimeoutMs: 300 }).fetch('/agents'))
    expect(await request.settled(3_000)).toBe(true)
    expect(request.reason).toBeInstanceOf(AuthError)
    expect(request.reason).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(request.reason).toBeInstanceOf(TimeoutError)
  })
})
