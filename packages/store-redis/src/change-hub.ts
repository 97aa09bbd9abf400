import type { Redis } from 'ioredis'
import { whenReady } from './connection'
import { toStoreError } from './errors'
import type { TokenChange } from './types'

/** The store's pub/sub side (see `createChangeHub`). */
export interface ChangeHub {
  /** Opens the subscriber connection once; resolves when subscribed. A failure is retried on the next call. */
  subscribe(): Promise<void>
  /** Adds a change listener for `key`; returns its remover. */
  listen(key: string, listener: (change: TokenChange) => void): () => void
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
  }
}

/**
 * The store's pub/sub side: one subscriber connection (opened on first use) on the store's channel, dispatching
 * token changes to `onChange` listeners and lock releases to processes waiting for a lock.
 */
export function createChangeHub(main: Redis, channel: string, location: string, connectTimeoutMs: number): ChangeHub {
  let subscriber: Redis | undefined
  let subscribing: Promise<void> | undefined
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

  return {
    subscribe() {
      if (closed) return Promise.resolve()
      if (!subscribing) {
        const connection = main.duplicate()
        // Connection errors surface through the commands that fail; the subscriber reconnects and resubscribes itself.
        connection.on('error', () => {})
        connection.on('message', (from: string, text: string) => {
          if (from === channel) dispatch(text)
        })
        subscriber = connection
        subscribing = whenReady(connection, connectTimeoutMs)
          .then(() => connection.subscribe(channel))
          .then(
            () => {},
            (error: unknown) => {
              subscribing = subscriber = undefined
              connection.disconnect()
              throw toStoreError(error, 'subscribe to token changes', location)
            },
          )
      }
      return subscribing
    },

    listen: (key, listener) => listeners.add(key, listener),

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
      subscribing = subscriber = undefined
      for (const wake of waiters.list()) wake()
      await connection?.quit().catch(() => connection.disconnect())
    },
  }
}
