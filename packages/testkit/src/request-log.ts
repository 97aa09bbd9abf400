import { pathMatches } from './path-match.js'
import type { CredentialKind, ProviderName } from './types.js'

/** One request as the emulator saw it, credentials redacted. */
export interface RequestLogEntry {
  provider: ProviderName
  method: string
  /** Full path on the emulator origin, without the query string (e.g. `/api/v1/auth/login`). */
  path: string
  /** HTTP status answered; `0` when the connection was reset by a fault. */
  status: number
  /** Credential the emulator accepted, or else the first one presented. */
  credential: CredentialKind
  /** Request headers, lower-cased, with Authorization / X-API-Key / cookie values replaced by `[REDACTED]`. */
  headers: Record<string, string>
  /** Virtual-clock time (epoch ms) the request arrived. */
  at: number
  /** The injected fault that answered it, if any. */
  fault?: string
}

/** Filter for `requests.list()`. */
export interface RequestLogFilter {
  provider?: ProviderName
  /** Same matching as fault paths: exact, segment suffix, or RegExp on the full path. */
  path?: string | RegExp
  method?: string
  status?: number
}

/** The request log. */
export interface RequestLog {
  /** Entries in arrival order, optionally filtered. Returns copies. */
  list(filter?: RequestLogFilter): RequestLogEntry[]
  /** Forget every entry (of one provider, or all). */
  clear(provider?: ProviderName): void
}

/** Internal side used by the HTTP pipeline. */
export interface RequestRecorder extends RequestLog {
  record(entry: RequestLogEntry): void
}

/** Create a request log, optionally scoped to one provider by default for `list()`. */
export function createRequestLog(defaultProvider?: ProviderName): RequestRecorder {
  let entries: RequestLogEntry[] = []
  return {
    record(entry) {
      entries.push(entry)
      if (entries.length > 10_000) entries = entries.slice(-5_000)
    },
    list(filter = {}) {
      const provider = filter.provider ?? defaultProvider
      return entries
        .filter(
          (e) =>
            (provider === undefined || e.provider === provider) &&
            (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
            (filter.status === undefined || e.status === filter.status) &&
            pathMatches(filter.path, e.path),
        )
        .map((e) => ({ ...e, headers: { ...e.headers } }))
    },
    clear(provider) {
      entries = provider ? entries.filter((e) => e.provider !== provider) : []
    },
  }
}
