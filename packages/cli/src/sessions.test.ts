import { describe, expect, it } from 'vitest'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()

/** Logs in to TradeReady with key and secret on stdin, in process. */
async function loginTradeReady(extra: string[] = []) {
  const { apiKey, apiSecret } = env.emu.credentials.tradeready
  const result = await env.box.call(['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--base-url', env.emu.urls.tradeready, ...extra], {
    lines: [apiKey, apiSecret],
  })
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return result
}

describe('finding a stored session', () => {
  it('a second `login tradeready` without the key reuses the one stored session (exit 0, no login call)', async () => {
    await loginTradeReady()
    const again = await env.box.call(['login', 'tradeready'])
    expect(again.stderr).toBe('')
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^Already logged in to TradeReady as key [0-9a-f]{12} — token expires in (59m|1h)/)
    expect(again.stdout).toMatch(/reused the stored session \(store key tradeready:key:[0-9a-f]+;/)
    expect(env.emu.stats.get('tradeready').logins).toBe(1)
    expect((await env.box.index()).map((e) => e.label)).toEqual([expect.stringMatching(/^key [0-9a-f]{12}$/)])
    expect(env.box.leaks([env.emu.credentials.tradeready.apiKey, env.emu.credentials.tradeready.apiSecret])).toEqual([])
  })

  it('an expired stored JWT without the key falls back to a fresh login, which then needs the key (exit 2 naming the flag)', async () => {
    await loginTradeReady()
    env.emu.clock.advance(3_700_000)
    const later = Date.now() + 3_700_000
    const again = await env.box.call(['login', 'tradeready'], { now: () => later })
    expect(again.code).toBe(2)
    expect(again.stderr).toContain("The stored TradeReady session can't be renewed")
    expect(again.stderr).toContain('TradeReady API key is missing and there is no terminal to ask on: pass --api-key-stdin')
  })

  it('status shows the store key a bot passes as { storeKey } for session-only mode', async () => {
    await loginTradeReady()
    const [entry] = await env.box.index()
    const table = await env.box.call(['status'])
    expect(table.stdout.split('\n')[0]).toMatch(/^PROVIDER\s+ACCOUNT\s+STATE\s+EXPIRES IN\s+STORE KEY\s+KEY SAVED\s+BASE URL$/)
    expect(table.stdout).toContain(entry!.storeKey)
    const json = JSON.parse((await env.box.call(['status', '--json'])).stdout)
    expect(json).toEqual([expect.objectContaining({ provider: 'tradeready', storeKey: entry!.storeKey, state: 'valid', checked: true })])
  })

  it('a projectx login for another user name does not reuse the stored session of the first', async () => {
    const { userName, apiKey } = env.emu.credentials.projectx
    const first = await env.box.call(['login', 'projectx', '--username', userName, '--api-key-stdin', '--base-url', env.emu.urls.projectx], { lines: [apiKey] })
    expect(first.code).toBe(0)
    const other = await env.box.call(['login', 'projectx', '--username', 'someone-else'])
    expect(other.code).toBe(2)
    expect(other.stderr).toContain('ProjectX API key is missing')
    const same = await env.box.call(['login', 'projectx', '--username', userName.toUpperCase()])
    expect(same.code).toBe(0)
    expect(same.stdout).toContain('reused the stored session')
    expect(env.emu.stats.get('projectx').logins).toBe(1)
  })

  it('`env aionmarket` right after a login without --save-key explains that the key was only checked (exit 3)', async () => {
    const { apiKey } = env.emu.credentials.aionmarket
    expect((await env.box.call(['login', 'aionmarket', '--api-key-stdin', '--base-url', env.emu.urls.aionmarket], { lines: [apiKey] })).code).toBe(0)
    const result = await env.box.call(['env', 'aionmarket'])
    expect(result.code).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('authmux login aionmarket --save-key')
    expect(result.stderr).toContain('only checks the key: the key is the credential, so nothing is stored')
  })

  it('logging out of a session that does not exist is not an error: it says so and exits 0', async () => {
    const result = await env.box.call(['logout', 'tradeready'])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/^Not logged in to TradeReady: no stored session in .* — nothing to do\.\n$/)
  })

  it('logout --account with a label matching none of the stored sessions is exit 3 with a suggestion', async () => {
    await loginTradeReady()
    const [entry] = await env.box.index()
    const typo = `${entry!.label.slice(0, -1)}x`
    const result = await env.box.call(['logout', 'tradeready', '--account', typo])
    expect(result.code).toBe(3)
    expect(result.stderr).toContain(`no stored TradeReady session for account "${typo}" — did you mean "${entry!.label}"?`)
    const ok = await env.box.call(['logout', 'tradeready', '--account', entry!.label])
    expect(ok.code).toBe(0)
    expect(await env.box.index()).toEqual([])
  })
})
