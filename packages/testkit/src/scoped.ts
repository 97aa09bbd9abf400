import type { FaultController } from './faults.js'
import type { RequestLog } from './request-log.js'
import type { StatsController } from './stats.js'
import type { ProviderName } from './types.js'

/** A view of the shared fault controller whose rules default to one provider. */
export function scopeFaults(faults: FaultController, provider: ProviderName): FaultController {
  return {
    inject: (rule) => faults.inject({ ...rule, provider: rule.provider ?? provider }),
    clear: (p) => faults.clear(p ?? provider),
    pending: () => faults.pending(),
  }
}

/** A view of the shared request log that lists one provider by default. */
export function scopeRequests(log: RequestLog, provider: ProviderName): RequestLog {
  return {
    list: (filter = {}) => log.list({ ...filter, provider: filter.provider ?? provider }),
    clear: (p) => log.clear(p ?? provider),
  }
}

/** A view of the shared counters that reads one provider by default. */
export function scopeStats(stats: StatsController, provider: ProviderName): StatsController {
  return {
    get: (p) => stats.get(p ?? provider),
    reset: (p) => stats.reset(p ?? provider),
  }
}
