import { readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { openTokenSet, sealTokenSet, StoreError, type TokenSet } from '@authmux/core'
import { fsyncDir, writeFileAtomic } from './atomic-write'
import { errnoOf, withFileLock } from './file-lock'
import { KeyedMutex } from './keyed-mutex'
import { associatedDataFor, LOCK_SUFFIX, TOKEN_SUFFIX, WRITE_LOCK_SUFFIX } from './names'
import { openStore, type BrokenStore, type OpenStore } from './open-store'
import { PACKAGE_NAME, resolveOptions } from './options'
import type { FileTokenStore, FileTokenStoreOptions } from './types'

function describe(code: StoreError['code'], path: string): string {
  switch (code) {
    case 'STORE_DECRYPT':
      return `${PACKAGE_NAME}: token file ${path} failed authentication (tampered, truncated, or copied from another credential) — it is ignored and a fresh login follows.`
    case 'STORE_CORRUPT':
      return `${PACKAGE_NAME}: token file ${path} is corrupt or truncated — it is ignored and a fresh login follows.`
    default:
      return `${PACKAGE_NAME}: token file ${path} could not be read (${code}) — it is ignored and a fresh login follows.`
  }
}

/** Older than what is stored? Compares `meta.issuedAt` (epoch ms) when both sets carry one. */
function isOlder(candidate: TokenSet, stored: TokenSet): boolean {
  const a = candidate.meta?.issuedAt
  const b = stored.meta?.issuedAt
  return typeof a === 'number' && typeof b === 'number' && a < b
}

/**
 * Creates an encrypted token store on the local disk. Node only.
 *
 * One file per credential key (`<hmac>.token`, mode 0600) in `dir` (mode 0700), sealed with AES-256-GCM and bound to
 * its credential key; written atomically; a cross-process `withLock`. Unreadable data never throws from `get`: it is
 * reported through `onError` / `on('error')` and treated as empty, so the engine logs in afresh.
 *
 * @throws ConfigError when `key` / `AUTHMUX_STORE_KEY` is not a valid 32-byte key, or an option is invalid.
 */
export function createFileTokenStore(options: FileTokenStoreOptions = {}): FileTokenStore {
  const resolved = resolveOptions(options)
  const listeners = new Set<(error: StoreError) => void>()
  if (options.onError) listeners.add(options.onError)
  const report = (error: StoreError) => {
    for (const listener of listeners) {
      try {
        listener(error)
      } catch {
        // a throwing listener must not break the store
      }
    }
  }
  const lockOptions = { timeoutMs: resolved.lockTimeoutMs, staleMs: resolved.lockStaleMs }
  const localLocks = new KeyedMutex()
  let opening: Promise<OpenStore | BrokenStore> | undefined
  const ready = () =>
    (opening ??= openStore(resolved, report).then((state) => {
      if (!state.ok) report(state.error)
      return state
    }))
  const tokenPath = (store: OpenStore, key: string) => join(resolved.dir, store.names.fileBase(key) + TOKEN_SUFFIX)

  /** Reads and opens a token file. `quiet` skips reporting (used when the file is about to be replaced). */
  async function read(store: OpenStore, key: string, quiet = false): Promise<TokenSet | undefined> {
    const path = tokenPath(store, key)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined
      if (!quiet)
        report(
          new StoreError(`${PACKAGE_NAME}: cannot read token file ${path} (${errnoOf(error)}) — a fresh login follows.`, {
            code: 'STORE_IO',
            location: path,
            cause: error,
          }),
        )
      return undefined
    }
    try {
      return await openTokenSet(store.cryptoKey, text, associatedDataFor(key))
    } catch (error) {
      if (!quiet) {
        const code = error instanceof StoreError ? error.code : 'STORE_CORRUPT'
        report(new StoreError(describe(code, path), { code, location: path, cause: error }))
      }
      return undefined
    }
  }

  /** Runs `fn` under the short per-key write lock (separate from `withLock`, so `set` inside `withLock` is fine). */
  async function underWriteLock<T>(store: OpenStore, key: string, fn: () => Promise<T>): Promise<T> {
    const path = join(resolved.dir, store.names.fileBase(key) + WRITE_LOCK_SUFFIX)
    return localLocks.run(path, () => withFileLock(path, lockOptions, fn))
  }

  async function openOrThrow(): Promise<OpenStore> {
    const state = await ready()
    if (!state.ok) throw state.error
    return state
  }

  const store: FileTokenStore = {
    dir: resolved.dir,

    async get(key) {
      const state = await ready()
      return state.ok ? read(state, key) : undefined
    },

    async set(key, tokens) {
      const state = await openOrThrow()
      const sealed = await sealTokenSet(state.cryptoKey, tokens, associatedDataFor(key))
      await underWriteLock(state, key, async () => {
        const stored = await read(state, key, true)
        if (stored !== undefined && isOlder(tokens, stored)) return
        await writeFileAtomic(tokenPath(state, key), `${sealed}\n`, 0o600)
      })
    },

    async delete(key) {
      const state = await openOrThrow()
      await underWriteLock(state, key, async () => {
        try {
          await unlink(tokenPath(state, key))
          await fsyncDir(resolved.dir)
        } catch (error) {
          if (errnoOf(error) !== 'ENOENT') throw error
        }
      })
    },

    async has(key) {
      return (await store.get(key)) !== undefined
    },

    async clear() {
      await openOrThrow()
      const names = await readdir(resolved.dir)
      await Promise.all(names.filter((name) => name.endsWith(TOKEN_SUFFIX)).map((name) => unlink(join(resolved.dir, name)).catch(() => {})))
      await fsyncDir(resolved.dir)
    },

    async withLock(key, fn) {
      const state = await ready()
      // Without a usable key there is nothing shared to protect on disk: exclude within this process only.
      if (!state.ok) return localLocks.run(`broken:${key}`, fn)
      const path = join(resolved.dir, state.names.fileBase(key) + LOCK_SUFFIX)
      return localLocks.run(path, () => withFileLock(path, lockOptions, fn))
    },

    on(event, listener) {
      if (event !== 'error') throw new TypeError(`${PACKAGE_NAME}: unknown event ${String(event)} — only 'error' is emitted.`)
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
  return store
}
