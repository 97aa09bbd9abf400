/** Redis names used by one store. Credential keys are not secret (e.g. `axiom:me@example.com`) and appear as is. */
export interface RedisNames {
  /** Hash `{ v: sealed envelope, iat: issuedAt }` of a credential key. */
  token(key: string): string
  /** String holding the lock owner's random token. */
  lock(key: string): string
  /** Pub/sub channel of `TokenChange` and lock-release messages. */
  readonly channel: string
}

export function redisNames(prefix: string): RedisNames {
  return {
    token: (key) => `${prefix}token:${key}`,
    lock: (key) => `${prefix}lock:${key}`,
    channel: `${prefix}events`,
  }
}

/** What goes over the channel: `{"type","key"}`, plus `issuedAt` (epoch ms) for a `set` when known. */
export type ChannelMessageType = 'set' | 'delete' | 'unlock'

export const channelMessage = (type: ChannelMessageType, key: string, issuedAt?: number): string => JSON.stringify({ type, key, issuedAt })
