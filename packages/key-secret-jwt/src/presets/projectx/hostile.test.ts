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
import { createProjectXAuth, type ProjectXAuth, type ProjectXAuthOptions } from './auth'

// Issue 12 against a misbehaving ProjectX Gateway (userName + apiKey → JWT at POST /api/Auth/loginKey, HTTP 200
// `{ token, success, errorCode, errorMessage }`; revalidated at POST /api/Auth/validate → `{ success, newToken }`;
// `Authorization: Bearer` on every call; the JWT's `exp` is the only expiry). Class 1 (no hot refresh loop) is in
// hostile-hot-loop.test.ts, on virtual time.

const BASE = '/api'
const LOGIN = `${BASE}/Auth/loginKey`
const VALIDATE = `${BASE}/Auth/validate`
const SEARCH = `${BASE}/Account/search`
const USERNAME = 'hostile-trader'
const API_KEY = 'CANARY-projectx-api-key-0123456789'
const DAY_MS = 86_400_000

let server: HostileServer
const open: Session[] = []

let serial = 0
/** A session JWT whose `exp` claim is `expSeconds` (epoch seconds, as ProjectX writes it). */
const jwt = (expSeconds: number) => unsignedJwt({ sub: USERNAME, iat: Math.floor(Date.now() / 1000), exp: expSeconds, n: serial++ })
const inADay = () => Math.floor((Date.now() + DAY_MS) / 1000)
const loginOk = (token: string) => ({ token, success: true, errorCode: 0, errorMessage: null })
const validateOk = (newToken: string) => ({ success: true, errorCode: 0, errorMessage: null, newToken })

beforeEach(async () => {
  server = await startHostileServer()
  server.route(
    'POST',
    LOGIN,
    json(() => loginOk(jwt(inADay()))),
  )
  server.route(
    'POST',
    VALIDATE,
    json(() => validateOk(jwt(inADay()))),
  )
  server.route('POST', `${BASE}/Auth/logout`, json({ success: true, errorCode: 0, errorMessage: null }))
  server.route('POST', SEARCH, json({ accounts: [{ id: 1, name: 'PRAC-1', canTrade: true }], success: true, errorCode: 0, errorMessage: null }))
})
afterEach(async () => {
  for (const auth of open.splice(0)) auth.dispose()
  await server.close()
})

function projectx(options: ProjectXAuthOptions = {}): ProjectXAuth {
  const auth = createProjectXAuth({
    username: USERNAME,
    apiKey: API_KEY,
    baseURL: server.url(BASE),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  })
  open.push(auth)
  return auth
}

const search = (auth: ProjectXAuth, options: { signal?: AbortSignal } = {}) =>
  auth.fetch('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true }, ...options })
const authCalls = () => server.count(LOGIN) + server.count(VALIDATE)

describe('class 2 — logout wins over a login or validate in flight', () => {
  it('the late login is discarded: signed-out, nothing stored, the waiting request rejects SIGNED_OUT', async () => {
    const gate = createGate()
    server.route(
      'POST',
      LOGIN,
      hang(
        gate,
        json(() => loginOk(jwt(inADay()))),
      ),
    )
    const store = new MemoryTokenStore()
    const auth = projectx({ store })
    const pending = watch(search(auth))
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

  it('a late /Auth/validate is discarded too', async () => {
    const gate = createGate()
    server.route(
      'POST',
      VALIDATE,
      hang(
        gate,
        json(() => validateOk(jwt(inADay()))),
      ),
    )
    const store = new MemoryTokenStore()
    const auth = projectx({ store })
    await search(auth)
    const pending = watch(auth.refresh())
    await server.received(VALIDATE)
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
  it('aborting while the login hangs rejects at once with AbortError (the gate still closed)', async () => {
    const gate = createGate()
    server.route(
      'POST',
      LOGIN,
      hang(
        gate,
        json(() => loginOk(jwt(inADay()))),
      ),
    )
    const controller = new AbortController()
    const pending = watch(search(projectx(), { signal: controller.signal }))
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
    const error = await rejectionOf(search(projectx(), { signal: controller.signal }))
    expect(error.name).toBe('AbortError')
    expect(authCalls()).toBe(0)
  })
})

describe('class 4 — absurd expiry', () => {
  it('exp 1e308: stored with a finite expiry (or none), reused by a second strategy without a login', async () => {
    server.route(
      'POST',
      LOGIN,
      json(() => loginOk(jwt(1e308))),
    )
    const store = new MemoryTokenStore()
    const first = projectx({ store })
    await search(first)
    expect(server.count(LOGIN)).toBe(1)
    const stored = await store.get(await first.storeKey())
    expect(stored).toBeDefined()
    expect(Number.isFinite(stored?.expiresAt) || stored?.expiresAt === undefined).toBe(true)
    first.dispose()
    await search(projectx({ store }))
    expect(authCalls()).toBe(1)
  })
})

describe('class 5 — credential values that cannot go into a header', () => {
  it.each([
    ['CR/LF', 'CANARY-px-token\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-px-token'],
  ])('a login token with %s is a ResponseShapeError naming the token, redacted; nothing protected is sent', async (_what, token) => {
    server.route('POST', LOGIN, json(loginOk(token)))
    const error = await rejectionOf(search(projectx()))
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toMatch(/token/i)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(SEARCH)).toBe(0)
  })

  it.each([
    ['CR/LF', 'CANARY-px-new-token\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-px-new-token'],
  ])('a /Auth/validate newToken with %s is refused typed and redacted, never sent', async (_what, newToken) => {
    server.route('POST', VALIDATE, json(validateOk(newToken)))
    const auth = projectx()
    await search(auth)
    const error = await rejectionOf(auth.refresh())
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toMatch(/token/i)
    expect(renderError(error)).not.toContain('CANARY')
    await search(auth).catch(() => undefined)
    for (const request of server.requests()) expect(request.headers.authorization ?? '').not.toContain('CANARY')
  })

  it.each([
    ['CR/LF', 'CANARY-set-tokens\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-set-tokens'],
  ])('setTokens() with %s fails typed and redacted; nothing protected is sent', async (_what, accessToken) => {
    const auth = projectx()
    const error = await rejectionOf(
      (async () => {
        await auth.setTokens({ accessToken })
        await search(auth)
      })(),
    )
    expect(error).toBeInstanceOf(AuthError)
    expect(error instanceof ConfigError || error instanceof ResponseShapeError).toBe(true)
    expect((error as { field?: string }).field).toMatch(/accessToken/)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(SEARCH)).toBe(0)
  })

  // ProjectX sends the key in the loginKey JSON body (never in a header); a key with CR/LF is still refused up front.
  it('an apiKey with CR/LF is a ConfigError naming apiKey, redacted; nothing is sent', async () => {
    const error = await rejectionOf(
      (async () => {
        await search(projectx({ apiKey: 'CANARY-px-key-0123456789\r\nX-Evil: 1' }))
      })(),
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field: 'apiKey' })
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.requests()).toHaveLength(0)
  })
})

describe('class 6 — a same-origin redirect out of /api', () => {
  it('a protected GET redirected to /elsewhere/steal: no credential header reaches it', async () => {
    server.route('GET', `${BASE}/Status/redirected`, redirect('/elsewhere/steal'))
    server.route('GET', '/elsewhere/steal', json({ stolen: false }))
    await projectx()
      .fetch('/Status/redirected')
      .catch(() => undefined)
    expect(server.requests(`${BASE}/Status/redirected`)[0]?.headers.authorization).toMatch(/^Bearer ./)
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
    const auth = projectx({ timeoutMs: 300 })
    const events = recordEvents(auth)
    const error = await rejectionOf(search(auth))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(error).toBeInstanceOf(TimeoutError)
    const emitted = events.filter((e) => e.event === 'error').map((e) => (e.payload as { error: unknown }).error)
    expect(emitted.some((e) => e instanceof TimeoutError)).toBe(true)
  })

  it('(b) a login answer cut off mid-body is a NetworkError', async () => {
    server.route('POST', LOGIN, cutBody())
    const error = await rejectionOf(search(projectx()))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(b) a protected answer cut off mid-body is a NetworkError', async () => {
    server.route('POST', SEARCH, cutBody({ partial: '{"accounts":[{"id":' }))
    const error = await rejectionOf(search(projectx()))
    expect(server.count(LOGIN)).toBe(1)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(c) a redirect loop is a ProviderError TOO_MANY_REDIRECTS, never a resolved 3xx', async () => {
    server.route('GET', `${BASE}/Status/a`, redirect(`${BASE}/Status/b`))
    server.route('GET', `${BASE}/Status/b`, redirect(`${BASE}/Status/a`))
    const error = await rejectionOf(projectx().fetch('/Status/a'))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ code: 'TOO_MANY_REDIRECTS' })
  })

  it('(d) a persistent 503 is a ProviderError with status 503', async () => {
    server.route('POST', SEARCH, json({ success: false, errorCode: 0, errorMessage: 'maintenance' }, { status: 503 }))
    const error = await rejectionOf(search(projectx()))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 503 })
  })

  it('(e) a protected request that hangs is a TimeoutError after requestTimeoutMs', async () => {
    server.route('POST', SEARCH, hang())
    const request = watch(search(projectx({ requestTimeoutMs: 300 })))
    expect(await request.settled(3_000)).toBe(true)
    expect(request.reason).toBeInstanceOf(AuthError)
    expect(request.reason).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(request.reason).toBeInstanceOf(TimeoutError)
  })
})
