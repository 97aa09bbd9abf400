import { describe, expect, test } from 'vitest'
import { formatEnv, formatTable } from './cli-output.js'
import { DEV_SEED, parseCliArgs } from './cli-args.js'
import { startEmulators } from './emulators.js'
import { createIds } from './ids.js'

describe('seeded credentials', () => {
  test('one seed gives the same values in the same order; another seed or scope gives others; no seed is random', () => {
    const take = (ids: ReturnType<typeof createIds>) => [ids.uuid(), ids.alphanumeric(64), ids.urlSafeToken(48), ids.base64Token(32), ids.sixDigitCode()]
    const a = take(createIds('s1', 'tradeready'))
    expect(take(createIds('s1', 'tradeready'))).toEqual(a)
    expect(take(createIds('s2', 'tradeready'))[1]).not.toBe(a[1])
    expect(take(createIds('s1', 'apala'))[1]).not.toBe(a[1])
    expect(take(createIds())[1]).not.toBe(take(createIds())[1])
    expect(a[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a[1]).toMatch(/^[A-Za-z0-9]{64}$/)
    expect(a[4]).toMatch(/^\d{6}$/)
  })

  test('startEmulators({ seed }) hands out the same credentials on every start; without a seed they differ', async () => {
    const credentials = async (seed?: string) => {
      const emu = await startEmulators(seed === undefined ? {} : { seed })
      await emu.close()
      return emu.credentials
    }
    const [one, two] = [await credentials('dev'), await credentials('dev')]
    // What a person types: every key and secret, and Axiom's demo email, password (fixed anyway) and user id.
    const typed = (c: typeof one) => [c.axiom.email, c.axiom.password, c.axiom.userId, c.aionmarket, c.projectx, c.tradeready, c.apala]
    expect(typed(two)).toEqual(typed(one))
    const [r1, r2] = [await credentials(), await credentials()]
    for (const provider of ['aionmarket', 'projectx', 'tradeready', 'apala'] as const) {
      expect(r1[provider].apiKey, provider).not.toBe(r2[provider].apiKey)
      expect(one[provider].apiKey, provider).not.toBe(r1[provider].apiKey)
    }
  })
})

describe('authmux-emulators arguments and output', () => {
  test('defaults: port base 4100, the development seed, a table', () => {
    expect(parseCliArgs([])).toEqual({ portBase: 4100, seed: DEV_SEED, output: 'table', help: false })
    expect(parseCliArgs(['--random', '--env', '--host', '0.0.0.0', '--axiom-otp-code=123456'])).toMatchObject({
      seed: undefined,
      output: 'env',
      host: '0.0.0.0',
      otpCode: '123456',
    })
    expect(parseCliArgs(['-h']).help).toBe(true)
    expect(() => parseCliArgs(['--env', '--json'])).toThrow(/--env and --json: pick one/)
    expect(() => parseCliArgs(['--seed'])).toThrow(/--seed needs a value/)
    expect(() => parseCliArgs(['--host'])).toThrow(/--host needs a value/)
    expect(() => parseCliArgs(['--axiom-otp-code', '12'])).toThrow(/must be 6 digits/)
    expect(() => parseCliArgs(['--port-base', '70000'])).toThrow(/between 0 and 65530/)
  })

  test('the table and the export lines carry every URL and credential; export values are shell-quoted', async () => {
    const emu = await startEmulators({ seed: 'x' })
    await emu.close()
    const running = { urls: emu.urls, streamUrls: emu.streamUrls, credentials: { ...emu.credentials, axiom: { ...emu.credentials.axiom, password: "it's" } } }
    const table = formatTable(running, { seed: 'x', devSeed: DEV_SEED })
    for (const url of Object.values(emu.urls)) expect(table).toContain(url)
    expect(table).toContain(emu.credentials.apala.apiKey)
    expect(table).toContain('derived from --seed "x"')
    expect(formatTable(running, { seed: undefined, devSeed: DEV_SEED })).toContain('random, new on every start')
    const env = formatEnv(running, { seed: 'x', devSeed: DEV_SEED, otpCode: '123456' })
    expect(env).toContain(`export AXIOM_PASSWORD='it'\\''s'`)
    expect(env).toContain(`export PROJECTX_API_URL='${emu.urls.projectx}'`)
    expect(env).toContain(`export AXIOM_OTP_CODE='123456'`)
  })
})
