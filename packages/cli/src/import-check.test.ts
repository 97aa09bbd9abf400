import { describe, expect, it } from 'vitest'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
/** A JWT nobody signed: a made-up signature and an expiry 94951 days away. */
const forged = (days = 94_951) =>
  `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'x', exp: Math.floor(Date.now() / 1000) + days * 86_400 + 3_600 })}.Zm9yZ2VkLXNpZ25hdHVyZQ`

/** The two cookies a browser session holds, from a real login on the emulator. */
async function browserTokens(): Promise<{ access: string; refresh: string }> {
  const { email, b64Password } = env.emu.credentials.axiom
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${env.emu.urls.axiom}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const cookie = (res: Response, name: string) =>
    res.headers
      .getSetCookie()
      .find((c) => c.startsWith(`${name}=`))!
      .slice(name.length + 1)
      .split(';')[0]!
  const step1 = await post('/login-password-v2', { email, b64Password })
  const code = env.emu.inbox.latestCode(email)
  const step2 = await post('/login-otp', { code, email, b64Password }, { cookie: `auth-otp-login-token=${cookie(step1, 'auth-otp-login-token')}` })
  return { access: cookie(step2, 'auth-access-token'), refresh: cookie(step2, 'auth-refresh-token') }
}

const importArgs = () => [
  'import',
  'axiom',
  '--email',
  env.emu.credentials.axiom.email,
  '--access-token-stdin',
  '--refresh-token-stdin',
  '--base-url',
  env.emu.urls.axiom,
]

describe('authmux import axiom: a token is not "valid" until Axiom has accepted it', () => {
  it('a forged JWT with an absurd expiry is saved as "not yet checked", with a warning — never "valid, expires in 94951d"', async () => {
    const result = await env.box.call(importArgs(), { lines: [forged(), forged()] })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/— not yet checked with Axiom; token claims to expire in 94951d/)
    expect(result.stderr).toContain('warning: the access token claims to expire in 94951d')
    expect(result.stderr).toContain('run the import again with --check')
    const status = await env.box.call(['status'])
    expect(status.stdout).toMatch(/^axiom\s+demo@axiom\.test\s+valid \(unchecked\)\s/m)
    expect(JSON.parse((await env.box.call(['status', '--json'])).stdout)).toEqual([expect.objectContaining({ state: 'valid', checked: false })])
    expect(env.emu.stats.get('axiom').requests).toBe(0)
  })

  it('--check refuses the forged JWT with exit 1 and saves nothing', async () => {
    const result = await env.box.call([...importArgs(), '--check'], { lines: [forged(), forged()] })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('Axiom Trade did not accept the imported tokens; nothing was saved.')
    expect(await env.box.index()).toEqual([])
    expect(await env.box.storedTokens()).toEqual([])
    expect(env.emu.requests.list({ provider: 'axiom' }).some((e) => e.path === '/user/info' && e.status === 401)).toBe(true)
  })

  it('--check with real browser tokens: one request, "checked with Axiom", and status shows it checked', async () => {
    const { access, refresh } = await browserTokens()
    const result = await env.box.call([...importArgs(), '--check'], { lines: [access, refresh] })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Imported Axiom Trade tokens for demo@axiom\.test — checked with Axiom; token expires in 1[56]m/)
    expect(JSON.parse((await env.box.call(['status', '--json'])).stdout)).toEqual([expect.objectContaining({ state: 'valid', checked: true })])
    expect(env.box.leaks([access, refresh])).toEqual([])
  })

  it('a later login that reuses an unchecked import keeps it unchecked', async () => {
    await env.box.call(importArgs(), { lines: [forged(1), forged(1)] })
    const again = await env.box.call(['login', 'axiom'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('reused the stored session')
    expect(JSON.parse((await env.box.call(['status', '--json'])).stdout)).toEqual([expect.objectContaining({ checked: false })])
  })
})
