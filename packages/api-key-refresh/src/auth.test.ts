import { ConfigError, InsecureTransportError, MemoryTokenStore, ResponseShapeError, TokenExpiredError } from '@authmux/core'
import { startApalaEmulator, type ApalaEmulator } from '@authmux/testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApiKeyRefreshAuth, type ApiKeyRefreshAuthOptions } from './index'
import { recordingFetch } from './test/recording-fetch'

let emu: ApalaEmulator
const open: Array<{ dispose(): void }> = []

beforeAll(async () => {
  emu = await startApalaEmulator({ startMs: Date.UTC(2026, 1, 1), accessSeconds: 900 })
})
afterAll(async () => {
  await emu?.close()
})
afterEach(() => {
  for (const auth of open.splice(0)) auth.dispose()
  emu.faults.clear()
  emu.stats.reset()
})

function generic(options: Partial<ApiKeyRefreshAuthOptions> = {}) {
  const auth = createApiKeyRefreshAuth({
    apiKey: emu.credentials.apiKey,
    baseURL: emu.url,
    tokenPath: '/api/auth/token',
    refreshPath: '/api/auth/refresh',
    now: () => emu.clock.now(),
    backgroundRefresh: false,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  })
  open.push(auth)
  return auth
}

describe('createApiKeyRefreshAuth (generic)', () => {
  it('exchanges the key, attaches the access token, and renews it with the refresh token', async () => {
    const { fetch, sent } = recordingFetch()
    const auth = generic({ fetch, name: 'my-api' })
    expect(auth.name).toBe('my-api')
    await auth.fetch('/api/feedback', { method: 'POST', body: { message_id: 'm-1', score: 'good' } })
    await auth.refresh()
    expect(sent.map((s) => s.path)).toEqual(['/api/auth/token', '/api/feedback', '/api/auth/refresh'])
    expect(sent[1]!.headers.get('authorization')).toMatch(/^Bearer eyJ/)
    expect(sent[0]!.headers.has('authorization')).toBe(false)
    expect(emu.stats.get()).toMatchObject({ logins: 1, refreshes: 1 })
  })

  it('keeps configured non-secret response fields in meta (metaFields)', async () => {
    const auth = generic({ metaFields: { company_name: 'company' } })
    await auth.login()
    expect(auth.meta).toMatchObject({ company: emu.credentials.companyName })
    expect(auth.meta).not.toHaveProperty('companyId')
  })

  it('uses the configured body fields, header and scheme', async () => {
    const { fetch, sent } = recordingFetch()
    // Apala wants `api_key`; a wrong field name is rejected by the server (400), proving the option is used.
    await expect(generic({ apiKeyField: 'key', fetch }).login()).rejects.toMatchObject({ status: 400 })
    expect(JSON.parse(sent[0]!.body!)).toEqual({ key: emu.credentials.apiKey })
    const custom = generic({ header: 'X-Access-Token', scheme: null })
    expect(Object.keys(await custom.getHeaders())).toEqual(['x-access-token'])
  })

  it('re-exchanges when no refresh token was issued', async () => {
    emu.faults.inject({
      path: '/api/auth/token',
      fault: { kind: 'status', status: 200, body: { access_token: 'opaque-access-1', expires_in: 900 } },
    })
    const auth = generic()
    await auth.login()
    await auth.refresh()
    expect(emu.stats.get()).toMatchObject({ logins: 2, refreshes: 0 })
  })

  it('a malformed exchange response is a ResponseShapeError naming the field', async () => {
    emu.faults.inject({ path: '/api/auth/token', fault: { kind: 'status', status: 200, body: { token: 'x' } } })
    const error = await generic()
      .login()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseShapeError)
    expect((error as ResponseShapeError).field).toBe('access_token')
  })

  it('validates options with errors naming the field and the fix', () => {
    const base = { apiKey: 'k-1', baseURL: emu.url }
    expect(() => createApiKeyRefreshAuth({ ...base, apiKey: '' })).toThrow(/apiKey is missing — pass \{ apiKey \}\. Or pass \{ storeKey \}/)
    expect(() => createApiKeyRefreshAuth({ ...base, apiKey: 'a b' })).toThrow(/apiKey contains whitespace — copy the key again/)
    expect(() => createApiKeyRefreshAuth({ ...base, baseURL: '' })).toThrow(ConfigError)
    expect(() => createApiKeyRefreshAuth({ ...base, baseURL: 'not a url' })).toThrow(/baseURL must be an absolute URL like https:\/\/api\.example\.com/)
    expect(() => createApiKeyRefreshAuth({ ...base, tokenPath: 'auth/token' })).toThrow(
      /tokenPath must be a path below baseURL starting with one '\/', e\.g\. '\/auth\/token'/,
    )
    expect(() => createApiKeyRefreshAuth({ ...base, header: 'bad header' })).toThrow(/header must be an HTTP header name such as 'Authorization'/)
    expect(() => createApiKeyRefreshAuth({ ...base, scheme: 'Bearer x' })).toThrow(
      /scheme must be a single word such as 'Bearer'.*or null to send the bare token/,
    )
    expect(() => createApiKeyRefreshAuth({ ...base, apiKeyField: '' })).toThrow(/apiKeyField must be the name of a JSON body field/)
    expect(() => createApiKeyRefreshAuth({ ...base, baseURL: 'http://apala.example.com' })).toThrow(InsecureTransportError)
  })

  it('session-only: without a key, an explicit storeKey uses the stored session and never exchanges', async () => {
    const store = new MemoryTokenStore()
    await generic({ store, storeKey: 'generic:bot' }).login()
    const stored = generic({ apiKey: undefined, store, storeKey: 'generic:bot' })
    await stored.fetch('/api/feedback', { method: 'POST', body: { message_id: 'm-1', score: 'good' } })
    await stored.refresh()
    expect(emu.stats.get()).toMatchObject({ logins: 1, refreshes: 1 })
    await stored.logout()
    const signedOut = await stored.login().catch((e: unknown) => e)
    expect(signedOut).toBeInstanceOf(TokenExpiredError)
    expect((signedOut as Error).message).toMatch(/no credentials to log in with\. Pass \{ apiKey \} to exchange the key again/)
    expect(emu.stats.get().logins).toBe(1)
  })
})
