// createAuthFetch over an AuthStrategy that is not an engine session: headers from getHeaders(), refresh() on a 401.
import { afterEach, describe, expect, it } from 'vitest'
import { createAuthFetch } from './auth-fetch'
import { ConfigError, TokenExpiredError } from './errors'
import { startTokenServer, type TokenServer } from './testing/token-server'
import type { AuthStrategy } from './types'

const servers: TokenServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** A hand-written strategy that gets its tokens from the test server's token endpoint. */
function handWritten(server: TokenServer): AuthStrategy & { refreshes: number } {
  let token: string | undefined
  const obtain = async () => {
    const res = await fetch(`${server.url}/auth/token`, { method: 'POST', body: JSON.stringify({ apiKey: 'the-right-key' }) })
    token = ((await res.json()) as { access_token: string }).access_token
  }
  const strategy = {
    name: 'hand',
    baseURL: server.url,
    refreshes: 0,
    get accessToken() {
      return token
    },
    async getHeaders() {
      if (!token) await obtain()
      return { authorization: `Bearer ${token}`, 'x-hand-secret': 'hs' }
    },
    status: () => ({ state: token ? ('valid' as const) : ('signed-out' as const) }),
    login: obtain,
    async refresh() {
      strategy.refreshes++
      await obtain()
    },
    async logout() {
      token = undefined
    },
    async setTokens() {},
    on: () => () => {},
  } as unknown as AuthStrategy & { refreshes: number }
  ;(strategy as { fetch: unknown }).fetch = createAuthFetch(strategy)
  return strategy
}

describe('createAuthFetch with any AuthStrategy', () => {
  it('attaches getHeaders(), refreshes once on a 401 and replays, and types a second 401', async () => {
    const server = await startTokenServer()
    servers.push(server)
    const strategy = handWritten(server)
    expect(await strategy.fetch('/api/data')).toMatchObject({ ok: true })
    server.reject401(1)
    expect(await strategy.fetch('/api/data', { method: 'POST', body: { a: 1 } })).toMatchObject({ ok: true, body: '{"a":1}' })
    expect(strategy.refreshes).toBe(1)
    server.reject401(2)
    const error = await strategy.fetch('/api/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect(strategy.refreshes).toBe(2)
  })

  it('refuses another origin, and drops every header it added on a cross-origin redirect', async () => {
    const api = await startTokenServer()
    const other = await startTokenServer()
    servers.push(api, other)
    const strategy = handWritten(api)
    await expect(strategy.fetch(`${other.url}/api/data`)).rejects.toBeInstanceOf(ConfigError)
    api.redirectTo = `${other.url}/landing`
    expect(await strategy.fetch('/redirect')).toEqual({ landed: true })
    expect(other.landingHeaders[0]!.authorization).toBeUndefined()
    expect(other.landingHeaders[0]!['x-hand-secret']).toBeUndefined()
  })

  it('create() and raw() keep authenticating', async () => {
    const server = await startTokenServer()
    servers.push(server)
    const strategy = handWritten(server)
    const child = strategy.fetch.create({ headers: { 'x-extra': '1' } })
    expect(await child('/api/data')).toMatchObject({ ok: true })
    const raw = await strategy.fetch.raw('/api/data')
    expect(raw.status).toBe(200)
    expect(server.seen.every((h) => h.startsWith('Bearer tok-'))).toBe(true)
  })
})
