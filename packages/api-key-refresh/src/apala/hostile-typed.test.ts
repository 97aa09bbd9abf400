import { inspect } from 'node:util'
import { AuthError, ConfigError, NetworkError, ProviderError, ResponseShapeError, TimeoutError } from '@authmux/core'
import { cutBody, hang, json, redirect, renderError, startHostileServer, watch, type HostileRequest } from '@authmux/testkit'
import { describe, expect, it } from 'vitest'
import { API_KEY, errorEvents, exchange, failureOf, OPTIMIZE, optimize, REFRESH, refreshed, TOKEN, useHostileApala } from '../test/hostile-apala'

// Issue 12 against a misbehaving Apala, classes 5, 6 and 8: credential values that cannot go into a header,
// redirects, every failure typed. Classes 1–4 are in hostile.test.ts.

const h = useHostileApala()

describe('class 5 — credential values that cannot go into a header', () => {
  it.each([
    ['CR/LF', 'CANARY-apala-access\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-apala-access'],
  ])('an exchanged access_token with %s is a ResponseShapeError naming it, redacted; the API gets nothing', async (_what, accessToken) => {
    h.server.route('POST', TOKEN, json(exchange({ access_token: accessToken })))
    const error = await failureOf(() => optimize(h.apala()))
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toMatch(/access_?token/i)
    expect(renderError(error)).not.toContain('CANARY')
    expect(h.server.count(OPTIMIZE)).toBe(0)
  })

  it.each([
    ['CR/LF', 'CANARY-apala-refreshed\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-apala-refreshed'],
  ])('a refreshed access_token with %s is refused typed and redacted, never sent', async (_what, accessToken) => {
    h.server.route('POST', REFRESH, json(refreshed({ access_token: accessToken })))
    const auth = h.apala()
    await optimize(auth)
    const error = await failureOf(() => auth.refresh())
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toMatch(/access_?token/i)
    expect(renderError(error)).not.toContain('CANARY')
    await optimize(auth).catch(() => undefined)
    for (const request of h.server.requests(OPTIMIZE)) expect(request.headers.authorization).not.toContain('CANARY')
  })

  it.each([
    ['CR/LF', 'CANARY-set-tokens\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-set-tokens'],
  ])('setTokens() with %s fails typed and redacted; the API gets nothing', async (_what, accessToken) => {
    const auth = h.apala()
    const error = await failureOf(async () => {
      await auth.setTokens({ accessToken })
      await optimize(auth)
    })
    expect(error).toBeInstanceOf(AuthError)
    expect(error instanceof ConfigError || error instanceof ResponseShapeError).toBe(true)
    expect((error as { field?: string }).field).toMatch(/accessToken/)
    expect(renderError(error)).not.toContain('CANARY')
    expect(h.server.count(OPTIMIZE)).toBe(0)
  })

  // Apala sends the key in the exchange's JSON body (never in a header); a key with CR/LF is still refused up front.
  it('an apiKey with CR/LF is a ConfigError naming apiKey, redacted; nothing is sent', async () => {
    const error = await failureOf(() => optimize(h.apala({ apiKey: 'CANARY-apala-key\r\nX-Evil: 1' })))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field: 'apiKey' })
    expect(renderError(error)).not.toContain('CANARY')
    expect(h.server.requests()).toHaveLength(0)
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
      h.server.route('POST', '/api/redirected', redirect(elsewhere.url('/steal'), 307))
      await h
        .apala()
        .fetch('/api/redirected', { method: 'POST', body: {} })
        .catch(() => undefined)
      expect(h.server.requests('/api/redirected')[0]?.headers.authorization).toMatch(/^Bearer ./)
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
    h.server.route('POST', TOKEN, hang())
    const auth = h.apala({ timeoutMs: 300 })
    const emitted = errorEvents(auth)
    const error = await failureOf(() => optimize(auth))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(error).toBeInstanceOf(TimeoutError)
    expect(emitted.some((e) => e instanceof TimeoutError)).toBe(true)
  })

  it('(b) an exchange answer cut off mid-body is a NetworkError', async () => {
    h.server.route('POST', TOKEN, cutBody({ partial: '{"access_token":"' }))
    const error = await failureOf(() => optimize(h.apala()))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(b) a protected answer cut off mid-body is a NetworkError', async () => {
    h.server.route('POST', OPTIMIZE, cutBody({ partial: '{"message_id":"' }))
    const error = await failureOf(() => optimize(h.apala()))
    expect(h.server.count(TOKEN)).toBe(1)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(c) a redirect loop is a ProviderError TOO_MANY_REDIRECTS, never a resolved 3xx', async () => {
    h.server.route('GET', '/api/a', redirect('/api/b'))
    h.server.route('GET', '/api/b', redirect('/api/a'))
    const error = await failureOf(() => h.apala().fetch('/api/a'))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ code: 'TOO_MANY_REDIRECTS' })
  })

  it('(d) a persistent 503 is a ProviderError with status 503', async () => {
    h.server.route('POST', OPTIMIZE, json({ error: 'maintenance' }, { status: 503 }))
    const error = await failureOf(() => optimize(h.apala()))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 503 })
  })

  it('(e) a protected request that hangs is a TimeoutError after requestTimeoutMs', async () => {
    h.server.route('POST', OPTIMIZE, hang())
    const request = watch(optimize(h.apala({ requestTimeoutMs: 300 })))
    expect(await request.settled(3_000)).toBe(true)
    expect(request.reason).toBeInstanceOf(AuthError)
    expect(request.reason).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(request.reason).toBeInstanceOf(TimeoutError)
  })
})

describe('secrets the provider echoes back', () => {
  // Canaries placed where a secret really surfaces: Apala's error answers quote what they were sent, and the engine
  // puts the provider's words into its messages. Only redaction stands between those bodies and the user's logs.
  it('an exchange refusal quoting the key, a failed refresh and an API error quoting the tokens: the words are kept, the secrets are not', async () => {
    const sentKey = (body: unknown) => (body as { api_key?: string } | undefined)?.api_key
    h.server.route(
      'POST',
      TOKEN,
      json((req: HostileRequest) => ({ error: `invalid api key ${sentKey(req.json)}` }), { status: 401 }),
    )
    const events: unknown[] = []
    const logs: unknown[] = []
    const record = (...line: unknown[]) => logs.push(line)
    const logger = { debug: record, info: record, warn: record, error: record }
    const bad = h.apala({ logger })
    for (const name of ['login', 'refresh', 'logout', 'error'] as const) bad.on(name, (e) => events.push(e))
    const refused = await failureOf(() => optimize(bad))
    expect(refused).toMatchObject({ name: 'InvalidCredentialsError', status: 401 })
    expect(refused.message).toContain('invalid api key [REDACTED]')

    h.server.route(
      'POST',
      TOKEN,
      json(() => exchange()),
    )
    h.server.route(
      'POST',
      REFRESH,
      json((req: HostileRequest) => ({ error: `refresh token ${(req.json as { refresh_token?: string }).refresh_token} unknown` }), { status: 500 }),
    )
    h.server.route(
      'POST',
      OPTIMIZE,
      json((req: HostileRequest) => ({ error: `token ${req.headers.authorization} is broken` }), { status: 500 }),
    )
    const good = h.apala({ logger, retry: { maxRetries: 0 } })
    for (const name of ['login', 'refresh', 'logout', 'error'] as const) good.on(name, (e) => events.push(e))
    const apiError = await failureOf(() => optimize(good))
    expect(apiError).toBeInstanceOf(ProviderError)
    expect(apiError.message).toContain('token Bearer [REDACTED] is broken')
    const accessToken = good.accessToken!
    const refreshError = await failureOf(() => good.refresh())
    expect(refreshError.message).toContain('refresh token [REDACTED] unknown')

    const surfaces = [
      ...[refused, apiError, refreshError].map((error) => renderError(error)),
      JSON.stringify(bad),
      JSON.stringify(good),
      inspect(bad, { depth: 5 }),
      inspect(good, { depth: 5 }),
      inspect(events, { depth: 5 }),
      JSON.stringify(logs),
    ].join('\n')
    for (const secret of [API_KEY, accessToken, exchange().refresh_token]) expect(surfaces).not.toContain(secret)
  })
})
