// @vitest-environment edge-runtime
import { describe, expect, it } from 'vitest'
import { axiomPasswordHash, createAxiomAuth } from './index'

// The package claims edge runtimes (Web Crypto, fetch, TextEncoder only; no node: imports). This file runs in
// @edge-runtime/vm (edge globals; node: modules unavailable).
describe('edge runtime', () => {
  it('derives b64Password with Web Crypto (value computed independently with node:crypto pbkdf2Sync)', async () => {
    expect(await axiomPasswordHash('correct horse battery staple')).toBe('ZVz5+Rql5wG0ywnhc90/zasAboy1dWGEYTrQCAbyGMw=')
  })

  it('builds an Axiom strategy and attaches imported tokens as cookies', async () => {
    const auth = createAxiomAuth({ baseURL: 'https://axiom.example' })
    await auth.setTokens({ accessToken: 'a.b.c', refreshToken: 'r.s.t' })
    expect(await auth.getHeaders({ url: '/user/info' })).toMatchObject({
      cookie: 'auth-access-token=a.b.c; auth-refresh-token=r.s.t',
      origin: 'https://axiom.trade',
      referer: 'https://axiom.trade/discover',
    })
    auth.dispose()
  })
})

describe('edge runtime: the stream entry', () => {
  it("builds the streaming preset; the runtime's standard WebSocket cannot send cookies, so connecting is a typed error", async () => {
    const { createAxiomAuth: createStreamingAxiomAuth } = await import('./stream')
    const auth = createStreamingAxiomAuth({ baseURL: 'https://axiom.example' })
    const StandardWebSocket = (globalThis as { WebSocket?: new (url: string) => object }).WebSocket
    expect(StandardWebSocket).toBeTypeOf('function')
    const ws = auth.connectWebSocket({ WebSocket: StandardWebSocket })
    const { error } = await new Promise<{ error: Error }>((resolve) => ws.on('error', resolve))
    expect(error).toMatchObject({ name: 'ConfigError', field: 'WebSocket' })
    expect(ws.state).toBe('closed')
    auth.dispose()
  })
})
