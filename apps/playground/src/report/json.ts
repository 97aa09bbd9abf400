import { isHealthy, type Expectation } from '../expectations'
import { PROVIDER_NAMES, type ProviderName } from '../providers'
import type { ScenarioResult } from '../scenario'
import type { StreamEmulatorStats } from '../stream-faults'
import type { StreamName, StreamRow } from '../streams'

/** One realtime stream in a report. */
export interface StreamReport {
  provider: ProviderName
  /** What it holds, as the server names it (`SubscribeContractQuotes:…`, `ticker:BTCUSDT`, `new_pairs`). */
  subscriptions: string[]
  state: string
  /** Successful reconnects. */
  reconnects: number
  /** Subscriptions restored on those reconnects (confirmed by the server where it confirms). */
  subscriptionsRestored: number
  /** Data messages received; `afterFaults`: since the scripted faults ended (emulated runs only). */
  messages: { total: number; afterFaults?: number }
  /** Codes of the typed errors the stream reported. */
  errors: string[]
}

/** The machine-readable report of an emulated run (`--json`). Holds counts and labels only — never a secret. */
export interface ScenarioReport {
  ok: boolean
  mode: 'emulators'
  durationMs: number
  tokenLifetimeSeconds: number
  virtualClockAdvancedMs: number
  providers: Record<
    ProviderName,
    {
      logins: number
      refreshes: number
      /** Refreshes plus re-logins (TradeReady has no refresh endpoint: it logs in again). */
      renewals: number
      requests: { ok: number; failed: number }
      faults: { injected: number; recovered: number; details: { fault: string; target: string; recovered: boolean; detail: string }[] }
      healthy: boolean
      state: string
      /** What the emulator itself counted. */
      emulator: { logins: number; refreshes: number; validates: number; unauthorized: number; rateLimited: number; requests: number }
    }
  >
  /** Bot 1's realtime streams. */
  streams: Record<
    StreamName,
    StreamReport & {
      faults: { injected: number; recovered: number; details: { fault: string; recovered: boolean; detail: string }[] }
      /** What the emulator's stream log says (counts only). */
      emulator: StreamEmulatorStats
    }
  >
  secondStart: {
    /** Logins counted by the emulators during the second start (all providers). */
    logins: number
    byProvider: Record<ProviderName, { logins: number; storeLoads: number; requests: { ok: number; failed: number } }>
  }
  expectations: Expectation[]
  /** Names of the expectations that failed. */
  failed: string[]
}

export function buildReport(result: ScenarioResult, expectations: Expectation[]): ScenarioReport {
  const failed = expectations.filter((e) => !e.ok).map((e) => e.name)
  const rows = new Map(result.first.rows.map((r) => [r.name, r]))
  const second = new Map(result.second.rows.map((r) => [r.name, r]))
  const providers = {} as ScenarioReport['providers']
  const byProvider = {} as ScenarioReport['secondStart']['byProvider']
  for (const p of PROVIDER_NAMES) {
    const row = rows.get(p)
    const faults = result.faults.filter((f) => f.provider === p)
    const stats = result.first.emulator[p]
    providers[p] = {
      logins: row?.logins ?? 0,
      refreshes: row?.refreshes ?? 0,
      renewals: result.first.renewals[p],
      requests: { ok: row?.requestsOk ?? 0, failed: row?.requestsFailed ?? 0 },
      faults: {
        injected: faults.length,
        recovered: faults.filter((f) => f.recovered).length,
        details: faults.map((f) => ({ fault: f.label, target: f.target, recovered: f.recovered, detail: f.detail })),
      },
      healthy: row ? isHealthy(row) : false,
      state: row?.state ?? 'not configured',
      emulator: {
        logins: stats.logins,
        refreshes: stats.refreshes,
        validates: stats.validates,
        unauthorized: stats.unauthorized,
        rateLimited: stats.rateLimited,
        requests: stats.requests,
      },
    }
    const again = second.get(p)
    byProvider[p] = {
      logins: result.second.emulatorLogins[p],
      storeLoads: again?.storeLoads ?? 0,
      requests: { ok: again?.requestsOk ?? 0, failed: again?.requestsFailed ?? 0 },
    }
  }
  const streams = {} as ScenarioReport['streams']
  for (const { row, emulator } of result.streams) {
    const faults = result.streamFaults.filter((f) => f.stream === row.name)
    streams[row.name] = {
      ...streamReport(row),
      faults: {
        injected: faults.length,
        recovered: faults.filter((f) => f.recovered).length,
        details: faults.map((f) => ({ fault: f.label, recovered: f.recovered, detail: f.detail })),
      },
      emulator,
    }
  }
  return {
    ok: failed.length === 0,
    mode: 'emulators',
    durationMs: Math.round(result.durationMs),
    tokenLifetimeSeconds: result.tokenLifetimeSeconds,
    virtualClockAdvancedMs: Math.round(result.virtualAdvancedMs),
    providers,
    streams,
    secondStart: { logins: Object.values(result.second.emulatorLogins).reduce((a, b) => a + b, 0), byProvider },
    expectations,
    failed,
  }
}

/** The counters of one stream row, as the reports show them. */
export function streamReport(row: StreamRow): StreamReport {
  return {
    provider: row.provider,
    subscriptions: row.subscriptions,
    state: row.state,
    reconnects: row.reconnects,
    subscriptionsRestored: row.restored,
    messages: { total: row.messages, ...(row.afterFaults !== undefined ? { afterFaults: row.afterFaults } : {}) },
    errors: row.errors,
  }
}
