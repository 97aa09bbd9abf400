import { ConfigError, InvalidCredentialsError, ProviderError, type Session } from '@authmux/core'
import { startProjectXEmulator, type ProjectXEmulator } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { OrderSubmissionUncertainError } from '../../errors'
import { expectNoSecrets, recordEvents, rejectionOf } from '../../test-support'
import { createProjectXAuth, type ProjectXAuthOptions } from './auth'

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

/** What the emulator's `/Account/search` answers. */
interface AccountSearch {
  success: boolean
  accounts: Array<{ id: number; name: string }>
}

const search = (strategy: Session) => strategy.fetch<AccountSearch>('/Account/search', { method: 'POST', body: { onlyActiveAccounts: true } })

describe('createProjectXAuth', () => {
  it('logs in at /Auth/loginKey with { userName, apiKey } and sends Authorization: Bearer', async () => {
    const strategy = auth()
    const body = await search(strategy)
    expect(body.accounts[0]?.name).toBe(emu.credentials.accountName)
    const log = emu.requests.list()
    expect(log.map((r) => `${r.method} ${r.path} ${r.credential}`)).toEqual(['POST /api/Auth/loginKey body', 'POST /api/Account/search bearer'])
    expect(log[1]!.headers.authorization).toBe('Bearer [REDACTED]')
    expect(strategy.expiresAt).toBe(emu.clock.now() - (emu.clock.now() % 1000) + DAY_MS)
  })

  it('maps HTTP 200 success:false to typed errors by errorCode', async () => {
    const wrongKey = await rejectionOf(auth({ apiKey: 'definitely-not-the-key' }).login())
    expect(wrongKey).toBeInstanceOf(InvalidCredentialsError)
    expect(wrongKey).toMatchObject({ providerCode: 3, provider: 'projectx' })
    expect(wrongKey.message).toMatch(/^@authmux\/key-secret-jwt: ProjectX login failed with InvalidCredentials/)

    const unknownUser = await rejectionOf(auth({ username: 'nobody-here' }).login())
    expect(unknownUser).toBeInstanceOf(InvalidCredentialsError)
    expect(unknownUser).toMatchObject({ providerCode: 1 })
    expect(unknownUser.message).toContain('UserNotFound')
    expect(JSON.parse(JSON.stringify(unknownUser))).toMatchObject({ code: 'INVALID_CREDENTIALS', providerCode: 1 })

    emu.setLoginErrorCode(emu.credentials.userName, 7)
    const agreements = await rejectionOf(auth().login())
    expect(agreements).toBeInstanceOf(ProviderError)
    expect(agreements).not.toBeInstanceOf(InvalidCredentialsError)
    expect(agreements).toMatchObject({ providerCode: 7, code: 'PROVIDER_ERROR' })
    expect(agreements.message).toContain('AgreementsNotSigned')
    expect(agreements.message).toContain('log into the ProjectX platform and complete the required agreements')

    emu.setLoginErrorCode(emu.credentials.userName, 9)
    const subscription = await rejectionOf(auth().login())
    expect(subscription).toMatchObject({ providerCode: 9 })
    expect(subscription.message).toContain('ApiSubscriptionNotFound')

    emu.setLoginErrorCode(emu.credentials.userName, 10)
    const disabled = await rejectionOf(auth().login())
    expect(disabled).toMatchObject({ providerCode: 10 })
    expect(disabled.message).toContain('ApiKeyAuthenticationDisabled')
  })

  it('revalidates through /Auth/validate 5 minutes before exp, in the background', async () => {
    const strategy = auth()
    await search(strategy)
    const first = strategy.accessToken
    const expiresAt = strategy.expiresAt!
    emu.clock.advance(expiresAt - emu.clock.now() - 6 * 60_000)
    await search(strategy)
    expect(emu.stats.get().validates).toBe(0)
    emu.clock.advance(2 * 60_000) // 4 minutes before exp: inside the window, before the must-refresh point
    await search(strategy)
    await vi.waitFor(() => expect(strategy.accessToken).not.toBe(first))
    expect(emu.stats.get()).toMatchObject({ logins: 1, validates: 1, unauthorized: 0 })
    expect(strategy.expiresAt).toBeGreaterThan(expiresAt)
  })

  it('falls back to /Auth/loginKey when /Auth/validate answers success:false', async () => {
    const strategy = auth()
    await strategy.login()
    emu.revokeAllTokens()
    emu.clock.advance(strategy.expiresAt! - emu.clock.now() - 10_000) // past the must point: callers wait
    await search(strategy)
    expect(emu.stats.get()).toMatchObject({ logins: 2, validates: 1, unauthorized: 0 })
  })

  it('supports refreshWindow { fraction: 0.8 } as the alternative policy', async () => {
    const fraction = auth({ refreshWindow: { fraction: 0.8 } })
    const fixed = auth()
    await fraction.login()
    await fixed.login()
    emu.clock.advance(0.81 * DAY_MS)
    expect(fraction.status().state).toBe('expiring')
    expect(fixed.status().state).toBe('valid')
    await fraction.ensureValid()
    await fixed.ensureValid()
    await vi.waitFor(() => expect(emu.stats.get().validates).toBe(1))
  })

  it('logout() calls /Auth/logout with the token, which the server then refuses', async () => {
    const strategy = auth()
    await strategy.ensureValid()
    const token = strategy.accessToken!
    await strategy.logout()
    expect(strategy.status().state).toBe('signed-out')
    const logout = emu.requests.list({ path: '/api/Auth/logout' })
    expect(logout).toHaveLength(1)
    expect(logout[0]).toMatchObject({ status: 200, credential: 'bearer' })
    const replay = await fetch(`${emu.url}/Account/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ onlyActiveAccounts: true }),
    })
    expect(replay.status).toBe(401)
  })

  it('account() resolves the trading account through /Account/search once: by name (any case), else the first', async () => {
    const { accountId, accountName } = emu.credentials
    const byName = auth({ accountName: accountName.toLowerCase() })
    await expect(byName.account()).resolves.toMatchObject({ id: accountId, name: accountName })
    await expect(byName.account()).resolves.toMatchObject({ id: accountId })
    expect(emu.requests.list({ path: '/api/Account/search' })).toHaveLength(1)
    await expect(auth().account()).resolves.toMatchObject({ id: accountId, name: accountName })

    const wrong = await rejectionOf(auth({ accountName: 'PRAC-NOPE' }).account())
    expect(wrong).toBeInstanceOf(ConfigError)
    expect(wrong).toMatchObject({ field: 'accountName' })
    expect(wrong.message).toContain(`accountName names no active ProjectX account (active: ${accountName}) — set accountName (PROJECT_X_ACCOUNT_NAME)`)
  })

  it('account(): a refused lookup is a ProviderError, never quoting the answer (it may echo the key), not remembered', async () => {
    const strategy = auth()
    const { apiKey } = emu.credentials
    emu.faults.inject({
      path: '/Account/search',
      fault: { kind: 'status', status: 200, body: { success: false, errorCode: 2, errorMessage: `search refused for key ${apiKey}` } },
    })
    const refused = await rejectionOf(strategy.account())
    expect(refused).toBeInstanceOf(ProviderError)
    expect(refused).toMatchObject({ providerCode: 2 })
    expect(refused.message).toMatch(/success: false \(errorCode 2\) — the accounts could not be listed/)
    expectNoSecrets([refused], [apiKey])
    await expect(strategy.account()).resolves.toMatchObject({ id: emu.credentials.accountId })
  })

  it('ensureValid() then accessToken: a valid token for the SignalR hubs, logged in once', async () => {
    const strategy = auth()
    await strategy.ensureValid()
    const token = strategy.accessToken!
    expect(token.split('.')).toHaveLength(3)
    expect(emu.stats.get().logins).toBe(1)
    await strategy.ensureValid()
    expect(strategy.accessToken).toBe(token)
    expect(emu.stats.get().logins).toBe(1)
  })

  it('works with await using (Symbol.asyncDispose stops the session)', async () => {
    let dispose: ReturnType<typeof vi.fn> | undefined
    {
      await using strategy = auth()
      dispose = vi.spyOn(strategy, 'dispose') as unknown as ReturnType<typeof vi.fn>
      await strategy.login()
      expect(dispose).not.toHaveBeenCalled()
    }
    expect(dispose).toHaveBeenCalledTimes(1)
  })

  it('never replays a 401 on an order submission: OrderSubmissionUncertainError', async () => {
    const strategy = auth()
    await strategy.login()
    emu.revokeAllTokens()
    const error = await rejectionOf(
      strategy.fetch('/Order/place', {
        method: 'POST',
        body: { accountId: emu.credentials.accountId, contractId: 'CON.F.US.EP.H26', type: 2, side: 0, size: 1 },
      }),
    )
    expect(error).toBeInstanceOf(OrderSubmissionUncertainError)
    expect(error).toMatchObject({ code: 'SUBMISSION_UNCERTAIN', provider: 'projectx', request: 'POST /Order/place' })
    expect(emu.requests.list({ path: '/api/Order/place' })).toHaveLength(1)
    expect(emu.stats.get()).toMatchObject({ logins: 1, validates: 0 })

    // a read is renewed and replayed once
    await search(strategy)
    expect(emu.requests.list({ path: '/api/Account/search' }).map((r) => r.status)).toEqual([401, 200])
  })

  it('rotates the token once under load: 500 concurrent requests across the must-refresh point', async () => {
    const strategy = auth()
    await search(strategy)
    emu.stats.reset()
    emu.clock.advance(strategy.expiresAt! - emu.clock.now() - 10_000)
    const results = await Promise.all(Array.from({ length: 500 }, () => search(strategy)))
    expect(results.every((r) => r.success === true)).toBe(true)
    expect(emu.stats.get()).toMatchObject({ logins: 0, validates: 1, unauthorized: 0, requests: 501 })
  })

  it('rotates once under load when the token has already expired (validate refused → one loginKey)', async () => {
    const strategy = auth()
    await search(strategy)
    emu.stats.reset()
    emu.clock.advance(DAY_MS + 60_000)
    const results = await Promise.all(Array.from({ length: 500 }, () => search(strategy)))
    expect(results).toHaveLength(500)
    expect(emu.stats.get()).toMatchObject({ logins: 1, validates: 1, unauthorized: 0 })
  })

  it('never leaks the API key or the token (errors, events, inspect, JSON)', async () => {
    const canaryKey = 'CANARY-projectx-key-7f3a9c1e5b'
    emu.addUser({ userName: 'canary-user', apiKey: canaryKey })
    const good = auth({ username: 'canary-user', apiKey: canaryKey })
    const events = recordEvents(good)
    await good.ensureValid()
    const token = good.accessToken!
    emu.revokeAllTokens()
    const orderError = await rejectionOf(good.fetch('/Order/place', { method: 'POST', body: {} }))
    await good.refresh().catch(() => undefined)
    await good.logout()

    const bad = auth({ username: 'canary-user', apiKey: `${canaryKey}-wrong` })
    const badEvents = recordEvents(bad)
    const loginError = await rejectionOf(bad.login())
    expectNoSecrets([good, bad, orderError, loginError, ...events, ...badEvents], [canaryKey, token])
    expect(events.map((e) => e.event)).toContain('login')
    expect(badEvents.map((e) => e.event)).toContain('error')
  })

  it('redacts the key and the token a provider echoes back in error bodies and events', async () => {
    const { apiKey } = emu.credentials
    const strategy = auth()
    const events = recordEvents(strategy)
    emu.faults.inject({
      path: '/Auth/loginKey',
      fault: { kind: 'status', status: 200, body: { token: null, success: false, errorCode: 3, errorMessage: `key ${apiKey} is not valid` } },
    })
    const login = await rejectionOf(strategy.login())
    await strategy.login()
    const token = strategy.accessToken!
    emu.faults.inject({ path: '/Account/search', fault: { kind: 'status', status: 500, body: { errorMessage: `no accounts for ${token}` } } })
    const search = await rejectionOf(strategy.fetch('/Account/search', { method: 'POST', body: {} }))

    expect(login).toBeInstanceOf(InvalidCredentialsError)
    expect(search).toBeInstanceOf(ProviderError)
    // the echo reached both messages (the canaries below would show without redaction) …
    for (const error of [login, search]) expect(error.message).toContain('[REDACTED]')
    // … and neither secret did, in any rendering of the errors, the strategy or its events
    expectNoSecrets([strategy, login, search, ...events], [apiKey, token])
  })
})
