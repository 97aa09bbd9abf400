import { duplicateOf, type RedisClient, whenReady } from './connection'
import { StoreError } from './deps'
import { toStoreError } from './errors'
import type { RedisNames } from './keys'
import type { TokenChange } from './types'

/** The store's pub/sub side (see `createChangeHub`). */
export interface ChangeHub {
  /**
   * Opens the subscriber connection once and, in a cluster, subscribes to `key`'s channel (no key: to the channels of
   * every key listened to or waited for). Resolves when subscribed. A failure is retried on the next call.
   */
  subscribe(key?: string): Promise<void>
  /** Adds a change listener for `key`; returns its remover. */
  listen(key: string, listener: (change: TokenChange) => void): () => void
  /** Whether messages about `key` are being received (its channel's subscription is confirmed). */
  listening(key: string): boolean
  /** Resolves when `key`'s lock is released (or its token changes), or after `timeoutMs`, whichever comes first. */
  waitForRelease(key: string, timeoutMs: number): Promise<void>
  /** Closes the subscriber connection and wakes every waiter. */
  close(): Promise<void>
}

/** Sets of callbacks per credential key; a set is dropped with its last member. */
function callbacksByKey<T>() {
  const map = new Map<string, Set<T>>()
  return {
    /** Adds `item` under `key`; returns its remover. */
    add(key: string, item: T): () => void {
      let set = map.get(key)
      if (!set) map.set(key, (set = new Set()))
      set.add(item)
      return () => {
        set.delete(item)
        if (set.size === 0 && map.get(key) === set) map.delete(key)
      }
    },
    /** A snapshot of `key`'s members (of every key without one), safe to iterate while members remove themselves. */
    list: (key?: string): T[] => (key === undefined ? [...map.values()].flatMap((set) => [...set]) : [...(map.get(key) ?? [])]),
    keys: () => map.keys(),
  }
}

/** Where the hub listens and how it reports. */
export interface HubOptions {
  names: RedisNames
  /** Sharded pub/sub (SSUBSCRIBE, one channel per key, Redis ≥ 7 cluster) instead of one channel for all keys. */
  sharded: boolean
  location: string
  connectTimeoutMs: number
  /** Sees every message received, before listeners. */
  tap(key: string, type: 'set' | 'delete' | 'unlock'): void
}

/**
 * The store's pub/sub side: one subscriber connection (opened on first use; in a cluster, ioredis keeps one sharded
 * subscriber per master and moves subscriptions across failovers), dispatching token changes to `onChange` listeners
 * and lock releases to processes waiting for a lock.
 */
export function createChangeHub(main: RedisClient, { names, sharded, location, connectTimeoutMs, tap }: HubOptions): ChangeHub {
  let subscriber: RedisClient | undefined
  let connecting: Promise<void> | undefined
  /** Channel → its subscription (one entry, the shared channel, outside a cluster). */
  const channels = new Map<string, Promise<void>>()
  const confirmed = new Set<string>()
  let closed = false
  const listeners = callbacksByKey<(change: TokenChange) => void>()
  const waiters = callbacksByKey<() => void>()

  function dispatch(text: string): void {
    let message: { type?: unknown; key?: unknown; issuedAt?: unknown } | undefined
    try {
      message = JSON.parse(text)
    } catch {
      return // not ours
    }
    const { type, key, issuedAt } = message ?? {}
    if (typeof key !== 'string' || (type !== 'set' && type !== 'delete' && type !== 'unlock')) return
    tap(key, type)
    for (const wake of waiters.list(key)) wake()
    if (type === 'unlock') return
    const change: TokenChange = type === 'set' && typeof issuedAt === 'number' ? { key, type, issuedAt } : { key, type }
    for (const listener of listeners.list(key)) {
      try {
        listener(change)
      } catch {
        // a throwing listener must not break the others
      }
    }
  }

  const fail = (error: unknown) => toStoreError(error, 'subscribe to token changes', location)

  /** Opens the subscriber connection once (it reconnects, and resubscribes, by itself). */
  function connect(): Promise<void> {
    if (!connecting) {
      const connection = duplicateOf(main)
      // Connection errors surface through the subscriptions that fail.
      connection.on('error', () => {})
      connection.on(sharded ? 'smessage' : 'message', (from: string, text: string) => {
        if (channels.has(from)) dispatch(text)
      })
      subscriber = connection
      connecting = whenReady(connection, connectTimeoutMs)
    }
    return connecting
  }

  /** Subscribes to `key`'s channel once (the shared channel outside a cluster); a failure is retried next time. */
  function channelOf(key: string): Promise<void> {
    const channel = names.channel(key)
    let subscription = channels.get(channel)
    if (!subscription) {
      subscription = connect()
        .then(() => (sharded ? subscriber?.ssubscribe(channel) : subscriber?.subscribe(channel)))
        .then(
          () => void confirmed.add(channel),
          (error: unknown) => {
            channels.delete(channel)
            throw error instanceof StoreError ? error : fail(error)
          },
        )
      channels.set(channel, subscription)
    }
    return subscription
  }

  return {
    async subscribe(key) {
      if (closed) return
      if (!sharded || key !== undefined) return channelOf(key ?? '')
      await connect()
      await Promise.all([...new Set([...listeners.keys(), ...waiters.keys()])].map(channelOf))
    },

    listen: (key, listener) => listeners.add(key, listener),

    listening: (key) => confirmed.has(names.channel(key)),

    waitForRelease(key, timeoutMs) {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer)
          remove()
          resolve()
        }
        const timer = setTimeout(done, Math.max(0, timeoutMs))
        const remove = waiters.add(key, done)
      })
    },

    async close() {
      closed = true
      const connection = subscriber
      connecting = subscriber = undefined
      channels.clear()
      confirmed.clear()
      for (const wake of waiters.list()) wake()
      await connection?.quit().catch(() => connection.disconnect())
    },
  }
}
