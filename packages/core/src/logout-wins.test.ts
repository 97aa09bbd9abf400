import { afterEach, describe, expect, it } from 'vitest'
import { TokenExpiredError } from './errors'
import { MemoryTokenStore } from './memory-store'
import { createSession } from './session'
import { gate, json, type ScriptedServer, startScriptedServer, until } from './testing/scripted-server'
import { testFlow } from './testing/test-flow'

let server: ScriptedServer
afterEach(async () => server?.close())

const token = (n: number) => ({ access_token: `tok-${n}`, refresh_token: `ref-${n}`, expires_in: 3600 })

describe('logout wins over every obtain in flight', () => {
  it('a login still in flight when logout() runs is discarded: signed-out, nothing stored, its caller rejects SIGNED_OUT', async () => {
    server = await startScriptedServer()
    const login = gate()
    server.route('/auth/token', async (_req, res) => {
      await login.wait
      json(res, 200, token(1))
    })
    server.route('/api/data', (_req, res) => json(res, 200, { ok: true }))
    const store = new MemoryTokenStore()
    const writes: string[] = []
    const set = store.set.bind(store)
    store.set = async (key, tokens) => {
      writes.push(tokens.accessToken)
      await set(key, tokens)
    }
    const auth = createSession(testFlow(`${server.origin}/api`), { store })
    const pending = auth.fetch('/data').catch((error: unknown) => error)
    await until(() => server.count('/auth/token') === 1)
    await auth.logout()
    login.open()
    const error = await pending
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as TokenExpiredError).code).toBe('SIGNED_OUT')
    expect(auth.status().state).toBe('signed-out')
    expect(await store.get(await auth.storeKey())).toBeUndefined()
    expect(writes).toEqual([]) // never written, not even for a moment
    expect(server.count('/api/data')).toBe(0)
    auth.dispose()
  })

  it('a refresh in flight when logout() runs is discarded, and a request after the logout logs in afresh', async () => {
    server = await startScriptedServer()
    let serial = 0
    const refresh = gate()
    server.route('/auth/token', (_req, res) => json(res, 200, token(++serial)))
    server.route('/auth/refresh', async (_req, res) => {
      await refresh.wait
      json(res, 200, token(100))
    })
    server.route('/api/data', (_req, res) => json(res, 200, { ok: true }))
    const store = new MemoryTokenStore()
    const auth = createSession(testFlow(`${server.origin}/api`), { store })
    await auth.login()
    const refreshing = auth.refresh().catch((error: unknown) => error)
    await until(() => server.count('/auth/refresh') === 1)
    await auth.logout()
    refresh.open()
    expect(await refreshing).toMatchObject({ code: 'SIGNED_OUT' })
    expect(auth.status().state).toBe('signed-out')
    expect(await store.get(await auth.storeKey())).toBeUndefined()
    // Logging out is not a ban: the next request logs in again.
    await auth.fetch('/data')
    expect(auth.accessToken).toBe('tok-2')
    auth.dispose()
  })

  it('an import still being written when logout() runs is removed again: nothing stored, signed-out, setTokens rejects SIGNED_OUT', async () => {
    server = await startScriptedServer()
    const store = new MemoryTokenStore()
    const write = gate()
    const set = store.set.bind(store)
    store.set = async (key, tokens) => {
      await write.wait // a slow store: the write lands after the logout's delete
      await set(key, tokens)
    }
    const auth = createSession(testFlow(`${server.origin}/api`), { store, storeKey: 'k' })
    const importing = auth.setTokens({ accessToken: 'imported', refreshToken: 'imported-refresh' }).catch((error: unknown) => error)
    await auth.logout()
    write.open()
    expect(await importing).toMatchObject({ code: 'SIGNED_OUT' })
    expect(await store.get('k')).toBeUndefined()
    expect(auth.status().state).toBe('signed-out')
    auth.dispose()
  })

  it('a logout() called right after setTokens() wins even before the store key is known: the import rejects SIGNED_OUT', async () => {
    server = await startScriptedServer()
    const store = new MemoryTokenStore()
    const auth = createSession(testFlow(`${server.origin}/api`), { store, storeKey: 'k' })
    const importing = auth.setTokens({ accessToken: 'imported' }).catch((error: unknown) => error)
    await auth.logout()
    expect(await importing).toMatchObject({ code: 'SIGNED_OUT' })
    expect(await store.get('k')).toBeUndefined()
    expect(auth.status().state).toBe('signed-out')
    auth.dispose()
  })

  it("another session's logout on the same store and key signs this one out too, even unheard of: its stale 401 never logs back in", async () => {
    server = await startScriptedServer()
    let serial = 0
    const revoked = new Set<string>()
    server.route('/auth/token', (_req, res) => json(res, 200, token(++serial)))
    server.route('/auth/refresh', (_req, res) => json(res, 401, { error: 'revoked' }))
    server.route('/api/data', (req, res) => {
      const used = String(req.headers.authorization).replace('Bearer ', '')
      json(res, revoked.has(used) ? 401 : 200, { ok: !revoked.has(used) })
    })
    // A store without change notices: A never hears of B's logout from the store.
    const memory = new MemoryTokenStore()
    const store = { get: memory.get.bind(memory), set: memory.set.bind(memory), delete: memory.delete.bind(memory) }
    const a = createSession(testFlow(`${server.origin}/api`, { revoke: async (tokens) => void revoked.add(tokens.accessToken) }), { store })
    const b = createSession(testFlow(`${server.origin}/api`, { revoke: async (tokens) => void revoked.add(tokens.accessToken) }), { store })
    await a.login()
    await b.logout() // revokes tok-1 at the provider, clears the store
    expect(revoked.has('tok-1')).toBe(true)
    const error = await a.fetch('/data').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as TokenExpiredError).code).toBe('SIGNED_OUT')
    expect(server.count('/auth/token')).toBe(1) // no login again for the stale request
    expect(await store.get(await a.storeKey())).toBeUndefined()
    expect(a.status().state).toBe('signed-out')
    a.dispose()
    b.dispose()
  })
})
