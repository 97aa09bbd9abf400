import { InvalidCredentialsError, MemoryTokenStore, TokenExpiredError } from '@authmux/core'
import type { AxiomEmulator } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { axiomAuthFor, startAxiom } from './axiom.fixtures'
import { type AxiomAuth, createAxiomAuth } from './axiom'

const ACCESS_LIFETIME_MS = 960_000

describe('createAxiomAuth against the Axiom emulator', () => {
  let emu: AxiomEmulator
  let auth: AxiomAuth | undefined
  beforeEach(async () => {
    emu = await startAxiom()
  })
  afterEach(async () => {
    auth?.dispose()
    auth = undefined
    await emu.close()
  })

  it('logs in lazily with password + emailed code, then sends cookie-authenticated requests', async () => {
    const codes: string[] = []
    const { email } = emu.credentials
    auth = axiomAuthFor(emu, {
      otp: async () => {
        const code = emu.inbox.latestCode(email)!
        codes.push(code)
        return code
      },
    })
    expect(auth.status().state).toBe('signed-out')
    expect(emu.stats.get().logins).toBe(0)

    const me = await auth.fetch<{ email: string; authenticatedWith: string }>('/user/info')
    expect(me).toMatchObject({ email, authenticatedWith: 'cookie' })

    // Step 1 once, the emailed code used once, step 2 with the OTP cookie.
    expect(emu.stats.get().logins).toBe(1)
    expect(codes).toEqual([emu.inbox.latestCode(email)])
    const [step1] = emu.requests.list({ path: '/login-password-v2' })
    expect(step1).toMatchObject({ status: 200, credential: 'body' })
    const [step2] = emu.requests.list({ path: '/login-otp' })
    expect(step2).toMatchObject({ status: 200, credential: 'cookie' })
    expect(step2!.headers.cookie).toBeDefined()

    // The ordinary request carried the cookie credential plus Origin/Referer, and no Authorization header.
    const [info] = emu.requests.list({ path: '/user/info' })
    expect(info).toMatchObject({ status: 200, credential: 'cookie' })
    expect(info!.headers.origin).toBe('https://axiom.trade')
    expect(info!.headers.referer).toBe('https://axiom.trade/discover')
    expect(info!.headers.authorization).toBeUndefined()

    // getHeaders() gives both cookies for callers that bring their own HTTP client.
    const headers = await auth.getHeaders({ url: '/user/info' })
    expect(headers.cookie).toMatch(/^auth-access-token=[^;]+; auth-refresh-token=[^;]+$/)
    expect(auth.expiresAt).toBe(emu.clock.now() + ACCESS_LIFETIME_MS)
    expect(auth.status().state).toBe('valid')
    expect(await auth.hasSavedTokens()).toBe(true)
  })

  it('refreshes in the background before the 960 s token expires, without waiting the caller', async () => {
    auth = axiomAuthFor(emu)
    await auth.ensureValid()
    const firstToken = auth.accessToken
    const firstExpiry = auth.expiresAt!

    // 13 minutes later: still outside the 2-minute refresh window — no refresh.
    emu.clock.advance(13 * 60_000)
    await auth.fetch('/user/info')
    expect(emu.stats.get().refreshes).toBe(0)
    expect(auth.status().state).toBe('valid')

    // 90 s before expiry: inside the window. The request goes out with the still-valid token; a refresh runs behind it.
    emu.clock.set(firstExpiry - 90_000)
    expect(auth.status().state).toBe('expiring')
    const refreshed = new Promise((resolve) => auth!.on('refresh', resolve))
    await auth.fetch('/user/info')
    await refreshed
    // (the engine emits 'refresh' just before it adopts the new set; wait for the adoption)
    await vi.waitFor(() => expect(auth!.accessToken).not.toBe(firstToken))
    expect(emu.stats.get().refreshes).toBe(1)
    expect(emu.stats.get().logins).toBe(1)
    expect(auth.expiresAt).toBe(emu.clock.now() + ACCESS_LIFETIME_MS)

    const [refresh] = emu.requests.list({ path: '/refresh-access-token' })
    expect(refresh).toMatchObject({ status: 200, credential: 'cookie', method: 'POST' })
    expect(refresh!.headers['content-length'] ?? '0').toBe('0')

    await auth.fetch('/user/info')
    expect(emu.requests.list({ path: '/user/info' }).every((r) => r.status === 200)).toBe(true)
  })

  it('logs in again (with a new code) when the refresh token was revoked', async () => {
    const store = new MemoryTokenStore()
    auth = axiomAuthFor(emu, { store })
    await auth.fetch('/user/info')
    const stored = await store.get(await auth.storeKey())
    emu.revokeToken(stored!.refreshToken!)

    // Past the must-refresh point: the caller waits; refresh is rejected (401) → full login → request succeeds.
    emu.clock.advance(ACCESS_LIFETIME_MS - 10_000)
    const me = await auth.fetch<{ email: string }>('/user/info')
    expect(me.email).toBe(emu.credentials.email)
    expect(emu.requests.list({ path: '/refresh-access-token' }).map((r) => r.status)).toEqual([401])
    expect(emu.stats.get().logins).toBe(2)
    expect(emu.inbox.messages).toHaveLength(2)
    const after = await store.get(await auth.storeKey())
    expect(after!.refreshToken).not.toBe(stored!.refreshToken)
  })

  it('renews and replays once when a request gets a 401 (token revoked server-side)', async () => {
    auth = axiomAuthFor(emu)
    await auth.ensureValid()
    emu.revokeToken(auth.accessToken!)
    const me = await auth.fetch<{ email: string }>('/user/info')
    expect(me.email).toBe(emu.credentials.email)
    expect(emu.requests.list({ path: '/user/info' }).map((r) => r.status)).toEqual([401, 200])
    expect(emu.stats.get().refreshes).toBe(1)
    expect(emu.stats.get().logins).toBe(1)
  })

  it('keeps the old refresh token when the refresh response has none, and adopts a rotated one', async () => {
    const store = new MemoryTokenStore()
    auth = axiomAuthFor(emu, { store })
    await auth.ensureValid()
    const key = await auth.storeKey()
    const first = await store.get(key)
    await auth.refresh()
    expect((await store.get(key))!.refreshToken).toBe(first!.refreshToken)

    emu.setRefreshRotation(true)
    await auth.refresh()
    const rotated = await store.get(key)
    expect(rotated!.refreshToken).not.toBe(first!.refreshToken)
    await auth.refresh() // the rotated token works; the old one was revoked by the emulator
    expect(emu.requests.list({ path: '/refresh-access-token' }).map((r) => r.status)).toEqual([200, 200, 200])
  })

  it('reads tokens from the JSON body when the server echoes them there', async () => {
    emu.setRefreshRotation(false)
    await emu.close()
    emu = await startAxiom({ echoTokensInBody: true })
    auth = axiomAuthFor(emu)
    await auth.ensureValid()
    await auth.refresh()
    expect(await auth.fetch<{ email: string }>('/user/info')).toMatchObject({ email: emu.credentials.email })
  })

  it('maps a wrong password (HTTP 500 "Invalid email or password") to InvalidCredentialsError, without retrying', async () => {
    auth = axiomAuthFor(emu, { password: 'not-the-password' })
    const error = await auth.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidCredentialsError)
    expect((error as Error).message).toMatch(/^@authmux\/password-login: Axiom rejected the email or password/)
    expect((error as Error).message).toContain('AXIOM_PASSWORD')
    expect(emu.stats.get().logins).toBe(1)
    expect(emu.inbox.messages).toHaveLength(0)
  })

  it('logout() is local: memory and store cleared, no server call', async () => {
    const store = new MemoryTokenStore()
    auth = axiomAuthFor(emu, { store })
    await auth.ensureValid()
    await auth.logout()
    expect(auth.status().state).toBe('signed-out')
    expect(await auth.hasSavedTokens()).toBe(false)
    expect(emu.requests.list({ path: '/auth/logout' })).toHaveLength(0)
  })

  it('session-only mode: no credentials + an explicit storeKey uses the stored session and never logs in', async () => {
    const store = new MemoryTokenStore()
    const owner = axiomAuthFor(emu, { store, storeKey: 'axiom:bot-1' })
    await owner.ensureValid()
    owner.dispose()
    emu.clock.advance(960_000 - 10_000) // past the must-refresh point: the stored session is refreshed, not replaced
    auth = createAxiomAuth({ baseURL: emu.url, store, storeKey: 'axiom:bot-1', now: () => emu.clock.now(), env: false })
    expect(await auth.hasSavedTokens()).toBe(true)
    expect(await auth.fetch<{ email: string }>('/user/info')).toMatchObject({ email: emu.credentials.email })
    expect(emu.stats.get()).toMatchObject({ logins: 1, refreshes: 1 })

    await auth.logout()
    const error = await auth.fetch('/user/info').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as Error).message).toContain('authmux login axiom')
    expect(emu.stats.get().logins).toBe(1)
  })

  it('serverLogout: true also calls /auth/logout with the cookies, which ends the session server-side', async () => {
    auth = axiomAuthFor(emu, { serverLogout: true })
    await auth.ensureValid()
    const token = auth.accessToken!
    await auth.logout()
    expect(emu.requests.list({ path: '/auth/logout' })).toMatchObject([{ status: 200, credential: 'cookie' }])
    const probe = await fetch(`${emu.url}/user/info`, { headers: { cookie: `auth-access-token=${token}` } })
    expect(probe.status).toBe(401)
  })
})
