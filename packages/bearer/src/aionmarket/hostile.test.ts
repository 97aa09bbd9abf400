import { AuthError, ConfigError, NetworkError, ProviderError, ResponseShapeError, TimeoutError } from '@authmux/core'
import { cutBody, hang, json, redirect, renderError, startHostileServer, watch, type HostileServer } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAionMarketAuth, type AionMarketAuth, type AionMarketAuthOptions } from '../index'

// Issue 12 against a misbehaving AionMarket (REST under /bvapi, `Authorization: Bearer <apiKeyCode>`, no login): the
// classes that apply to a static key — header injection (5), redirects out of the base path (6) and typed errors (8).

const KEY = 'CANARY-aion-key-0123456789abcdefghijklmnopqrstuvwxyz0123456789AB'
const ME = '/bvapi/agents/me'

let server: HostileServer
const open: AionMarketAuth[] = []

beforeEach(async () => {
  server = await startHostileServer()
  server.route('GET', ME, json({ code: 200, msg: 'success', data: { agentId: 'agent-1', name: 'bot', claimed: false } }))
})
afterEach(async () => {
  for (const auth of open.splice(0)) auth.dispose()
  await server.close()
})

function aion(options: AionMarketAuthOptions = {}): AionMarketAuth {
  const auth = createAionMarketAuth({ apiKey: KEY, baseURL: server.url('/bvapi'), retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...options })
  open.push(auth)
  return auth
}

/** The error `fn` throws or its promise rejects with. */
async function failureOf(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a failure')
}

describe('class 5 — credential values that cannot go into a header', () => {
  it.each([
    ['CR/LF', `CANARY-crlf-key\r\nX-Evil: 1`],
    ['a non-Latin-1 character', 'CANARY-ключ-key'],
  ])('an apiKey with %s is refused with a ConfigError naming apiKey, redacted, nothing sent', async (_what, apiKey) => {
    const error = await failureOf(() => aion({ apiKey }).fetch('/agents/me'))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ field: 'apiKey' })
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(ME)).toBe(0)
  })

  it.each([
    ['CR/LF', 'CANARY-set-tokens\r\nX-Evil: 1'],
    ['a non-Latin-1 character', 'CANARY-ключ-set-tokens'],
  ])('setTokens() with %s fails typed and redacted, and the protected route gets nothing', async (_what, accessToken) => {
    const auth = aion()
    const error = await failureOf(async () => {
      await auth.setTokens({ accessToken })
      await auth.fetch('/agents/me')
    })
    expect(error).toBeInstanceOf(AuthError)
    expect(error instanceof ConfigError || error instanceof ResponseShapeError).toBe(true)
    expect((error as { field?: string }).field).toMatch(/accessToken/)
    expect(renderError(error)).not.toContain('CANARY')
    expect(server.count(ME)).toBe(0)
  })
})

describe('class 6 — a same-origin redirect out of /bvapi', () => {
  it('drops the key on the hop to /elsewhere/steal', async () => {
    server.route('GET', '/bvapi/markets', redirect('/elsewhere/steal'))
    server.route('GET', '/elsewhere/steal', json({ stolen: false }))
    await aion()
      .fetch('/markets')
      .catch(() => undefined)
    // The request inside the base path did carry the key (so the assertion below can fail) …
    expect(server.requests('/bvapi/markets')[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
    // … and no hop outside it carried a credential.
    for (const request of server.requests('/elsewhere/steal')) {
      expect(request.headers).not.toHaveProperty('authorization')
      expect(request.headers).not.toHaveProperty('x-api-key')
      expect(request.headers).not.toHaveProperty('cookie')
    }
  })
})

describe('class 8 — every failure typed', () => {
  it('(b) a protected answer cut off mid-body is a NetworkError', async () => {
    server.route('GET', ME, cutBody())
    const error = await failureOf(() => aion().fetch('/agents/me'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ name: 'NetworkError', code: 'NETWORK_ERROR' })
    expect(error).toBeInstanceOf(NetworkError)
  })

  it('(c) a redirect loop is a ProviderError TOO_MANY_REDIRECTS, never a resolved 3xx', async () => {
    server.route('GET', '/bvapi/a', redirect('/bvapi/b'))
    server.route('GET', '/bvapi/b', redirect('/bvapi/a'))
    const error = await failureOf(() => aion().fetch('/a'))
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ code: 'TOO_MANY_REDIRECTS' })
  })

  it('(d) a persistent 503 is a ProviderError with status 503', async () => {
    server.route('GET', ME, json({ msg: 'maintenance' }, { status: 503 }))
    const error = await failureOf(() => aion().fetch('/agents/me'))
    expect(error).toBeInstanceOf(ProviderError)
    expect(error).toMatchObject({ status: 503 })
  })

  it('(e) a protected request that hangs is a TimeoutError after requestTimeoutMs', async () => {
    server.route('GET', ME, hang())
    const request = watch(aion({ requestTimeoutMs: 300 }).fetch('/agents/me'))
    expect(await request.settled(3_000)).toBe(true)
    expect(request.reason).toBeInstanceOf(AuthError)
    expect(request.reason).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT' })
    expect(request.reason).toBeInstanceOf(TimeoutError)
  })
})
