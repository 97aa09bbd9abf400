/**
 * Redis names used by one store. Credential keys are not secret (e.g. `axiom:me@example.com`) and appear as is.
 *
 * Every name of a credential carries the same hash tag, `{<credential key>}`, so its token, its lock and its change
 * channel live in one cluster slot (a script may touch them together). A key that itself holds `{` or `}` is tagged
 * with a digest of it instead and follows the tag in full: names stay distinct, the slot stays shared.
 */
export interface RedisNames {
  /** Hash `{ v: sealed envelope, iat: issuedAt }` of a credential key. */
  token(key: string): string
  /** String holding the lock owner's random token. */
  lock(key: string): string
  /** Sorted set of the slots of a shared quota (`takeQuotaSlot`). */
  quota(scope: string): string
  /** Pub/sub channel of `TokenChange` and lock-release messages about `key`: one per key in a cluster (sharded), else one for all. */
  channel(key: string): string
}

/** FNV-1a, 32 bits, base 36: a short digest that is the same in every process. */
function digest(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(36)
}

/** `{key}`, or `{#digest}key` when the key has a brace of its own (which would end or split the tag). */
const tagged = (key: string): string => (/[{}]/.test(key) ? `{#${digest(key)}}${key}` : `{${key}}`)

export function redisNames(prefix: string, sharded: boolean): RedisNames {
  return {
    token: (key) => `${prefix}token:${tagged(key)}`,
    lock: (key) => `${prefix}lock:${tagged(key)}`,
    quota: (scope) => `${prefix}quota:${tagged(scope)}`,
    channel: (key) => (sharded ? `${prefix}events:${tagged(key)}` : `${prefix}events`),
  }
}

/** What goes over a channel: `{"type","key"}`, plus `issuedAt` (epoch ms) for a `set` when known. */
export type ChannelMessageType = 'set' | 'delete' | 'unlock'

export const channelMessage = (type: ChannelMessageType, key: string, issuedAt?: number): string => JSON.stringify({ type, key, issuedAt })
