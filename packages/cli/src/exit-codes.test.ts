import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EXIT } from './errors'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()

describe('exit codes', () => {
  it('the README table lists exactly the codes the CLI uses', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('### Shell completion'))
    const documented = [...section.matchAll(/^\| `(\d)` \| ([^|]+) \|/gm)].map((m) => Number(m[1]))
    expect(documented).toEqual(Object.values(EXIT))
    expect(documented).toEqual([0, 1, 2, 3, 4])
  })

  it('each code comes out of the situation it names', async () => {
    const { apiKey, apiSecret } = env.emu.credentials.tradeready
    const login = ['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--base-url', env.emu.urls.tradeready]
    expect((await env.box.call(['env', 'tradeready'])).code).toBe(EXIT.noSession)
    expect((await env.box.call(login, { lines: [apiKey, 'sk_live_wrong-secret-canary'] })).code).toBe(EXIT.error)
    expect((await env.box.call(['login', 'tradeready', '--api-secret', 'x'])).code).toBe(EXIT.usage)
    expect((await env.box.call(login, { lines: [apiKey, apiSecret] })).code).toBe(EXIT.ok)
    const otherKey = { AUTHMUX_STORE_KEY: randomBytes(32).toString('hex') }
    expect((await env.box.call(['env', 'tradeready'], { env: otherKey })).code).toBe(EXIT.unreadable)
    // logout with the wrong key: the stored files can't be touched — unreadable, not a generic error.
    expect((await env.box.call(['logout', 'tradeready'], { env: otherKey })).code).toBe(EXIT.unreadable)
    expect(env.box.leaks(['sk_live_wrong-secret-canary', apiKey, apiSecret])).toEqual([])
  })
})
