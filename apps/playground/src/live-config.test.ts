import { describe, expect, it } from 'vitest'
import { liveConfigFromEnv } from './live-config'

describe('liveConfigFromEnv', () => {
  it('skips every provider without credentials and names the missing variables', () => {
    const config = liveConfigFromEnv({})
    expect(config.configured).toEqual([])
    const missing = Object.fromEntries(config.skipped.map((s) => [s.provider, s.missing]))
    expect(missing).toEqual({
      axiom: ['AXIOM_EMAIL', 'AXIOM_PASSWORD'],
      aionmarket: ['AIONMARKET_API_KEY'],
      projectx: ['PROJECT_X_USERNAME', 'PROJECT_X_API_KEY'],
      tradeready: ['TRADEREADY_API_KEY', 'TRADEREADY_API_SECRET'],
      apala: ['APALA_API_KEY', 'APALA_BASE_URL'],
    })
    for (const s of config.skipped) expect(s.why.length).toBeGreaterThan(10)
  })

  it('uses what is there and reports only what is missing', () => {
    const otp = async () => '123456'
    const config = liveConfigFromEnv(
      {
        AXIOM_EMAIL: 'me@example.com',
        AXIOM_PASSWORD: 'pw',
        AIONMARKET_API_KEY: 'k'.repeat(64),
        PROJECT_X_USERNAME: 'trader',
        TRADEREADY_API_KEY: 'ak_live_x',
        TRADEREADY_API_SECRET: '  ',
        APALA_API_KEY: 'key',
        APALA_BASE_URL: 'https://apala.example.com',
      },
      otp,
    )
    expect(config.configured).toEqual(['axiom', 'aionmarket', 'apala'])
    expect(config.targets.axiom?.otp).toBe(otp)
    expect(config.skipped.map((s) => [s.provider, s.missing])).toEqual([
      ['projectx', ['PROJECT_X_API_KEY']],
      ['tradeready', ['TRADEREADY_API_SECRET']],
    ])
    expect(config.notes).toEqual([])
  })

  it('accepts Axiom browser tokens instead of a password, and warns when no one can type the code', () => {
    expect(liveConfigFromEnv({ AXIOM_ACCESS_TOKEN: 'a', AXIOM_REFRESH_TOKEN: 'r' }).configured).toEqual(['axiom'])
    const noTerminal = liveConfigFromEnv({ AXIOM_EMAIL: 'me@example.com', AXIOM_PASSWORD: 'pw' })
    expect(noTerminal.configured).toEqual(['axiom'])
    expect(noTerminal.notes.join()).toMatch(/no terminal/)
  })
})
