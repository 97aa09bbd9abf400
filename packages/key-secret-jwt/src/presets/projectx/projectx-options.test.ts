import { MemoryTokenStore, type Session, TokenExpiredError } from '@authmux/core'
import { startProjectXEmulator, type ProjectXEmulator } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { rejectionOf, thrownBy } from '../../test-support'
import { createProjectXAuth, type ProjectXAuthOptions } from './auth'

// ProjectX's options, environment variables, store key and session-only mode.

const DAY_MS = 86_400_000
let emu: ProjectXEmulator
const sessions: Session[] = []

beforeEach(async () => {
  emu = await startProjectXEmulator({ startMs: Date.UTC(2026, 0, 5, 9), rateLimit: { limit: 100_000, windowSeconds: 60 } })
})
afterEach(async () => {
  for (const s of sessions.splice(0)) s.dispose()
  vi.unstubAllEnvs()
  await emu.close()
})

function auth(options: ProjectXAuthOptions = {}) {
  const strategy = createProjectXAuth({
    username: emu.credentials.userName,
    apiKey: emu.credentials.apiKey,
    baseURL: emu.url,
    now: () => emu.clock.now(),
    retry: { maxRetries: 0 },
    env: false,
    ...options,
  })
  sessions.push(strategy)
  return strategy
}

const search = (strategy: Session) => strategy.fetch('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })

describe('createProjectXAuth options', () => {
  it('session-only: { storeKey, store } without credentials revalidates and logs out the stored session', async () => {
    vi.stubEnv('PROJECT_X_USERNAME', '')
    vi.stubEnv('PROJECT_X_API_KEY', '')
    const store = new MemoryTokenStore()
    await search(auth({ store, storeKey: 'projectx:bot' }))
    const stored = createProjectXAuth({ store, storeKey: 'projectx:bot', baseURL: emu.url, now: () => emu.clock.now() })
    sessions.push(stored)
    await search(stored)
    expect(emu.stats.get().logins).toBe(1)
    emu.clock.advance(stored.expiresAt! - emu.clock.now() - 10_000) // past the must point: renewed through /Auth/validate
    await search(stored)
    expect(emu.stats.get()).toMatchObject({ logins: 1, validates: 1 })

    await stored.logout()
    expect(emu.requests.list({ path: '/api/Auth/logout' })).toMatchObject([{ status: 200, credential: 'bearer' }])
    expect(await store.get('projectx:bot')).toBeUndefined()
    const signedOut = await rejectionOf(search(stored))
    expect(signedOut).toBeInstanceOf(TokenExpiredError)
    expect(signedOut.message).toContain('authmux login projectx')
    expect(emu.stats.get().logins).toBe(1)
    expect(() => createProjectXAuth({ store, username: 'a', baseURL: emu.url })).toThrow(
      /apiKey is missing — pass \{ apiKey \} or set PROJECT_X_API_KEY.*storeKey/,
    )
  })

  it('session-only: when /Auth/validate refuses, the error says how to log in (no loginKey without credentials)', async () => {
    vi.stubEnv('PROJECT_X_API_KEY', '')
    const store = new MemoryTokenStore()
    await auth({ store, storeKey: 'projectx:bot' }).login()
    const stored = createProjectXAuth({ store, storeKey: 'projectx:bot', baseURL: emu.url, now: () => emu.clock.now() })
    sessions.push(stored)
    emu.revokeAllTokens()
    emu.clock.advance(DAY_MS - 10_000)
    const error = await rejectionOf(search(stored))
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect(error.message).toMatch(/cannot be renewed without credentials\. Run `authmux login projectx`, or pass \{ username, apiKey \}/)
    expect(emu.stats.get()).toMatchObject({ logins: 1, validates: 1 })
  })

  it('defaults to https://api.topstepx.com/api and reads PROJECTX_API_URL', () => {
    const strategy = createProjectXAuth({ username: 'u', apiKey: 'k'.repeat(20), env: false })
    sessions.push(strategy)
    expect(strategy.baseURL).toBe('https://api.topstepx.com/api')
    vi.stubEnv('PROJECTX_API_URL', emu.url)
    vi.stubEnv('PROJECT_X_USERNAME', 'env-user')
    vi.stubEnv('PROJECT_X_API_KEY', 'k'.repeat(20))
    try {
      const fromEnv = createProjectXAuth()
      sessions.push(fromEnv)
      expect(fromEnv.baseURL).toBe(emu.url)
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('validates options with fix-it ConfigErrors (what happened, which option, the fix with its variable)', () => {
    const noUser = thrownBy(() => createProjectXAuth({ apiKey: 'x'.repeat(20), baseURL: emu.url, env: {} }))
    expect(noUser).toMatchObject({ name: 'ConfigError', field: 'username' })
    expect(noUser.message).toBe(
      '@authmux/key-secret-jwt: username is missing — pass { username } or set PROJECT_X_USERNAME. Or pass { storeKey } to use a stored session without credentials.',
    )
    expect(() => createProjectXAuth({ username: 'a', apiKey: 'short', baseURL: emu.url })).toThrow(/apiKey looks too short/)
    expect(() => createProjectXAuth({ username: 'a', apiKey: 'x'.repeat(20), baseURL: 'http://example.com/api' })).toThrow(
      /refusing to send credentials over plain http/,
    )
    expect(thrownBy(() => createProjectXAuth({ username: 'a', apiKey: 'x'.repeat(20), baseURL: 'not a url' }))).toMatchObject({
      name: 'ConfigError',
      field: 'baseURL',
    })
  })

  it('env: false reads no variable; a given map is read instead of the process environment', async () => {
    vi.stubEnv('PROJECT_X_USERNAME', emu.credentials.userName)
    vi.stubEnv('PROJECT_X_API_KEY', emu.credentials.apiKey)
    expect(thrownBy(() => createProjectXAuth({ baseURL: emu.url, env: false }))).toMatchObject({ field: 'username' })
    expect(thrownBy(() => createProjectXAuth({ baseURL: emu.url, env: false })).message).toContain('pass { username }. Or pass { storeKey }')
    vi.unstubAllEnvs()
    const fromMap = createProjectXAuth({
      env: {
        PROJECT_X_USERNAME: emu.credentials.userName,
        PROJECT_X_API_KEY: emu.credentials.apiKey,
        PROJECT_X_ACCOUNT_NAME: emu.credentials.accountName,
        PROJECTX_API_URL: emu.url,
      },
      now: () => emu.clock.now(),
    })
    sessions.push(fromMap)
    expect(fromMap.accountName).toBe(emu.credentials.accountName)
    await fromMap.login()
    expect(fromMap.meta).toMatchObject({ accountName: emu.credentials.accountName })
  })

  it('keys the store by user name on TopstepX, and by user@host on any other gateway (login userName stays plain)', async () => {
    const topstep = createProjectXAuth({ username: 'trader', apiKey: 'k'.repeat(20), env: false })
    sessions.push(topstep)
    expect(await topstep.storeKey()).toBe('projectx:trader')
    const other = auth()
    expect(await other.storeKey()).toBe(`projectx:${emu.credentials.userName}@${new URL(emu.url).host}`)
    await other.login()
    expect(emu.stats.get().logins).toBe(1) // the emulator knows the plain user name only
  })
})
