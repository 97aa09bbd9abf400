import { AuthError, type AuthEventMap, ConfigError, NetworkError, ProviderError, ResponseShapeError, TimeoutError } from '@authmux/core'
import { cutBody, hang, json, redirect, renderError, watch } from '@authmux/testkit'
import { describe, expect, it } from 'vitest'
import {
  BASE,
  STEP1,
  STEP2,
  REFRESH,
  USER_INFO,
  server,
  accessJwt,
  refreshJwt,
  axiom,
  imported,
  failureOf,
  cookieNames,
  useHostileAxiom,
} from './axiom-hostile.fixtures'

// Issue 12 against a misbehaving Axiom (server and helpers: axiom-hostile.fixtures.ts), classes 5–8: credential values
// that cannot go into a header, a same-origin redirect out of the base path, cookie injection, every failure typed.
useHostileAxiom()

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
