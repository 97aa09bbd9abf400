import { ConfigError, InvalidCredentialsError, MemoryTokenStore, OtpRequiredError, ProviderError, RateLimitError, TokenExpiredError } from '@authmux/core'
import type { AxiomEmulator } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAxiomAuth } from './axiom'
import { AxiomTurnstileRequiredError } from './axiom-errors'
import { axiomAuthFor, startAxiom } from './axiom.fixtures'

describe('Axiom errors name the fix', () => {
  let emu: AxiomEmulator
  beforeEach(async () => {
    emu = await startAxiom()
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await emu.close()
  })

  it('no otp callback → OtpRequiredError explaining the one-time CLI login and token import; nothing is sent', async () => {
    const auth = axiomAuthFor(emu, { otp: undefined })
    const error = await auth.fetch('/user/info').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OtpRequiredError)
    const message = (error as Error).message
    expect(message).toMatch(/^@authmux\/password-login: /)
    expect(message).toContain('otp')
    expect(message).toContain('authmux login axiom')
    expect(message).toContain('setTokens')
    expect(message).toContain('AXIOM_ACCESS_TOKEN')
    expect(emu.stats.get().logins).toBe(0)
    expect(emu.inbox.messages).toHaveLength(0)
  })

  it('Turnstile required → AxiomTurnstileRequiredError naming turnstileToken and the token import; turnstileToken then works', async () => {
    emu.setTurnstileRequired(true)
    const error = await axiomAuthFor(emu)
      .login()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AxiomTurnstileRequiredError)
    expect((error as AxiomTurnstileRequiredError).code).toBe('TURNSTILE_REQUIRED')
    const message = (error as Error).message
    expect(message).toMatch(/^@authmux\/password-login: /)
    expect(message).toContain('turnstileToken')
    expect(message).toContain('setTokens')
    expect(message).toContain('AXIOM_ACCESS_TOKEN and AXIOM_REFRESH_TOKEN')
    expect(emu.inbox.messages).toHaveLength(0)

    const auth = axiomAuthFor(emu, { turnstileToken: 'solved-in-a-browser' })
    await expect(auth.fetch('/user/info')).resolves.toMatchObject({ email: emu.credentials.email })
  })

  it('a wrong one-time code → InvalidCredentialsError (never retried)', async () => {
    const auth = axiomAuthFor(emu, { otp: async () => '000000' })
    const error = await auth.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidCredentialsError)
    expect((error as Error).message).toContain('one-time code')
    expect(emu.requests.list({ path: '/login-otp' })).toHaveLength(1)
  })

  it('a 429 on a login step → RateLimitError with the wait Axiom asked for; other statuses → ProviderError quoting Axiom', async () => {
    // Longer than maxRateLimitWaitMs (60 s), so the engine hands it back instead of waiting.
    emu.faults.inject({ fault: { kind: 'rate-limit', retryAfterSeconds: 120 }, times: 1 })
    const limited = await axiomAuthFor(emu)
      .login()
      .catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(RateLimitError)
    expect(limited).toMatchObject({ status: 429, retryAfterMs: 120_000 })
    expect((limited as Error).message).toMatch(/^@authmux\/password-login: axiom is rate limiting \S+ \(HTTP 429\).*retry in 120 s/)

    emu.faults.inject({ fault: { kind: 'status', status: 418, body: { error: 'teapot mode' } }, times: 1 })
    const other = await axiomAuthFor(emu)
      .login()
      .catch((e: unknown) => e)
    expect(other).toBeInstanceOf(ProviderError)
    expect(other).toMatchObject({ status: 418 })
    expect((other as Error).message).toContain('teapot mode')
  })

  it('no credentials and no tokens → a typed error saying how to import tokens', async () => {
    const auth = createAxiomAuth({ baseURL: emu.url, env: false })
    const error = await auth.fetch('/user/info').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenExpiredError)
    expect((error as Error).message).toContain('setTokens')
    expect((error as Error).message).toContain('run `authmux login axiom`')
    expect((error as Error).message).toContain('AXIOM_EMAIL and AXIOM_PASSWORD')
    expect(emu.stats.get().requests).toBe(0)
  })

  it('option errors are ConfigErrors naming the field and the env var', () => {
    expect(() => createAxiomAuth({ password: 'x', env: false })).toThrow(ConfigError)
    expect(() => createAxiomAuth({ password: 'x', env: false })).toThrow(/AXIOM_EMAIL/)
    expect(() => createAxiomAuth({ refreshToken: 'r', env: false })).toThrow(/AXIOM_ACCESS_TOKEN/)
    expect(() => createAxiomAuth({ baseURL: 'http://axiom.example.com', env: false })).toThrow(/allowInsecureHttp/)
  })
})

describe('Axiom token import and environment', () => {
  let emu: AxiomEmulator
  let browser: { accessToken: string; refreshToken: string }
  beforeEach(async () => {
    emu = await startAxiom()
    // A "browser session": tokens obtained by another client, as if copied from the axiom.trade cookies.
    const store = new MemoryTokenStore()
    const other = axiomAuthFor(emu, { store })
    await other.ensureValid()
    const saved = await store.get(await other.storeKey())
    browser = { accessToken: saved!.accessToken, refreshToken: saved!.refreshToken! }
    other.dispose()
    emu.stats.reset()
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await emu.close()
  })

  it('setTokens() imports browser tokens: expiry from the JWT, no login, refresh works', async () => {
    const auth = createAxiomAuth({ baseURL: emu.url, now: () => emu.clock.now(), env: false })
    await auth.setTokens(browser)
    expect(auth.expiresAt).toBe(emu.clock.now() + 960_000)
    await expect(auth.fetch('/user/info')).resolves.toMatchObject({ email: emu.credentials.email })
    await auth.refresh()
    expect(emu.stats.get()).toMatchObject({ logins: 0, refreshes: 1 })
    auth.dispose()
  })

  it('reads AXIOM_ACCESS_TOKEN / AXIOM_REFRESH_TOKEN when no options are given', async () => {
    vi.stubEnv('AXIOM_ACCESS_TOKEN', browser.accessToken)
    vi.stubEnv('AXIOM_REFRESH_TOKEN', browser.refreshToken)
    const auth = createAxiomAuth({ baseURL: emu.url, now: () => emu.clock.now() })
    await expect(auth.fetch('/user/info')).resolves.toMatchObject({ email: emu.credentials.email })
    expect(emu.stats.get()).toMatchObject({ logins: 0, refreshes: 0 })
    auth.dispose()
  })

  it('an imported access token that already expired is refreshed first, not sent', async () => {
    emu.clock.advance(20 * 60_000)
    const auth = createAxiomAuth({ baseURL: emu.url, now: () => emu.clock.now(), env: false, ...browser })
    await expect(auth.fetch('/user/info')).resolves.toMatchObject({ email: emu.credentials.email })
    expect(emu.stats.get()).toMatchObject({ logins: 0, refreshes: 1, unauthorized: 0 })
    auth.dispose()
  })

  it('reads AXIOM_EMAIL / AXIOM_PASSWORD when no options are given', async () => {
    vi.stubEnv('AXIOM_EMAIL', emu.credentials.email)
    vi.stubEnv('AXIOM_PASSWORD', emu.credentials.password)
    const auth = createAxiomAuth({ baseURL: emu.url, otp: async () => emu.inbox.latestCode(emu.credentials.email)! })
    await expect(auth.fetch('/user/info')).resolves.toMatchObject({ email: emu.credentials.email })
    expect(emu.stats.get().logins).toBe(1)
    expect(await auth.storeKey()).toBe(`axiom:${emu.credentials.email}`)
    auth.dispose()
  })
})
