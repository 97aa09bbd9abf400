import {
  AuthError,
  ConfigError,
  MemoryTokenStore,
  NetworkError,
  ProviderError,
  ResponseShapeError,
  TimeoutError,
  TokenExpiredError,
  type AuthEventMap,
} from '@authmux/core'
import { createGate, cutBody, hang, json, redirect, renderError, startHostileServer, unsignedJwt, watch, type HostileServer } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApalaAuth, type ApalaAuth, type ApalaAuthOptions } from '../index'

// Issue 12 against a misbehaving Apala (Phoenix; served at the origin root): POST /api/auth/token {api_key} →
// { access_token, refresh_token, token_type, expires_in, company_id, company_name }; POST /api/auth/refresh
// {refresh_token} → { access_token, expires_in }; `Authorization: Bearer <access_token>` on the API.

const TOKEN = '/api/auth/token'
const REFRESH = '/api/auth/refresh'
const OPTIMIZE = '/api/message_optimizer'
const API_KEY = 'CANARY-apala-key-0123456789abcdefghijklmnopq='
const YEARS_5_MS = 5 * 365 * 86_400_000

let server: HostileServer
const open: ApalaAuth[] = []

let serial = 0
/** An exchange answer: fresh tokens, `extra` overriding fields (expires_in, …). */
const exchange = (extra: Record<string, unknown> = {}) => ({
  access_token: `access-${serial++}`,
  refresh_token: 'CANARY-apala-refresh-token',
  token_type: 'Bearer',
  expires_in: 3600,
  company_id: 'co-1',
  company_name: 'Hostile Lending',
  ...extra,
})
const refreshed = (extra: Record<string, unknown> = {}) => ({ access_token: `access-${serial++}`, expires_in: 3600, ...extra })

beforeEach(async () => {
  server = await startHostileServer()
  server.route(
    'POST',
    TOKEN,
    json(() => exchange()),
  )
  server.route(
    'POST',
    REFRESH,
    json(() => refreshed()),
  )
  server.route('POST', OPTIMIZE, json({ message_id: 'm-1', optimized_message: 'Hi', recommended_channel: 'SMS', original_message: 'Hi' }))
})
afterEach(async () => {
  for (const auth of open.splice(0)) auth.dispose()
  await server.close()
})

function apala(options: ApalaAuthOptions = {}): ApalaAuth {
  const auth = createApalaAuth({ apiKey: API_KEY, baseURL: server.origin, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...options })
  open.push(auth)
  return auth
}

const optimize = (auth: ApalaAuth, options: { signal?: AbortSignal } = {}) =>
  auth.fetch(OPTIMIZE, { method: 'POST', body: { message: { content: 'Hi', channel: 'SMS' } }, ...options })
const authCalls = () => server.count(TOKEN) + server.count(REFRESH)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The error `fn` throws or its promise rejects with. */
async function failureOf(fn: () => unknown): Promise<Error> {
  try {
    await fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

/** Records the errors a strategy emits. */
function errorEvents(auth: ApalaAuth): unknown[] {
  const errors: unknown[] = []
  auth.on('error', (event: AuthEventMap['error']) => errors.push(event.error))
  return errors
}

describe('class 1 — no hot refresh loop', () => {
  // The request that asked for the token is served with it (a token expired on arrival is used once), and the
  // background timer must not turn it into a stream of auth calls.
  it.each([0, -60])('expires_in: %s on the exchange and on every refresh: at most 4 auth calls in 3 s', async (expiresIn) => {
    server.route(
      'POST',
      TOKEN,
      json(() => exchange({ expires_in: expiresIn })),
    )
    server.route(
      'POST',
      REFRESH,
      json(() => refreshed({ expires_in: expiresIn })),
    )
    await optimize(apala())
    await sleep(3_000)
    expect(authCalls()).toBeGreaterThanOrEqual(1)
    expect(authCalls()).toBeLessThanOrEqual(4)
  })

  it('a server Date header 5 years ahead (expiry from the JWT exp): at most 4 auth calls in 3 s', async () => {
    const date = new Date(Date.now() + YEARS_5_MS)
    const jwt = () => unsignedJwt({ sub: 'co-1', exp: Math.floor(Date.now() / 1000) + 3600, n: serial++ })
    server.route(
      'POST',
      TOKEN,
      json(() => exchange({ access_token: jwt(), expires_in: undefined }), { date }),
    )
    server.route(
      'POST',
      REFRESH,
      json(() => ({ access_token: jwt() }), { date }),
    )
    await optimize(apala())
    await sleep(3_000)
    expect(authCalls()).toBeGreaterThanOrEqual(1)
    expect(authCalls()).toBeLessThanOrEqual(4)
  })
})

describe('class 2 — logout wins over an exchange or refresh in flight', () => {
  it('the late exchange is discarded: signed-out, nothing stored, the waiting request rejects SIGNED_OUT', async () => {
    const gate = createGate()
    server.route(
      'POST',
      TOKEN,
      hang(
        gate,
        json(() => exchange()),
      ),
    )
    const store = new MemoryTokenStore()
    const auth = apala({ store })
    const pending = watch(optimize(auth))
    await server.received(TOKEN)
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

  it('the late refresh is discarded too', async () => {
    const gate = createGate()
    server.route(
      'POST',
      REFRESH,
      hang(
        gate,
        json(() => refreshed()),
      ),
    )
    const store = new MemoryTokenStore()
    const auth = apala({ store })
    await auth.login()
    const pending = watch(auth.refresh())
    await server.received(REFRESH)
    await auth.logout()
    gate.open()
    await pending.settled(5_000)
    expect(auth.status().state).toBe('signed-out')
    expect(await store.get(await auth.storeKey())).toBeUndefined()
    expect(pending.state).toBe('rejected')
    expect(pending.reason).toMatchObject({ code: 'SIGNED_OUT' })
  })
})

describe('class 3 — the caller’s abort signal', () => {
  it('aborting while the exchange hangs rejects at once with AbortError (the gate still closed)', async () => {
    const gate = createGate()
    server.route(
      'POST',
      TOKEN,
      hang(
        gate,
        json(() => exchange()),
      ),
    )
    const controller = new AbortController()
    const pending = watch(optimize(apala(), { signal: controller.signal }))
    await server.received(TOKEN)
    controller.abort()
    const settled = await pending.settled(2_000)
    const gateWasOpen = gate.opened
    gate.open()
    expect(settled).toBe(true)
    expect(gateWasOpen).toBe(false)
    expect(pending.state).toBe('rejected')
    expect((pending.reason as Error).name).toBe('AbortError')
  })

  it('an already-aborted signal rejects and starts no exchange', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await failureOf(() => optimize(apala(), { signal: controller.signal }))
    expect(error.name).toBe('AbortError')
    expect(authCalls()).toBe(0)
  })
})

describe('class 4 — absurd expiry', () => {
  it('expires_in 1e308: stored with a finite expiry (or none), reused by a second strategy without an exchange', async () => {
    server.route(
      'POST',
      TOKEN,
      json(() => exchange({ expires_in: 1e308 })),
    )
    const store = new MemoryTokenStore()
    const first = apala({ store })
    await optimize(first)
    expect(server.count(TOKEN)).toBe(1)
    const stored = await store.get(await first.storeKey())
    expect(stored).toBeDefined()
    expect(Number.isFinite(stored?.expiresAt) || stored?.expiresAt === undefined).toBe(true)
    first.dispose()
    await optimize(apala({ store }))
    expect(authCalls()).toBe(1)
  })
})

describe('class 5 — credential values that cannot go into a header', () => {
  it.each([
    ['CR/LF', 'CANARY-apala-access\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-apala-access'],
  ])('an exchanged access_token with %s is a ResponseShapeError naming it, redacted; the API gets nothing', async (_what, accessToken) => {
    server.route('POST', TOKEN, json(exchange({ access_token: accessToken })))
    const error = await failureOf(() => optimize(apala()))
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toMatch(/access_?token/i)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(OPTIMIZE)).toBe(0)
  })

  it.each([
    ['CR/LF', 'CANARY-apala-refreshed\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-apala-refreshed'],
  ])('a refreshed access_token with %s is refused typed and redacted, never sent', async (_what, accessToken) => {
    server.route('POST', REFRESH, json(refreshed({ access_token: accessToken })))
    const auth = apala()
    await optimize(auth)
    const error = await failureOf(() => auth.refresh())
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toMatch(/access_?token/i)
    expect(renderError(error)).not.toContain('CANARY')
    await optimize(auth).catch(() => undefined)
    for (const request of server.requests(OPTIMIZE)) expect(request.headers.authorization).not.toContain('CANARY')
  })

  it.each([
    ['CR/LF', 'CANARY-set-tokens\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-set-tokens'],
  ])('setTokens() with %s fails typed and redacted; the API gets nothing', async (_what, accessToken) => {
    const auth = apala()
    const error = await failureOf(async () => {
      await auth.setTokens({ accessToken })
      await optimize(auth)
    })
    expect(error).toBeInstanceOf(AuthError)
    expect(error instanceof ConfigError || error instanceof ResponseShapeError).toBe(true)
    expect((error as { field?: string }).field).toMatch(/accessToken/)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(OPTIMIZE)).toBe(0)
  })

  // Apala sends the key in the exchange's JSON body (never in a header); a key with CR/LF is still refused up front.
  it('an apiKey with CR/LF is a ConfigError naming apiKey, redacted; nothing is sent', async () => {
    const error = await failureOf(() => optimize(apala({ apiKey: 'CANARY-apala-key\r\nX-Evil: 1' })))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field: 'apiKey' })
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.requests()).toHaveLength(0)
  })
})

describe('class 6 — redirects', () => {
  // Apala is served at the origin root (the preset drops any base path), so every same-origin path is Apala's: the
  // hop that must lose the credential is one to another origin.
  it('a protected call redirected to another origin: no credential header reaches it', async () => {
    const elsewhere = await startHostileServer()
    try {
      elsewhere.route('POST', '/steal', json({ stolen: false }))
      elsewhere.route('GET', '/steal', json({ stolen: false }))
      server.route('POST', '/api/redirected', redirect(elsewhere.url('/steal'), 307))
      await apala()
        .fetch('/api/redirected', { method: 'POST', body: {} })
        .catch(() => undefined)
      expect(server.requests('/api/redirected')[0]?.headers.authorization).toMatch(/^Bearer ./)
      for (const request of elsewhere.requests()) {
        expect(request.headers).not.toHaveProperty('authorization')
        expect(request.headers).not.toHaveProperty('x-api-key')
        expect(request.headers).not.toHaveProperty('cookie')
      }
    } finally {
      await elsewhere.close()
    }
  })
})

describe('class 8 — every failure typed', () => {
  it('(a) an exchange that hangs past timeoutMs is a TimeoutError, also emitted as an error event', async () => {
    server.route('POST', TOKEN, hang())
    const auth = apala({ timeoutMs: 300 })
    const emitted = errorEvents(auth)
    const error = await failureOf(() => optimize(auth))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(error).toBeInstanceOf(TimeoutError)
    expect(emitted.some((e) => e instanceof TimeoutError)).toBe(true)
  })

  it('(b) an exchange answer cut off mid-body is a NetworkError', async () => {
    server.route('POST', TOKEN, cutBody({ partial: '{"access_token":"' }))
    const error = await failureOf(() => optimize(apala()))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(b) a protected answer cut off mid-body is a NetworkError', async () => {
    server.route('POST', OPTIMIZE, cutBody({ partial: '{"message_id":"' }))
    const error = await failureOf(() => optimize(apala()))
    expect(server.count(TOKEN)).toBe(1)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(c) a redirect loop is a ProviderError TOO_MANY_REDIRECTS, never a resolved 3xx', async () => {
    server.route('GET', '/api/a', redirect('/api/b'))
    server.route('GET', '/api/b', redirect('/api/a'))
    const error = await failureOf(() => apala().fetch('/api/a'))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ code: 'TOO_MANY_REDIRECTS' })
  })

  it('(d) a persistent 503 is a ProviderError with status 503', async () => {
    server.route('POST', OPTIMIZE, json({ error: 'maintenance' }, { status: 503 }))
    const error = await failureOf(() => optimize(apala()))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 503 })
  })

  it('(e) a protected request that hangs is a TimeoutError after requestTimeoutMs', async () => {
    server.route('POST', OPTIMIZE, hang())
    const request = watch(optimize(apala({ requestTimeoutMs: 300 })))
    expect(await request.settled(3_000)).toBe(true)
    expect(request.reason).toBeInstanceOf(AuthError)
    expect(request.reason).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(request.reason).toBeInstanceOf(TimeoutError)
  })
})
