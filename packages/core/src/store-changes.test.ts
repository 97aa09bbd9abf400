import { afterEach, describe, expect, it } from 'vitest'
import { MemoryTokenStore } from './memory-store'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

describe('store change notifications', () => {
  it('a refresh by one strategy reaches the others on the same store at once, with no request of theirs', async () => {
    server = await startTokenServer()
    const store = new MemoryTokenStore()
    const a = createSession(testFlow(server.url), { store })
    const b = createSession(testFlow(server.url), { store })
    await a.login()
    await b.ensureValid()
    expect(b.accessToken).toBe(a.accessToken)
    await a.refresh()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(b.accessToken).toBe(a.accessToken)
    expect(server.counts).toMatchObject({ acquire: 1, renew: 1 })
    // A logout elsewhere signs this one out too (it would log in again on demand).
    await a.logout()
    expect(b.status().state).toBe('signed-out')
    a.dispose()
    b.dispose()
  })

  it('after dispose() a strategy stops following the store', async () => {
    server = await startTokenServer()
    const store = new MemoryTokenStore()
    const a = createSession(testFlow(server.url), { store })
    const b = createSession(testFlow(server.url), { store })
    await a.login()
    await b.ensureValid()
    const before = b.accessToken
    b.dispose()
    await a.refresh()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(b.accessToken).toBe(before)
    a.dispose()
  })
})
