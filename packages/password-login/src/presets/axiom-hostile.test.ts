import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AuthError,
  type AuthEventMap,
  ConfigError,
  MemoryTokenStore,
  NetworkError,
  ProviderError,
  ResponseShapeError,
  TimeoutError,
  TokenExpiredError,
  type TokenStore,
} from '@authmux/core'
import { createFileTokenStore } from '@authmux/store-file'
import {
  createGate,
  cutBody,
  hang,
  json,
  redirect,
  renderError,
  sendJson,
  startHostileServer,
  unsignedJwt,
  watch,
  type HostileHandler,
  type HostileServer,
  type JsonAnswerOptions,
} from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AxiomAuth, type AxiomAuthOptions, createAxiomAuth } from './axiom'

// Issue 12 against a misbehaving Axiom, every path served under one base path (/axiom): POST /login-password-v2
// {email, b64Password} → cookie auth-otp-login-token (+ body otpJwtToken); POST /login-otp {code, email,
// b64Password} → Set-Cookie auth-access-token / auth-refresh-token (body accessToken / refreshToken accepted too);
// POST /refresh-access-token with both cookies, empty body → a new auth-access-token. Requests carry both cookies.
// The access token's JWT `exp` is the only expiry. (password-login has no edge-runtime project; this file uses
// @authmux/store-file, which is Node-only.)

const BASE = '/axiom'
const STEP1 = `${BASE}/login-password-v2`
const STEP2 = `${BASE}/login-otp`
const REFRESH = `${BASE}/refresh-access-token`
const USER_INFO = `${BASE}/user/info`
const PASSWORD = 'CANARY-axiom-password'
const ACCESS_LIFETIME_S = 960
const YEARS_5_MS = 5 * 365 * 86_400_000

let server: HostileServer
let dir: string
const open: AxiomAuth[] = []

let serial = 0
const nowSeconds = () => Math.floor(Date.now() / 1000)
/** An Axiom access token (JWT `{ authenticatedUserId, iat, exp }`) whose `exp` is `expSeconds`. */
const accessJwt = (expSeconds = nowSeconds() + ACCESS_LIFETIME_S) =>
  unsignedJwt({ authenticatedUserId: 'u-1', iat: nowSeconds(), exp: expSeconds, n: serial++ })
/** An Axiom refresh token (JWT without `exp`). */
const refreshJwt = () => unsignedJwt({ refreshTokenId: `rt-${serial++}`, iat: nowSeconds() })
/** Set-Cookie lines carrying tokens, as Axiom sends them. */
const tokenCookies = (access: string, refresh?: string) => [
  `auth-access-token=${access}; Path=/; HttpOnly; Secure; SameSite=Lax`,
  ...(refresh ? [`auth-refresh-token=${refresh}; Path=/; HttpOnly; Secure; SameSite=Lax`] : []),
]
/** A login-otp or refresh answer: fresh tokens in Set-Cookie on every call (no refresh token: not rotated). */
const tokens =
  (access: () => string = accessJwt, refresh?: () => string, options: JsonAnswerOptions = {}): HostileHandler =>
  (_req, res) =>
    sendJson(res, { ok: true }, { ...options, headers: { 'Set-Cookie': tokenCookies(access(), refresh?.()) } })

beforeEach(async () => {
  server = await startHostileServer()
  dir = mkdtempSync(join(tmpdir(), 'authmux-axiom-hostile-'))
  server.route('POST', STEP1, json({ otpJwtToken: 'otp-jwt' }, { headers: { 'Set-Cookie': 'auth-otp-login-token=otp-jwt; Path=/' } }))
  server.route('POST', STEP2, tokens(accessJwt, refreshJwt))
  server.route('POST', REFRESH, tokens())
  server.route('GET', USER_INFO, json({ id: 'u-1' }))
})
afterEach(async () => {
  for (const auth of open.splice(0)) auth.dispose()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A strategy that logs in with email + password + code (the PBKDF2 hash costs a few hundred ms per strategy). */
function axiom(options: AxiomAuthOptions = {}): AxiomAuth {
  return track(createAxiomAuth({ email: 'bot@hostile.test', password: PASSWORD, otp: async () => '123456', ...common(), ...options }))
}

/** A strategy started from tokens imported from a browser session (no credentials: it can only refresh). */
function imported(options: AxiomAuthOptions = {}): AxiomAuth {
  return track(createAxiomAuth({ accessToken: accessJwt(), refreshToken: refreshJwt(), ...common(), ...options }))
}

const common = (): AxiomAuthOptions => ({ baseURL: server.url(BASE), env: false, retry: { baseDelayMs: 1, maxDelayMs: 5 } })
function track(auth: AxiomAuth): AxiomAuth {
  open.push(auth)
  return auth
}

const KEY = randomBytes(32).toString('base64')
/** A file store on this test's directory (a new instance per call, as a new process would open it). */
const fileStore = () => createFileTokenStore({ dir, key: KEY })
const authCalls = () => server.count(STEP1) + server.count(STEP2) + server.count(REFRESH)
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

/** Every cookie name sent to `path`. */
const cookieNames = (path: string) => server.requests(path).flatMap((r) => (r.headers.cookie ?? '').split(';').map((part) => part.split('=')[0]!.trim()))

describe('class 1 — no hot refresh loop', () => {
  // The request that asked for the token is served with it (a token expired on arrival is used once), and the
  // background timer must not turn it into a stream of auth calls.
  // Started from imported tokens whose access token has expired: the first request refreshes, and each refresh
  // answers another useless token.
  const expired = () => accessJwt(nowSeconds() - 60)

  it('a refreshed access token whose exp is already past: at most 4 auth calls in 3 s', async () => {
    server.route('POST', REFRESH, tokens(expired))
    const auth = imported({ accessToken: expired() })
    await auth.fetch('/user/info')
    await sleep(3_000)
    expect(server.count(REFRESH)).toBeGreaterThanOrEqual(1)
    expect(authCalls()).toBeLessThanOrEqual(4)
  })

  it('a server Date header 5 years ahead: at most 4 auth calls in 3 s', async () => {
    const date = new Date(Date.now() + YEARS_5_MS)
    server.route('POST', REFRESH, tokens(accessJwt, undefined, { date }))
    const auth = imported({ accessToken: expired() })
    await auth.fetch('/user/info')
    await sleep(3_000)
    expect(server.count(REFRESH)).toBeGreaterThanOrEqual(1)
    expect(authCalls()).toBeLessThanOrEqual(4)
  })
})

describe('class 2 — logout wins over a login or refresh in flight', () => {
  it.each([
    ['a MemoryTokenStore', (): TokenStore => new MemoryTokenStore()],
    ['the file store', (): TokenStore => fileStore()],
  ])('with %s: the late login is discarded — signed-out, nothing stored, the waiting request rejects SIGNED_OUT', async (_name, makeStore) => {
    const gate = createGate()
    server.route('POST', STEP2, hang(gate, tokens(accessJwt, refreshJwt)))
    const store = makeStore()
    const auth = axiom({ store })
    const pending = watch(auth.fetch('/user/info'))
    await server.received(STEP2)
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

  it('the late refresh is discarded too (file store)', async () => {
    const gate = createGate()
    server.route('POST', REFRESH, hang(gate, tokens()))
    const store = fileStore()
    const auth = imported({ store })
    await auth.fetch('/user/info')
    const pending = watch(auth.refresh())
    await server.received(REFRESH)
    await auth.logout()
    gate.open()
    await pending.settled(5_000)
    expect(auth.status().state).toBe('signed-out')
    expect(await fileStore().get(await auth.storeKey())).toBeUndefined()
    expect(pending.state).toBe('rejected')
    expect(pending.reason).toMatchObject({ code: 'SIGNED_OUT' })
  })
})

describe('class 3 — the caller’s abort signal', () => {
  it('aborting while the login hangs rejects at once with AbortError (the gate still closed)', async () => {
    const gate = createGate()
    server.route('POST', STEP1, hang(gate, json({ otpJwtToken: 'otp-jwt' })))
    const controller = new AbortController()
    const pending = watch(axiom().fetch('/user/info', { signal: controller.signal }))
    await server.received(STEP1)
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
    const error = await failureOf(() => axiom().fetch('/user/info', { signal: controller.signal }))
    expect(error.name).toBe('AbortError')
    expect(authCalls()).toBe(0)
  })
})

describe('class 4 — absurd expiry', () => {
  it('exp 1e308 survives the file store: a second strategy on it logs in zero times (no new one-time code)', async () => {
    server.route(
      'POST',
      STEP2,
      tokens(() => accessJwt(1e308), refreshJwt),
    )
    const first = axiom({ store: fileStore() })
    await first.fetch('/user/info')
    expect(server.count(STEP1)).toBe(1)
    first.dispose()
    const stored = await fileStore().get(await first.storeKey())
    expect(stored).toBeDefined()
    expect(Number.isFinite(stored?.expiresAt) || stored?.expiresAt === undefined).toBe(true)
    await axiom({ store: fileStore() }).fetch('/user/info')
    expect(server.count(STEP1)).toBe(1)
    expect(authCalls()).toBe(2)
  })
})

describe('class 5 — credential values that cannot go into a header', () => {
  it.each([
    ['an access token with CR/LF', { accessToken: 'CANARY-axiom-access\r\nX-Evil: 1' }],
    ['an access token with a non-Latin-1 character', { accessToken: 'CANARY-ключ-axiom-access' }],
    ['a refresh token with CR/LF', { refreshToken: 'CANARY-axiom-refresh\r\nX-Evil: 1' }],
  ])('a login answering %s is a ResponseShapeError naming it, redacted; nothing protected is sent', async (_what, bad) => {
    server.route('POST', STEP2, json({ accessToken: accessJwt(), refreshToken: refreshJwt(), ...bad }))
    const error = await failureOf(() => axiom().fetch('/user/info'))
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toMatch(/(access|refresh)-?token/i)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(USER_INFO)).toBe(0)
  })

  it.each([
    ['CR/LF', 'CANARY-set-tokens\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-set-tokens'],
  ])('setTokens() with %s fails typed and redacted; nothing protected is sent', async (_what, accessToken) => {
    const auth = imported()
    const error = await failureOf(async () => {
      await auth.setTokens({ accessToken, refreshToken: refreshJwt() })
      await auth.fetch('/user/info')
    })
    expect(error).toBeInstanceOf(AuthError)
    expect(error instanceof ConfigError || error instanceof ResponseShapeError).toBe(true)
    expect((error as { field?: string }).field).toMatch(/accessToken/)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(USER_INFO)).toBe(0)
  })

  it.each([
    ['cfClearance', { cfClearance: 'CANARY-cf\r\nX-Evil: 1' }],
    ['accessToken', { accessToken: 'CANARY-imported\r\nX-Evil: 1' }],
  ])('a %s option with CR/LF is a ConfigError naming it, redacted; nothing is sent', async (field, bad) => {
    const error = await failureOf(() => imported(bad).fetch('/user/info'))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError & { field?: string }).field).toMatch(new RegExp(field))
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.requests()).toHaveLength(0)
  })
})

describe('class 6 — a same-origin redirect out of /axiom', () => {
  it('drops the cookies on the hop to /elsewhere/steal', async () => {
    server.route('GET', `${USER_INFO}/redirected`, redirect('/elsewhere/steal'))
    server.route('GET', '/elsewhere/steal', json({ stolen: false }))
    await imported()
      .fetch('/user/info/redirected')
      .catch(() => undefined)
    expect(server.requests(`${USER_INFO}/redirected`)[0]?.headers.cookie).toContain('auth-access-token=')
    for (const request of server.requests('/elsewhere/steal')) {
      expect(request.headers).not.toHaveProperty('authorization')
      expect(request.headers).not.toHaveProperty('x-api-key')
      expect(request.headers).not.toHaveProperty('cookie')
    }
  })
})

describe('class 7 — cookie injection', () => {
  it('a login body token containing "; evil=1" is a ResponseShapeError; no request carries an evil cookie', async () => {
    server.route('POST', STEP2, json({ accessToken: `${accessJwt()}; evil=1`, refreshToken: refreshJwt() }))
    const outcome = await axiom()
      .fetch('/user/info')
      .then(
        () => 'resolved',
        (error: unknown) => error,
      )
    expect(cookieNames(USER_INFO)).not.toContain('evil')
    expect(outcome).toBeInstanceOf(ResponseShapeError)
  })

  it('a refresh Set-Cookie whose decoded value contains "; evil=1" is refused typed; no request carries an evil cookie', async () => {
    server.route('POST', REFRESH, json({ ok: true }, { headers: { 'Set-Cookie': [`auth-access-token=${accessJwt()}%3B%20evil%3D1; Path=/`] } }))
    const auth = imported()
    await auth.fetch('/user/info')
    const outcome = await auth.refresh().then(
      () => 'resolved',
      (error: unknown) => error,
    )
    await auth.fetch('/user/info').catch(() => undefined)
    expect(cookieNames(USER_INFO)).not.toContain('evil')
    expect(outcome).toBeInstanceOf(ResponseShapeError)
  })
})

describe('class 8 — every failure typed', () => {
  it('(a) a login that hangs past timeoutMs is a TimeoutError, also emitted as an error event', async () => {
    server.route('POST', STEP1, hang())
    const auth = axiom({ timeoutMs: 300 })
    const emitted: unknown[] = []
    auth.on('error', (event: AuthEventMap['error']) => emitted.push(event.error))
    const error = await failureOf(() => auth.fetch('/user/info'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(error).toBeInstanceOf(TimeoutError)
    expect(emitted.some((e) => e instanceof TimeoutError)).toBe(true)
  })

  it('(b) a login answer cut off mid-body is a NetworkError', async () => {
    server.route('POST', STEP1, cutBody({ partial: '{"otpJwtToken":"' }))
    const error = await failureOf(() => axiom().fetch('/user/info'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(b) a protected answer cut off mid-body is a NetworkError', async () => {
    server.route('GET', USER_INFO, cutBody({ partial: '{"id":"' }))
    const error = await failureOf(() => imported().fetch('/user/info'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(c) a redirect loop is a ProviderError TOO_MANY_REDIRECTS, never a resolved 3xx', async () => {
    server.route('GET', `${BASE}/a`, redirect(`${BASE}/b`))
    server.route('GET', `${BASE}/b`, redirect(`${BASE}/a`))
    const error = await failureOf(() => imported().fetch('/a'))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ code: 'TOO_MANY_REDIRECTS' })
  })

  it('(d) a persistent 503 is a ProviderError with status 503', async () => {
    server.route('GET', USER_INFO, json({ error: 'maintenance' }, { status: 503 }))
    const error = await failureOf(() => imported().fetch('/user/info'))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 503 })
  })

  it('(e) a protected request that hangs is a TimeoutError after requestTimeoutMs', async () => {
    server.route('GET', USER_INFO, hang())
    const request = watch(imported({ requestTimeoutMs: 300 }).fetch('/user/info'))
    expect(await request.settled(3_000)).toBe(true)
    expect(request.reason).toBeInstanceOf(AuthError)
    expect(request.reason).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(request.reason).toBeInstanceOf(TimeoutError)
  })
})
