import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryTokenStore } from '@authmux/core'
import { createAxiomAuth } from '@authmux/password-login'
import { startEmulators, type Emulators } from '@authmux/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LiveReport } from './live'
import { PROVIDER_NAMES } from './providers'
import { STREAM_NAMES } from './streams'
import { leakedSecrets, runPlayground } from './testing/run-playground'

/**
 * `--live` reads credentials and base URLs from the environment. Here every base URL points at emulators on
 * loopback (never a real host), which exercises the live wiring: env → presets → composed fetch → file store.
 */
describe('playground --live wiring (base URLs pointed at local emulators)', () => {
  let emu: Emulators
  let dir: string
  let env: Record<string, string | undefined>
  const secrets: string[] = []

  beforeAll(async () => {
    emu = await startEmulators()
    dir = mkdtempSync(join(tmpdir(), 'pg-live-'))
    const { credentials: c, urls } = emu
    // Axiom has no terminal here for the emailed code: log in once in the test and hand over the tokens, as a user
    // would copy them from a browser session.
    const store = new MemoryTokenStore()
    const axiom = createAxiomAuth({
      baseURL: urls.axiom,
      email: c.axiom.email,
      password: c.axiom.password,
      env: false,
      store,
      otp: async () => emu.inbox.latestCode(c.axiom.email)!,
    })
    await axiom.login()
    const tokens = (await store.get(await axiom.storeKey()))!
    axiom.dispose()
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AXIOM|AIONMARKET|PROJECT_?X|TRADEREADY|APALA|AUTHMUX|CF)_/.test(k)))
    env = {
      ...clean,
      AXIOM_BASE_URL: urls.axiom,
      AXIOM_ACCESS_TOKEN: tokens.accessToken,
      AXIOM_REFRESH_TOKEN: tokens.refreshToken,
      AIONMARKET_BASE_URL: urls.aionmarket,
      AIONMARKET_API_KEY: c.aionmarket.apiKey,
      PROJECTX_API_URL: urls.projectx,
      PROJECT_X_USERNAME: c.projectx.userName,
      PROJECT_X_API_KEY: c.projectx.apiKey,
      PROJECT_X_CONTRACT_ID: 'CON.F.US.ENQ.Z25',
      TRADEREADY_API_URL: urls.tradeready,
      TRADEREADY_API_KEY: c.tradeready.apiKey,
      TRADEREADY_API_SECRET: c.tradeready.apiSecret,
      APALA_BASE_URL: urls.apala,
      APALA_API_KEY: c.apala.apiKey,
    }
    secrets.push(tokens.accessToken, tokens.refreshToken!, c.aionmarket.apiKey, c.projectx.apiKey, c.tradeready.apiKey, c.tradeready.apiSecret, c.apala.apiKey)
  })

  afterAll(async () => {
    await emu?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('uses every provider whose variables are set, then reuses the stored tokens in a second process', async () => {
    const args = ['--live', '--json', '--requests', '2', '--store-dir', join(dir, 'store'), '--dotenv', join(dir, 'none.env')]
    const first = await runPlayground(args, { env })
    expect(first.stderr).toBe('')
    const report = JSON.parse(first.stdout) as LiveReport
    expect(report.failed).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.skipped).toEqual([])
    for (const name of PROVIDER_NAMES) {
      expect(report.providers[name]?.healthy, name).toBe(true)
      expect(report.providers[name]?.requests).toEqual({ ok: 2, failed: 0 })
    }
    // The streams of the three providers that have one, on the emulators' stream endpoints (derived from the base URLs).
    expect(report.skippedStreams).toEqual([])
    for (const name of STREAM_NAMES) {
      expect(report.streams[name]?.errors, `${name} stream errors`).toEqual([])
      expect(report.streams[name]?.messages.total, `${name} stream messages`).toBeGreaterThan(0)
    }
    expect(first.code).toBe(0)
    const loginsAfterFirst = Object.fromEntries(PROVIDER_NAMES.map((p) => [p, emu.stats.get(p).logins]))

    const second = await runPlayground(args, { env })
    const again = JSON.parse(second.stdout) as LiveReport
    expect(again.ok).toBe(true)
    for (const name of PROVIDER_NAMES) {
      expect(again.providers[name]?.logins, `${name} logins on the second process`).toBe(0)
      expect(again.providers[name]?.storeLoads, `${name} store loads`).toBe(1)
      expect(emu.stats.get(name).logins, `${name} emulator logins`).toBe(loginsAfterFirst[name])
    }

    for (const run of [first, second]) {
      expect(leakedSecrets(run.stdout + run.stderr, [...secrets, ...run.secrets])).toEqual([])
    }
  })

  it('skips providers without credentials and names the missing variables', async () => {
    const partial = { ...env, TRADEREADY_API_SECRET: undefined, APALA_BASE_URL: undefined, PROJECT_X_CONTRACT_ID: undefined }
    const run = await runPlayground(['--live', '--requests', '1', '--store-dir', join(dir, 'store2'), '--dotenv', join(dir, 'none.env')], { env: partial })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/skipping tradeready: missing TRADEREADY_API_SECRET — /)
    expect(run.stdout).toMatch(/skipping apala: missing APALA_BASE_URL — /)
    for (const name of ['axiom', 'aionmarket', 'projectx'] as const) expect(run.stdout).toMatch(new RegExp(`^\\s+${name}\\s+valid`, 'm'))
    // Streams only where the credentials are: none for TradeReady, no market hub without a contract.
    expect(run.stdout).toMatch(/skipping the projectx-market stream: no contract to stream quotes of \(set PROJECT_X_CONTRACT_ID/)
    expect(run.stdout).toMatch(/^\s+projectx user\s+open\s/m)
    expect(run.stdout).toMatch(/^\s+axiom new_pairs\s+open\s/m)
    expect(run.stdout).not.toMatch(/^\s+tradeready ticker\s/m)
    expect(leakedSecrets(run.stdout + run.stderr, secrets)).toEqual([])
  })
})
