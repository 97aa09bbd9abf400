import { ConfigError } from '@authmux/core'
import { PROVIDERS, type ProviderName } from './types.js'

/** Counters of one provider. Every request that reached the emulator counts, faulted ones included. */
export interface ProviderStats {
  /** Requests to the login / key-exchange endpoint(s) (Axiom step 1, ProjectX loginKey, TradeReady login + user-login, Apala token). */
  logins: number
  /** Requests to the refresh endpoint (Axiom refresh-access-token, Apala refresh). */
  refreshes: number
  /** Requests to ProjectX `/Auth/validate`. */
  validates: number
  /** Responses with status 401. */
  unauthorized: number
  /** All requests. */
  requests: number
  /** Responses with status 429. */
  rateLimited: number
}

/** Per-provider counters. */
export interface StatsController {
  /** Counters of a provider (single-provider emulators default to their own). Returns a copy. */
  get(provider?: ProviderName): ProviderStats
  /** Zero the counters (of one provider, or all). */
  reset(provider?: ProviderName): void
}

/** Which counter a request feeds, besides `requests`. */
export type RequestKind = 'login' | 'refresh' | 'validate' | 'other'

/** Internal side used by the HTTP pipeline. */
export interface StatsRecorder extends StatsController {
  count(provider: ProviderName, kind: RequestKind): void
  countStatus(provider: ProviderName, status: number): void
}

const zero = (): ProviderStats => ({ logins: 0, refreshes: 0, validates: 0, unauthorized: 0, requests: 0, rateLimited: 0 })

/** Create the counters. */
export function createStats(defaultProvider?: ProviderName): StatsRecorder {
  const table = new Map<ProviderName, ProviderStats>(PROVIDERS.map((p) => [p, zero()]))
  const row = (provider: ProviderName) => table.get(provider) ?? zero()
  return {
    get(provider) {
      const name = provider ?? defaultProvider
      if (!name) throw new ConfigError('@authmux/testkit: stats.get(provider) needs a provider name, e.g. stats.get("tradeready").', { field: 'provider' })
      return { ...row(name) }
    },
    reset(provider) {
      for (const name of provider ? [provider] : PROVIDERS) table.set(name, zero())
    },
    count(provider, kind) {
      const r = row(provider)
      r.requests += 1
      if (kind === 'login') r.logins += 1
      else if (kind === 'refresh') r.refreshes += 1
      else if (kind === 'validate') r.validates += 1
      table.set(provider, r)
    },
    countStatus(provider, status) {
      const r = row(provider)
      if (status === 401) r.unauthorized += 1
      if (status === 429) r.rateLimited += 1
      table.set(provider, r)
    },
  }
}
