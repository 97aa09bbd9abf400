// Issue 15, item 4: every failure of `strategy.fetch` — refused, DNS, timeout, TLS, a stalled body, a non-2xx answer,
// a bug in the caller's own parser — reaches the caller as an AuthError naming the reason, through every path
// (`fetch`, `raw`, `composeAuth`, `createAuthFetch` over any strategy, and `helperCall` for preset helpers), without a
// secret anywhere.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAuthFetch } from './auth-fetch'
import { composeAuth } from './compose'
import { AuthError, NetworkError, ProviderError, TimeoutError } from './errors'
import { failureReason, requestFailure } from './failure'
import { helperCall, redactError } from './redact-error'
import { createSession, type Session } from './session'
import { CANARY_API_KEY } from './testing/canaries'
import { expectScenarioError, type NetworkFailureScenarios, SCENARIO_TIMEOUT_MS, startNetworkFailureScenarios } from './testing/network-failures'
import { json, type ScriptedServer, startScriptedServer } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'
import type { AuthStrategy } from './types'

const TOKEN = 'CANARYTOK-access-3f9a0c'
const SECRETS = [CANARY_API_KEY, TOKEN]
const SCENARIOS = ['refused', 'dns', 'timeout', 'tls'] as const

let scenarios: NetworkFailureScenarios
beforeAll(async () => {
  scenarios = await startNetworkFailureScenarios()
})
afterAll(async () => scenarios.close())

const sessions: Session[] = []
afterEach(() => {
  for (const session of sessions.splice(0)) session.dispose()
})

const scenario = (name: (typeof SCENARIOS)[number]) => scenarios.all.find((s) => s.name === name)!

/** An engine session on `origin` holding a token already (requests go straight out), no retries. */
function session(origin: string, overrides: Parameters<typeof testFlow>[1] = {}): Session {
  const auth = createSession(testFlow(`${origin}/api`, { apiKey: CANARY_API_KEY, ...overrides }), {
    initialTokens: { accessToken: TOKEN },
    requestTimeoutMs: SCENARIO_TIMEOUT_MS,
    timeoutMs: SCENARIO_TIMEOUT_MS,
    retry: { maxRetries: 0 },
  })
  sessions.push(auth)
  return auth
}

/** A hand-written `AuthStrategy` (not an engine session) whose fetch is `createAuthFetch`'s. */
function handWritten(origin: string): AuthStrategy {
  const strategy: AuthStrategy = {
    name: 'hand',
    baseURL: `${origin}/api`,
    accessToken: TOKEN,
    get fetch() {
      return fetch
    },
    getHeaders: async () => ({ authorization: `Bearer ${TOKEN}` }),
    status: () => ({ state: 'valid' }),
    login: async () => {},
    refresh: async () => {},
    logout: async () => {},
    setTokens: async () => {},
    on: () => () => {},
  }
  const fetch = createAuthFetch(strategy, { timeout: SCENARIO_TIMEOUT_MS })
  return strategy
}

describe('network failures are typed, name the reason and show no secret', () => {
  it.each(SCENARIOS)('%s, through strategy.fetch', async (name) => {
    const s = scenario(name)
    const connectionsBefore = s.connections()
    const error = await session(s.origin)
      .fetch('/data')
      .catch((e: unknown) => e)
    expectScenarioError(error, s, SECRETS)
    // The hanging and TLS servers were really reached (once: no retries configured).
    if (name === 'timeout' || name === 'tls') expect(s.connections() - connectionsBefore).toBe(1)
  })

  it.each(SCENARIOS)('%s, through strategy.fetch.raw', async (name) => {
    const s = scenario(name)
    expectScenarioError(
      await session(s.origin)
        .fetch.raw('/data')
        .catch((e: unknown) => e),
      s,
      SECRETS,
    )
  })

  it.each(SCENARIOS)('%s, through composeAuth', async (name) => {
    const s = scenario(name)
    const bot = composeAuth(session(s.origin))
    expectScenarioError(await bot.fetch(`${s.origin}/api/data`).catch((e: unknown) => e), s, SECRETS)
  })

  it.each(SCENARIOS)('%s, through a preset-style helper (helperCall around strategy.fetch)', async (name) => {
    const s = scenario(name)
    const auth = session(s.origin)
    const helper = () => helperCall(auth, async () => (await auth.fetch<{ id: string }>('/me')).id)
    expectScenarioError(await helper().catch((e: unknown) => e), s, SECRETS)
  })

  it.each(SCENARIOS)('%s, during the login a request needs first (an auth call)', async (name) => {
    const s = scenario(name)
    const auth = createSession(testFlow(`${s.origin}/api`, { apiKey: CANARY_API_KEY }), { timeoutMs: SCENARIO_TIMEOUT_MS, retry: { maxRetries: 0 } })
    sessions.push(auth)
    expectScenarioError(await auth.fetch('/data').catch((e: unknown) => e), s, SECRETS)
  })

  it.each(['refused', 'dns', 'tls'] as const)('%s, through createAuthFetch over a hand-written strategy', async (name) => {
    const s = scenario(name)
    const error = await handWritten(s.origin)
      .fetch('/data')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toMatch(s.reason)
    expect((error as Error).message).toContain(`${s.origin}/api/data`)
  })

  it("a hand-written strategy's call past its `timeout` option is a TimeoutError", async () => {
    const s = scenario('timeout')
    const error = await handWritten(s.origin)
      .fetch('/data')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as Error).message).toMatch(/hand did not answer http:\/\/127\.0\.0\.1:\d+\/api\/data in time \(.*timeout/)
  })

  it("a call's own `timeout` option, shorter than requestTimeoutMs, is a TimeoutError too", async () => {
    const s = scenario('timeout')
    const auth = createSession(testFlow(`${s.origin}/api`, { apiKey: CANARY_API_KEY }), {
      initialTokens: { accessToken: TOKEN },
      requestTimeoutMs: 60_000,
      retry: { maxRetries: 0 },
    })
    sessions.push(auth)
    const error = await auth.fetch('/data', { timeout: 50 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as Error).message).toMatch(/testprov did not answer http:\/\/127\.0\.0\.1:\d+\/api\/data in time \(.*timeout/)
  })
})

describe('answers that start and then fail', () => {
  let server: ScriptedServer
  afterEach(async () => server?.close())

  /** Headers and the first bytes of a body, then nothing: the deadline stops the body read, not the connect. */
  async function stallingServer(): Promise<ScriptedServer> {
    server = await startScriptedServer()
    const stall = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.write('{"access_token": "')
    }
    server.route('/api/data', stall)
    server.route('/auth/token', stall)
    return server
  }

  it('a body that stalls past requestTimeoutMs is a TimeoutError, not a NetworkError about a symbol', async () => {
    const { origin } = await stallingServer()
    const error = await session(origin)
      .fetch('/data')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as Error).message).toMatch(new RegExp(`did not answer ${origin}/api/data within ${SCENARIO_TIMEOUT_MS} ms`))
    expect((error as Error).message).not.toContain('Symbol')
  })

  it('a login answer whose body stalls past timeoutMs is a TimeoutError naming the auth endpoint', async () => {
    const { origin } = await stallingServer()
    const auth = createSession(testFlow(`${origin}/api`, { apiKey: CANARY_API_KEY }), { timeoutMs: SCENARIO_TIMEOUT_MS, retry: { maxRetries: 0 } })
    sessions.push(auth)
    const error = await auth.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as Error).message).toMatch(new RegExp(`did not answer ${origin}/auth/token within ${SCENARIO_TIMEOUT_MS} ms`))
  })

  it('a non-2xx answer is a ProviderError with the status; the parsed body stays reachable on its cause', async () => {
    server = await startScriptedServer()
    server.route('/api/orders', (_req, res) => json(res, 422, { error: 'quantity too small', code: 'MIN_QTY' }))
    const auth = session(server.origin)
    for (const call of [() => auth.fetch('/orders'), () => auth.fetch.raw('/orders')]) {
      const error = (await call().catch((e: unknown) => e)) as ProviderError & { cause: { status: number; data: unknown } }
      expect(error).toBeInstanceOf(ProviderError)
      expect(error).toMatchObject({ status: 422, code: 'PROVIDER_ERROR' })
      expect(error.message).toContain('quantity too small')
      expect(error.cause.status).toBe(422)
      expect(error.cause.data).toEqual({ error: 'quantity too small', code: 'MIN_QTY' })
    }
  })

  it("the flow's own mapping of a non-2xx answer (status, provider code) gets the body as cause too", async () => {
    server = await startScriptedServer()
    server.route('/api/orders', (_req, res) => json(res, 409, { errorCode: 7 }))
    const auth = session(server.origin, {
      toError: ({ status, data }) => new ProviderError('@authmux/core-test: refused', { status, providerCode: (data as { errorCode: number }).errorCode }),
    })
    const error = (await auth.fetch('/orders').catch((e: unknown) => e)) as ProviderError & { cause: { data: unknown } }
    expect(error).toMatchObject({ status: 409, providerCode: 7 })
    expect(error.cause.data).toEqual({ errorCode: 7 })
  })

  it("a bug in the caller's own response parser is AuthError UNEXPECTED (not a network error), original as cause", async () => {
    server = await startScriptedServer()
    server.route('/api/data', (_req, res) => json(res, 200, { ok: true }))
    const bug = new TypeError('Cannot read properties of undefined')
    const error = await session(server.origin)
      .fetch('/data', {
        parseResponse: () => {
          throw bug
        },
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).not.toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'UNEXPECTED', cause: bug })
  })
})

describe('requestFailure and failureReason (the one classification)', () => {
  const label = { provider: 'prov', packageName: '@authmux/x' }

  it('keeps an AuthError as it is', () => {
    const typed = new ProviderError('@authmux/x: no')
    expect(requestFailure(typed, label, 'https://h/p')).toBe(typed)
  })

  it('names the innermost reason with its code, and every address a multi-address connect tried', () => {
    const refused = (address: string) => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' })
    const both = Object.assign(new AggregateError([refused('::1:80'), refused('127.0.0.1:80')], ''), { code: 'ECONNREFUSED' })
    const failure = requestFailure(new TypeError('fetch failed', { cause: both }), label, 'http://localhost/x')
    expect(failure).toBeInstanceOf(NetworkError)
    expect(failure.message).toBe('@authmux/x: the request to http://localhost/x failed (connect ECONNREFUSED ::1:80; connect ECONNREFUSED 127.0.0.1:80).')
    expect(failure.cause).toBe(both)
    const tls = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' })
    expect(failureReason(new TypeError('fetch failed', { cause: tls }))).toBe('certificate has expired (CERT_HAS_EXPIRED)')
  })

  it('treats system error codes as network failures even without fetch’s TypeError, and a plain bug as UNEXPECTED', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    expect(requestFailure(reset, label)).toBeInstanceOf(NetworkError)
    const bug = Object.assign(new TypeError('x is not a function'), { code: 'ERR_INVALID_ARG_TYPE' })
    expect(requestFailure(bug, label)).toMatchObject({ code: 'UNEXPECTED', message: '@authmux/x: x is not a function' })
    expect(requestFailure('a string', label)).toMatchObject({ code: 'UNEXPECTED', message: '@authmux/x: a string' })
  })

  it('a timeout from AbortSignal.timeout() is a TimeoutError naming what did not answer', () => {
    const failure = requestFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), label, 'https://h/p')
    expect(failure).toBeInstanceOf(TimeoutError)
    expect(failure.message).toBe('@authmux/x: prov did not answer https://h/p in time (The operation was aborted due to timeout).')
  })

  it('redactError types what a helper threw for any strategy, engine-made or not', () => {
    const hand = handWritten('http://127.0.0.1:9')
    const typed = redactError(hand, Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }))
    expect(typed).toBeInstanceOf(NetworkError)
    expect(typed.provider).toBe('hand')
  })
})
