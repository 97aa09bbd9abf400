import { describe, expect, it } from 'vitest'
import { createAxiomAuth } from '@authmux/password-login'
import { createFileTokenStore } from '@authmux/store-file'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()

/** `authmux login axiom` fed like a script: password on line 1, then the emailed code on line 2 once it arrived. */
function loginAxiom(extra: string[] = []) {
  const { email, password } = env.emu.credentials.axiom
  return env.box.run(['login', 'axiom', '--email', email, '--password-stdin', '--otp-stdin', '--base-url', env.emu.urls.axiom, ...extra], {
    lines: [password],
    feed: async (child) => {
      const code = await env.emu.inbox.waitForCode(email, { timeoutMs: 10_000 })
      child.stdin.end(`${code}\n`)
    },
  })
}

describe('authmux login axiom (non-interactive)', () => {
  it('logs in with the password and the emailed code from stdin, and saves the session for the preset', async () => {
    const result = await loginAxiom()
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Logged in to Axiom Trade as demo@axiom\.test — token expires in 1[56]m/)
    expect(env.emu.stats.get('axiom').logins).toBe(1)

    const index = await env.box.index()
    expect(index).toEqual([
      expect.objectContaining({
        provider: 'axiom',
        label: env.emu.credentials.axiom.email,
        storeKey: `axiom:${env.emu.credentials.axiom.email}`,
        keySaved: false,
      }),
    ])

    const status = await env.box.run(['status'])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/PROVIDER\s+ACCOUNT\s+STATE\s+EXPIRES IN/)
    expect(status.stdout).toMatch(/axiom\s+demo@axiom\.test\s+valid\s+1[56]m/)

    // A bot with the same store directory (and key file) starts without logging in — no password, no code.
    const bot = createAxiomAuth({
      email: env.emu.credentials.axiom.email,
      baseURL: env.emu.urls.axiom,
      store: createFileTokenStore({ dir: env.box.dir, env: {} }),
      env: false,
    })
    const info = await bot.fetch<Record<string, unknown>>('/user/info')
    expect(info).toBeTypeOf('object')
    bot.dispose()
    expect(env.emu.stats.get('axiom').logins).toBe(1)

    const tokens = await env.box.storedTokens()
    expect(tokens).toHaveLength(1)
    expect(
      env.box.leaks([
        env.emu.credentials.axiom.password,
        env.emu.credentials.axiom.b64Password,
        tokens[0]!.accessToken,
        tokens[0]!.refreshToken,
        ...env.emu.inbox.messages.map((m) => m.code),
      ]),
    ).toEqual([])
  })

  it('a second login reuses the stored session: no password, no code, no login call', async () => {
    // An access token issued already expired is past the engine's must-refresh point: the next command's reuse
    // renews it with the stored refresh token (the CLI process runs on the real clock, not the emulator's).
    env.emu.setLifetimes({ axiom: { accessSeconds: -60 } })
    expect((await loginAxiom()).code).toBe(0)
    env.emu.setLifetimes({ axiom: { accessSeconds: 960 } })
    const again = await env.box.run(['login', 'axiom', '--email', env.emu.credentials.axiom.email, '--base-url', env.emu.urls.axiom])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/Already logged in to Axiom Trade as demo@axiom\.test — token expires in 1[56]m .*reused the stored session/)
    expect(env.emu.stats.get('axiom').logins).toBe(1)
    expect(env.emu.stats.get('axiom').refreshes).toBeGreaterThanOrEqual(1)

    // Now valid for 16 minutes: served from the store as is, no call at all (and the recorded base URL is reused).
    const before = env.emu.stats.get('axiom')
    const third = await env.box.run(['login', 'axiom', '--email', env.emu.credentials.axiom.email])
    expect(third.code).toBe(0)
    expect(third.stdout).toMatch(/reused the stored session/)
    expect(env.emu.stats.get('axiom')).toEqual(before)

    // --force logs in afresh (and needs the password again: none given, no terminal → usage error naming the flag).
    const forced = await env.box.run(['login', 'axiom', '--email', env.emu.credentials.axiom.email, '--force'])
    expect(forced.code).toBe(2)
    expect(forced.stderr).toContain('--password-stdin')
    expect(forced.stderr).toContain('AXIOM_PASSWORD')
  })

  it('takes the password from AXIOM_PASSWORD and the code as the only stdin line', async () => {
    const { email, password } = env.emu.credentials.axiom
    const result = await env.box.run(['login', 'axiom', '--otp-stdin', '--base-url', env.emu.urls.axiom], {
      env: { AXIOM_EMAIL: email, AXIOM_PASSWORD: password },
      feed: async (child) => {
        child.stdin.end(`${await env.emu.inbox.waitForCode(email, { timeoutMs: 10_000 })}\n`)
      },
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Logged in to Axiom Trade as ${email}`)
    expect(env.box.leaks([password])).toEqual([])
  })

  it('without a terminal, a missing value is a usage error (exit 2) naming the flag and the variable', async () => {
    const noEmail = await env.box.run(['login', 'axiom', '--base-url', env.emu.urls.axiom])
    expect(noEmail.code).toBe(2)
    expect(noEmail.stderr).toContain('Axiom email is missing and there is no terminal to ask on: pass --email <value>, or set AXIOM_EMAIL')
    expect(noEmail.stdout).toBe('')

    const noCode = await env.box.run(['login', 'axiom', '--email', env.emu.credentials.axiom.email, '--password-stdin', '--base-url', env.emu.urls.axiom], {
      lines: [env.emu.credentials.axiom.password],
    })
    expect(noCode.code).toBe(2)
    expect(noCode.stderr).toContain('--otp <value> or --otp-stdin')
    expect(env.emu.stats.get('axiom').logins).toBe(1) // step 1 ran (the code was emailed); nothing was stored
    expect(await env.box.index()).toEqual([])
  })

  it('a wrong password is a friendly error (exit 1) without a stack trace unless --debug', async () => {
    const wrong = 'not-the-password-canary'
    const args = ['login', 'axiom', '--email', env.emu.credentials.axiom.email, '--password-stdin', '--otp', '123456', '--base-url', env.emu.urls.axiom]
    const result = await env.box.run(args, { lines: [wrong] })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^@authmux\/password-login: /)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    const debug = await env.box.run([...args, '--debug'], { lines: [wrong] })
    expect(debug.code).toBe(1)
    expect(debug.stderr).toMatch(/\n\s+at /)
    expect(env.box.leaks([wrong, '123456'])).toEqual([])
  })
})
