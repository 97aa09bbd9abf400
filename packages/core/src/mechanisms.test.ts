// Each test here pins one mechanism of the engine: it fails when that mechanism alone is removed.
import { afterEach, describe, expect, it } from 'vitest'
import { createSession } from './session'
import { json, type ScriptedServer, startScriptedServer } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'
import type { TokenSet, TokenStore, TokenStoreChange } from './types'

let server: ScriptedServer
afterEach(async () => server?.close())

/** A store with no lock and no change feed of its own: nothing but the engine can deduplicate work. */
class PlainStore implements TokenStore {
  readonly entries = new Map<string, TokenSet>()
  readonly #listeners = new Set<(change: TokenStoreChange) => void>()
  async get(key: string) {
    return this.entries.get(key)
  }
  async set(key: string, tokens: TokenSet) {
    this.entries.set(key, tokens)
  }
  async delete(key: string) {
    this.entries.delete(key)
  }
  onChange(_key: string, listener: (change: TokenStoreChange) => void) {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
  /** Writes behind the sessions' backs, as another process would. */
  async writeFromOutside(key: string, tokens: TokenSet) {
    this.entries.set(key, tokens)
    for (const listener of this.#listeners) listener({ type: 'set' })
  }
}

describe('engine mechanisms', () => {
  it('single flight: 50 concurrent requests on a store without a lock start exactly one login', async () => {
    server = await startScriptedServer()
    let serial = 0
    server.route('/auth/token', async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 50))
      json(res, 200, { access_token: `tok-${++serial}`, refresh_token: 'ref', expires_in: 3600 })
    })
    server.route('/api/data', (_req, res) => json(res, 200, { ok: true }))
    const auth = createSession(testFlow(`${server.origin}/api`), { store: new PlainStore() })
    await Promise.all(Array.from({ length: 50 }, () => auth.fetch('/data')))
    expect(server.count('/auth/token')).toBe(1)
    auth.dispose()
  })

  it('newest wins: an older token set written to the store never replaces the newer one held', async () => {
    const store = new PlainStore()
    const auth = createSession(testFlow('http://127.0.0.1:9/api'), { store })
    await auth.setTokens({ accessToken: 'newer-token', meta: { issuedAt: 2_000 } })
    await store.writeFromOutside(await auth.storeKey(), { accessToken: 'older-token', meta: { issuedAt: 1_000 } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(auth.accessToken).toBe('newer-token')
    // …while a newer one from outside is adopted (the change feed works).
    await store.writeFromOutside(await auth.storeKey(), { accessToken: 'newest-token', meta: { issuedAt: 3_000 } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(auth.accessToken).toBe('newest-token')
    auth.dispose()
  })
})
