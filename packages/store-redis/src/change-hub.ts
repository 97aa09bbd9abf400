import type { Redis } from 'ioredis'
import { whenReady } from './connection'
import { toStoreError } from './errors'
import { parseMessage } from './keys'
import type { TokenChange } from './types'

/**
 * The store's pub/sub side: one subscriber connection (opened on first use) on the store's channel, dispatching
 * token changes to `onChange` listeners and lock releases to processes waiting for a lock.
 */
export class ChangeHub {
  readonly #main: Redis
  readonly #channel: string
  readonly #location: string
  readonly #connectTimeoutMs: number
  #subscriber: Redis | undefined
  #subscribing: Promise<void> | undefined
  #closed = false
  readonly #listeners = new Map<string, Set<(change: TokenChange) => void>>()
  readonly #waiters = new Map<string, Set<() => void>>()

  constructor(main: Redis, channel: string, location: string, connectTimeoutMs: number) {
    this.#connectTimeoutMs = connectTimeoutMs
    this.#main = main
    this.#channel = channel
    this.#location = location
  }

  /** Opens the subscriber connection once; resolves when subscribed. A failure is retried on the next call. */
  subscribe(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    if (!this.#subscribing) {
      const subscriber = this.#main.duplicate()
      // Connection errors surface through the commands that fail; the subscriber reconnects and resubscribes itself.
      subscriber.on('error', () => {})
      subscriber.on('message', (channel: string, text: string) => {
        if (channel === this.#channel) this.#dispatch(text)
      })
      this.#subscriber = subscriber
      this.#subscribing = whenReady(subscriber, this.#connectTimeoutMs)
        .then(() => subscriber.subscribe(this.#channel))
        .then(
          () => undefined,
          (error: unknown) => {
            this.#subscribing = undefined
            this.#subscriber = undefined
            subscriber.disconnect()
            throw toStoreError(error, 'subscribe to token changes', this.#location)
          },
        )
    }
    return this.#subscribing
  }

  /** Adds a change listener for `key`. */
  listen(key: string, listener: (change: TokenChange) => void): () => void {
    let set = this.#listeners.get(key)
    if (!set) this.#listeners.set(key, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.#listeners.get(key) === set) this.#listeners.delete(key)
    }
  }

  /** Resolves when `key`'s lock is released (or its token changes), or after `timeoutMs`, whichever comes first. */
  waitForRelease(key: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(key)
      if (!set) this.#waiters.set(key, (set = new Set()))
      const done = () => {
        clearTimeout(timer)
        set.delete(done)
        if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key)
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, timeoutMs))
      set.add(done)
    })
  }

  async close(): Promise<void> {
    this.#closed = true
    const subscriber = this.#subscriber
    this.#subscriber = undefined
    this.#subscribing = undefined
    for (const set of this.#waiters.values()) for (const wake of [...set]) wake()
    if (!subscriber) return
    try {
      await subscriber.quit()
    } catch {
      subscriber.disconnect()
    }
  }

  #dispatch(text: string): void {
    const message = parseMessage(text)
    if (!message) return
    for (const wake of [...(this.#waiters.get(message.key) ?? [])]) wake()
    if (message.type === 'unlock') return
    const change: TokenChange =
      message.type === 'set' && typeof message.issuedAt === 'number'
        ? { key: message.key, type: 'set', issuedAt: message.issuedAt }
        : { key: message.key, type: message.type }
    for (const listener of [...(this.#listeners.get(message.key) ?? [])]) {
      try {
        listener(change)
      } catch {
        // a throwing listener must not break the others
      }
    }
  }
}
