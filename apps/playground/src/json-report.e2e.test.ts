import { describe, expect, it } from 'vitest'
import { FAULT_PLAN } from './faults'
import { PROVIDER_NAMES } from './providers'
import type { ScenarioReport } from './report/json'
import { STREAM_FAULTS } from './stream-faults'
import { STREAM_NAMES } from './streams'
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

    // Realtime streams: every one reconnected after the drop and after the refusal, restored its subscriptions on every
    // reconnect (as the emulator's stream log saw them), never upgraded with a stale credential, and kept streaming.
    expect(Object.keys(report.streams).sort()).toEqual([...STREAM_NAMES].sort())
    for (const name of STREAM_NAMES) {
      const s = report.streams[name]
      const subscriptions = s.subscriptions.length
      expect(subscriptions, `${name} subscriptions`).toBeGreaterThanOrEqual(1)
      expect(s.faults.injected, `${name} stream faults`).toBe(STREAM_FAULTS.length)
      for (const f of s.faults.details) expect(f.recovered, `${name} ${f.fault}: ${f.detail}`).toBe(true)
      expect(s.faults.details.map((f) => f.fault)).toEqual(['sockets dropped', 'token rotated while connected', 'upgrades refused (503)'])
      // The drop and the refusal: two reconnects, each restoring every subscription (the rotation keeps the socket).
      expect(s.reconnects, `${name} reconnects`).toBe(2)
      expect(s.subscriptionsRestored, `${name} restored`).toBe(2 * subscriptions)
      expect(s.emulator.reconnects, `${name} reconnects seen by the emulator`).toBe(2)
      expect(s.emulator.reconnectsRestored, `${name} reconnects with every subscription again`).toBe(2)
      expect(s.emulator.restoredSubscriptions).toBe(2 * subscriptions)
      expect(s.emulator.refused, `${name} upgrades refused with 503`).toBeGreaterThanOrEqual(1)
      expect(s.emulator.staleCredentials, `${name} upgrades with an expired or missing credential`).toBe(0)
      expect(s.messages.afterFaults, `${name} messages after the faults`).toBeGreaterThan(0)
      expect(s.messages.total).toBeGreaterThan(s.messages.afterFaults!)
      expect(s.errors).toEqual([])
      expect(s.state).toBe('open')
    }
    expect(report.streams['projectx-user'].subscriptions).toEqual(['SubscribeAccounts', expect.stringMatching(/^SubscribeOrders:\d+$/)])
    expect(report.streams['tradeready-ticker'].subscriptions).toEqual(['ticker:BTCUSDT'])
    expect(report.streams['axiom-new-pairs'].subscriptions).toEqual(['new_pairs'])

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
