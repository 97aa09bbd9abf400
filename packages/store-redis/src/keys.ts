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

/** What goes over the channel. */
export type ChannelMessage = { type: 'set'; key: string; issuedAt?: number } | { type: 'delete'; key: string } | { type: 'unlock'; key: string }

export function parseMessage(text: string): ChannelMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<ChannelMessage>
    if (typeof value?.key !== 'string') return undefined
    if (value.type === 'set' || value.type === 'delete' || value.type === 'unlock') return value as ChannelMessage
  } catch {
    // not ours
  }
  return undefined
}
