import { pbkdf2Sync } from 'node:crypto'
import { inspect } from 'node:util'
import type { AuthLogger } from '@authmux/core'
import { MemoryTokenStore } from '@authmux/core'
import type { AxiomEmulator } from '@authmux/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAxiomAuth } from './axiom'
import type { AxiomAuth, AxiomAuthOptions } from './axiom'
import { startAxiom } from './axiom.fixtures'

const EMAIL = 'canary@axiom.test'
const PASSWORD = 'CANARY-password-5b1e9d'
const WRONG_PASSWORD = 'CANARY-wrong-password-77c2'
const TURNSTILE = 'CANARY-turnstile-a81f'
const WRONG_CODE = '987123'
const b64 = (password: string) =>
  pbkdf2Sync(password, Buffer.from('d903a17b35c8ce248f02dcfcf06dcc17d9ae4f9e124c95754928cf4d22c2c4a3', 'hex'), 600_000, 32, 'sha256').toString('base64')

/** Everything observable from the outside: log lines, event payloads, errors (message, stack, JSON, inspect). */
function recorder() {
  const seen: string[] = []
  const record = (value: unknown) => {
    seen.push(typeof value === 'string' ? value : inspect(value, { depth: 10, showHidden: true }))
    try {
      seen.push(JSON.stringify(value) ?? '')
    } catch {
      // circular: inspect above already covers it
    }
    if (value instanceof Error) seen.push(value.message, value.stack ?? '', inspect(value.cause, { depth: 10 }))
  }
  const line = (level: string) => (message: string, data?: Record<string, unknown>) => record(`${level} ${message} ${inspect(data, { depth: 10 })}`)
  const logger: AuthLogger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }
  const watch = (auth: AxiomAuth) => {
    for (const event of ['login', 'refresh', 'logout', 'error'] as const) auth.on(event, (payload) => record(payload))
  }
  return { seen, record, logger, watch }
}

describe('no secret leaks (canary)', () => {
  let emu: AxiomEmulator
  beforeEach(async () => {
    emu = await startAxiom()
    await emu.addAccount({ email: EMAIL, password: PASSWORD })
  })
  afterEach(() => emu.close())

  it('password, b64Password, codes, turnstile and tokens never appear in errors, logs, events, inspect or JSON', async () => {
    const { seen, record, logger, watch } = recorder()
    const codes: string[] = []
    const store = new MemoryTokenStore()
    const make = (options: AxiomAuthOptions) => {
      const auth = createAxiomAuth({ baseURL: emu.url, email: EMAIL, now: () => emu.clock.now(), env: false, logger, store, ...options })
      watch(auth)
      return auth
    }
    const otp = async () => {
      const code = emu.inbox.latestCode(EMAIL)!
      codes.push(code)
      return code
    }

    // 1. Wrong password (500 "Invalid email or password").
    const wrong = make({ password: WRONG_PASSWORD, otp })
    record(await wrong.login().catch((e: unknown) => e))
    record(wrong)

    // 2. Wrong one-time code.
    const badCode = make({ password: PASSWORD, otp: async () => WRONG_CODE })
    record(await badCode.login().catch((e: unknown) => e))

    // 3. A real session, then a refresh answered by a server error that echoes every secret back.
    const auth = make({ password: PASSWORD, otp, turnstileToken: TURNSTILE })
    await auth.fetch('/user/info')
    const tokens = (await store.get(await auth.storeKey()))!
    const echo = [PASSWORD, b64(PASSWORD), TURNSTILE, tokens.accessToken, tokens.refreshToken, ...codes].join(' ')
    emu.faults.inject({ path: '/refresh-access-token', fault: { kind: 'status', status: 502, body: { error: `upstream said ${echo}` } }, times: 3 })
    record(await auth.refresh().catch((e: unknown) => e))
    emu.faults.inject({ path: '/user/info', fault: { kind: 'status', status: 500, body: { error: `boom ${echo}` } }, times: 3 })
    record(await auth.fetch('/user/info', { retry: 0 }).catch((e: unknown) => e))

    // 4. Refresh rejected → fallback login with the same secrets in flight; then logout.
    emu.revokeAllTokens()
    emu.clock.advance(960_000)
    await auth.fetch('/user/info')
    record(auth)
    record(JSON.stringify(auth))
    record(await auth.getHeaders().then(() => 'headers computed'))
    await auth.logout()

    const secrets = [PASSWORD, WRONG_PASSWORD, b64(PASSWORD), b64(WRONG_PASSWORD), TURNSTILE, WRONG_CODE, tokens.accessToken, tokens.refreshToken!, ...codes]
    expect(codes).toHaveLength(2)
    expect(seen.length).toBeGreaterThan(20)
    const everything = seen.join('\n')
    for (const secret of secrets) {
      if (process.env.CANARY_DEBUG) for (const line of seen) if (line.includes(secret)) console.log('LEAK', secret, line.slice(0, 3000))
      expect(everything).not.toContain(secret)
    }
    // The canary really was exercised: the errors and logs exist and mention what went wrong.
    expect(everything).toContain('Axiom rejected the email or password')
    expect(everything).toContain('one-time code')
    expect(everything).toContain('upstream said')
  })
})
