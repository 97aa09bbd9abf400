import { randomBytes } from 'node:crypto'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createApalaAuth } from '@authmux/api-key-refresh'
import { createAionMarketAuth } from '@authmux/bearer'
import type { Session } from '@authmux/core'
import { createProjectXAuth, createTradeReadyAuth } from '@authmux/key-secret-jwt'
import { createAxiomAuth } from '@authmux/password-login'
import { createFileTokenStore } from '@authmux/store-file'
import { describe, expect, it } from 'vitest'
import { useCliE2E } from './test-support/cli'

const env = useCliE2E()

/** The `export NAME='value'` lines of `authmux env --reveal`, as an object. */
function parseExports(stdout: string): Record<string, string> {
  const lines = stdout.trim().split('\n')
  for (const line of lines) expect(line).toMatch(/^export [A-Z_]+='[^']*'$/)
  return Object.fromEntries(lines.map((line) => /^export ([A-Z_]+)='([^']*)'$/.exec(line)!.slice(1, 3) as [string, string]))
}

/** An environment that records which variables were read. */
function recording(vars: Record<string, string>) {
  const read = new Set<string>()
  const proxy = new Proxy(vars, {
    get(target, name) {
      if (typeof name === 'string') read.add(name)
      return target[name as string]
    },
  })
  return { proxy, read }
}

/** `authmux login axiom` with the password on stdin and the emailed code written to stdin once it has arrived. */
async function loginAxiom(): Promise<void> {
  const { email, password } = env.emu.credentials.axiom
  const result = await env.box.call(['login', 'axiom', '--email', email, '--password-stdin', '--otp-stdin', '--base-url', env.emu.urls.axiom], {
    lines: [password],
    feed: async (stdin) => {
      stdin.write(`${await env.emu.inbox.waitForCode(email)}\n`)
    },
  })
  expect(result.code).toBe(0)
}

describe('authmux env prints only what the presets read', () => {
  const cases: { provider: string; login: () => Promise<void>; build: (e: Record<string, string>) => Session; call: (s: Session) => Promise<unknown> }[] = [
    {
      provider: 'tradeready',
      login: async () => {
        const { apiKey, apiSecret } = env.emu.credentials.tradeready
        const args = ['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--save-key', '--base-url', env.emu.urls.tradeready]
        expect((await env.box.call(args, { lines: [apiKey, apiSecret] })).code).toBe(0)
      },
      build: (e) => createTradeReadyAuth({ env: e, store: createFileTokenStore({ env: e }) }),
      call: (s) => s.fetch('/agents'),
    },
    {
      provider: 'projectx',
      login: async () => {
        const { userName, apiKey } = env.emu.credentials.projectx
        const args = ['login', 'projectx', '--username', userName, '--api-key-stdin', '--save-key', '--base-url', env.emu.urls.projectx]
        expect((await env.box.call(args, { lines: [apiKey] })).code).toBe(0)
      },
      build: (e) => createProjectXAuth({ env: e, store: createFileTokenStore({ env: e }) }),
      call: (s) => s.ensureValid(),
    },
    {
      provider: 'apala',
      login: async () => {
        const args = ['login', 'apala', '--api-key-stdin', '--save-key', '--base-url', env.emu.urls.apala]
        expect((await env.box.call(args, { lines: [env.emu.credentials.apala.apiKey] })).code).toBe(0)
      },
      build: (e) => createApalaAuth({ env: e, store: createFileTokenStore({ env: e }) }),
      call: (s) => s.ensureValid(),
    },
    {
      provider: 'aionmarket',
      login: async () => {
        const args = ['login', 'aionmarket', '--api-key-stdin', '--save-key', '--base-url', env.emu.urls.aionmarket]
        expect((await env.box.call(args, { lines: [env.emu.credentials.aionmarket.apiKey] })).code).toBe(0)
      },
      build: (e) => createAionMarketAuth({ env: e, store: createFileTokenStore({ env: e }) }),
      call: (s) => s.fetch('/agents/me'),
    },
    {
      provider: 'axiom',
      login: loginAxiom,
      build: (e) => createAxiomAuth({ env: e, baseURL: env.emu.urls.axiom, store: createFileTokenStore({ env: e }) }),
      call: (s) => s.fetch('/user/info'),
    },
  ]
  for (const c of cases) {
    it(`${c.provider}: a bot built from the printed variables alone works without logging in, and reads every one of them`, async () => {
      await c.login()
      const logins = env.emu.stats.get(c.provider as 'axiom').logins
      const result = await env.box.call(['env', c.provider, '--reveal'])
      expect(result.code).toBe(0)
      const vars = parseExports(result.stdout)
      const { proxy, read } = recording({ ...vars, AUTHMUX_TEST_CONTROL: 'unused' })
      const bot = c.build(proxy)
      try {
        await c.call(bot)
      } finally {
        bot.dispose()
      }
      expect(env.emu.stats.get(c.provider as 'axiom').logins).toBe(logins)
      const unread = Object.keys(vars).filter((name) => !read.has(name))
      expect(unread, 'printed but read by no preset').toEqual([])
      // The control: a variable nobody reads is seen as unread (no preset copies the whole environment).
      expect(read.has('AUTHMUX_TEST_CONTROL')).toBe(false)
    })
  }

  it('names only without --reveal; the store key is pointed out when no key was saved', async () => {
    const { apiKey, apiSecret } = env.emu.credentials.tradeready
    await env.box.call(['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--base-url', env.emu.urls.tradeready], { lines: [apiKey, apiSecret] })
    const result = await env.box.call(['env', 'tradeready'])
    expect(result.code).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(['AUTHMUX_STORE_DIR', 'TRADEREADY_API_URL'])
    const [entry] = await env.box.index()
    expect(result.stderr).toContain(`{ storeKey: '${entry!.storeKey}' }`)
    expect(result.stderr).toContain('--reveal')
  })
})

describe('authmux env fails instead of leaving values out', () => {
  it('a wrong store key (AUTHMUX_STORE_KEY) is exit 4 with nothing on stdout', async () => {
    await loginAxiom()
    const result = await env.box.call(['env', 'axiom', '--reveal'], { env: { AUTHMUX_STORE_KEY: randomBytes(32).toString('base64') } })
    expect(result.code).toBe(4)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('is unreadable: the store key (AUTHMUX_STORE_KEY or the key file) is not the one that wrote it')
    expect(result.stderr.match(/warning: /g)).toHaveLength(1)
    const status = await env.box.call(['status', '--json'], { env: { AUTHMUX_STORE_KEY: randomBytes(32).toString('base64') } })
    expect(JSON.parse(status.stdout)).toEqual([expect.objectContaining({ provider: 'axiom', state: 'unreadable' })])
  })

  it('a garbage token file: one warning (not four), state corrupt (not missing), env exit 4, a new login replaces it', async () => {
    const { apiKey, apiSecret } = env.emu.credentials.tradeready
    const login = ['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--save-key', '--base-url', env.emu.urls.tradeready]
    expect((await env.box.call(login, { lines: [apiKey, apiSecret] })).code).toBe(0)
    for (const name of await readdir(env.box.dir)) if (name.endsWith('.token')) await writeFile(join(env.box.dir, name), 'garbage\n')

    const status = await env.box.call(['status'])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/^tradeready\s+key [0-9a-f]{12}\s+corrupt\s/m)
    expect(status.stderr.match(/warning: .*is corrupt/g)).toHaveLength(1)

    const printed = await env.box.call(['env', 'tradeready', '--reveal'])
    expect(printed.code).toBe(4)
    expect(printed.stdout).toBe('')
    expect(printed.stderr).toContain('is corrupt (damaged or tampered with) — run authmux login tradeready again')

    const again = await env.box.call(login, { lines: [apiKey, apiSecret] })
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^Logged in to TradeReady/)
    // Each damaged file is reported once, however often the login reads it.
    const warnings = again.stderr.match(/^warning: .*$/gm) ?? []
    expect(new Set(warnings).size).toBe(warnings.length)
    expect((await env.box.call(['status'])).stdout).toMatch(/^tradeready\s+key [0-9a-f]{12}\s+valid\s/m)
  })

  it('a session whose token file is gone (deleted by hand) is exit 4, "missing"', async () => {
    const { apiKey, apiSecret } = env.emu.credentials.tradeready
    await env.box.call(['login', 'tradeready', '--api-key-stdin', '--api-secret-stdin', '--base-url', env.emu.urls.tradeready], { lines: [apiKey, apiSecret] })
    const [entry] = await env.box.index()
    await createFileTokenStore({ dir: env.box.dir, env: {} }).delete(entry!.storeKey)
    const result = await env.box.call(['env', 'tradeready'])
    expect(result.code).toBe(4)
    expect(result.stderr).toContain('is missing from the store')
  })
})
