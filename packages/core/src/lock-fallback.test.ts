import { afterEach, describe, expect, it } from 'vitest'
import { AuthError } from './errors'
import { MemoryTokenStore } from './memory-store'
import { createSession } from './session'
import { testFlow } from './testing/test-flow'
import { startTokenServer, type TokenServer } from './testing/token-server'

let server: TokenServer
afterEach(async () => server?.close())

class StuckLockStore extends MemoryTokenStore {
  override async withLock<T>(): Promise<T> {
    throw new AuthError('@authmux/core-test: lock timed out', { code: 'STORE_LOCK_TIMEOUT' })
  }
}

describe('store lock failures', () => {
  it('a lock that cannot be had is reported and the login still happens', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url), { store: new StuckLockStore() })
    const errors: string[] = []
    auth.on('error', (e) => errors.push(`${e.during}:${(e.error as AuthError).code}`))
    const result = await auth.fetch<{ ok: boolean }>('/api/data')
    expect(result.ok).toBe(true)
    expect(server.counts.acquire).toBe(1)
    expect(errors).toEqual(['store:STORE_LOCK_TIMEOUT'])
  })

  it('an error inside the locked section is not retried unlocked', async () => {
    server = await startTokenServer()
    const auth = createSession(testFlow(server.url, { apiKey: 'wrong-key-123' }))
    await expect(auth.login()).rejects.toThrow(/rejected the credentials/)
    expect(server.counts.acquire).toBe(1)
  })
})
