import { inspect } from 'node:util'
import { ConfigError, InsecureTransportError, InvalidCredentialsError } from '@authmux/core'
import { startAionMarketEmulator, startTradeReadyEmulator, type AionMarketEmulator, type TradeReadyEmulator } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBearerAuth, KeyRejectedError } from './index'

let aion: AionMarketEmulator
let tradeready: TradeReadyEmulator

beforeAll(async () => {
  ;[aion, tradeready] = await Promise.all([startAionMarketEmulator(), startTradeReadyEmulator()])
})
afterAll(async () => {
  await Promise.all([aion?.close(), tradeready?.close()])
})

/** A fetch that records the headers every outgoing request carried (the request still goes over real HTTP). */
function recordingFetch() {
  const sent: Array<{ url: string; headers: Headers }> = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent.push({ url: String(input instanceof Request ? input.url : input), headers: new Headers(init?.headers) })
    return globalThis.fetch(input, init)
  }
  return { fetch, sent }
}

describe('createBearerAuth', () => {
  it('sends Authorization: Bearer <key> by default and the API accepts it', async () => {
    const { fetch, sent } = recordingFetch()
    const auth = createBearerAuth({ apiKey: aion.credentials.apiKey, baseURL: aion.url, fetch })
    const me = await auth.fetch<{ agentId: string }>('/agents/me')
    expect(me.agentId).toBe(aion.credentials.agentId)
    expect(sent[0]!.headers.get('authorization')).toBe(`Bearer ${aion.credentials.apiKey}`)
    expect(aion.requests.list({ path: '/agents/me' }).at(-1)!.credential).toBe('bearer')
  })

  it('sends any header and scheme: { header: "X-API-Key", scheme: null } sends the bare key', async () => {
    const { fetch, sent } = recordingFetch()
    const auth = createBearerAuth({ apiKey: tradeready.credentials.apiKey, baseURL: tradeready.url, header: 'X-API-Key', scheme: null, fetch })
    const info = await auth.fetch<{ authenticatedWith: string }>('/account/info')
    expect(info.authenticatedWith).toBe('x-api-key')
    expect(sent[0]!.headers.get('x-api-key')).toBe(tradeready.credentials.apiKey)
    expect(sent[0]!.headers.has('authorization')).toBe(false)

    const token = createBearerAuth({ apiKey: 'k-123456', baseURL: aion.url, scheme: 'Token' })
    expect(await token.getHeaders()).toEqual({ authorization: 'Token k-123456' })
  })

  it('"logs in" without any network call and holds the key with no expiry', async () => {
    const before = aion.stats.get().requests
    const auth = createBearerAuth({ apiKey: aion.credentials.apiKey, baseURL: aion.url })
    await auth.login()
    const headers = await auth.getHeaders({ url: '/agents/me' })
    expect(headers.authorization).toBe(`Bearer ${aion.credentials.apiKey}`)
    expect(aion.stats.get().requests).toBe(before)
    expect(auth.status()).toEqual({ state: 'valid' })
    expect(auth.expiresAt).toBeUndefined()
  })

  it('a 401 means "key invalid or revoked": typed error, one request, no renew/replay loop', async () => {
    const agent = aion.addAgent({ name: 'soon-revoked' })
    const auth = createBearerAuth({ apiKey: agent.apiKey, baseURL: aion.url })
    await auth.fetch('/agents/me')
    aion.revokeKey(agent.apiKey)
    aion.requests.clear()
    const error = await auth.fetch('/agents/me').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeyRejectedError)
    expect(error).toBeInstanceOf(InvalidCredentialsError)
    expect((error as Error).message).toMatch(/^@authmux\/bearer: .*invalid or revoked/)
    expect(aion.requests.list({ path: '/agents/me' })).toHaveLength(1)
  })

  it('validates its options with errors that name the field', () => {
    expect(() => createBearerAuth({ apiKey: '', baseURL: aion.url })).toThrow(ConfigError)
    expect(() => createBearerAuth({ apiKey: 'abc def', baseURL: aion.url })).toThrow(/apiKey contains whitespace/)
    expect(() => createBearerAuth({ apiKey: 'k-1', baseURL: 'not a url' })).toThrow(/baseURL/)
    expect(() => createBearerAuth({ apiKey: 'k-1', baseURL: aion.url, header: 'Bad Header' })).toThrow(/header must be/)
    expect(() => createBearerAuth({ apiKey: 'k-1', baseURL: 'http://api.example.com' })).toThrow(InsecureTransportError)
    expect(() => createBearerAuth({ apiKey: 'k-1', baseURL: 'http://api.example.com', allowInsecureHttp: true })).not.toThrow()
  })

  it('never attaches the key to another origin', async () => {
    const auth = createBearerAuth({ apiKey: aion.credentials.apiKey, baseURL: aion.url })
    await expect(auth.fetch(`${tradeready.url}/account/info`)).rejects.toThrow(/outside/)
  })

  it('keeps a canary key out of errors, events, inspect and JSON', async () => {
    const canary = 'CANARY_bearer_key_7d41c0ffee'
    const events: unknown[] = []
    const logs: unknown[] = []
    const auth = createBearerAuth({
      apiKey: canary,
      baseURL: aion.url,
      logger: { debug: (...a) => logs.push(a), info: (...a) => logs.push(a), warn: (...a) => logs.push(a), error: (...a) => logs.push(a) },
    })
    for (const name of ['login', 'refresh', 'logout', 'error'] as const) auth.on(name, (e) => events.push(e))
    const error = await auth.fetch('/agents/me').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeyRejectedError)
    const surfaces = [
      (error as Error).message,
      (error as Error).stack,
      JSON.stringify(error),
      inspect(error, { depth: 5 }),
      JSON.stringify(auth),
      inspect(auth, { depth: 5 }),
      JSON.stringify(events, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
      inspect(events, { depth: 5 }),
      JSON.stringify(logs),
    ]
    for (const text of surfaces) expect(text).not.toContain(canary)
  })
})
