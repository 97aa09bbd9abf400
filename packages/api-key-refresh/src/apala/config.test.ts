import { ConfigError, MemoryTokenStore, TokenExpiredError } from '@authmux/core'
import { startApalaEmulator, type ApalaEmulator } from '@authmux/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApalaAuth, type ApalaAuthOptions } from '../index'
import { recordingFetch } from '../test/recording-fetch'

// Apala's options: the environment (APALA_API_KEY, APALA_BASE_URL, `env`), the base URL as an origin, and
// session-only mode (an explicit storeKey without a key).

const LIFETIME_S = 600
let emu: ApalaEmulator
const open: Array<{ dispose(): void }> = []

beforeAll(async () => {
  emu = await startApalaEmulator({ startMs: Date.UTC(2026, 0, 15, 12, 0, 0), accessSeconds: LIFETIME_S })
})
afterAll(async () => {
  await emu?.close()
})
afterEach(() => {
  for (const auth of open.splice(0)) auth.dispose()
  emu.faults.clear()
  emu.stats.reset()
  vi.unstubAllEnvs()
})

/** An Apala strategy on the emulator's virtual clock, fast retries, no background timer. */
function apala(options: ApalaAuthOptions = {}) {
  const auth = createApalaAuth({
    apiKey: emu.credentials.apiKey,
    baseURL: emu.url,
    now: () => emu.clock.now(),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    backgroundRefresh: false,
    ...options,
  })
  open.push(auth)
  return auth
}

const optimize = (auth: ReturnType<typeof apala>) =>
  auth.fetch<{ message_id: string }>('/api/message_optimizer', { method: 'POST', body: { message: { content: 'Hi', channel: 'SMS' } } })

describe('configuration', () => {
  it('reads APALA_API_KEY and APALA_BASE_URL', async () => {
    vi.stubEnv('APALA_API_KEY', emu.credentials.apiKey)
    vi.stubEnv('APALA_BASE_URL', emu.url)
    const auth = createApalaAuth({ now: () => emu.clock.now(), backgroundRefresh: false })
    open.push(auth)
    await auth.login()
    expect(auth.company?.id).toBe(emu.credentials.companyId)
  })

  it('names the option and the env var when the key or base URL is missing', () => {
    vi.stubEnv('APALA_API_KEY', '')
    vi.stubEnv('APALA_BASE_URL', '')
    expect(() => createApalaAuth({ baseURL: emu.url })).toThrow(/^@authmux\/api-key-refresh: apiKey is missing .*APALA_API_KEY/)
    expect(() => createApalaAuth({ apiKey: 'k' })).toThrow(ConfigError)
    expect(() => createApalaAuth({ apiKey: 'k' })).toThrow(/APALA_BASE_URL/)
  })

  it('env: a map is read instead of the process environment; env: false reads none', async () => {
    vi.stubEnv('APALA_API_KEY', 'process-env-key-is-not-used')
    vi.stubEnv('APALA_BASE_URL', 'https://process-env.invalid')
    const { fetch, sent } = recordingFetch()
    const env = { APALA_API_KEY: `  ${emu.credentials.apiKey}\n`, APALA_BASE_URL: emu.url }
    const auth = createApalaAuth({ env, fetch, now: () => emu.clock.now(), backgroundRefresh: false })
    open.push(auth)
    await auth.login()
    expect(JSON.parse(sent[0]!.body!)).toEqual({ api_key: emu.credentials.apiKey })
    expect(() => createApalaAuth({ env: false, baseURL: emu.url })).toThrow(/apiKey is missing — pass \{ apiKey \}\. Or pass \{ storeKey \}/)
    expect(() => createApalaAuth({ env: false, apiKey: 'k' })).toThrow(/baseURL is missing — pass \{ baseURL \}\. Apala has no public default/)
  })

  it('trims the key; refuses one with inner whitespace or control characters, naming the option and the variable', async () => {
    const { fetch, sent } = recordingFetch()
    await apala({ apiKey: ` ${emu.credentials.apiKey}\n`, fetch }).login()
    expect(JSON.parse(sent[0]!.body!)).toEqual({ api_key: emu.credentials.apiKey })
    expect(() => createApalaAuth({ apiKey: 'two words', baseURL: emu.url })).toThrow(
      /^@authmux\/api-key-refresh: apiKey \(or APALA_API_KEY\) contains whitespace — copy the key again/,
    )
    expect(() => createApalaAuth({ apiKey: 'line\r\nbreak', baseURL: emu.url })).toThrow(/apiKey \(or APALA_API_KEY\) contains characters that cannot be sent/)
    // @ts-expect-error a JavaScript caller passing a number
    expect(() => createApalaAuth({ apiKey: 42, baseURL: emu.url })).toThrow(
      /apiKey must be a string \(got number\) — pass it as text, or leave it out and set APALA_API_KEY\./,
    )
  })

  it('treats baseURL as an origin: a path prefix is dropped (Apala paths are absolute)', async () => {
    const { fetch, sent } = recordingFetch()
    const auth = apala({ baseURL: `${emu.url}/some/prefix/`, fetch })
    expect(auth.baseURL).toBe(emu.origin)
    await optimize(auth)
    expect(sent.map((s) => s.path)).toEqual(['/api/auth/token', '/api/message_optimizer'])
  })
})

describe('session-only', () => {
  /** A second instance that has only the store and its key: no API key at all. */
  function storedSession(store: MemoryTokenStore) {
    vi.stubEnv('APALA_API_KEY', '')
    const auth = createApalaAuth({ baseURL: emu.url, storeKey: 'apala:bot', store, now: () => emu.clock.now(), backgroundRefresh: false })
    open.push(auth)
    return auth
  }

  it('{ storeKey, store } without a key uses and refreshes the stored tokens, then logs out', async () => {
    const store = new MemoryTokenStore()
    await apala({ store, storeKey: 'apala:bot' }).login()
    const stored = storedSession(store)
    await expect(optimize(stored)).resolves.toMatchObject({ message_id: expect.any(String) })
    emu.clock.advance((LIFETIME_S - 10) * 1000) // past the must point: renewed with the refresh token
    await expect(optimize(stored)).resolves.toMatchObject({ message_id: expect.any(String) })
    expect(emu.stats.get()).toMatchObject({ logins: 1, refreshes: 1 })
    expect(stored.company?.id).toBe(emu.credentials.companyId)

    await stored.logout()
    expect(await store.get('apala:bot')).toBeUndefined()
    const signedOut = await optimize(stored).catch((e: unknown) => e)
    expect(signedOut).toBeInstanceOf(TokenExpiredError)
    expect((signedOut as Error).message).toContain('authmux login apala')
    expect(emu.stats.get().logins).toBe(1)
    expect(() => createApalaAuth({ baseURL: emu.url, store })).toThrow(/apiKey is missing .*APALA_API_KEY.*storeKey/)
  })

  it('a refused refresh token ends the session with a login hint instead of exchanging a key it does not have', async () => {
    const store = new MemoryTokenStore()
    await apala({ store, storeKey: 'apala:bot' }).login()
    const stored = storedSession(store)
    emu.faults.inject({ path: '/api/auth/refresh', fault: 401 })
    const error = await stored.refresh().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as Error).message).toMatch(/cannot be renewed without credentials\. Run `authmux login apala`, or pass \{ apiKey \}/)
    expect(emu.stats.get()).toMatchObject({ logins: 1, refreshes: 1 })
  })
})
