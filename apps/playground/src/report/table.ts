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
