import { describe, expect, it } from 'vitest'
import { createApalaAuth } from '@authmux/api-key-refresh'
import { createAionMarketAuth } from '@authmux/bearer'
import { createProjectXAuth, createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { createFileTokenStore } from '@authmux/store-file'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()

const fileStore = () => createFileTokenStore({ dir: env.box.dir, env: {} })
const demoSecrets = () => {
  const c = env.emu.credentials
  return [c.aionmarket.apiKey, c.tradeready.apiKey, c.tradeready.apiSecret, c.projectx.apiKey, c.apala.apiKey]
}

describe('authmux login with keys (non-interactive)', () => {
  it('tradeready: key and secret as two stdin lines; a bot with the same store sees zero logins', async () => {
    const { apiKey, apiSecret } = env.emu.credentials.tradeready
    const result = await env.box.run(['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--base-url', env.emu.urls.tradeready], {
      lines: [apiKey, apiSecret],
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Logged in to TradeReady as key [0-9a-f]{12} — token expires in (59m|1h)/)
    expect(env.emu.stats.get('tradeready').logins).toBe(1)

    const bot = createTradeReadyAuth({ apiKey, apiSecret, baseURL: env.emu.urls.tradeready, store: fileStore() })
    const headers = await bot.getHeaders({ url: '/agents' })
    expect(headers.authorization).toMatch(/^Bearer /)
    bot.dispose()
    expect(env.emu.stats.get('tradeready').logins).toBe(1)

    // The second login needs only the key (it names the session) and reuses the stored JWT.
    const again = await env.box.run(['login', 'tradeready'], { env: { TRADEREADY_API_KEY: apiKey } })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('reused the stored session')
    expect(env.emu.stats.get('tradeready').logins).toBe(1)

    const tokens = await env.box.storedTokens()
    expect(env.box.leaks([...demoSecrets(), ...tokens.map((t) => t.accessToken)])).toEqual([])
  })

  it('projectx: username flag + key on stdin; logout calls /Auth/logout and deletes the session', async () => {
    const { userName, apiKey } = env.emu.credentials.projectx
    const result = await env.box.run(['login', 'projectx', '--username', userName, '--api-key-stdin', '--base-url', env.emu.urls.projectx], { lines: [apiKey] })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^Logged in to ProjectX as ${userName} — token expires in 2[34]h`))

    const bot = createProjectXAuth({ username: userName, apiKey, baseURL: env.emu.urls.projectx, store: fileStore() })
    await bot.ensureValid()
    const token = bot.accessToken
    bot.dispose()
    expect(env.emu.stats.get('projectx').logins).toBe(1)

    const status = await env.box.run(['status', 'projectx'])
    expect(status.stdout).toMatch(new RegExp(`projectx\\s+${userName}\\s+valid\\s+2[34]h`))

    const logout = await env.box.run(['logout', 'projectx'])
    expect(logout.code).toBe(0)
    expect(logout.stdout).toContain(`Logged out of ProjectX (${userName})`)
    const calls = env.emu.requests.list({ provider: 'projectx' }).filter((e) => e.path.endsWith('/Auth/logout'))
    expect(calls.map((e) => [e.method, e.status, e.credential])).toEqual([['POST', 200, expect.anything()]])
    expect(await env.box.index()).toEqual([])
    expect(await fileStore().get(`projectx:${userName}`)).toBeUndefined()
    const after = await env.box.run(['status'])
    expect(after.stdout).toMatch(/^No stored sessions/)
    expect(env.box.leaks([...demoSecrets(), token])).toEqual([])
  })

  it('apala: key from APALA_API_KEY; env prints names only unless --reveal', async () => {
    const { apiKey } = env.emu.credentials.apala
    const result = await env.box.run(['login', 'apala', '--base-url', env.emu.urls.apala], { env: { APALA_API_KEY: apiKey } })
    expect(result.code).toBe(0)
    expect(env.emu.stats.get('apala').logins).toBe(1)

    const bot = createApalaAuth({ apiKey, baseURL: env.emu.urls.apala, store: fileStore() })
    await bot.ensureValid()
    bot.dispose()
    expect(env.emu.stats.get('apala').logins).toBe(1)

    const [tokens] = await env.box.storedTokens()
    const hidden = await env.box.run(['env', 'apala'])
    expect(hidden.code).toBe(0)
    // Only what the Apala preset reads: its tokens stay in the store, found under the store key (session-only mode).
    expect(hidden.stdout.trim().split('\n')).toEqual(['AUTHMUX_STORE_DIR', 'APALA_BASE_URL'])
    expect(hidden.stderr).toContain('--reveal')
    expect(hidden.stderr).toMatch(/\{ storeKey: 'apala:[^']+' \}/)
    expect(hidden.stdout).not.toContain('export')

    const revealed = await env.box.run(['env', 'apala', '--reveal'])
    expect(revealed.code).toBe(0)
    expect(revealed.stdout).not.toContain(tokens!.accessToken)
    expect(revealed.stdout).toContain(`export APALA_BASE_URL='${env.emu.urls.apala}'`)
    expect(revealed.stdout).not.toContain(apiKey) // the key was not saved (no --save-key)
    expect(env.box.leaks([...demoSecrets(), tokens!.accessToken, tokens!.refreshToken])).toEqual([])
  })

  it('apala: with --save-key the key is kept (encrypted) and a later login or env --reveal uses it', async () => {
    const { apiKey } = env.emu.credentials.apala
    expect((await env.box.run(['login', 'apala', '--api-key-stdin', '--save-key', '--base-url', env.emu.urls.apala], { lines: [apiKey] })).code).toBe(0)
    const again = await env.box.run(['login', 'apala'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('reused the stored session')
    const revealed = await env.box.run(['env', 'apala', '--reveal'])
    expect(revealed.stdout).toContain(`export APALA_API_KEY='${apiKey}'`)
    expect(env.box.leaks(demoSecrets())).toEqual([])
  })

  it('aionmarket: the key is checked and stored only with --save-key', async () => {
    const { apiKey } = env.emu.credentials.aionmarket
    const checked = await env.box.run(['login', 'aionmarket', '--api-key-stdin', '--base-url', env.emu.urls.aionmarket], { lines: [apiKey] })
    expect(checked.code).toBe(0)
    expect(checked.stdout).toMatch(/API key \(key [0-9a-f]{12}\) is valid — agent "demo-agent"\. Not saved/)
    expect(await env.box.index()).toEqual([])
    expect(await env.box.storedTokens()).toEqual([])

    const saved = await env.box.run(['login', 'aionmarket', '--api-key-stdin', '--save-key', '--base-url', env.emu.urls.aionmarket], { lines: [apiKey] })
    expect(saved.code).toBe(0)
    expect(saved.stdout).toContain('Saved (encrypted)')
    const status = await env.box.run(['status'])
    expect(status.stdout).toMatch(/aionmarket\s+key [0-9a-f]{12}\s+valid\s+no expiry\s+aionmarket:\S+\s+yes/)

    // A bot configured with the key finds its session under the preset's own store key.
    const bot = createAionMarketAuth({ apiKey, baseURL: env.emu.urls.aionmarket, store: fileStore() })
    expect(await fileStore().has(await bot.storeKey())).toBe(true)
    expect((await bot.me()).agentId).toBe(env.emu.credentials.aionmarket.agentId)
    bot.dispose()

    const wrong = await env.box.run(['login', 'aionmarket', '--api-key-stdin', '--base-url', env.emu.urls.aionmarket], { lines: ['x'.repeat(64)] })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/^@authmux\/bearer: /)
    expect(env.box.leaks([...demoSecrets(), 'x'.repeat(64)])).toEqual([])
  })

  it('a missing key without a terminal names the flag and the variable (exit 2); flags of other providers are refused', async () => {
    const missing = await env.box.run(['login', 'tradeready', '--base-url', env.emu.urls.tradeready])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(
      'TradeReady API key is missing and there is no terminal to ask on: pass --api-key-stdin (one line on stdin), or set TRADEREADY_API_KEY.',
    )
    const secretMissing = await env.box.run(['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--base-url', env.emu.urls.tradeready], {
      lines: [env.emu.credentials.tradeready.apiKey],
    })
    expect(secretMissing.code).toBe(2)
    expect(secretMissing.stderr).toContain('stdin ended before TradeReady API secret was read (--api-secret-stdin reads one line)')
    const noUrl = await env.box.run(['login', 'apala'], { env: { APALA_API_KEY: env.emu.credentials.apala.apiKey } })
    expect(noUrl.code).toBe(2)
    expect(noUrl.stderr).toContain('--base-url <url> or set APALA_BASE_URL')
    const foreign = await env.box.run(['login', 'projectx', '--email', 'a@b.c'])
    expect(foreign.code).toBe(2)
    expect(foreign.stderr).toContain('--email does not apply to projectx')
    expect(env.emu.stats.get('tradeready').logins + env.emu.stats.get('apala').logins).toBe(0)
    expect(env.box.leaks(demoSecrets())).toEqual([])
  })
})
