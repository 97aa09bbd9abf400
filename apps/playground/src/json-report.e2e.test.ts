import { describe, expect, it } from 'vitest'
import { FAULT_PLAN } from './faults'
import { PROVIDER_NAMES } from './providers'
import type { ScenarioReport } from './report/json'
import { leakedSecrets, runPlayground } from './testing/run-playground'

describe('playground --json (end to end, child process, emulators in-process)', () => {
  it('reports five healthy providers, every scripted fault recovered and zero logins on the second start', async () => {
    const run = await runPlayground(['--json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as ScenarioReport
    expect(report.failed).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.mode).toBe('emulators')
    expect(report.durationMs).toBeLessThan(60_000)

    expect(Object.keys(report.providers).sort()).toEqual([...PROVIDER_NAMES].sort())
    for (const name of PROVIDER_NAMES) {
      const p = report.providers[name]
      expect(p.healthy, `${name} healthy`).toBe(true)
      expect(p.logins, `${name} logged in`).toBeGreaterThanOrEqual(1)
      expect(p.requests.failed, `${name} failed requests`).toBe(0)
      expect(p.requests.ok, `${name} ok requests`).toBeGreaterThanOrEqual(10)
      expect(p.faults.injected, `${name} faults injected`).toBe(FAULT_PLAN[name].length)
      expect(p.faults.recovered, `${name} faults recovered`).toBe(p.faults.injected)
      for (const f of p.faults.details) expect(f.recovered, `${name} ${f.fault} on ${f.target}: ${f.detail}`).toBe(true)
    }
    // Tokens that expire were renewed ahead of expiry (TradeReady renews by logging in again).
    for (const name of ['axiom', 'projectx', 'apala'] as const) {
      expect(report.providers[name].refreshes, `${name} refreshes`).toBeGreaterThanOrEqual(2)
    }
    expect(report.providers.tradeready.renewals).toBeGreaterThanOrEqual(2)
    // The emulators saw real logins: Axiom's two-step login with the inbox code, the key exchanges.
    for (const name of ['axiom', 'projectx', 'tradeready', 'apala'] as const) {
      expect(report.providers[name].emulator.logins, `${name} emulator logins`).toBeGreaterThanOrEqual(1)
    }
    // The injected 401s reached the emulators and were renewed, not retried blindly.
    expect(report.providers.axiom.emulator.unauthorized).toBeGreaterThanOrEqual(1)
    expect(report.providers.apala.emulator.rateLimited).toBeGreaterThanOrEqual(1)

    expect(report.secondStart.logins).toBe(0)
    for (const name of PROVIDER_NAMES) {
      const again = report.secondStart.byProvider[name]
      expect(again.logins, `${name} second-start logins`).toBe(0)
      expect(again.storeLoads, `${name} token reused from the store`).toBe(1)
      expect(again.requests.ok).toBeGreaterThan(0)
      expect(again.requests.failed).toBe(0)
    }

    // No secret in the report.
    expect(run.secrets.length).toBeGreaterThan(10)
    expect(leakedSecrets(run.stdout + run.stderr, run.secrets)).toEqual([])
  })
})
