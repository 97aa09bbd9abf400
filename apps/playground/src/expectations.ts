import { FAULT_PLAN } from './faults'
import { PROVIDER_NAMES, type ProviderName } from './providers'
import type { ScenarioResult } from './scenario'
import { STREAM_FAULTS } from './stream-faults'
import { STREAM_INFO, STREAM_NAMES } from './streams'

/** One checked promise of the scenario. */
export interface Expectation {
  name: string
  ok: boolean
  detail: string
}

/** Providers whose tokens expire (AionMarket's API key does not). */
const EXPIRING: ProviderName[] = ['axiom', 'projectx', 'tradeready', 'apala']

/** Minimum successful probe requests per provider in bot 1's run. */
const MIN_REQUESTS = 10

/** Judges a scenario run. Every entry names what was expected and what was seen. */
export function checkScenario(result: ScenarioResult): Expectation[] {
  const out: Expectation[] = []
  const add = (name: string, ok: boolean, detail: string) => out.push({ name, ok, detail })
  const rows = new Map(result.first.rows.map((r) => [r.name, r]))
  const secondRows = new Map(result.second.rows.map((r) => [r.name, r]))

  for (const p of PROVIDER_NAMES) {
    const row = rows.get(p)
    if (!row) {
      add(`${p}: composed`, false, 'not part of the bot')
      continue
    }
    add(`${p}: logged in`, row.logins >= 1, `${row.logins} login(s)${p === 'axiom' ? `, ${result.otpReads} code(s) read from the inbox` : ''}`)
    add(`${p}: requests served`, row.requestsOk >= MIN_REQUESTS && row.requestsFailed === 0, `${row.requestsOk} ok, ${row.requestsFailed} failed`)
    if (EXPIRING.includes(p)) {
      const renewals = result.first.renewals[p]
      add(
        `${p}: renewed ahead of expiry`,
        renewals >= 2 && row.backgroundRefreshes + Math.max(0, row.logins - 1) >= 1,
        `${renewals} renewal(s), ${row.backgroundRefreshes} in the background`,
      )
    }
    const faults = result.faults.filter((f) => f.provider === p)
    for (const f of faults) add(`${p}: ${f.label} recovered`, f.recovered, `${f.target}: ${f.detail}`)
    add(`${p}: healthy at the end`, isHealthy(row), `state ${row.state}, last request ${row.lastOk ? 'ok' : 'failed'}`)

    const again = secondRows.get(p)
    const logins = result.second.emulatorLogins[p]
    add(
      `${p}: second start reuses the stored token`,
      again !== undefined && again.logins === 0 && again.storeLoads >= 1 && logins === 0 && again.requestsFailed === 0 && again.requestsOk > 0,
      again ? `${logins} login(s) at the emulator, ${again.logins} by the bot, ${again.storeLoads} store load(s), ${again.requestsOk} ok` : 'missing',
    )
  }
  const planned = PROVIDER_NAMES.reduce((n, p) => n + FAULT_PLAN[p].length, 0)
  add('every scripted fault played out', result.faults.length === planned, `${result.faults.length} of ${planned} faults observed`)

  const streams = new Map(result.streams.map((s) => [s.row.name, s]))
  for (const name of STREAM_NAMES) {
    const label = STREAM_INFO[name].label
    const stream = streams.get(name)
    if (!stream) {
      add(`${label}: streamed`, false, 'not opened')
      continue
    }
    const { row, emulator } = stream
    for (const f of result.streamFaults.filter((o) => o.stream === name)) add(`${label}: ${f.label} recovered`, f.recovered, f.detail)
    add(
      `${label}: subscriptions restored on every reconnect`,
      emulator.reconnects >= 2 && emulator.reconnectsRestored === emulator.reconnects && row.restored >= emulator.reconnects * row.subscriptions.length,
      `emulator log: ${emulator.reconnectsRestored} of ${emulator.reconnects} reconnects saw all of ${row.subscriptions.join(', ')} again; the bot counted ${row.restored} restored`,
    )
    add(
      `${label}: every upgrade carried a valid credential`,
      emulator.staleCredentials === 0 && emulator.upgrades > 0,
      `${emulator.upgrades} upgrade(s), ${emulator.refused} refused by the fault, ${emulator.staleCredentials} with an expired, revoked or missing credential`,
    )
    add(
      `${label}: messages after the faults`,
      (row.afterFaults ?? 0) > 0 && row.errors.length === 0,
      `${row.afterFaults ?? 0} of ${row.messages} message(s) after the faults${row.errors.length ? `; errors: ${row.errors.join(', ')}` : ''}`,
    )
  }
  const plannedStreamFaults = STREAM_NAMES.length * STREAM_FAULTS.length
  add(
    'every scripted stream fault played out',
    result.streamFaults.length === plannedStreamFaults,
    `${result.streamFaults.length} of ${plannedStreamFaults} stream faults observed`,
  )
  return out
}

export function isHealthy(row: { state: string; lastOk: boolean | undefined; requestsFailed: number }): boolean {
  return (row.state === 'valid' || row.state === 'expiring') && row.lastOk === true
}
