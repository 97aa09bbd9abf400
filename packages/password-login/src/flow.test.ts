import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { OtpRequiredError } from '@authmux/core'
import type { AxiomEmulator } from '@authmux/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createPasswordLoginAuth } from './auth'
import { axiomPasswordHash } from './presets/axiom-password'
import { startAxiom } from './presets/axiom.fixtures'
import type { PasswordLoginConfig } from './types'

describe('createPasswordLoginAuth (generic style) — declarative config against the Axiom emulator', () => {
  let emu: AxiomEmulator | undefined
  afterEach(async () => {
    await emu?.close()
    emu = undefined
  })

  /** Axiom's legacy client shape: OTP token from the body, tokens from the body, refresh with the refresh cookie only. */
  const legacyAxiom = (emulator: AxiomEmulator, overrides: Partial<PasswordLoginConfig> = {}): PasswordLoginConfig => ({
    name: 'axiom-legacy',
    baseURL: emulator.url,
    email: emulator.credentials.email,
    password: emulator.credentials.password,
    encodePassword: axiomPasswordHash,
    otp: async () => emulator.inbox.latestCode(emulator.credentials.email)!,
    now: () => emulator.clock.now(),
    login: {
      url: '/login-password-v2',
      body: ({ email, password }) => ({ email, b64Password: password }),
      otpToken: { fields: ['otpJwtToken'] },
    },
    otpStep: {
      url: '/login-otp',
      body: ({ code, email, password }) => ({ code, email, b64Password: password }),
      otpTokenCookie: 'auth-otp-login-token',
    },
    tokens: { access: { fields: ['accessToken'] }, refresh: { fields: ['refreshToken'] } },
    refresh: { url: '/refresh-access-token', send: { as: 'cookies', refresh: 'auth-refresh-token' } },
    attach: { as: 'cookies', access: 'auth-access-token' },
    ...overrides,
  })

  it('logs in through both steps with body tokens, refreshes with the refresh cookie only, attaches the access cookie', async () => {
    emu = await startAxiom({ echoTokensInBody: true })
    const auth = createPasswordLoginAuth(legacyAxiom(emu))
    expect(await auth.fetch<{ email: string }>('/user/info')).toMatchObject({ email: emu.credentials.email })
    const before = auth.accessToken
    emu.clock.advance(60_000)
    await auth.refresh()
    expect(auth.accessToken).not.toBe(before)
    expect(await auth.fetch<{ email: string }>('/user/info')).toMatchObject({ email: emu.credentials.email })
    expect(emu.stats.get()).toMatchObject({ logins: 1, refreshes: 1 })
    expect((await auth.getHeaders()).cookie).toMatch(/^auth-access-token=[^;]+$/)
    auth.dispose()
  })

  it('a response without the configured token is a ResponseShapeError naming where it looked', async () => {
    emu = await startAxiom() // tokens only in cookies, but the config reads body fields
    const auth = createPasswordLoginAuth(legacyAxiom(emu))
    const error = await auth.login().catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'ResponseShapeError', field: 'accessToken' })
    expect((error as Error).message).toContain('field "accessToken"')
  })

  it('asks for the code only when the provider does: no otp callback + OTP token → OtpRequiredError', async () => {
    emu = await startAxiom()
    const auth = createPasswordLoginAuth(legacyAxiom(emu, { otp: undefined, otpHelp: 'Run `mytool login` once.' }))
    const error = await auth.login().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OtpRequiredError)
    expect((error as Error).message).toContain('Run `mytool login` once.')
  })
})

describe('createPasswordLoginAuth — single-step login, Bearer header, JSON refresh (loopback server)', () => {
  const seen: Array<{ path: string; authorization?: string; body: string }> = []
  let server: ReturnType<typeof createServer> | undefined
  let serial = 0
  afterEach(() => {
    server?.close()
    server = undefined
    seen.length = 0
  })

  async function start(): Promise<string> {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        seen.push({ path: req.url ?? '', body, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) })
        const send = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' })
          res.end(JSON.stringify(value))
        }
        const fields = body ? (JSON.parse(body) as Record<string, string>) : {}
        if (req.url === '/v1/session') {
          // Like a careless provider, the refusal echoes what was sent: the canary below must be redacted out of it.
          if (fields.username !== 'ana' || fields.password !== 'pw-1') return send(401, { message: `bad credentials ${fields.username}:${fields.password}` })
          return send(200, { data: 'ok', access_token: `access-${++serial}`, refresh_token: 'refresh-1', expires_in: 600 })
        }
        if (req.url === '/v1/session/refresh') {
          if (fields.refresh_token !== 'refresh-1') return send(401, { message: 'bad refresh token' })
          return send(200, { access_token: `access-${++serial}`, expires_in: 600 })
        }
        if (req.url === '/v1/me') {
          return req.headers.authorization === `Token access-${serial}` ? send(200, { me: 'ana' }) : send(401, { message: 'no' })
        }
        send(404, { message: 'not found' })
      })
    })
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`
  }

  const config = (baseURL: string): PasswordLoginConfig => ({
    name: 'example',
    baseURL,
    email: 'ana',
    password: 'pw-1',
    login: { url: '/session', body: ({ email, password }) => ({ username: email, password }) },
    tokens: { access: { fields: ['access_token'] }, refresh: { fields: ['refresh_token'] }, expiresInField: 'expires_in' },
    refresh: { url: '/session/refresh', send: { as: 'json', field: 'refresh_token' } },
    attach: { as: 'header', header: 'Authorization', scheme: 'Token' },
  })

  it('logs in without a code step when the login response already carries the tokens', async () => {
    const base = await start()
    const now = 1_000_000
    const auth = createPasswordLoginAuth({ ...config(base), now: () => now })
    expect(await auth.fetch('/me')).toEqual({ me: 'ana' })
    expect(auth.expiresAt).toBe(now + 600_000)
    await auth.refresh()
    expect(await auth.fetch('/me')).toEqual({ me: 'ana' })
    expect(seen.map((s) => s.path)).toEqual(['/v1/session', '/v1/me', '/v1/session/refresh', '/v1/me'])
    expect(seen[1]!.authorization).toBe('Token access-1')
    expect(seen[3]!.authorization).toBe('Token access-2')
    expect(JSON.parse(seen[2]!.body)).toEqual({ refresh_token: 'refresh-1' })
    expect(seen[2]!.authorization).toBeUndefined()
    auth.dispose()
  })

  it('the config doubles as the session options: its password never surfaces (inspect, JSON, events, logger, errors)', async () => {
    const base = await start()
    const canary = 'CANARY-generic-password-4e7d'
    const observed: string[] = []
    const line = (message: string, data?: Record<string, unknown>) => observed.push(message, inspect(data, { depth: 10 }))
    const auth = createPasswordLoginAuth({ ...config(base), password: canary, logger: { debug: line, info: line, warn: line, error: line } })
    for (const event of ['login', 'refresh', 'logout', 'error'] as const)
      auth.on(event, (payload) => observed.push(inspect(payload, { depth: 10, showHidden: true })))
    const error = await auth.login().catch((e: unknown) => e)
    await auth.fetch('/me').catch((e: unknown) => observed.push(inspect(e, { depth: 10, showHidden: true })))
    await auth.logout()
    observed.push(inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), (error as Error).stack ?? '')
    observed.push(inspect(auth, { depth: 10, showHidden: true }), JSON.stringify(auth), String(auth))
    expect(error).toMatchObject({ name: 'InvalidCredentialsError' })
    expect(JSON.parse(JSON.stringify(auth))).toMatchObject({ name: 'example', baseURL: base })
    expect(observed.join('\n')).toContain('rejected the credentials')
    expect(observed.join('\n')).toContain('bad credentials ana:') // the echo reached the error, minus the password
    expect(observed.join('\n')).not.toContain(canary)
    // The password really was in play: the login sent it.
    expect(seen.find((request) => request.path === '/v1/session')?.body).toContain(canary)
  })

  it('a wrong password is an InvalidCredentialsError from the default mapping', async () => {
    const base = await start()
    const auth = createPasswordLoginAuth({ ...config(base), password: 'nope' })
    await expect(auth.login()).rejects.toMatchObject({ name: 'InvalidCredentialsError', status: 401 })
  })
})
