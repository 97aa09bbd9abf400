/** A token write not yet known to be safe in Redis: its sealed value and `issuedAt`. */
export interface PendingWrite {
  sealed: string
  /** `meta.issuedAt` (epoch ms), or undefined for an unconditional write. */
  stamp: number | undefined
  /** When Redis first stored it without a replica confirming (epoch ms). */
  unconfirmedSince?: number
}

/** How long a write Redis stored but no replica confirmed is written again (a master without replicas can't fail over). */
const UNCONFIRMED_RETRY_MS = 60_000

/** What a write attempt found: `'kept'` = Redis has it (replicas confirmed) or something newer; `'unconfirmed'` = not yet. */
export type WriteOutcome = 'kept' | 'unconfirmed'

/**
 * Token writes that failed, or that no replica confirmed, kept in memory per credential key (the newest only) and
 * written again every `retryMs` — still compare-and-set, so a newer set in Redis wins — until Redis has them (a write
 * stored but unconfirmed: for at most a minute). This is what brings a refreshed token back after a failover promoted
 * a replica that never received it, or after Redis restarted empty. A delete (here, or announced by another process)
 * drops the key's entry.
 */
export function createPendingWrites(write: (key: string, entry: PendingWrite) => Promise<WriteOutcome>, retryMs: number) {
  const pending = new Map<string, PendingWrite>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let closed = false

  function schedule(): void {
    if (timer || closed || pending.size === 0) return
    timer = setTimeout(flush, retryMs)
    timer.unref?.()
  }

  /** Writes `entry` once; forgets it when Redis has it (or has held it unconfirmed for long enough). */
  async function attempt(key: string, entry: PendingWrite): Promise<WriteOutcome> {
    const outcome = await write(key, entry)
    if (outcome === 'unconfirmed') entry.unconfirmedSince ??= Date.now()
    const settled = outcome === 'kept' || Date.now() - entry.unconfirmedSince! > UNCONFIRMED_RETRY_MS
    if (settled && pending.get(key) === entry) pending.delete(key)
    return outcome
  }

  async function flush(): Promise<void> {
    for (const [key, entry] of [...pending]) {
      try {
        await attempt(key, entry)
      } catch {
        // still unreachable: next round
      }
    }
    timer = undefined
    schedule()
  }

  return {
    /** Writes `entry` now (the caller's error, if any, is thrown); keeps it for later unless Redis has it. */
    async write(key: string, entry: PendingWrite): Promise<WriteOutcome> {
      const held = pending.get(key)
      // An older set never replaces a newer one waiting here.
      if (!held || held.stamp === undefined || entry.stamp === undefined || entry.stamp >= held.stamp) pending.set(key, entry)
      try {
        return await attempt(key, entry)
      } finally {
        schedule()
      }
    },
    forget(key: string): void {
      pending.delete(key)
    },
    close(): void {
      closed = true
      clearTimeout(timer)
      pending.clear()
    },
  }
}
