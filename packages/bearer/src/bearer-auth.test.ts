import { inspect } from 'node:util'
import { ConfigError, InsecureTransportError, InvalidCredentialsError, ProviderError } from '@authmux/core'
import {
  json,
  renderError,
  startAionMarketEmulator,
  startHostileServer,
  startTradeReadyEmulator,
  type AionMarketEmulator,
  type HostileRequest,
  type TradeReadyEmulator,
} from '@authmux/testkit'
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

  it('keeps the key out of errors, events, logs, inspect and JSON when the API echoes it back', async () => {
    // The canary sits where a key really surfaces: this API quotes the credential it received in its error answers,
    // and the engine quotes the provider's message in its errors — only redaction stands between the two.
    const canary = 'CANARY_bearer_key_7d41c0ffee'
    const server = await startHostileServer()
    const echo = (status: number) => json((req: HostileRequest) => ({ error: `key ${req.headers['x-api-key']} lacks the trade scope` }), { status })
    server.route('GET', '/v1/orders', echo(403)).route('GET', '/v1/positions', echo(503)).route('GET', '/v1/me', echo(401))
    const events: unknown[] = []
    const logs: unknown[] = []
    const log = (...a: unknown[]) => logs.push(a)
    const auth = createBearerAuth({
      apiKey: canary,
      baseURL: server.url('/v1'),
      header: 'X-API-Key',
      scheme: null,
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      logger: { debug: log, info: log, warn: log, error: log },
    })
    for (const name of ['login', 'refresh', 'logout', 'error'] as const) auth.on(name, (e) => events.push(e))
    try {
      const forbidden = await auth.fetch('/orders').catch((e: unknown) => e)
      const unavailable = await auth.fetch('/positions').catch((e: unknown) => e)
      const rejected = await auth.fetch('/me').catch((e: unknown) => e)
      // The key went out and came back in every answer, so each assertion below can fail …
      for (const path of ['/v1/orders', '/v1/positions', '/v1/me']) expect(server.requests(path)[0]!.headers['x-api-key']).toBe(canary)
      expect(forbidden).toBeInstanceOf(ProviderError)
      expect(unavailable).toMatchObject({ name: 'ProviderError', status: 503 })
      expect(rejected).toBeInstanceOf(KeyRejectedError)
      // … the provider's message is still quoted, with the key hidden …
      expect((forbidden as Error).message).toContain('key [REDACTED] lacks the trade scope')
      // … and no rendering a user could see holds the key.
      const surfaces = [
        ...[forbidden, unavailable, rejected].map((error) => renderError(error)),
        JSON.stringify(auth),
        inspect(auth, { depth: 5 }),
        JSON.stringify(events, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v)),
        inspect(events, { depth: 5 }),
        JSON.stringify(logs),
      ]
      for (const text of surfaces) expect(text).not.toContain(canary)
    } finally {
      auth.dispose()
      await server.close()
    }
  })
})
