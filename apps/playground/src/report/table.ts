import { STREAM_INFO, type StreamRow } from '../streams'
import { formatSeconds, type ProviderRow } from '../tracker'
import { pad, type Style } from './style'

const COLUMNS = ['provider', 'state', 'expires in', 'logins', 'refreshes', 'ok', 'failed', 'last event'] as const
const WIDTHS = [12, 16, 12, 8, 11, 6, 8, 0]

/** The provider table: one header line and one line per provider. Pure: same rows, same lines. */
export function renderTable(rows: ProviderRow[], now: number, style: Style): string[] {
  const header = COLUMNS.map((c, i) => pad(c, WIDTHS[i]!))
    .join('')
    .trimEnd()
  const lines = [style.dim(header)]
  for (const row of rows) {
    const cells = [
      style.bold(row.name),
      colourState(row, style),
      expiresIn(row, now),
      String(row.logins),
      String(row.refreshes),
      String(row.requestsOk),
      row.requestsFailed > 0 ? style.red(String(row.requestsFailed)) : '0',
      row.lastEvent,
    ]
    lines.push(
      cells
        .map((cell, i) => pad(cell, WIDTHS[i]!))
        .join('')
        .trimEnd(),
    )
  }
  return lines
}

function colourState(row: ProviderRow, style: Style): string {
  const text = row.state === 'valid' && row.expiresAt === undefined ? 'valid (static)' : row.state
  if (row.state === 'valid') return style.green(text)
  if (row.state === 'expiring') return style.yellow(text)
  return style.red(text)
}

function expiresIn(row: ProviderRow, now: number): string {
  if (row.state === 'signed-out' || row.state === 'not configured') return '-'
  if (row.expiresAt === undefined) return 'never'
  return formatSeconds(row.expiresAt - now)
}

const STREAM_COLUMNS = ['stream', 'state', 'reconnects', 'restored', 'messages', 'after faults', 'last event'] as const
const STREAM_WIDTHS = [20, 14, 12, 10, 10, 14, 0]

/** The stream table: one header line and one line per realtime stream. Pure: same rows, same lines. */
export function renderStreamTable(rows: StreamRow[], style: Style): string[] {
  const header = STREAM_COLUMNS.map((c, i) => pad(c, STREAM_WIDTHS[i]!))
    .join('')
    .trimEnd()
  const lines = [style.dim(header)]
  for (const row of rows) {
    const state = row.state === 'open' ? style.green(row.state) : row.state === 'failed' ? style.red(row.state) : style.yellow(row.state)
    const cells = [
      style.bold(STREAM_INFO[row.name].label),
      state,
      String(row.reconnects),
      String(row.restored),
      String(row.messages),
      row.afterFaults === undefined ? '-' : String(row.afterFaults),
      row.lastEvent,
    ]
    lines.push(
      cells
        .map((cell, i) => pad(cell, STREAM_WIDTHS[i]!))
        .join('')
        .trimEnd(),
    )
  }
  return lines
}
