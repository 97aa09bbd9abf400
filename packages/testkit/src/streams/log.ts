import { createHash } from 'node:crypto'
import { TimeoutError } from '@authmux/core'
import { pathMatches } from '../path-match.js'
import type { ProviderName } from '../types.js'

const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

/**
 * A short, stable fingerprint of a secret (the first 12 hex characters of its SHA-256). The stream log shows this
 * instead of the secret: equal secrets have equal tags, so a test can tell which token an upgrade carried
 * (`entry.credential.tag === credentialTag(token)`) without the log ever holding the token.
 */
export function credentialTag(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12)
}

/** What the server made of a credential it was shown. */
export type StreamCredentialState = 'valid' | 'expired' | 'revoked' | 'invalid' | 'unchecked'

/** One credential an upgrade (or negotiate) request carried — never the value itself. */
export interface StreamCredential {
  /**
   * Where it travelled: `query:api_key`, `query:access_token`, `header:authorization`, `cookie:auth-access-token`,
   * `cookie:auth-refresh-token`, `cookie:cf_clearance`.
   */
  via: string
  /** `credentialTag(value)`: a stable short hash, equal for equal values. */
  tag: string
  /** The token's issue number in this emulator (1 = the first token it issued), when the emulator issued it. */
  serial?: number
  /** `valid`, `expired`, `revoked` (also: suspended account, archived agent), `invalid`, or `unchecked` (only its presence matters). */
  state: StreamCredentialState
}

/** A subscribe / unsubscribe / join the server saw on a connection, with its outcome. */
export interface StreamSubscriptionEntry {
  /** Virtual-clock time (epoch ms). */
  at: number
  /** `subscribe` / `unsubscribe` (TradeReady, ProjectX `Subscribe*` / `Unsubscribe*`), `join` / `leave` (Axiom), `invoke` (any other hub method). */
  op: 'subscribe' | 'unsubscribe' | 'join' | 'leave' | 'invoke'
  /**
   * TradeReady: the resolved channel key (`ticker:BTCUSDT`, `ticker:all`, `candles:ETHUSDT:1m`, `orders`, `battle:<id>`)
   * or, when it did not resolve, the raw `channel`. Axiom: the room. ProjectX: the target and its arguments joined by
   * `:` (`SubscribeAccounts`, `SubscribeOrders:70081`, `SubscribeContractQuotes:CON.F.US.RTY.H25`).
   */
  key: string
  /** Whether the server accepted it. */
  ok: boolean
  /** The error code or message the client got when it did not (e.g. `SUBSCRIPTION_LIMIT`). */
  error?: string
}

/** One upgrade attempt (or ProjectX negotiate) and, when accepted, the life of its socket. */
export interface StreamLogEntry {
  /** Attempt number in this emulator (1-based, arrival order; refused attempts get one too). */
  id: number
  provider: ProviderName
  /** `upgrade` = a WebSocket upgrade request; `negotiate` = a SignalR `POST …/negotiate`. */
  kind: 'upgrade' | 'negotiate'
  /** Path on the origin without the query string (`/ws/v1`, `/`, `/hubs/user`, `/hubs/market/negotiate`). */
  path: string
  /** Virtual-clock time (epoch ms) the request arrived. */
  at: number
  /** 101 when the socket opened (200 for a negotiate), else the HTTP status answered; 0 = connection reset by a fault. */
  status: number
  /** The credential that decided the outcome (for ProjectX the query token wins over the header), if any was presented. */
  credential?: StreamCredential
  /** Every credential the request carried, in the order the server looks at them. */
  credentials: StreamCredential[]
  /** Request headers, lower-cased, with Authorization / X-API-Key / cookie values replaced by `[REDACTED]`. */
  headers: Record<string, string>
  /** Why the server refused (or closed), in words. */
  reason?: string
  /** The injected fault that answered (`refuse` for `refuseUpgrades()`, else the fault kind). */
  fault?: string
  /** The socket is open now. */
  open: boolean
  /** Virtual-clock time the socket closed. */
  closedAt?: number
  /** WebSocket close code (1006 = no close frame). */
  closeCode?: number
  /** Who closed it. */
  closedBy?: 'server' | 'client'
  /** Subscriptions / joins / hub invocations the server saw, in order. */
  subscriptions: StreamSubscriptionEntry[]
  /** WebSocket frames received from the client (a SignalR frame may hold several hub messages). */
  received: number
  /** WebSocket frames the server sent. */
  sent: number
}

/** Filter for `streams.log.list()`. */
export interface StreamLogFilter {
  kind?: 'upgrade' | 'negotiate'
  /** Same matching as the request log: exact, segment suffix, or RegExp on the path. */
  path?: string | RegExp
  status?: number
  /** Only sockets that are open (true) or not (false). */
  open?: boolean
}

/** The stream log of one emulator. */
export interface StreamLog {
  /** Entries in arrival order (copies), optionally filtered. */
  list(filter?: StreamLogFilter): StreamLogEntry[]
  /** The accepted upgrades (status 101), in order: one entry per socket that opened. */
  connections(): StreamLogEntry[]
  /**
   * Resolve with `list()` as soon as `predicate(list())` holds (checked now and on every change); reject with a
   * `TimeoutError` after `timeoutMs` (default 5000, real time).
   */
  waitFor(predicate: (entries: StreamLogEntry[]) => boolean, options?: { timeoutMs?: number }): Promise<StreamLogEntry[]>
  /** Forget every entry (open sockets keep logging into their own, now unlisted, entries). */
  clear(): void
}

/** Internal side used by the stream hosts. */
export interface StreamLogRecorder extends StreamLog {
  /** Append an entry; returns it (mutable: the host updates it as the socket lives). */
  record(entry: Omit<StreamLogEntry, 'id' | 'subscriptions' | 'received' | 'sent' | 'open'> & Partial<Pick<StreamLogEntry, 'open'>>): StreamLogEntry
  /** Tell waiters something changed. */
  changed(): void
}

const copy = (e: StreamLogEntry): StreamLogEntry => ({
  ...e,
  ...(e.credential ? { credential: { ...e.credential } } : {}),
  credentials: e.credentials.map((c) => ({ ...c })),
  headers: { ...e.headers },
  subscriptions: e.subscriptions.map((s) => ({ ...s })),
})

/** Create the stream log of one emulator. */
export function createStreamLog(provider: ProviderName): StreamLogRecorder {
  let entries: StreamLogEntry[] = []
  let nextId = 1
  const waiters = new Set<() => void>()
  const log: StreamLogRecorder = {
    record(input) {
      const entry: StreamLogEntry = { ...input, id: nextId++, open: input.open ?? false, subscriptions: [], received: 0, sent: 0 }
      entries.push(entry)
      if (entries.length > 10_000) entries = entries.slice(-5_000)
      log.changed()
      return entry
    },
    changed() {
      for (const wake of [...waiters]) wake()
    },
    list(filter = {}) {
      return entries
        .filter(
          (e) =>
            (filter.kind === undefined || e.kind === filter.kind) &&
            (filter.status === undefined || e.status === filter.status) &&
            (filter.open === undefined || e.open === filter.open) &&
            pathMatches(filter.path, e.path),
        )
        .map(copy)
    },
    connections() {
      return log.list({ kind: 'upgrade', status: 101 })
    },
    waitFor(predicate, options = {}) {
      const timeoutMs = options.timeoutMs ?? 5000
      return new Promise((resolve, reject) => {
        const check = () => {
          const list = log.list()
          if (!predicate(list)) return false
          waiters.delete(check)
          realClearTimeout(timer)
          resolve(list)
          return true
        }
        const timer = realSetTimeout(() => {
          waiters.delete(check)
          reject(new TimeoutError(`@authmux/testkit: streams.log.waitFor() — the condition did not hold within ${timeoutMs} ms.`, { provider }))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    clear() {
      entries = []
      log.changed()
    },
  }
  return log
}
