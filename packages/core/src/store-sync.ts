import type { SessionContext } from './session-context'
import { defaultStoreKey } from './store-key'
import type { TokenSet, TokenStore, TokenStoreChange } from './types'

/**
 * A session's side of its `TokenStore`: the credential key, reads and writes that never break auth (a store hiccup is
 * reported and memory keeps serving), the cross-process lock, and the change subscription.
 */
export class StoreSync {
  #key: string | undefined
  #unsubscribe: (() => void) | undefined

  constructor(
    readonly store: TokenStore,
    private readonly context: SessionContext,
  ) {}

  /** The credential key (resolved once): `storeKey`, else the flow's default (see `defaultStoreKey`). */
  async key(): Promise<string> {
    const { options, flow } = this.context
    this.#key ??= options.storeKey ?? (await defaultStoreKey(flow, options.initialTokens))
    return this.#key
  }

  /** The key when already resolved. */
  get knownKey(): string | undefined {
    return this.#key
  }

  /**
   * The stored token set, or undefined when there is none or the store failed (reported). Its tokens are registered
   * for redaction at once: another process may have written them, and a renewal may send them before they are adopted.
   */
  async get(key: string): Promise<TokenSet | undefined> {
    try {
      const tokens = await this.store.get(key)
      if (tokens) {
        this.context.redactor.add(tokens.accessToken)
        this.context.redactor.add(tokens.refreshToken)
      }
      return tokens
    } catch (error) {
      this.context.reporter.error(error, 'store')
      return undefined
    }
  }

  /** Writes a token set; a failure is reported and memory keeps serving (never a reason to log out). */
  async save(key: string, tokens: TokenSet): Promise<void> {
    try {
      await this.store.set(key, tokens)
    } catch (error) {
      this.context.reporter.error(error, 'store')
    }
  }

  /** Deletes the stored token set; a failure is reported. */
  async remove(key: string): Promise<void> {
    try {
      await this.store.delete(key)
    } catch (error) {
      this.context.reporter.error(error, 'store')
    }
  }

  /**
   * Runs `fn` under the store's cross-process lock when it has one. When the lock itself cannot be had (timeout, store
   * down) `fn` still runs, unlocked, and the failure is reported: a stuck lock must not sign a bot out.
   */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const store = this.store
    if (!store.withLock) return fn()
    let entered = false
    try {
      return await store.withLock(key, () => {
        entered = true
        return fn()
      })
    } catch (error) {
      if (entered) throw error
      this.context.reporter.error(error, 'store')
      return fn()
    }
  }

  /** Follows writes to `key` by others (`store.onChange`), once; a no-op for stores that can't tell. */
  subscribe(key: string, listener: (change: TokenStoreChange) => void): void {
    if (!this.store.onChange || this.#unsubscribe) return
    try {
      this.#unsubscribe = this.store.onChange(key, listener)
    } catch (error) {
      this.context.reporter.error(error, 'store')
    }
  }

  unsubscribe(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }
}
