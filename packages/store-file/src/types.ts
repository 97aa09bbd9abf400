import type { StoreError, TokenSet, TokenStore } from '@authmux/core'

/** Options of `createFileTokenStore`. */
export interface FileTokenStoreOptions {
  /**
   * Directory holding the key file and the token files; created with mode 0700.
   * Default: `AUTHMUX_STORE_DIR`, else `~/.authmux`.
   */
  dir?: string
  /**
   * The 32-byte AES-256 store key, as raw bytes or a base64 / base64url / 64-hex-digit string.
   * Default: `AUTHMUX_STORE_KEY`, else the key file (created with 32 random bytes on first use).
   */
  key?: string | Uint8Array
  /** Path of the key file used when no `key` is given (relative paths are resolved against `dir`). Default `<dir>/key`. Created with mode 0600. */
  keyFile?: string
  /** Longest wait, in ms, for a cross-process lock before `StoreError` `STORE_LOCK_TIMEOUT`. Default 30000. */
  lockTimeoutMs?: number
  /**
   * A lock whose file has not been refreshed for this many ms is considered abandoned and taken over. Holders
   * refresh it every `lockStaleMs / 3`. A lock held by a dead process on this host is taken over at once. Default 10000.
   */
  lockStaleMs?: number
  /** Receives every `StoreError` the store recovers from (corrupt, tampered, wrong key …). Same as `on('error')`. */
  onError?: (error: StoreError) => void
  /** Environment to read `AUTHMUX_STORE_DIR` / `AUTHMUX_STORE_KEY` from. Default `process.env`. */
  env?: Record<string, string | undefined>
}

/** An encrypted, cross-process `TokenStore` on the local disk. */
export interface FileTokenStore extends TokenStore {
  /** Absolute path of the store directory. */
  readonly dir: string
  /** The stored token set, or `undefined` when absent or unreadable (the error is reported, a fresh login follows). */
  get(key: string): Promise<TokenSet | undefined>
  /** Stores `tokens` atomically, unless the stored set is newer (`meta.issuedAt`, epoch ms): then it is kept. */
  set(key: string, tokens: TokenSet): Promise<void>
  delete(key: string): Promise<void>
  /** True when `get(key)` would return a token set. */
  has(key: string): Promise<boolean>
  /** Deletes every token file of this store (the key file stays). */
  clear(): Promise<void>
  /** Runs `fn` while holding a lock on `key` that excludes every other process using this directory. Not re-entrant. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>
  /** Subscribes to recovered errors. Returns an unsubscribe function. */
  on(event: 'error', listener: (error: StoreError) => void): () => void
}
