import type { QuotaSlot, QuotaSlotRequest } from '@authmux/core'
import type { RedisClient } from './connection'
import type { RedisNames } from './keys'
import { QUOTA_SLOT } from './scripts'

/** What `takeQuotaSlot` needs from its store. */
export interface QuotaContext {
  redis: RedisClient
  names: RedisNames
  /** Runs `command` once Redis can take commands; a failure becomes a typed `StoreError` saying `what` failed. */
  run<T>(what: string, command: () => Promise<T>): Promise<T>
}

/**
 * Takes a slot of the quota `scope` (a sorted set on Redis' clock, shared by every process using this Redis and
 * prefix), or says how long until one frees. `done(true)` starts the slot's window when its attempt ended;
 * `done(false)` gives it back unused.
 */
export async function takeQuotaSlot({ redis, names, run }: QuotaContext, { scope, limit, perMs, leaseMs }: QuotaSlotRequest): Promise<QuotaSlot> {
  const key = names.quota(scope)
  const id = crypto.randomUUID()
  const waitMs = Number(await run(`take a slot of quota ${scope}`, () => redis.eval(QUOTA_SLOT, 1, key, id, perMs, limit, leaseMs, '')))
  if (waitMs > 0) return { granted: false, retryAfterMs: waitMs }
  return {
    granted: true,
    async done(attempted) {
      await run(`end a slot of quota ${scope}`, () => redis.eval(QUOTA_SLOT, 1, key, id, perMs, '', 0, attempted ? '1' : ''))
    },
  }
}
