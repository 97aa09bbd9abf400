import type { Expectation } from '../expectations'
import { PROVIDER_NAMES } from '../providers'
import { STREAM_INFO, STREAM_NAMES } from '../streams'
import type { ScenarioReport } from './json'
import type { Style } from './style'

/** The human summary after an emulated run: one line per provider, the second start, then the verdict. */
export function renderSummary(report: ScenarioReport, style: Style): string[] {
  const lines = ['', style.bold('summary')]
  for (const p of PROVIDER_NAMES) {
    const r = report.providers[p]
    const mark = r.healthy && r.faults.recovered === r.faults.injected && r.requests.failed === 0 ? style.green('✓') : style.red('✗')
    lines.push(
      `  ${mark} ${p.padEnd(11)}${count(r.logins, 'login ', 'logins')}  ${count(r.renewals, 'renewal ', 'renewals')}  ${String(r.requests.ok).padStart(4)} ok ${String(r.requests.failed).padStart(2)} failed  faults ${r.faults.recovered}/${r.faults.injected} recovered`,
    )
  }
  for (const name of STREAM_NAMES) {
    const r = report.streams[name]
    if (!r) continue
    const mark = r.faults.recovered === r.faults.injected && (r.messages.afterFaults ?? 0) > 0 && r.errors.length === 0 ? style.green('✓') : style.red('✗')
    lines.push(
      `  ${mark} ${STREAM_INFO[name].label.padEnd(18)}${count(r.reconnects, 'reconnect ', 'reconnects')}  ${String(r.subscriptionsRestored).padStart(2)} restored  ${String(r.messages.total).padStart(4)} messages (${r.messages.afterFaults ?? 0} after the faults)  faults ${r.faults.recovered}/${r.faults.injected} recovered`,
    )
  }
  const s = report.secondStart
  const loads = PROVIDER_NAMES.reduce((n, p) => n + s.byProvider[p].storeLoads, 0)
  const secondOk = s.logins === 0
  lines.push(`  ${secondOk ? style.green('✓') : style.red('✗')} second start: ${s.logins} logins, ${loads} tokens reused from the file store`)
  lines.push('')
  const failed = report.expectations.filter((e: Expectation) => !e.ok)
  if (failed.length === 0) {
    lines.push(style.green(`OK — ${report.expectations.length} expectations met in ${(report.durationMs / 1000).toFixed(1)} s`))
  } else {
    lines.push(style.red(`FAILED — ${failed.length} of ${report.expectations.length} expectations not met:`))
    for (const e of failed) lines.push(style.red(`  ✗ ${e.name}: ${e.detail}`))
  }
  return lines
}

function count(n: number, one: string, many: string): string {
  return `${String(n).padStart(2)} ${n === 1 ? one : many}`
}
