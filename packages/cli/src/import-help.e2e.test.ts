import { beforeEach, describe, expect, it } from 'vitest'
import { createAxiomAuth } from '@authmux/password-login'
import { createFileTokenStore } from '@authmux/store-file'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()
beforeEach(() => {
  env.emu.setLifetimes({ axiom: { accessSeconds: 960 } })
})

/** Logs in the way the axiom.trade web page does and returns its two cookies (what a user copies from the browser). */
async function browserTokens(): Promise<{ access: string; refresh: string }> {
  const { email, b64Password } = env.emu.credentials.axiom
  const cookie = (res: Response, name: string) => {
    const line = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
    if (!line) throw new Error(`no ${name} cookie`)
    return line.slice(name.length + 1).split(';')[0]!
  }
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${env.emu.urls.axiom}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const step1 = await post('/login-password-v2', { email, b64Password })
  const otpToken = cookie(step1, 'auth-otp-login-token')
  const code = env.emu.inbox.latestCode(email)
  const step2 = await post('/login-otp', { code, email, b64Password }, { cookie: `auth-otp-login-token=${otpToken}` })
  return { access: cookie(step2, 'auth-access-token'), refresh: cookie(step2, 'auth-refresh-token') }
}

describe('authmux import axiom', () => {
  it('saves browser tokens given as flags; a bot with the same store starts from them without logging in', async () => {
    const { access, refresh } = await browserTokens()
    const { email } = env.emu.credentials.axiom
    const result = await env.box.run([
      'import',
      'axiom',
      '--email',
      email,
      '--access-token',
      access,
      '--refresh-token',
      refresh,
      '--base-url',
      env.emu.urls.axiom,
    ])
    expect(result.stderr).toBe("note: the CLI cannot verify a token's signature; the first request checks it, or run the import again with --check.\n")
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Imported Axiom Trade tokens for demo@axiom\.test — not yet checked with Axiom; token claims to expire in 1[56]m/)
    expect(result.stdout).not.toContain(access)

    const status = await env.box.run(['status'])
    expect(status.stdout).toMatch(/axiom\s+demo@axiom\.test\s+valid \(unchecked\)/)

    const bot = createAxiomAuth({ email, baseURL: env.emu.urls.axiom, store: createFileTokenStore({ dir: env.box.dir, env: {} }), env: false })
    await bot.fetch('/user/info')
    expect(bot.accessToken).toBe(access)
    bot.dispose()
    expect(env.emu.stats.get('axiom').logins).toBe(1) // the browser's own login only
    expect(env.box.leaks([access, refresh, env.emu.credentials.axiom.password])).toEqual([])
  })

  it('reads the tokens from stdin and refreshes an access token that has already expired', async () => {
    env.emu.setLifetimes({ axiom: { accessSeconds: -60 } })
    const { access, refresh } = await browserTokens()
    env.emu.setLifetimes({ axiom: { accessSeconds: 960 } })
    const result = await env.box.run(['import', 'axiom', '--access-token-stdin', '--refresh-token-stdin', '--base-url', env.emu.urls.axiom], {
      lines: [access, refresh],
      env: { AXIOM_EMAIL: env.emu.credentials.axiom.email },
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/— the expired access token was refreshed by Axiom; token expires in 1[56]m/)
    expect(env.emu.stats.get('axiom')).toMatchObject({ logins: 1, refreshes: 1 })
    const [stored] = await env.box.storedTokens()
    expect(stored!.accessToken).not.toBe(access)
    expect(stored!.refreshToken).toBe(refresh)

    const revealed = await env.box.run(['env', 'axiom', '--reveal'])
    expect(revealed.stdout).toContain(`export AXIOM_ACCESS_TOKEN='${stored!.accessToken}'`)
    expect(revealed.stdout).toContain(`export AXIOM_EMAIL='${env.emu.credentials.axiom.email}'`)
    const hidden = await env.box.run(['env', 'axiom'])
    expect(hidden.stdout.split('\n').filter(Boolean)).toEqual(['AUTHMUX_STORE_DIR', 'AXIOM_EMAIL', 'AXIOM_ACCESS_TOKEN', 'AXIOM_REFRESH_TOKEN'])
    expect(env.box.leaks([access, refresh, stored!.accessToken])).toEqual([])
  })

  it('refuses a value that is not an access token (exit 2) and an expired one it cannot refresh (exit 1)', async () => {
    const args = [
      'import',
      'axiom',
      '--email',
      env.emu.credentials.axiom.email,
      '--access-token-stdin',
      '--refresh-token-stdin',
      '--base-url',
      env.emu.urls.axiom,
    ]
    const garbage = await env.box.run(args, { lines: ['not-a-jwt-access-canary', 'not-a-jwt-refresh-canary'] })
    expect(garbage.code).toBe(2)
    expect(garbage.stderr).toContain('copy the value of the auth-access-token cookie')

    env.emu.setLifetimes({ axiom: { accessSeconds: -60 } })
    const { access } = await browserTokens()
    const expired = await env.box.run(args, { lines: [access, 'bogus-refresh-token-canary'] })
    expect(expired.code).toBe(1)
    expect(expired.stderr).toMatch(/^Axiom Trade did not accept the imported tokens; nothing was saved\.\n@authmux\/password-login: /)
    expect(await env.box.index()).toEqual([])
    expect(expired.stderr).not.toMatch(/\n\s+at /)
    expect(env.box.leaks(['not-a-jwt-access-canary', 'not-a-jwt-refresh-canary', access, 'bogus-refresh-token-canary'])).toEqual([])
  })

  it('import supports axiom only (usage error, exit 2)', async () => {
    const result = await env.box.run(['import', 'tradeready'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('import supports axiom only')
  })
})

describe('help and usage', () => {
  it('--help lists the commands; each command has its own help with examples (exit 0)', async () => {
    const main = await env.box.run(['--help'])
    expect(main.code).toBe(0)
    for (const command of ['login', 'status', 'logout', 'import', 'env', 'completion']) expect(main.stdout).toMatch(new RegExp(`^  ${command}\\s+\\S`, 'm'))
    for (const command of ['login', 'status', 'logout', 'import', 'env']) {
      const help = await env.box.run([command, '--help'])
      expect(help.code).toBe(0)
      expect(help.stdout).toContain(`Usage: authmux ${command}`)
      expect(help.stdout).toMatch(/Examples:\n {2}authmux /)
      expect(help.stdout).toContain('--base-url')
      expect(help.stdout).toContain('--store-dir')
    }
  })

  it('unknown commands, flags and providers exit 2 with a hint; no command prints the help on stderr', async () => {
    const none = await env.box.run([])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('Usage: authmux <command>')
    const flag = await env.box.run(['status', '--nope'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/unknown option --nope\.[\s\S]*authmux status --help/)
    const provider = await env.box.run(['logout', 'nasdaq'])
    expect(provider.code).toBe(2)
    expect(provider.stderr).toContain('unknown provider "nasdaq"')
    const notLoggedIn = await env.box.run(['env', 'axiom'])
    expect(notLoggedIn.code).toBe(3)
    expect(notLoggedIn.stderr).toContain('no stored Axiom Trade session — log in first: authmux login axiom.')
    const version = await env.box.run(['--version'])
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\S*\n$/) })
  })
})
