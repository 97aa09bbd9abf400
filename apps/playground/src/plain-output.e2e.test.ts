import { describe, expect, it } from 'vitest'
import { PROVIDER_NAMES } from './providers'
import { leakedSecrets, runPlayground } from './testing/run-playground'

describe('playground plain output (not a TTY)', () => {
  it('prints a row per provider and a summary, without ANSI codes and without any secret', async () => {
    const run = await runPlayground([])
    expect(run.code).toBe(0)
    const out = run.stdout
    expect(out).not.toMatch(/\x1b\[/)
    for (const name of PROVIDER_NAMES) {
      // A table row: name, then a state, an expiry and the counters.
      expect(out, `table row for ${name}`).toMatch(new RegExp(`^\\s+${name}\\s+(valid|expiring)`, 'm'))
      expect(out, `summary line for ${name}`).toMatch(new RegExp(`✓ ${name}\\s`))
    }
    expect(out).toMatch(/second start: 0 logins, 5 tokens reused from the file store/)
    expect(out).toMatch(/^OK — \d+ expectations met/m)

    // Canary: the emulators' demo credentials, the one-time codes and every token the bot held.
    expect(run.secrets.length).toBeGreaterThan(10)
    expect(leakedSecrets(out + run.stderr, run.secrets)).toEqual([])
  })
})
