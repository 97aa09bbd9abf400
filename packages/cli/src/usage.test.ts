import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()

describe('what a person types wrong', () => {
  it('--version prints the package version (exit 0)', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    for (const flag of ['--version', '-v']) {
      const result = await env.box.call([flag])
      expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' })
    }
  })

  it('did you mean …? for a command, a provider and a flag (exit 2)', async () => {
    const command = await env.box.call(['stauts'])
    expect(command.code).toBe(2)
    expect(command.stderr).toContain('unknown command "stauts" — did you mean "status"?')
    const provider = await env.box.call(['login', 'axion'])
    expect(provider.code).toBe(2)
    expect(provider.stderr).toContain('unknown provider "axion" — did you mean "axiom"?')
    const flag = await env.box.call(['login', 'axiom', '--emial', 'me@example.com'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('unknown option --emial — did you mean --email?')
    expect(flag.stderr).toContain('Run `authmux login --help` for usage.')
    const far = await env.box.call(['status', '--zzzzzz'])
    expect(far.stderr).toMatch(/unknown option --zzzzzz\.\n/)
    const statusFilter = await env.box.call(['status', 'tradeready2'])
    expect(statusFilter.stderr).toContain('did you mean "tradeready"?')
  })

  it('--api-key <value> points to --api-key-stdin and the variable, and nothing is sent', async () => {
    const result = await env.box.call(['login', 'tradeready', '--api-key', 'abc-canary-key', '--base-url', env.emu.urls.tradeready])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--api-key is not accepted')
    expect(result.stderr).toContain('Use --api-key-stdin (one line on stdin), set TRADEREADY_API_KEY')
    expect(result.stderr).not.toContain('abc-canary-key')
    const password = await env.box.call(['login', 'axiom', '--password', 'hunter2-canary'])
    expect(password.stderr).toContain('Use --password-stdin (one line on stdin), set AXIOM_PASSWORD')
    expect(env.emu.stats.get('tradeready').requests + env.emu.stats.get('axiom').requests).toBe(0)
  })

  it('library wording is translated to flags: plain http to a remote host names --allow-insecure-http', async () => {
    const result = await env.box.call(['login', 'tradeready', '--base-url', 'http://203.0.113.7/api/v1'], {
      env: { TRADEREADY_API_KEY: 'ak_live_canary', TRADEREADY_API_SECRET: 'sk_live_canary' },
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('--allow-insecure-http')
    expect(result.stderr).not.toContain('allowInsecureHttp')
  })

  it('a wrong base path (404) adds a hint to check --base-url', async () => {
    const wrong = env.emu.urls.tradeready.replace(/\/v1$/, '')
    const { apiKey, apiSecret } = env.emu.credentials.tradeready
    const result = await env.box.call(['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--base-url', wrong], { lines: [apiKey, apiSecret] })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Hint: TradeReady answered HTTP 404 under ${wrong} — check the base URL (its path too): pass --base-url <url>`)
  })

  it('status --json is one JSON document: [] for an empty store, an array otherwise', async () => {
    const empty = await env.box.call(['status', '--json'])
    expect(empty).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(empty.stdout)).toEqual([])
    const { userName, apiKey } = env.emu.credentials.projectx
    await env.box.call(['login', 'projectx', '--username', userName, '--api-key-stdin', '--base-url', env.emu.urls.projectx], { lines: [apiKey] })
    await env.box.call(['login', 'apala', '--base-url', env.emu.urls.apala], { env: { APALA_API_KEY: env.emu.credentials.apala.apiKey } })
    const two = JSON.parse((await env.box.call(['status', '--json'])).stdout) as { provider: string }[]
    expect(two.map((row) => row.provider)).toEqual(['apala', 'projectx'])
    const one = JSON.parse((await env.box.call(['status', 'apala', '--json'])).stdout) as unknown[]
    expect(one).toHaveLength(1)
    const none = await env.box.call(['status', 'axiom'])
    expect(none.stdout).toMatch(/^No stored axiom sessions in .*authmux login axiom\n$/)
  })

  it('help: `authmux help <command>` and `<command> --help` print the command help; no command prints the main help on stderr', async () => {
    const topic = await env.box.call(['help', 'env'])
    expect(topic).toMatchObject({ code: 0 })
    expect(topic.stdout).toContain('Usage: authmux env <provider>')
    const main = await env.box.call(['--help'])
    expect(main.stdout).toContain('Exit codes: 0 ok')
    expect(main.stdout).toMatch(/^ {2}completion\s+Print a shell completion script/m)
    const none = await env.box.call([])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('Usage: authmux <command>')
    const extra = await env.box.call(['env', 'axiom', 'extra'])
    expect(extra).toMatchObject({ code: 2 })
    expect(extra.stderr).toContain('unexpected argument "extra"')
    const which = await env.box.call(['logout'])
    expect(which.stderr).toContain('which provider? Name one of: axiom, aionmarket, tradeready, projectx, apala.')
  })
})
