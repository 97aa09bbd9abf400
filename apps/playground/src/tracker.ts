import type { AuthState, Session } from '@authmux/core'
import type { CallResult } from './bot'
import { type ProviderName, STATIC_KEY_PROVIDERS } from './providers'
import type { StreamName, StreamRow } from './streams'

/** What the table shows for one provider. Nothing in here is secret. */
export interface ProviderRow {
  name: ProviderName
  state: AuthState | 'not configured'
  /** Epoch ms on the bot's clock, if the token expires. */
  expiresAt?: number
  /** Full logins (credentials exchanged with the provider, or a static key taken into use). */
  logins: number
  /** Token sets taken from the store instead of logging in. */
  storeLoads: number
  /** Refreshes (refresh endpoint / revalidation). */
  refreshes: number
  /** Refreshes that ran in the background while callers kept the still-valid token. */
  backgroundRefreshes: number
  requestsOk: number
  requestsFailed: number
  /** Error events reported by the strategy. */
  errors: number
  lastEvent: string
  lastOk: boolean | undefined
}

/** Follows one bot's strategies through their events and the bot's request outcomes. */
export class Tracker {
  readonly rows = new Map<ProviderName, ProviderRow>()
  /** The bot's realtime streams (`streams.ts` updates them and calls `streamChanged`). */
  readonly streams = new Map<StreamName, StreamRow>()
  readonly #strategies = new Map<ProviderName, Session>()
  readonly #unsubscribe: (() => void)[] = []
  readonly #listeners = new Set<(name: ProviderName, line?: string) => void>()
  readonly #now: () => number
  /** Static keys taken into use that no request has proven yet. */
  readonly #unchecked = new Set<ProviderName>()

  constructor(strategies: Partial<Record<ProviderName, Session>>, now: () => number) {
    this.#now = now
    for (const [name, strategy] of Object.entries(strategies) as [ProviderName, Session][]) {
      this.#strategies.set(name, strategy)
      this.rows.set(name, {
        name,
        state: 'signed-out',
        logins: 0,
        storeLoads: 0,
        refreshes: 0,
        backgroundRefreshes: 0,
        requestsOk: 0,
        requestsFailed: 0,
        errors: 0,
        lastEvent: 'starting',
        lastOk: undefined,
      })
      this.#unsubscribe.push(
        strategy.on('login', (e) => {
          const row = this.#row(name)
          if (e.source === 'store') {
            row.storeLoads++
            this.#event(name, 'reused stored token', 'reused the stored token (no login)')
          } else {
            row.logins++
            const again = row.logins > 1
            if (e.source === 'acquire' && STATIC_KEY_PROVIDERS.includes(name)) {
              this.#unchecked.add(name)
              this.#event(name, 'key set, not yet checked', `key set${this.#expiry(e.expiresAt)}, not yet checked with the provider`)
              return
            }
            const event = e.source === 'import' ? 'imported tokens' : again ? 'logged in again' : 'logged in'
            this.#event(name, event, e.source === 'import' ? event : `${event}${this.#expiry(e.expiresAt)}`)
          }
        }),
        strategy.on('refresh', (e) => {
          const row = this.#row(name)
          row.refreshes++
          if (e.background) row.backgroundRefreshes++
          const event = e.background ? 'refreshed in the background' : 'refreshed'
          this.#event(name, event, `${event}${this.#expiry(e.expiresAt)}`)
        }),
        strategy.on('error', (e) => {
          this.#row(name).errors++
          const code = (e.error as { code?: string }).code ?? e.error.name
          this.#event(name, `error (${e.during}): ${code}`, `error during ${e.during}: ${code}`)
        }),
      )
    }
  }

  /** Renewals: refreshes plus every login after the first (providers without a refresh endpoint log in again). */
  renewals(name: ProviderName): number {
    const row = this.#row(name)
    return row.refreshes + Math.max(0, row.logins - 1)
  }

  /** Records a probe request's outcome. */
  record(name: ProviderName, result: CallResult): void {
    const row = this.#row(name)
    if (result.ok) {
      row.requestsOk++
      if (this.#unchecked.delete(name)) this.#event(name, 'key accepted', 'key accepted: the first request with it succeeded')
    } else {
      row.requestsFailed++
      this.#event(name, `request failed: ${result.error ?? 'error'}`, `request failed: ${result.error ?? 'error'}`)
    }
    row.lastOk = result.ok
    this.#touch(name)
  }

  /** Sets the row's last event (and prints `line` in plain output, when given). */
  note(name: ProviderName, event: string, line?: string): void {
    this.#event(name, event, line)
  }

  /** Shows a realtime stream in the stream table from now on. */
  addStream(row: StreamRow): void {
    this.streams.set(row.name, row)
    this.#touch(row.provider)
  }

  /** A stream's row changed (and `line`, when given, is worth a line of plain output under its provider's name). */
  streamChanged(row: StreamRow, line?: string): void {
    this.#touch(row.provider, line)
  }

  /** Copies of the stream rows, in display order. */
  streamSnapshot(): StreamRow[] {
    return [...this.streams.values()].map((row) => ({ ...row, subscriptions: [...row.subscriptions], errors: [...row.errors] }))
  }

  /** Called on every change: `line` is a notable event worth a line of plain output. */
  onChange(listener: (name: ProviderName, line?: string) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Fresh rows with the current state and expiry of each strategy. */
  snapshot(): ProviderRow[] {
    return [...this.rows.values()].map((row) => {
      const status = this.#strategies.get(row.name)?.status()
      return { ...row, state: status?.state ?? row.state, ...(status?.expiresAt !== undefined ? { expiresAt: status.expiresAt } : {}) }
    })
  }

  now(): number {
    return this.#now()
  }

  close(): void {
    for (const off of this.#unsubscribe) off()
    this.#listeners.clear()
  }

  #row(name: ProviderName): ProviderRow {
    const row = this.rows.get(name)
    if (!row) throw new Error(`playground: no row for ${name}`)
    return row
  }

  #event(name: ProviderName, event: string, line: string | undefined): void {
    this.#row(name).lastEvent = event
    this.#touch(name, line)
  }

  #touch(name: ProviderName, line?: string): void {
    for (const listener of this.#listeners) listener(name, line)
  }

  #expiry(expiresAt: number | undefined): string {
    if (expiresAt === undefined) return ' (no expiry)'
    return `, token valid ${formatSeconds(expiresAt - this.#now())}`
  }
}

/** `95 s` → `1m35s`; negative → `expired`. */
export function formatSeconds(ms: number): string {
  if (ms <= 0) return 'expired'
  const total = Math.round(ms / 1000)
  if (total < 60) return `${total}s`
  const minutes = Math.floor(total / 60)
  if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}
