import { ConfigError } from '@authmux/core'
import { pathMatches } from './path-match.js'
import type { ProviderName } from './types.js'

/** A fault the emulator plays instead of (or before) the real answer. */
export type Fault =
  /** Answer with this HTTP status and a JSON body `{ "error": "Injected fault" }` (or `body`). */
  | { kind: 'status'; status: number; body?: unknown }
  /** 429 with `Retry-After: retryAfterSeconds` (default 1). */
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  /** Wait `delayMs` (real time), then answer normally. */
  | { kind: 'delay'; delayMs: number }
  /** Destroy the socket without answering (the client sees a connection reset / "fetch failed"). */
  | { kind: 'reset' }
  /** Answer `status` (default 200) with `Content-Type: application/json` and a body that is not JSON. */
  | { kind: 'malformed-json'; status?: number }
  /** Answer `status` (default 502) with an HTML error page, as a proxy or CDN would. */
  | { kind: 'html'; status?: number }
  /** 401 with an empty JSON error body, as if the credential had been rejected. */
  | { kind: 'unauthorized' }

/** Shorthands: `500`, `503`, `401`, `429` (Retry-After 1), `'reset'`, `'malformed-json'`, `'html'`. */
export type FaultShorthand = 401 | 429 | 500 | 502 | 503 | 504 | 'reset' | 'malformed-json' | 'html'

/** What to inject, and for which requests. */
export interface FaultRule {
  /** Only requests to this provider; omitted = any provider (single-provider starters fill in their own). */
  provider?: ProviderName
  /** Only requests whose path matches (see `pathMatches`: exact or segment suffix; RegExp on the full path). */
  path?: string | RegExp
  /** Only this HTTP method (case-insensitive). */
  method?: string
  /** How many matching requests get the fault (default 1). `Infinity` = until cleared. */
  times?: number
  /** The fault to play. */
  fault: Fault | FaultShorthand
}

/** Handle of one injected rule. */
export interface InjectedFault {
  /** Matching requests still to be faulted. */
  readonly remaining: number
  /** How many requests this rule has faulted so far. */
  readonly hits: number
  /** Remove the rule. */
  cancel(): void
}

/** Fault injection for the next N matching requests. */
export interface FaultController {
  /** Inject a fault for the next `times` (default 1) matching requests. Rules are tried in insertion order. */
  inject(rule: FaultRule): InjectedFault
  /** Remove every pending rule (of one provider, or all). */
  clear(provider?: ProviderName): void
  /** Rules not yet used up. */
  pending(): number
}

interface LiveRule {
  rule: FaultRule
  fault: Fault
  remaining: number
  hits: number
}

/** Normalise a shorthand to a full fault. */
export function toFault(fault: Fault | FaultShorthand): Fault {
  if (typeof fault === 'object') return fault
  if (fault === 'reset') return { kind: 'reset' }
  if (fault === 'malformed-json') return { kind: 'malformed-json' }
  if (fault === 'html') return { kind: 'html' }
  if (fault === 429) return { kind: 'rate-limit', retryAfterSeconds: 1 }
  if (fault === 401) return { kind: 'unauthorized' }
  return { kind: 'status', status: fault }
}

/** Internal side of the controller used by the HTTP pipeline. */
export interface FaultMatcher extends FaultController {
  /**
   * Consume and return the first fault matching this request, if any. With `pathRequired` (WebSocket upgrades), only
   * rules that name a `path` match, so a path-less rule stays an HTTP-only fault.
   */
  take(provider: ProviderName, method: string, path: string, options?: { pathRequired?: boolean }): Fault | undefined
}

/** Create a fault controller. `defaultProvider` scopes rules without a provider (single-provider emulators). */
export function createFaults(defaultProvider?: ProviderName): FaultMatcher {
  let rules: LiveRule[] = []
  return {
    inject(rule) {
      const times = rule.times ?? 1
      if (!(times > 0)) throw new ConfigError('@authmux/testkit: faults.inject({ times }) must be a positive number (or Infinity).', { field: 'times' })
      const provider = rule.provider ?? defaultProvider
      const live: LiveRule = { rule: provider ? { ...rule, provider } : rule, fault: toFault(rule.fault), remaining: times, hits: 0 }
      rules.push(live)
      return {
        get remaining() {
          return live.remaining
        },
        get hits() {
          return live.hits
        },
        cancel() {
          rules = rules.filter((r) => r !== live)
        },
      }
    },
    clear(provider) {
      rules = provider ? rules.filter((r) => r.rule.provider !== provider) : []
    },
    pending() {
      return rules.length
    },
    take(provider, method, path, options = {}) {
      for (const live of rules) {
        const { rule } = live
        if (options.pathRequired && rule.path === undefined) continue
        if (rule.provider !== undefined && rule.provider !== provider) continue
        if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue
        if (!pathMatches(rule.path, path)) continue
        live.remaining -= 1
        live.hits += 1
        if (live.remaining <= 0) rules = rules.filter((r) => r !== live)
        return live.fault
      }
      return undefined
    },
  }
}
