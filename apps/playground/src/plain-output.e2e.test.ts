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
    // The stream table at the end of bot 1: every stream open, reconnected twice (the drop, the refusal), its
    // subscriptions restored each time, and messages after the faults; then its summary line.
    expect(out).toMatch(/^\s+stream\s+state\s+reconnects\s+restored\s+messages\s+after faults\s+last event$/m)
    for (const [label, restored] of [
      ['projectx market', 2],
      ['projectx user', 4],
      ['tradeready ticker', 2],
      ['axiom new_pairs', 2],
    ] as const) {
      const row = new RegExp(`^\\s+${label}\\s+open\\s+2\\s+${restored}\\s+(\\d+)\\s+(\\d+)\\s`, 'm').exec(out)
      expect(row, `stream row for ${label}`).not.toBeNull()
      expect(Number(row![2]), `${label} messages after the faults`).toBeGreaterThan(0)
      expect(Number(row![1]), `${label} messages`).toBeGreaterThan(Number(row![2]))
      expect(out, `summary line for ${label}`).toMatch(new RegExp(`✓ ${label}\\s+2 reconnects\\s+${restored} restored.*faults 3/3 recovered`))
    }
    for (const fault of ['sockets dropped', 'token rotated while connected', 'upgrades refused \\(503\\)']) {
      expect(out.match(new RegExp(`: ${fault} recovered: `, 'g')), `${fault} recovered on every stream`).toHaveLength(4)
    }
    expect(out).not.toMatch(/NOT recovered/)
    expect(out).toMatch(/second start: 0 logins, 5 tokens reused from the file store/)
    expect(out).toMatch(/^OK — \d+ expectations met/m)

    // Canary: the emulators' demo credentials, the one-time codes and every token the bot held.
    expect(run.secrets.length).toBeGreaterThan(10)
    expect(leakedSecrets(out + run.stderr, run.secrets)).toEqual([])
  })
})
