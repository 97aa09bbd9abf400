import { createKeyedMutex, type KeyedMutex } from './keyed-mutex'
import type { TokenSet, TokenStore, TokenStoreChange } from './types'

/** A `TokenStore` in memory: the default store, shared by every strategy you pass it to in one process. */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, TokenSet>()
  #lock: KeyedMutex | undefined
  #listeners: Map<string, Set<(change: TokenStoreChange) => void>> | undefined

  async get(key: string): Promise<TokenSet | undefined> {
    const tokens = this.#entries.get(key)
    return tokens ? structuredClone(tokens) : undefined
  }

  async set(key: string, tokens: TokenSet): Promise<void> {
    this.#entries.set(key, structuredClone(tokens))
    this.#notify(key, { type: 'set' })
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key)
    this.#notify(key, { type: 'delete' })
  }

  /** Every strategy sharing this store learns of a write at once. */
  onChange(key: string, listener: (change: TokenStoreChange) => void): () => void {
    const listeners = (this.#listeners ??= new Map())
    let set = listeners.get(key)
    if (!set) listeners.set(key, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) listeners.delete(key)
    }
  }

  #notify(key: string, change: TokenStoreChange): void {
    for (const listener of this.#listeners?.get(key) ?? []) {
      try {
        listener(change)
      } catch {
        // a listener must not break the write
      }
    }
  }

  /** In-process mutual exclusion per key (callers queue in order). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    this.#lock ??= createKeyedMutex()
    return this.#lock(key, fn)
  }

  /** Hides stored tokens from `util.inspect` and `JSON.stringify`. */
  toJSON(): { type: string; keys: number } {
    return { type: 'MemoryTokenStore', keys: this.#entries.size }
  }
}
