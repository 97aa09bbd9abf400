import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from './errors'
import { MemoryTokenStore } from './memory-store'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'
import type { TokenSet } from './types'

let server: TokenServer
afterEach(async () => server?.close())

/** Tokens another client obtained (a browser session, say), as a user would copy them: no expiry, no meta. */
async function tokensFromElsewhere(): Promise<TokenSet> {
  const store = new MemoryTokenStore()
  const other = createSession(testFlow(server.url), { store })
  await other.login()
  const saved = (await store.get(await other.storeKey()))!
  other.dispose()
  return { accessToken: saved.accessToken, refreshToken: saved.refreshToken }
}

describe('initialTokens', () => {
  it('are used when the store is empty: no login, saved to the store, a login event with source "import"', async () => {
    server = await startTokenServer()
    const seed = await tokensFromElsewhere()
    const store = new MemoryTokenStore()
    const session = createSession(testFlow(server.url), { store, initialTokens: seed })
    const sources: string[] = []
    session.on('login', (e) => sources.push(e.source))
    await session.fetch('/api/data')
    expect(server.seen.at(-1)).toBe(`Bearer ${seed.accessToken}`)
    expect(server.counts).toMatchObject({ acquire: 1, renew: 0 }) // the other client's login only
    expect((await store.get(await session.storeKey()))?.accessToken).toBe(seed.accessToken)
    expect(sources).toEqual(['import'])
    session.dispose()
  })

  it('lose to tokens already in the store', async () => {
    server = await startTokenServer()
    const seed = await tokensFromElsewhere()
    const store = new MemoryTokenStore()
    const first = createSession(testFlow(server.url), { store })
    await first.login()
    const session = createSession(testFlow(server.url), { store, initialTokens: seed })
    await session.fetch('/api/data')
    expect(server.seen.at(-1)).toBe(`Bearer ${first.accessToken}`)
    first.dispose()
    session.dispose()
  })

  it('already expired: renewed before anything is sent; a rejected renewal falls back to a login', async () => {
    server = await startTokenServer({ lifetimeMs: 60_000 })
    const later = () => Date.now() + 120_000
    const seed = { ...(await tokensFromElsewhere()), expiresAt: Date.now() + 60_000 }
    const renewed = createSession(testFlow(server.url), { initialTokens: seed, now: later })
    await renewed.ensureValid()
    expect(server.counts).toMatchObject({ acquire: 1, renew: 1 })
    expect(renewed.accessToken).not.toBe(seed.accessToken)
    renewed.dispose()

    server.refreshStatus = 401
    const relogged = createSession(testFlow(server.url), { initialTokens: seed, now: later })
    await relogged.ensureValid()
    expect(server.counts).toMatchObject({ acquire: 2, renew: 2 })
    relogged.dispose()
  })

  it('an invalid token set is a ConfigError naming the field, at construction', () => {
    const make = () => createSession(testFlow('https://api.example.com'), { initialTokens: { accessToken: '' } })
    expect(make).toThrow(ConfigError)
    expect(make).toThrow(expect.objectContaining({ field: 'initialTokens.accessToken' }))
  })
})
